"""Multi-agency reviews: each agency speaks for itself (P3).

A position typed by the agency's own staff is its own; one typed by the chair for
another agency is "on behalf of" the named attendee and counts towards quorum only
once a user of that agency confirms it (``review_position_confirm``). Only agencies
on the case team take positions, and only a team agency's staff record them.
"""

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
    ClassificationBand,
    MultiAgencyReview,
    Position,
    ReviewAction,
    ReviewAttendee,
    ReviewPosition,
    Stage,
    User,
)
from casemgmt.services import audit
from casemgmt.services import classification as classification_module
from casemgmt.services.cases import case_refresh_last_review, case_refresh_meeting_due, lock_case

# (agency, position, dissent) or (agency, position, dissent, attended by)
PositionRow = tuple


def _normalise(positions) -> list[tuple[Agency, str, str, str]]:
    return [(row[0], row[1], row[2], row[3] if len(row) > 3 else "") for row in positions]


def _team_errors(case: Case, by: User, positions) -> dict:
    """Who may record positions, and for which agencies (P3)."""
    on_team = set(case.team.filter(left_on__isnull=True).values_list("agency_id", flat=True))
    if by.agency_id not in on_team:
        return {
            "positions": _(
                "Your agency (%s) is not on this case's team: only staff of an agency on the "
                "team record a review's positions."
            )
            % by.agency.name
        }
    for agency, _position, _dissent, attended_by in positions:
        if agency.pk not in on_team:
            return {
                "positions": _(
                    "%s is not on this case's team: its position cannot count. List who "
                    "attended for it as an attendee instead."
                )
                % agency.name
            }
        if agency.pk != by.agency_id and not attended_by.strip():
            return {
                "positions": _("%s's position is recorded on its behalf: name who attended for it.")
                % agency.name
            }
    return {}


def _review_errors(case, by, recommended_stage, positions, attendees, actions) -> dict:
    """What is wrong with a review's stage, positions, attendees and actions, by field."""
    errors = {}
    if recommended_stage is not None and recommended_stage.programme_id != case.programme_id:
        errors["recommended_stage"] = _("This stage belongs to another programme.")
    if not positions:
        errors["positions"] = _("Record at least one agency present and its position.")
    seen = set()
    for agency, position, dissent, _attended in positions:
        if agency.pk in seen:
            errors["positions"] = _("%s is listed twice.") % agency.name
        seen.add(agency.pk)
        if position not in Position.values:
            errors["positions"] = _("Unknown position “%s”.") % position
        elif position == Position.DISAGREE and not dissent.strip():
            errors["positions"] = (
                _("%s disagrees: record the reason for its dissent.") % agency.name
            )
    if "positions" not in errors:
        errors.update(_team_errors(case, by, positions))
    for description, owner, due_on in actions:
        if not description.strip() or owner is None or due_on is None:
            errors["actions"] = _("Each action needs a description, an owner and a due date.")
    for name, agency in attendees:
        if not name.strip() or agency is None:
            errors["attendees"] = _("Each attendee needs a name and an agency.")
    return errors


def _save_review_parts(review, by, positions, attendees, actions) -> None:
    ReviewPosition.objects.bulk_create(
        ReviewPosition(
            review=review,
            agency=agency,
            position=position,
            dissent=dissent.strip(),
            attended_by=attended_by.strip(),
            recorded_by=by,
            recorded_by_agency_id=by.agency_id,
        )
        for agency, position, dissent, attended_by in positions
    )
    listed = {(name.strip(), agency.pk) for name, agency in attendees}
    # Who attended for each agency is an attendee too.
    named = [(a.strip(), ag) for ag, _p, _d, a in positions if a.strip()]
    extra = [(n, ag) for n, ag in named if (n, ag.pk) not in listed]
    ReviewAttendee.objects.bulk_create(
        ReviewAttendee(review=review, name=name.strip(), agency=agency)
        for name, agency in [*attendees, *extra]
    )
    ReviewAction.objects.bulk_create(
        ReviewAction(review=review, description=d.strip(), owner=owner, due_on=due)
        for d, owner, due in actions
    )


def _audit_review(review, by, positions, attendees, actions) -> None:
    audit.record(
        actor=by,
        action=AuditAction.EVIDENCE_REVIEW_RECORDED,
        target=review,
        case=review.case,
        changes=audit.created(review, ["kind", "held_on", "decision", "recommended_stage"]),
        metadata={
            "positions": [
                {
                    "agency": a.pk,
                    "position": p,
                    "dissent": d.strip(),
                    "on_behalf": a.pk != by.agency_id,
                    "attended_by": att.strip(),
                }
                for a, p, d, att in positions
            ],
            "attendees": [{"name": n, "agency": a.pk} for n, a in attendees],
            "actions": [
                {"description": d, "owner": o.pk, "due_on": due.isoformat()}
                for d, o, due in actions
            ],
        },
    )


@transaction.atomic
def review_record(
    *,
    case: Case,
    by: User,
    kind: str,
    held_on: datetime.date,
    decision: str,
    positions: list[PositionRow],
    minutes: str = "",
    recommended_stage: Stage | None = None,
    agenda: str = "",
    attendees: list[tuple[str, Agency]] = (),
    actions: list[tuple[str, User, datetime.date]] = (),
    classification: ClassificationBand | None = None,
    classification_reason: str = "",
) -> MultiAgencyReview:
    """Record a multi-agency review with each present agency's position.

    ``positions`` is a list of (agency, position, dissent[, attended by]); a
    disagreement must give its reason, and the dissent is kept. A position for
    another agency than ``by``'s is recorded on its behalf and names who attended
    for it. ``attendees`` are (name, agency) and ``actions`` (description, owner,
    due date). ``classification`` is the band the review decides, with its reason
    (only for staff who read risk information).
    """
    access.ensure_can_write_case(by, case)
    # Locked: the review's due dates and classification are computed from a stable case.
    case = lock_case(case, None)
    positions = _normalise(positions)
    errors = _review_errors(case, by, recommended_stage, positions, attendees, actions)
    if classification is not None:
        classification_module.ensure_reads_risk(by)
        errors.update(
            classification_module.classification_errors(
                case,
                classification,
                classification_reason,
                band_field="classification",
                reason_field="classification_reason",
            )
            or classification_module.review_classification_errors(case, positions, held_on)
        )
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
    _save_review_parts(review, by, positions, attendees, actions)
    _audit_review(review, by, positions, attendees, actions)
    if classification is not None:
        classification_module.case_classify(
            case=case, by=by, band=classification, reason=classification_reason, review=review
        )
    case_refresh_meeting_due(case)
    case_refresh_last_review(case)
    return review


@transaction.atomic
def review_position_confirm(*, position: ReviewPosition, by: User) -> ReviewPosition:
    """A user of the agency confirms the position the chair recorded on its behalf; from
    then on it counts towards the review's quorum."""
    case = position.review.case
    access.ensure_can_write_case(by, case)
    position = ReviewPosition.objects.select_for_update().get(pk=position.pk)
    rules.enforce(rules.review_position_confirm(by, position))
    if not access.agency_on_team(case, by.agency_id):
        raise ValidationError(_("Your agency is not on this case's team."))
    position.confirmed_by = by
    position.confirmed_at = timezone.now()
    position.save(update_fields=["confirmed_by", "confirmed_at"])
    audit.record(
        actor=by,
        action=AuditAction.REVIEW_POSITION_CONFIRMED,
        target=position.review,
        case=case,
        changes={"confirmed_at": [None, position.confirmed_at.isoformat()]},
        metadata={"position": position.pk, "agency": position.agency_id},
    )
    return position
