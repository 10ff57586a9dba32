"""Gates on identity, legal status, eligibility, consent and juveniles."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casemgmt.gates.registry import GateContext, Param, gate
from casemgmt.gates.text import either_of, local_date
from casemgmt.info_classes import InfoClass as C
from casemgmt.models import (
    EligibilityDecision,
    LegalAuthorityKind,
)


@gate("identity_verified", gettext_lazy("Identity verified"), info_class=C.IDENTITY)
def identity_verified(ctx: GateContext, params: dict):
    person = ctx.case.person
    if person.identity_verified_at:
        return True, _("Identity verified on %s.") % local_date(person.identity_verified_at)
    return False, _("Identity not yet verified.")


@gate(
    "legal_authority_recorded",
    gettext_lazy("Legal authority recorded"),
    reads="legal_authority",
    params=(Param("kinds", "choices", required=True, choices=tuple(LegalAuthorityKind.values)),),
)
def legal_authority_recorded(ctx: GateContext, params: dict):
    kinds = params["kinds"]
    found = [a for a in ctx.case.legal_authorities.all() if a.kind in kinds]
    if found:
        latest = found[0]
        return True, _("%(kind)s %(ref)s issued by %(body)s on %(date)s.") % {
            "kind": latest.get_kind_display(),
            "ref": latest.reference,
            "body": latest.issuing_body,
            "date": local_date(latest.issued_on),
        }
    return False, _("No legal authority of the kind %s recorded.") % either_of(
        LegalAuthorityKind, kinds
    )


def _current_eligibility(case):
    decisions = list(case.eligibility_decisions.all())
    return decisions[0] if decisions else None


@gate(
    "eligible", gettext_lazy("Eligible under the programme's exclusion rule"), reads="eligibility"
)
def eligible(ctx: GateContext, params: dict):
    rule = ctx.case.programme.exclusion_rule or _("the programme's rule")
    current = _current_eligibility(ctx.case)
    if current is None:
        return False, _("Eligibility under %s not yet decided.") % rule
    if current.is_revoked:
        return False, _("Eligibility was revoked on %(date)s: %(why)s") % {
            "date": local_date(current.revoked_at),
            "why": current.revocation_reason,
        }
    if current.decision != EligibilityDecision.ELIGIBLE:
        return False, _("Decided not eligible under %s.") % current.rule_applied
    return True, _("Eligible under %(rule)s (decided %(date)s).") % {
        "rule": current.rule_applied,
        "date": local_date(current.decided_on),
    }


@gate("eligibility_not_revoked", gettext_lazy("Eligibility not revoked"), reads="eligibility")
def eligibility_not_revoked(ctx: GateContext, params: dict):
    current = _current_eligibility(ctx.case)
    if current is not None and current.is_revoked:
        return False, _("Eligibility was revoked on %(date)s: %(why)s") % {
            "date": local_date(current.revoked_at),
            "why": current.revocation_reason,
        }
    if current is not None and current.decision != EligibilityDecision.ELIGIBLE:
        return False, _("The person was decided not eligible; no forward move is possible.")
    return True, _("No revoked or negative eligibility decision.")


# --- consent and juveniles -------------------------------------------------


@gate(
    "consent_signed",
    gettext_lazy("Participation terms and privacy notice signed"),
    reads="consent",
)
def consent_signed(ctx: GateContext, params: dict):
    valid = [c for c in ctx.case.consents.all() if c.withdrawn_on is None]
    if not valid:
        return False, _("Participation terms and privacy notice not yet signed.")
    consent = valid[0]
    programme = ctx.case.programme
    if (
        ctx.case.person.is_juvenile
        and programme.juvenile_requires_guardian_consent
        and not consent.guardian_name
    ):
        return False, _("The person is under 18: a guardian's consent is required.")
    return True, _("Terms %(terms)s and privacy notice %(notice)s signed on %(date)s.") % {
        "terms": consent.terms_version,
        "notice": consent.privacy_notice_version,
        "date": local_date(consent.signed_on),
    }


@gate("juvenile_safeguards", gettext_lazy("Juvenile safeguards"))
def juvenile_safeguards(ctx: GateContext, params: dict):
    case = ctx.case
    if not case.person.is_juvenile:
        return True, _("Not a juvenile.")
    if not case.programme.juvenile_requires_trained_caseworker:
        return True, _("The programme does not require a juvenile-trained caseworker.")
    worker = case.assigned_caseworker
    if worker is None or not worker.juvenile_trained:
        return False, _("The person is under 18: assign a juvenile-trained caseworker.")
    return True, _("Assigned caseworker is juvenile-trained.")
