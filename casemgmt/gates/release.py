"""Gates before release: the release decision, the receiving agency, undertaking and plan."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casemgmt.gates.registry import GateContext, gate
from casemgmt.gates.text import local_date
from casemgmt.models import (
    LegalAuthorityKind,
    TeamRole,
)


@gate(
    "release_decision_recorded",
    gettext_lazy("Release authority's decision recorded"),
    reads="legal_authority",
)
def release_decision_recorded(ctx: GateContext, params: dict):
    orders = [
        a for a in ctx.case.legal_authorities.all() if a.kind == LegalAuthorityKind.RELEASE_ORDER
    ]
    if not orders:
        return False, _("The release authority's decision (release order) is not yet recorded.")
    return True, _("Release order %(ref)s by %(body)s.") % {
        "ref": orders[0].reference,
        "body": orders[0].issuing_body,
    }


@gate(
    "receiving_agency_accepted",
    gettext_lazy("Receiving agency accepted the case"),
    reads="team_member",
)
def receiving_agency_accepted(ctx: GateContext, params: dict):
    monitoring = [
        m for m in ctx.case.team.all() if m.role == TeamRole.MONITORING and m.left_on is None
    ]
    if not monitoring:
        return False, _("No receiving (monitoring) agency on the case team.")
    accepted = [m for m in monitoring if m.accepted_at]
    if not accepted:
        return False, _("%s has not yet accepted the case.") % monitoring[0].agency.name
    return True, _("%(agency)s accepted the case on %(date)s.") % {
        "agency": accepted[0].agency.name,
        "date": local_date(accepted[0].accepted_at),
    }


@gate(
    "undertaking_recorded",
    gettext_lazy("Guarantor's or elders' undertaking recorded"),
    reads="undertaking",
)
def undertaking_recorded(ctx: GateContext, params: dict):
    if not ctx.case.programme.uses_undertaking:
        return True, _("This programme does not use undertakings.")
    undertakings = list(ctx.case.undertakings.all())
    if not undertakings:
        return False, _("No guarantor's or elders' undertaking recorded.")
    u = undertakings[0]
    return True, _("%(kind)s undertaking by %(name)s signed on %(date)s.") % {
        "kind": u.get_kind_display(),
        "name": u.guarantor_name,
        "date": local_date(u.signed_on),
    }


@gate("monitoring_plan_exists", gettext_lazy("Monitoring plan exists"), reads="monitoring_plan")
def monitoring_plan_exists(ctx: GateContext, params: dict):
    plans = list(ctx.case.monitoring_plans.all())
    if not plans:
        return False, _("No monitoring plan recorded.")
    return True, _("Monitoring plan from %(date)s (%(freq)s contact).") % {
        "date": local_date(plans[0].starts_on),
        "freq": plans[0].get_contact_frequency_display().lower(),
    }
