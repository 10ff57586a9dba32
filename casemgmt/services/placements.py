"""Placements (P10): who is held in which facility. A stage move opens or ends one (through
``placement_follow_move``, inside the move's transaction); a transfer moves the person
to another facility. ``Case.facility`` mirrors the open placement, so the caseload's
facility filter and the pages that show it keep reading one column."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casemgmt import access
from casemgmt.errors import NotPermitted
from casemgmt.models import (
    AuditAction,
    Case,
    Facility,
    Placement,
    StageCustody,
    StageTransition,
    User,
)
from casemgmt.selectors.facilities import capacity_warning
from casemgmt.services import audit
from casemgmt.services.cases import lock_case, save_case_fields


def ensure_reads_location(by: User) -> None:
    """Choosing a facility shows facilities and their occupancy: location information."""
    if not access.can_read_case_field(by, "facility"):
        raise NotPermitted(
            _(
                "Placing a person in a facility is for staff whose agency may see where people "
                "are held."
            )
        )


def check_facility(facility: Facility | None, *, confirm_over_capacity: bool) -> bool:
    """Refuse an inactive facility, and a full one unless the user confirmed; say whether
    the placement goes over capacity."""
    # Locked, so two placements at once cannot both take the last place unconfirmed.
    active = Facility.objects.select_for_update().filter(is_active=True)
    if facility is None or active.filter(pk=facility.pk).values_list("pk").first() is None:
        raise ValidationError({"facility": _("Choose an active facility.")})
    warning = capacity_warning(facility)
    if warning and not confirm_over_capacity:
        raise ValidationError(
            {
                "confirm_over_capacity": _(
                    "%(warning)s Tick “place over capacity” to go ahead anyway."
                )
                % {"warning": warning}
            }
        )
    return bool(warning)


def current_placement(case: Case) -> Placement | None:
    return Placement.objects.current().filter(case=case).select_related("facility").first()


def _end(placement: Placement, *, by: User | None, on: datetime.date, reason: str) -> None:
    if on < placement.started_on:
        raise ValidationError(
            {
                "moved_on": _(
                    "The placement in %(facility)s began on %(start)s: it cannot end before that."
                )
                % {"facility": placement.facility.name, "start": placement.started_on.isoformat()}
            }
        )
    placement.ended_on, placement.ended_by, placement.end_reason = on, by, reason
    placement.save(update_fields=["ended_on", "ended_by", "end_reason"])


def _begin(
    case: Case, facility: Facility, *, by: User | None, on: datetime.date, reason: str, over: bool
) -> Placement:
    return Placement.objects.create(
        case=case,
        facility=facility,
        started_on=on,
        start_reason=reason,
        started_by=by,
        over_capacity=over,
    )


def placement_open_at_registration(
    *, case: Case, facility: Facility, by: User, on: datetime.date
) -> Placement:
    """A case opened with a facility (registered in custody) starts with its placement;
    registration warns about capacity afterwards rather than refusing."""
    over = bool(capacity_warning(facility))
    # The case.opened audit row carries the facility.
    return _begin(case, facility, by=by, on=on, reason=_("Registered"), over=over)


def placement_follow_move(*, case: Case, move: StageTransition, on: datetime.date) -> dict:
    """What an applied stage move does to the (locked) case's placement; returns the case
    fields to save with the move. Called inside the move's transaction; the move's audit
    row records the facility's change."""
    to_stage, facility, reason = move.to_stage, move.facility, move.reason
    by = move.decided_by or move.requested_by
    current = current_placement(case)
    if to_stage.custody == StageCustody.NOT_HELD:
        if current is None:
            return {}
        _end(current, by=by, on=on, reason=reason)
        return {"facility": None}
    if facility is None or (current is not None and current.facility_id == facility.pk):
        if to_stage.custody == StageCustody.HELD and current is None:
            raise ValidationError(
                {
                    "facility": _("Entering “%s” places the person: choose the facility.")
                    % to_stage.name
                }
            )
        return {}
    # Locked and counted again: a move approved later may find the facility filled since.
    if not Facility.objects.select_for_update().filter(pk=facility.pk, is_active=True).exists():
        raise ValidationError({"facility": _("%s is no longer active.") % facility.name})
    warning = capacity_warning(facility)
    if warning and not move.over_capacity_confirmed:
        raise ValidationError(
            {
                "facility": _(
                    "%(warning)s It filled up after the move was requested: reject the move, "
                    "so that it is requested again with another facility or with “place over "
                    "capacity”."
                )
                % {"warning": warning}
            }
        )
    if current is not None:
        _end(current, by=by, on=on, reason=reason)
    _begin(case, facility, by=by, on=on, reason=reason, over=bool(warning))
    return {"facility": facility}


@transaction.atomic
def placement_transfer(
    *,
    case: Case,
    by: User,
    facility: Facility,
    moved_on: datetime.date,
    reason: str,
    confirm_over_capacity: bool = False,
    expected_version: int | None = None,
) -> Placement:
    """Move a person held in a facility to another one on ``moved_on``, with the reason.
    Refuses (writing nothing) an inactive facility, a full one without confirmation, a
    date before the current placement began or in the future, and a case not placed."""
    case = lock_case(case, expected_version)
    access.ensure_can_write_case(by, case)
    ensure_reads_location(by)
    current = current_placement(case)
    if current is None:
        raise ValidationError(_("This person is not placed in a facility: nothing to transfer."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the person is transferred.")})
    if moved_on > timezone.localdate():
        raise ValidationError({"moved_on": _("This date cannot be in the future.")})
    if facility is not None and facility.pk == current.facility_id:
        raise ValidationError({"facility": _("The person is already held there.")})
    over = check_facility(facility, confirm_over_capacity=confirm_over_capacity)
    _end(current, by=by, on=moved_on, reason=reason.strip())
    placement = _begin(case, facility, by=by, on=moved_on, reason=reason.strip(), over=over)
    save_case_fields(case, facility=facility)
    audit.record(
        actor=by,
        action=AuditAction.PLACEMENT_TRANSFERRED,
        target=placement,
        case=case,
        changes={"facility": [current.facility_id, facility.pk]},
        metadata={
            "moved_on": moved_on.isoformat(),
            "reason": reason.strip(),
            "over_capacity": over,
        },
    )
    return placement


def placement_for_move(
    *, case: Case, move: StageTransition, facility: Facility | None, confirm: bool
) -> None:
    """Check, when a move is requested, the facility it places the person in, and keep it
    (and whether it goes over capacity) on the move until it applies. A custodial stage
    needs one unless the person is placed already."""
    to_stage, by = move.to_stage, move.requested_by
    if facility is None:
        if to_stage.custody == StageCustody.HELD and current_placement(case) is None:
            ensure_reads_location(by)
            raise ValidationError(
                {
                    "facility": _("Entering “%s” places the person: choose the facility.")
                    % to_stage.name
                }
            )
        return
    ensure_reads_location(by)
    if to_stage.custody == StageCustody.NOT_HELD:
        raise ValidationError({"facility": _("The person is not held in “%s”.") % to_stage.name})
    move.facility = facility
    move.over_capacity_confirmed = check_facility(facility, confirm_over_capacity=confirm)
