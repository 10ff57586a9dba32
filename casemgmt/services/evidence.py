"""Recording the evidence that gates read: one function per kind of record."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casemgmt import access, cadence
from casemgmt.errors import NotPermitted
from casemgmt.models import (
    Agency,
    Assessment,
    Case,
    Consent,
    Eligibility,
    Escalation,
    EscalationStatus,
    LegalAuthority,
    MonitoringPlan,
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
from casemgmt.models.monitoring import TIER_DEFAULTS
from casemgmt.roles import Role
from casemgmt.services import audit


def _create(model: type[models.Model], *, by: User, case: Case, action: str, **values):
    """Validate, save and audit one new evidence record on ``case``."""
    access.ensure_can_write_case(by, case)
    instance = model(case=case, **values)
    instance.full_clean()
    instance.save()
    fields = [
        f.name for f in model._meta.concrete_fields if f.name not in {"id", "case", "recorded_at"}
    ]
    audit.record(
        actor=by, action=action, target=instance, case=case, changes=audit.created(instance, fields)
    )
    return instance


@transaction.atomic
def record_legal_authority(
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
        action="evidence.legal_authority_recorded",
        recorded_by=by,
        kind=kind,
        reference=reference.strip(),
        issued_on=issued_on,
        issuing_body=issuing_body.strip(),
        document_reference=document_reference.strip(),
    )


@transaction.atomic
def record_eligibility(
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
        action="evidence.eligibility_decided",
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
def revoke_eligibility(*, eligibility: Eligibility, by: User, reason: str) -> Eligibility:
    """Revoke an eligibility decision: every forward move of the case is blocked from now on."""
    access.ensure_can_write_case(by, eligibility.case)
    if by.role != Role.SUPERVISOR:
        raise NotPermitted(_("Only a supervisor can revoke eligibility."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why eligibility is revoked.")})
    eligibility = Eligibility.objects.select_for_update().get(pk=eligibility.pk)
    if eligibility.is_revoked:
        raise ValidationError(_("This decision has already been revoked."))
    eligibility.revoked_at = timezone.now()
    eligibility.revoked_by = by
    eligibility.revocation_reason = reason.strip()
    eligibility.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
    audit.record(
        actor=by,
        action="evidence.eligibility_revoked",
        target=eligibility,
        case=eligibility.case,
        changes={
            "revoked_at": [None, eligibility.revoked_at.isoformat()],
            "revocation_reason": ["", eligibility.revocation_reason],
        },
    )
    return eligibility


@transaction.atomic
def record_consent(
    *,
    case: Case,
    by: User,
    terms_version: str,
    privacy_notice_version: str,
    signed_on: datetime.date,
    witness_name: str,
    guardian_name: str = "",
) -> Consent:
    """Record the signed participation terms and privacy notice."""
    needs_guardian = case.person.is_juvenile and case.programme.juvenile_requires_guardian_consent
    if needs_guardian and not guardian_name.strip():
        raise ValidationError(
            {"guardian_name": _("The person is under 18: name the guardian who consented.")}
        )
    return _create(
        Consent,
        by=by,
        case=case,
        action="evidence.consent_recorded",
        recorded_by=by,
        terms_version=terms_version.strip(),
        privacy_notice_version=privacy_notice_version.strip(),
        signed_on=signed_on,
        witness_name=witness_name.strip(),
        guardian_name=guardian_name.strip(),
    )


@transaction.atomic
def record_renunciation(
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
        action="evidence.renunciation_recorded",
        recorded_by=by,
        kind=kind,
        declared_on=declared_on,
        witness_name=witness_name.strip(),
        document_reference=document_reference.strip(),
    )


@transaction.atomic
def verify_renunciation(*, renunciation: Renunciation, by: User) -> Renunciation:
    """A second person verifies a recorded renunciation."""
    access.ensure_can_write_case(by, renunciation.case)
    renunciation = Renunciation.objects.select_for_update().get(pk=renunciation.pk)
    if renunciation.is_verified:
        raise ValidationError(_("This renunciation has already been verified."))
    if renunciation.recorded_by_id == by.pk:
        raise NotPermitted(
            _("A renunciation must be verified by someone other than who recorded it.")
        )
    renunciation.verified_by = by
    renunciation.verified_at = timezone.now()
    renunciation.save(update_fields=["verified_by", "verified_at"])
    audit.record(
        actor=by,
        action="evidence.renunciation_verified",
        target=renunciation,
        case=renunciation.case,
        changes={
            "verified_by": [None, by.pk],
            "verified_at": [None, renunciation.verified_at.isoformat()],
        },
    )
    return renunciation


@transaction.atomic
def record_review(
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
    audit.record(
        actor=by,
        action="evidence.review_recorded",
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
def record_undertaking(
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
        action="evidence.undertaking_recorded",
        recorded_by=by,
        kind=kind,
        guarantor_name=guarantor_name.strip(),
        terms=terms.strip(),
        signed_on=signed_on,
        document_reference=document_reference.strip(),
    )


@transaction.atomic
def record_assessment(
    *,
    case: Case,
    by: User,
    kind: str,
    assessed_on: datetime.date,
    overall_concern: str,
    rationale: str,
) -> Assessment:
    """Record an assessment's overall judgement (the gates read kind, date and review)."""
    access.ensure_can_write_case(by, case)
    assessment = Assessment(
        case=case,
        kind=kind,
        assessed_on=assessed_on,
        assessor=by,
        agency_id=by.agency_id,
        overall_concern=overall_concern,
        rationale=rationale.strip(),
    )
    assessment.full_clean()
    assessment.save()
    # Reviews fall due from the latest assessment (no version bump: not a move).
    Case.objects.filter(pk=case.pk).update(
        next_review_due=cadence.for_case(case, today=timezone.localdate())
    )
    audit.record(
        actor=by,
        action="assessment.recorded",
        target=assessment,
        case=case,
        changes=audit.created(
            assessment, ["kind", "assessed_on", "assessor", "overall_concern", "rationale"]
        ),
    )
    return assessment


@transaction.atomic
def second_review_assessment(*, assessment: Assessment, by: User) -> Assessment:
    """A second reviewer, not the assessor, signs the assessment off."""
    access.ensure_can_write_case(by, assessment.case)
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.assessor_id == by.pk:
        raise NotPermitted(_("The second reviewer must be someone other than the assessor."))
    if assessment.is_second_reviewed:
        raise ValidationError(_("This assessment has already been second-reviewed."))
    assessment.second_reviewed_by = by
    assessment.second_reviewed_at = timezone.now()
    assessment.save(update_fields=["second_reviewed_by", "second_reviewed_at"])
    audit.record(
        actor=by,
        action="assessment.second_reviewed",
        target=assessment,
        case=assessment.case,
        changes={"second_reviewed_by": [None, by.pk]},
    )
    return assessment


@transaction.atomic
def record_monitoring_plan(
    *,
    case: Case,
    by: User,
    responsible_agency: Agency,
    residence: str,
    starts_on: datetime.date,
    contact_frequency: str = "",
    review_frequency: str = "",
    family_arrangements: str = "",
    work_arrangements: str = "",
    conditions: str = "",
) -> MonitoringPlan:
    """Record the plan for monitoring after release. Frequencies left empty follow the
    case's concern tier (high: weekly contact, monthly review; moderate: fortnightly,
    quarterly; low: monthly, six-monthly; no tier yet: as high)."""
    if starts_on > timezone.localdate() + datetime.timedelta(days=366):
        raise ValidationError({"starts_on": _("A monitoring plan starts within the next year.")})
    tier_contact, tier_review = TIER_DEFAULTS.get(
        case.concern_level or "high", TIER_DEFAULTS["high"]
    )
    return _create(
        MonitoringPlan,
        by=by,
        case=case,
        action="monitoring.plan_recorded",
        recorded_by=by,
        responsible_agency=responsible_agency,
        contact_frequency=contact_frequency or tier_contact,
        review_frequency=review_frequency or tier_review,
        residence=residence.strip(),
        starts_on=starts_on,
        family_arrangements=family_arrangements.strip(),
        work_arrangements=work_arrangements.strip(),
        conditions=conditions.strip(),
    )


@transaction.atomic
def raise_escalation(*, case: Case, by: User, trigger: str, description: str) -> Escalation:
    """Raise an escalation; it blocks moves guarded by "no open escalation" and makes a
    reassessment due at once."""
    escalation = _create(
        Escalation,
        by=by,
        case=case,
        action="monitoring.escalation_raised",
        raised_by=by,
        trigger=trigger,
        description=description.strip(),
    )
    Case.objects.filter(pk=case.pk).update(next_review_due=timezone.localdate())
    return escalation


@transaction.atomic
def resolve_escalation(*, escalation: Escalation, by: User, resolution: str) -> Escalation:
    """A supervisor resolves an escalation, with the reason."""
    access.ensure_can_write_case(by, escalation.case)
    if by.role != Role.SUPERVISOR:
        raise NotPermitted(_("Only a supervisor can resolve an escalation."))
    if not resolution.strip():
        raise ValidationError({"resolution": _("Say how the escalation was resolved.")})
    escalation = Escalation.objects.select_for_update().get(pk=escalation.pk)
    if escalation.status == EscalationStatus.RESOLVED:
        raise ValidationError(_("This escalation is already resolved."))
    before = escalation.status
    escalation.status = EscalationStatus.RESOLVED
    escalation.resolved_by = by
    escalation.resolved_at = timezone.now()
    escalation.resolution = resolution.strip()
    escalation.save(update_fields=["status", "resolved_by", "resolved_at", "resolution"])
    audit.record(
        actor=by,
        action="monitoring.escalation_resolved",
        target=escalation,
        case=escalation.case,
        changes={"status": [before, escalation.status], "resolution": ["", escalation.resolution]},
    )
    return escalation


@transaction.atomic
def review_action_done(*, action: ReviewAction, by: User) -> ReviewAction:
    """The owner (or a supervisor) marks a review action done."""
    access.ensure_can_write_case(by, action.review.case)
    if action.owner_id != by.pk and by.role != Role.SUPERVISOR:
        raise NotPermitted(_("Only the action's owner or a supervisor can mark it done."))
    action = ReviewAction.objects.select_for_update().get(pk=action.pk)
    if action.done_at:
        raise ValidationError(_("This action is already done."))
    action.done_at = timezone.now()
    action.save(update_fields=["done_at"])
    audit.record(
        actor=by,
        action="review.action_done",
        target=action,
        case=action.review.case,
        changes={"done_at": [None, action.done_at.isoformat()]},
    )
    return action
