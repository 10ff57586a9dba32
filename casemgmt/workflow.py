"""The stage engine, the one entry point for moving a case: ``request_transition`` checks
role and gates and either moves the case or leaves the move pending; ``approve_transition``
/ ``reject_transition`` decide pending moves; ``withdraw_transition`` takes one back. Every
call locks the case row and compare-and-swaps its version, so two people acting at once
cannot both succeed."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casemgmt import access, gates
from casemgmt.errors import GatesNotMet, NotPermitted, StaleCase, TransitionNotAllowed
from casemgmt.models import (
    AgeGroup,
    AuditAction,
    Case,
    CaseStatus,
    Facility,
    Stage,
    StageKind,
    StageTransition,
    Transition,
    TransitionStatus,
    User,
)
from casemgmt.selectors.workflow import case_with_evidence, pending_move
from casemgmt.services import audit, placements, side_moves
from casemgmt.services.cases import case_refresh_review_due, lock_case, save_case_fields


@dataclass
class AvailableMove:
    transition: Transition
    results: list[gates.GateResult]
    may_request: bool
    why_not: str = ""

    @property
    def all_met(self) -> bool:
        return all(r.met for r in self.results)

    @property
    def unmet(self) -> list[gates.GateResult]:
        return [r for r in self.results if not r.met]


def _transitions_from(stage: Stage):
    return (
        Transition.objects.filter(from_stage=stage)
        .select_related("from_stage", "to_stage")
        .prefetch_related("gates")
        .order_by("to_stage__order")
    )


def gate_classes(user: User, case: Case) -> frozenset:
    """The classes gate reasons may cite for ``user`` on ``case`` (``CasePermissions.
    gate_classes``): none when the juvenile rule hides part of the case's history."""
    from casemgmt.juvenile_access import hides_early_history

    return frozenset() if hides_early_history(user, case) else access.info_classes(user)


def available_moves(
    case: Case, user: User, *, now: datetime.datetime | None = None
) -> list[AvailableMove]:
    """Every move out of the case's current stage, with every gate's result for ``user``."""
    case = case_with_evidence(case.pk)
    may_move = access.can_move_case(user, case)
    readable = gate_classes(user, case)
    moves = []
    for transition in _transitions_from(case.current_stage):
        results = gates.evaluate(case, transition, now=now, readable=readable)
        why_not = _why_user_may_not_request(transition, user, may_move)
        moves.append(AvailableMove(transition, results, not why_not, why_not))
    return moves


def _why_user_may_not_request(transition: Transition, user: User, may_move: bool) -> str:
    if not may_move:
        return _(
            "Only staff of an agency working on this case who may see its legal and risk "
            "records can move it."
        )
    if user.role not in (transition.allowed_roles or []):
        return _("Your role (%s) may not request this move.") % user.get_role_display()
    return ""


def _lock_case(case: Case, expected_version: int | None) -> Case:
    lock_case(case, expected_version)
    return case_with_evidence(case.pk)


_STAY = ["stay_began_at", "stay_began_with"]


def _record_stay(case: Case, move: StageTransition) -> None:
    """The stay ``move`` ends, as services.stored_figures defines it: begun by the case's
    previous applied move, or at its creation for the first stage."""
    previous = (
        StageTransition.objects.filter(case=case, status=TransitionStatus.APPLIED)
        .order_by("-applied_at", "-id")
        .first()
    )
    move.stay_began_with = previous
    move.stay_began_at = previous.applied_at if previous else case.created_at


def _apply(case: Case, to_stage: Stage, now: datetime.datetime, move: StageTransition) -> dict:
    """Move the locked case into ``to_stage`` (compare-and-swap), opening or ending its
    placement with the move; return the changes."""
    fields = ["current_stage", "status", "closed_on", "facility"]
    before = audit.snapshot(case, fields)
    values = {
        **placements.placement_follow_move(case=case, move=move, on=timezone.localdate(now)),
        "current_stage": to_stage,
        "stage_entered_at": now,
    }
    if to_stage.kind == StageKind.SUSPENDED:
        values["status"] = CaseStatus.SUSPENDED
    elif to_stage.is_terminal:
        values["status"] = CaseStatus.CLOSED
        values["closed_on"] = timezone.localdate(now)
    else:
        values["status"] = CaseStatus.ACTIVE
        values["closed_on"] = None
    if to_stage.kind == StageKind.COMMUNITY and not case.age_group_at_release:
        # The first release, as the survival figures count it (services.demographics).
        born = case.person.date_of_birth
        values["age_group_at_release"] = AgeGroup.on(born, timezone.localdate(now))
    save_case_fields(case, **values)
    case_refresh_review_due(case, today=timezone.localdate(now))
    return audit.diff(before, audit.snapshot(case, fields))


def _requestable_transition(case: Case, to_stage: Stage | str, by: User) -> Transition:
    """The programme's move from the locked case's stage to ``to_stage`` (a stage or its key),
    if ``by`` may ask for it now: it exists, may leave a terminal stage, suits the role, and
    no other move is pending."""
    if isinstance(to_stage, str):
        key = to_stage
        to_stage = case.programme.stages.filter(key=key).first()
        if to_stage is None:
            raise TransitionNotAllowed(_("Unknown stage “%s” in this programme.") % key)
    if to_stage.programme_id != case.programme_id:
        raise TransitionNotAllowed(
            _("Stage “%(stage)s” is not part of the programme “%(programme)s”.")
            % {"stage": to_stage.name, "programme": case.programme.name}
        )
    transition = _transitions_from(case.current_stage).filter(to_stage=to_stage).first()
    if transition is None:
        raise TransitionNotAllowed(
            _("The programme has no move from “%(from)s” to “%(to)s”.")
            % {"from": case.current_stage.name, "to": to_stage.name}
        )
    if case.current_stage.is_terminal and not transition.is_reopen:
        raise TransitionNotAllowed(_("The case is in a terminal stage and cannot move."))
    if why_not := _why_user_may_not_request(transition, by, may_move=True):
        raise NotPermitted(why_not)
    pending = pending_move(case)
    if pending is not None:
        raise TransitionNotAllowed(
            _("A move to “%s” is already waiting for approval; it must be decided first.")
            % pending.to_stage.name
        )
    return transition


def _new_move(case: Case, transition: Transition, by: User, reason: str, results, now, **extra):
    """The (unsaved) record of a requested move, with the gates' results it was made on."""
    return StageTransition(
        **extra,
        case=case,
        transition=transition,
        from_stage=case.current_stage,
        to_stage=transition.to_stage,
        requested_by=by,
        requested_at=now,
        reason=reason.strip(),
        gate_results=[r.as_dict() for r in results],
        status=TransitionStatus.PENDING
        if transition.requires_approval
        else TransitionStatus.APPLIED,
    )


@transaction.atomic
def request_transition(
    *,
    case: Case,
    to_stage: Stage | str,
    by: User,
    reason: str,
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
    reason_kind: str = "",
    record_reengagement: bool = False,
    facility: Facility | None = None,
    confirm: bool = False,
) -> StageTransition:
    """Ask to move ``case`` to ``to_stage`` (a stage, or its key in the case's programme);
    into a custodial stage, with the ``facility`` (``confirm``: even when it is full).

    Refuses (raising, with nothing written) when the move does not exist from the current
    stage, the user may not request it, a move is already pending, the form was stale, or
    any gate is unmet (every unmet reason listed). Applies the move at once unless the
    transition needs approval. ``reason_kind`` feeds the ``move_reason`` gate (P8).
    """
    now = now or timezone.now()
    if not reason or not reason.strip():
        raise ValidationError({"reason": _("Give a reason for this move.")})
    event_kind = side_moves.reengagement_kind(reason_kind, record_reengagement)
    case = _lock_case(case, expected_version)
    access.ensure_can_write_case(by, case)
    transition = _requestable_transition(case, to_stage, by)
    readable = gate_classes(by, case)
    results = gates.evaluate(case, transition, now=now, readable=readable, move_reason=reason_kind)
    if not all(r.met for r in results):
        raise GatesNotMet(results)
    from_stage, to_stage = case.current_stage, transition.to_stage
    extra = {"reason_kind": reason_kind, "reengagement_kind": event_kind}
    move = _new_move(case, transition, by, reason, results, now, **extra)
    placements.placement_for_move(case=case, move=move, facility=facility, confirm=confirm)
    if transition.requires_approval:
        # Bumping the version makes other open forms on this case stale.
        save_case_fields(case)
        _save_pending(move)
        audit.record(
            actor=by,
            action=AuditAction.CASE_TRANSITION_REQUESTED,
            target=case,
            case=case,
            changes={"pending_move": [None, to_stage.pk]},
            metadata={"from": from_stage.key, "to": to_stage.key, "reason": move.reason},
        )
    else:
        _record_stay(case, move)
        changes = _apply(case, to_stage, now, move)
        move.applied_at = now
        move.save()
        side_moves.record_reengagement(move, by)
        audit.record(
            actor=by,
            action=AuditAction.CASE_TRANSITION_APPLIED,
            target=case,
            case=case,
            changes=changes,
            metadata={
                "from": from_stage.key,
                "to": to_stage.key,
                "reason": move.reason,
                "move": move.pk,
            },
        )
    return move


_DECIDED = ["status", "decided_by", "decided_at", "decision_reason"]


def _ensure_can_decide(by: User, case: Case) -> None:
    """Deciding a move shows its gates' reasons: the same classes as moving it."""
    access.ensure_can_write_case(by, case)
    if not access.can_move_case(by, case):
        raise NotPermitted(
            _("Only supervisors who may see the case's legal and risk records decide moves.")
        )


def _save_pending(move: StageTransition) -> None:
    try:
        with transaction.atomic():
            move.save()
    except IntegrityError as exc:
        # The one-pending-per-case constraint: someone else asked first.
        raise TransitionNotAllowed(
            _("Another move on this case is already waiting for approval.")
        ) from exc


def _lock_pending(
    move: StageTransition, expected_version: int | None
) -> tuple[StageTransition, Case]:
    case = _lock_case(move.case, expected_version)
    move = (
        StageTransition.objects.select_for_update()
        .select_related("to_stage", "from_stage")
        .get(pk=move.pk)
    )
    if move.status != TransitionStatus.PENDING:
        raise TransitionNotAllowed(
            _("This move has already been decided (%s).") % move.get_status_display().lower()
        )
    if case.current_stage_id != move.from_stage_id:
        raise StaleCase(case)
    return move, case


@transaction.atomic
def approve_transition(
    *,
    stage_transition: StageTransition,
    by: User,
    reason: str = "",
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> StageTransition:
    """A supervisor approves a pending move; gates are checked again before it applies."""
    now = now or timezone.now()
    if not access.can_approve(by):
        raise NotPermitted(_("Only a supervisor can approve stage moves."))
    move, case = _lock_pending(stage_transition, expected_version)
    _ensure_can_decide(by, case)
    if move.requested_by_id == by.pk:
        raise NotPermitted(_("You cannot approve a move you requested yourself."))
    transition = _transitions_from(case.current_stage).filter(to_stage=move.to_stage).first()
    if transition is None:
        raise TransitionNotAllowed(_("The programme no longer allows this move."))
    readable, reason_kind = gate_classes(by, case), move.reason_kind
    results = gates.evaluate(case, transition, now=now, readable=readable, move_reason=reason_kind)
    if not all(r.met for r in results):
        raise GatesNotMet(results)
    move.decided_by = by
    _record_stay(case, move)
    changes = _apply(case, move.to_stage, now, move)
    move.status = TransitionStatus.APPLIED
    move.decided_at = now
    move.applied_at = now
    move.decision_reason = reason.strip()
    move.gate_results = [r.as_dict() for r in results]
    move.save(update_fields=[*_DECIDED, "applied_at", "gate_results", *_STAY])
    side_moves.record_reengagement(move, move.requested_by)
    audit.record(
        actor=by,
        action=AuditAction.CASE_TRANSITION_APPROVED,
        target=case,
        case=case,
        changes={**changes, "pending_move": [move.to_stage_id, None]},
        metadata={
            "move": move.pk,
            "requested_by": move.requested_by_id,
            "reason": move.decision_reason,
        },
    )
    return move


@transaction.atomic
def reject_transition(
    *,
    stage_transition: StageTransition,
    by: User,
    reason: str,
    expected_version: int | None = None,
) -> StageTransition:
    """A supervisor rejects a pending move, with a reason; the case stays where it is."""
    if not access.can_approve(by):
        raise NotPermitted(_("Only a supervisor can reject stage moves."))
    if not reason or not reason.strip():
        raise ValidationError({"reason": _("Give a reason for rejecting this move.")})
    move, case = _lock_pending(stage_transition, expected_version)
    _ensure_can_decide(by, case)
    save_case_fields(case)
    move.status = TransitionStatus.REJECTED
    move.decided_by = by
    move.decided_at = timezone.now()
    move.decision_reason = reason.strip()
    move.save(update_fields=_DECIDED)
    audit.record(
        actor=by,
        action=AuditAction.CASE_TRANSITION_REJECTED,
        target=case,
        case=case,
        changes={"pending_move": [move.to_stage_id, None]},
        metadata={"move": move.pk, "reason": move.decision_reason},
    )
    return move


@transaction.atomic
def withdraw_transition(
    *,
    stage_transition: StageTransition,
    by: User,
    reason: str,
    expected_version: int | None = None,
) -> StageTransition:
    """Withdraw a pending move, with a reason: its requester, or a supervisor who may decide
    it (``access.can_withdraw_move``). The case stays where it is; other moves are open again."""
    if not reason or not reason.strip():
        raise ValidationError({"reason": _("Give a reason for withdrawing this request.")})
    move, case = _lock_pending(stage_transition, expected_version)
    access.ensure_can_write_case(by, case)
    if not access.can_withdraw_move(by, case, move):
        raise NotPermitted(
            _(
                "Only the person who asked for this move, or a supervisor who may decide it, "
                "can withdraw it."
            )
        )
    save_case_fields(case)
    move.status = TransitionStatus.WITHDRAWN
    move.decided_by = by
    move.decided_at = timezone.now()
    move.decision_reason = reason.strip()
    move.save(update_fields=_DECIDED)
    audit.record(
        actor=by,
        action=AuditAction.CASE_TRANSITION_WITHDRAWN,
        target=case,
        case=case,
        changes={"pending_move": [move.to_stage_id, None]},
        metadata={
            "move": move.pk,
            "requested_by": move.requested_by_id,
            "reason": move.decision_reason,
        },
    )
    return move
