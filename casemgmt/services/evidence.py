"""Recording the evidence that gates read: one function per kind of record."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casemgmt import access, rules
from casemgmt.models import (
    Agency,
    AuditAction,
    Case,
    Consent,
    Eligibility,
    LegalAuthority,
    MultiAgencyReview,
    Position,
    Renunciation,
    ReviewAction,
    ReviewAttendee,
    ReviewPosition,
    Stage,
    Undertaking,
    User,
)
from casemgmt.services import audit
from casemgmt.services.case_records import create_case_record as _create
from casemgmt.services.guardians import guardian_errors


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


def _review_errors(case, recommended_stage, positions, attendees, actions) -> dict:
    """What is wrong with a review's stage, positions, attendees and actions, by field."""
    errors = {}
    if recommended_stage is not None and recommended_stage.programme_id != case.programme_id:
        errors["recommended_stage"] = _("This stage belongs to another programme.")
    if not positions:
        errors["positions"] = _("Record at least one agency present and its position.")
    seen = set()
    for agency, position, dissent in positions:
        if agency.pk in seen:
            errors["positions"] = _("%s is listed twice.") % agency.name
        seen.add(agency.pk)
        if position not in Position.values:
            errors["positions"] = _("Unknown position “%s”.") % position
        elif position == Position.DISAGREE and not dissent.strip():
            errors["positions"] = (
                _("%s disagrees: record the reason for its dissent.") % agency.name
            )
    for description, owner, due_on in actions:
        if not description.strip() or owner is None or due_on is None:
            errors["actions"] = _("Each action needs a description, an owner and a due date.")
    for name, agency in attendees:
        if not name.strip() or agency is None:
            errors["attendees"] = _("Each attendee needs a name and an agency.")
    return errors


def _save_review_parts(review, positions, attendees, actions) -> None:
    ReviewPosition.objects.bulk_create(
        ReviewPosition(review=review, agency=agency, position=position, dissent=dissent.strip())
        for agency, position, dissent in positions
    )
    ReviewAttendee.objects.bulk_create(
        ReviewAttendee(review=review, name=name.strip(), agency=agency)
        for name, agency in attendees
    )
    ReviewAction.objects.bulk_create(
        ReviewAction(review=review, description=d.strip(), owner=owner, due_on=due)
        for d, owner, due in actions
    )


@transaction.atomic
def review_record(
    *,
    case: Case,
    by: User,
    kind: str,
    held_on: datetime.date,
    decision: str,
    positions: list[tuple[Agency, str, str]],
    minutes: str = "",
    recommended_stage: Stage | None = None,
    agenda: str = "",
    attendees: list[tuple[str, Agency]] = (),
    actions: list[tuple[str, User, datetime.date]] = (),
) -> MultiAgencyReview:
    """Record a multi-agency review with each present agency's position.

    ``positions`` is a list of (agency, position, dissent); a disagreement
    must give its reason, and the dissent is kept. ``attendees`` are
    (name, agency) and ``actions`` (description, owner, due date).
    """
    access.ensure_can_write_case(by, case)
    errors = _review_errors(case, recommended_stage, positions, attendees, actions)
    review = MultiAgencyReview(
        case=case,
        recorded_by=by,
        kind=kind,
        held_on=held_on,
        agenda=agenda.strip(),
        decision=decision.strip(),
        minutes=minutes.strip(),
        recommended_stage=recommended_stage,
    )
    try:
        review.full_clean()
    except ValidationError as exc:
        errors = {**exc.message_dict, **errors}
    if errors:
        raise ValidationError(errors)
    review.save()
    _save_review_parts(review, positions, attendees, actions)
    audit.record(
        actor=by,
        action=AuditAction.EVIDENCE_REVIEW_RECORDED,
        target=review,
        case=case,
        changes=audit.created(review, ["kind", "held_on", "decision", "recommended_stage"]),
        metadata={
            "positions": [
                {"agency": a.pk, "position": p, "dissent": d.strip()} for a, p, d in positions
            ],
            "attendees": [{"name": n, "agency": a.pk} for n, a in attendees],
            "actions": [
                {"description": d, "owner": o.pk, "due_on": due.isoformat()}
                for d, o, due in actions
            ],
        },
    )
    return review


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
