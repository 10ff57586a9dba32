"""Gates before release: the release decision, the receiving agency, undertaking and plan."""

from django.utils.translation import gettext_lazy, gettext_noop

from casemgmt.gates.reasons import DATE, NAME, TEXT, label, message
from casemgmt.gates.registry import GateContext, gate
from casemgmt.models import (
    ContactFrequency,
    LegalAuthorityKind,
    TeamRole,
    UndertakingKind,
)
from casemgmt.models.translated import in_languages

NO_RELEASE_ORDER = message(
    "release_decision.missing",
    gettext_noop("The release authority's decision (release order) is not yet recorded."),
)
RELEASE_ORDER = message(
    "release_decision.recorded",
    gettext_noop("Release order %(ref)s by %(body)s."),
    ref=TEXT,
    body=TEXT,
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
        return False, NO_RELEASE_ORDER()
    return True, RELEASE_ORDER(ref=orders[0].reference, body=orders[0].issuing_body)


NO_RECEIVING = message(
    "receiving_agency.missing", gettext_noop("No receiving (monitoring) agency on the case team.")
)
NOT_ACCEPTED = message(
    "receiving_agency.not_accepted", gettext_noop("%s has not yet accepted the case."), agency=NAME
)
ACCEPTED = message(
    "receiving_agency.accepted",
    gettext_noop("%(agency)s accepted the case on %(date)s."),
    agency=NAME,
    date=DATE,
)


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
        return False, NO_RECEIVING()
    accepted = [m for m in monitoring if m.accepted_at]
    if not accepted:
        return False, NOT_ACCEPTED(agency=in_languages(monitoring[0].agency))
    return True, ACCEPTED(agency=in_languages(accepted[0].agency), date=accepted[0].accepted_at)


NOT_USED = message(
    "undertaking.not_used", gettext_noop("This programme does not use undertakings.")
)
NO_UNDERTAKING = message(
    "undertaking.missing", gettext_noop("No guarantor's or elders' undertaking recorded.")
)
UNDERTAKING = message(
    "undertaking.signed",
    gettext_noop("%(kind)s undertaking by %(name)s signed on %(date)s."),
    kind=label(UndertakingKind),
    name=TEXT,
    date=DATE,
)


@gate(
    "undertaking_recorded",
    gettext_lazy("Guarantor's or elders' undertaking recorded"),
    reads="undertaking",
)
def undertaking_recorded(ctx: GateContext, params: dict):
    if not ctx.case.programme.uses_undertaking:
        return True, NOT_USED()
    undertakings = list(ctx.case.undertakings.all())
    if not undertakings:
        return False, NO_UNDERTAKING()
    u = undertakings[0]
    return True, UNDERTAKING(kind=u.kind, name=u.guarantor_name, date=u.signed_on)


NO_PLAN = message("monitoring_plan.missing", gettext_noop("No monitoring plan recorded."))
PLAN = message(
    "monitoring_plan.recorded",
    gettext_noop("Monitoring plan from %(date)s (%(freq)s contact)."),
    date=DATE,
    freq=label(ContactFrequency, lower=True),
)


@gate("monitoring_plan_exists", gettext_lazy("Monitoring plan exists"), reads="monitoring_plan")
def monitoring_plan_exists(ctx: GateContext, params: dict):
    plans = list(ctx.case.monitoring_plans.all())
    if not plans:
        return False, NO_PLAN()
    return True, PLAN(date=plans[0].starts_on, freq=plans[0].contact_frequency)
