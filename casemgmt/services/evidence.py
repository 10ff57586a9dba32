"""Recording the evidence that gates read: one function per kind of record."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casemgmt import access, rules
from casemgmt.models import (
    AuditAction,
    Case,
    Consent,
    Eligibility,
    LegalAuthority,
    Renunciation,
    ReviewAction,
    Undertaking,
    User,
)
from casemgmt.services import audit
from casemgmt.services.case_records import create_case_record as _create
from casemgmt.services.guardians import guardian_errors
from casemgmt.services.reviews import review_record  # noqa: F401  (its callers' old home)


@transaction.atomic
def legal_authority_record(
    *,
    case: Case,
    by: User,
    kind: str,
    reference: str,
    issued_on: datetime.date,
    issuing_body: str,
    document_reference: str = "",
) -> LegalAuthority:
    """Record the legal basis (order, listing, referral) for a decision on the case."""
    return _create(
        LegalAuthority,
        by=by,
        case=case,
        action=AuditAction.EVIDENCE_LEGAL_AUTHORITY_RECORDED,
        recorded_by=by,
        kind=kind,
        reference=reference.strip(),
        issued_on=issued_on,
        issuing_body=issuing_body.strip(),
        document_reference=document_reference.strip(),
    )


@transaction.atomic
def eligibility_record(
    *,
    case: Case,
    by: User,
    decision: str,
    rationale: str,
    decided_on: datetime.date,
    rule_applied: str = "",
) -> Eligibility:
    """Decide eligibility under the programme's exclusion rule."""
    return _create(
        Eligibility,
        by=by,
        case=case,
        action=AuditAction.EVIDENCE_ELIGIBILITY_DECIDED,
        recorded_by=by,
        decided_by=by,
        decision=decision,
        rationale=rationale.strip(),
        decided_on=decided_on,
        rule_applied=(
            rule_applied or case.programme.exclusion_rule or _("Programme rules")
        ).strip(),
    )


@transaction.atomic
def eligibility_revoke(*, eligibility: Eligibility, by: User, reason: str) -> Eligibility:
    """Revoke an eligibility decision: every forward move of the case is blocked from now on."""
    access.ensure_can_write_case(by, eligibility.case)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why eligibility is revoked.")})
    eligibility = Eligibility.objects.select_for_update().get(pk=eligibility.pk)
    rules.enforce(rules.eligibility_revoke(by, eligibility))
    eligibility.revoked_at = timezone.now()
    eligibility.revoked_by = by
    eligibility.revocation_reason = reason.strip()
    eligibility.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
    audit.record(
        actor=by,
        action=AuditAction.EVIDENCE_ELIGIBILITY_REVOKED,
        target=eligibility,
        case=eligibility.case,
        changes={
            "revoked_at": [None, eligibility.revoked_at.isoformat()],
            "revocation_reason": ["", eligibility.revocation_reason],
        },
    )
    return eligibility


@transaction.atomic
def consent_record(
    *,
    case: Case,
    by: User,
    terms_version: str,
    privacy_notice_version: str,
    signed_on: datetime.date,
    witness_name: str,
    guardian_name: str = "",
    guardian_relationship: str = "",
    guardian_consented_on: datetime.date | None = None,
    guardian_consent_how: str = "",
) -> Consent:
    """Record the signed participation terms and privacy notice; a person under 18 on
    the day they sign needs their guardian's consent too."""
    guardian = {
        "guardian_name": guardian_name.strip(),
        "guardian_relationship": guardian_relationship.strip(),
        "guardian_consented_on": guardian_consented_on,
        "guardian_consent_how": guardian_consent_how,
    }
    if case.programme.juvenile_requires_guardian_consent:
        errors = guardian_errors(case.person, signed_on, **guardian)
        if errors:
            raise ValidationError(errors)
    return _create(
        Consent,
        by=by,
        case=case,
        action=AuditAction.EVIDENCE_CONSENT_RECORDED,
        recorded_by=by,
        terms_version=terms_version.strip(),
        privacy_notice_version=privacy_notice_version.strip(),
        signed_on=signed_on,
        witness_name=witness_name.strip(),
        **guardian,
    )


@transaction.atomic
def renunciation_record(
    *,
    case: Case,
    by: User,
    kind: str,
    declared_on: datetime.date,
    witness_name: str,
    document_reference: str = "",
) -> Renunciation:
    """Record a renunciation (of violence, or separately of violent ideology)."""
    return _create(
        Renunciation,
        by=by,
        case=case,
        action=AuditAction.EVIDENCE_RENUNCIATION_RECORDED,
        recorded_by=by,
        kind=kind,
        declared_on=declared_on,
        witness_name=witness_name.strip(),
        document_reference=document_reference.strip(),
    )


@transaction.atomic
def renunciation_verify(*, renunciation: Renunciation, by: User) -> Renunciation:
    """A second person verifies a recorded renunciation."""
    access.ensure_can_write_case(by, renunciation.case)
    renunciation = Renunciation.objects.select_for_update().get(pk=renunciation.pk)
    rules.enforce(rules.renunciation_verify(by, renunciation))
    renunciation.verified_by = by
    renunciation.verified_at = timezone.now()
    renunciation.save(update_fields=["verified_by", "verified_at"])
    audit.record(
        actor=by,
        action=AuditAction.EVIDENCE_RENUNCIATION_VERIFIED,
        target=renunciation,
        case=renunciation.case,
        changes={
            "verified_by": [None, by.pk],
            "verified_at": [None, renunciation.verified_at.isoformat()],
        },
    )
    return renunciation


@transaction.atomic
def undertaking_record(
    *,
    case: Case,
    by: User,
    kind: str,
    guarantor_name: str,
    terms: str,
    signed_on: datetime.date,
    document_reference: str = "",
) -> Undertaking:
    """Record a guarantor's or elders' undertaking."""
    return _create(
        Undertaking,
        by=by,
        case=case,
        action=AuditAction.EVIDENCE_UNDERTAKING_RECORDED,
        recorded_by=by,
        kind=kind,
        guarantor_name=guarantor_name.strip(),
        terms=terms.strip(),
        signed_on=signed_on,
        document_reference=document_reference.strip(),
    )


@transaction.atomic
def review_action_done(*, action: ReviewAction, by: User) -> ReviewAction:
    """The owner (or a supervisor) marks a review action done."""
    access.ensure_can_write_case(by, action.review.case)
    action = ReviewAction.objects.select_for_update().get(pk=action.pk)
    rules.enforce(rules.review_action_done(by, action))
    action.done_at = timezone.now()
    action.save(update_fields=["done_at"])
    audit.record(
        actor=by,
        action=AuditAction.REVIEW_ACTION_DONE,
        target=action,
        case=action.review.case,
        changes={"done_at": [None, action.done_at.isoformat()]},
    )
    return action


@transaction.atomic
def review_action_reassign(*, action: ReviewAction, by: User, owner: User) -> ReviewAction:
    """A supervisor gives an open review action to another member of staff of an agency
    on the case's team (the departed-work page hands on a disabled owner's actions)."""
    case = action.review.case
    access.ensure_can_write_case(by, case)
    action = ReviewAction.objects.select_for_update().get(pk=action.pk)
    rules.enforce(rules.review_action_reassign(by, action, owner))
    if not access.agency_on_team(case, owner.agency_id):
        raise ValidationError(
            {"owner": _("%s's agency is not on this case's team.") % owner.display_name}
        )
    before = action.owner_id
    action.owner = owner
    action.save(update_fields=["owner"])
    audit.record(
        actor=by,
        action=AuditAction.REVIEW_ACTION_REASSIGNED,
        target=action,
        case=case,
        changes={"owner": [before, owner.pk]},
    )
    return action
