"""What a side move adds to the move itself: a recall or re-arrest, when the user says so,
also records the re-engagement event of the right type (Outcomes), in the move's transaction."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from casemgmt.models import MoveReason, ReengagementKind, StageTransition, User

# The re-engagement event each side-move reason is (the same definitions every time).
REENGAGEMENT_FOR = {
    MoveReason.RECALLED: ReengagementKind.RECALL,
    MoveReason.REARRESTED: ReengagementKind.ARREST,
}


def reengagement_kind(reason_kind: str, wanted: bool) -> str:
    """The event kind to record with the move, "" when none; refuses a wish that does not fit."""
    if not wanted:
        return ""
    kind = REENGAGEMENT_FOR.get(reason_kind)
    if kind is None:
        raise ValidationError(
            {
                "record_reengagement": _(
                    "Only a recall or a re-arrest is recorded as a re-engagement event."
                )
            }
        )
    return kind.value


def record_reengagement(move: StageTransition, by: User) -> None:
    """Record the move's re-engagement event, dated the day the move was requested."""
    if not move.reengagement_kind:
        return
    from casemgmt.services.outcomes import reengagement_record

    reengagement_record(
        case=move.case,
        by=by,
        kind=move.reengagement_kind,
        occurred_on=timezone.localdate(move.requested_at),
        description=_("Recorded with the move to “%s”.") % move.to_stage.name,
    )
