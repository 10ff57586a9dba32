"""Gates on identity, legal status, eligibility, consent and juveniles."""

from django.utils.translation import gettext_lazy, gettext_noop

from casemgmt.gates.reasons import DATE, TEXT, either, label, message, text_or
from casemgmt.gates.registry import GateContext, Param, gate
from casemgmt.info_classes import InfoClass as C
from casemgmt.models import (
    EligibilityDecision,
    LegalAuthorityKind,
)

IDENTITY_VERIFIED = message(
    "identity.verified", gettext_noop("Identity verified on %s."), date=DATE
)
IDENTITY_NOT_VERIFIED = message("identity.not_verified", gettext_noop("Identity not yet verified."))


@gate("identity_verified", gettext_lazy("Identity verified"), info_class=C.IDENTITY)
def identity_verified(ctx: GateContext, params: dict):
    person = ctx.case.person
    if person.identity_verified_at:
        return True, IDENTITY_VERIFIED(date=person.identity_verified_at)
    return False, IDENTITY_NOT_VERIFIED()


AUTHORITY_RECORDED = message(
    "legal_authority.recorded",
    gettext_noop("%(kind)s %(ref)s issued by %(body)s on %(date)s."),
    kind=label(LegalAuthorityKind),
    ref=TEXT,
    body=TEXT,
    date=DATE,
)
NO_AUTHORITY = message(
    "legal_authority.missing",
    gettext_noop("No legal authority of the kind %s recorded."),
    kinds=either(LegalAuthorityKind),
)


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
        return True, AUTHORITY_RECORDED(
            kind=latest.kind, ref=latest.reference, body=latest.issuing_body, date=latest.issued_on
        )
    return False, NO_AUTHORITY(kinds=kinds)


def _current_eligibility(case):
    decisions = list(case.eligibility_decisions.all())
    return decisions[0] if decisions else None


NOT_DECIDED = message(
    "eligibility.not_decided",
    gettext_noop("Eligibility under %s not yet decided."),
    rule=text_or(gettext_noop("the programme's rule")),
)
REVOKED = message(
    "eligibility.revoked",
    gettext_noop("Eligibility was revoked on %(date)s: %(why)s"),
    date=DATE,
    why=TEXT,
)
NOT_ELIGIBLE = message(
    "eligibility.not_eligible", gettext_noop("Decided not eligible under %s."), rule=TEXT
)
ELIGIBLE = message(
    "eligibility.eligible",
    gettext_noop("Eligible under %(rule)s (decided %(date)s)."),
    rule=TEXT,
    date=DATE,
)
NO_FORWARD_MOVE = message(
    "eligibility.negative",
    gettext_noop("The person was decided not eligible; no forward move is possible."),
)
NOT_REVOKED = message(
    "eligibility.not_revoked", gettext_noop("No revoked or negative eligibility decision.")
)


@gate(
    "eligible", gettext_lazy("Eligible under the programme's exclusion rule"), reads="eligibility"
)
def eligible(ctx: GateContext, params: dict):
    current = _current_eligibility(ctx.case)
    if current is None:
        return False, NOT_DECIDED(rule=ctx.case.programme.exclusion_rule or "")
    if current.is_revoked:
        return False, REVOKED(date=current.revoked_at, why=current.revocation_reason)
    if current.decision != EligibilityDecision.ELIGIBLE:
        return False, NOT_ELIGIBLE(rule=current.rule_applied)
    return True, ELIGIBLE(rule=current.rule_applied, date=current.decided_on)


@gate("eligibility_not_revoked", gettext_lazy("Eligibility not revoked"), reads="eligibility")
def eligibility_not_revoked(ctx: GateContext, params: dict):
    current = _current_eligibility(ctx.case)
    if current is not None and current.is_revoked:
        return False, REVOKED(date=current.revoked_at, why=current.revocation_reason)
    if current is not None and current.decision != EligibilityDecision.ELIGIBLE:
        return False, NO_FORWARD_MOVE()
    return True, NOT_REVOKED()


# --- consent and juveniles -------------------------------------------------

NOT_SIGNED = message(
    "consent.not_signed", gettext_noop("Participation terms and privacy notice not yet signed.")
)
NO_GUARDIAN = message(
    "consent.no_guardian", gettext_noop("The person is under 18: a guardian's consent is required.")
)
SIGNED = message(
    "consent.signed",
    gettext_noop("Terms %(terms)s and privacy notice %(notice)s signed on %(date)s."),
    terms=TEXT,
    notice=TEXT,
    date=DATE,
)


@gate(
    "consent_signed",
    gettext_lazy("Participation terms and privacy notice signed"),
    reads="consent",
)
def consent_signed(ctx: GateContext, params: dict):
    valid = [c for c in ctx.case.consents.all() if c.withdrawn_on is None]
    if not valid:
        return False, NOT_SIGNED()
    consent = valid[0]
    programme = ctx.case.programme
    # Under 18 now, or when signing: the guardian's consent, complete, is part of it.
    person = ctx.case.person
    juvenile = person.is_juvenile or person.is_juvenile_on(consent.signed_on)
    if (
        juvenile
        and programme.juvenile_requires_guardian_consent
        and not consent.has_guardian_consent
    ):
        return False, NO_GUARDIAN()
    return True, SIGNED(
        terms=consent.terms_version,
        notice=consent.privacy_notice_version,
        date=consent.signed_on,
    )


NOT_JUVENILE = message("juvenile.not_juvenile", gettext_noop("Not a juvenile."))
NOT_REQUIRED = message(
    "juvenile.not_required",
    gettext_noop("The programme does not require a juvenile-trained caseworker."),
)
UNTRAINED = message(
    "juvenile.untrained",
    gettext_noop("The person is under 18: assign a juvenile-trained caseworker."),
)
TRAINED = message("juvenile.trained", gettext_noop("Assigned caseworker is juvenile-trained."))


@gate("juvenile_safeguards", gettext_lazy("Juvenile safeguards"))
def juvenile_safeguards(ctx: GateContext, params: dict):
    case = ctx.case
    if not case.person.is_juvenile:
        return True, NOT_JUVENILE()
    if not case.programme.juvenile_requires_trained_caseworker:
        return True, NOT_REQUIRED()
    worker = case.assigned_caseworker
    if worker is None or not worker.juvenile_trained:
        return False, UNTRAINED()
    return True, TRAINED()
