"""Interventions and their sessions (P4, P9)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from casemgmt import access, rules
from casemgmt.lifecycles import INTERVENTION
from casemgmt.models import (
    Agency,
    Attendance,
    AuditAction,
    Case,
    Intervention,
    InterventionKind,
    InterventionOutcome,
    InterventionStatus,
    Session,
    User,
)
from casemgmt.services import audit
from casemgmt.services.lifecycle import change_status


@transaction.atomic
def intervention_start(
    *,
    case: Case,
    by: User,
    kind: str,
    provider: Agency,
    goals: str,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
) -> Intervention:
    """Start an intervention; the provider must be an agency on the case team."""
    access.ensure_can_write_case(by, case)
    if not access.agency_on_team(case, provider.pk):
        raise ValidationError({"provider": _("The provider must be an agency on the case team.")})
    intervention = Intervention(
        case=case,
        kind=kind,
        provider=provider,
        goals=goals.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        recorded_by=by,
    )
    intervention.full_clean()
    intervention.save()
    audit.record(
        actor=by,
        action=AuditAction.INTERVENTION_STARTED,
        target=intervention,
        case=case,
        changes=audit.created(intervention, ["kind", "provider", "starts_on", "ends_on"]),
    )
    return intervention


@transaction.atomic
def session_record(
    *,
    intervention: Intervention,
    by: User,
    held_on: datetime.date,
    duration_minutes: int,
    attendance: str,
    facilitator: str,
    progress_note: str = "",
    topic: str = "",
) -> Session:
    """Record one session; it must fall within the intervention's dates. A dialogue
    (alternative-narrative) session that took place names its topic (P9)."""
    access.ensure_can_write_case(by, intervention.case)
    # Locked, so a session cannot slip in while someone closes the intervention.
    intervention = Intervention.objects.select_for_update().get(pk=intervention.pk)
    if INTERVENTION.is_final(intervention.status):
        raise ValidationError(
            _("This intervention is %s: it takes no more sessions.")
            % intervention.get_status_display().lower()
        )
    if intervention.status == InterventionStatus.PAUSED:
        raise ValidationError(
            _("This intervention is paused: resume it before recording sessions.")
        )
    errors = {}
    if held_on < intervention.starts_on:
        errors["held_on"] = _("The session cannot be before the intervention started (%s).") % (
            intervention.starts_on.isoformat()
        )
    elif intervention.ends_on and held_on > intervention.ends_on:
        errors["held_on"] = _("The session cannot be after the intervention ended.")
    dialogue = intervention.kind == InterventionKind.NARRATIVE
    if dialogue and attendance == Attendance.ATTENDED and not topic.strip():
        errors["topic"] = _("Name the topic this dialogue session discussed.")
    if errors:
        raise ValidationError(errors)
    session = Session(
        intervention=intervention,
        held_on=held_on,
        duration_minutes=duration_minutes,
        attendance=attendance,
        facilitator=facilitator.strip(),
        progress_note=progress_note.strip(),
        topic=topic.strip() if dialogue else "",
        recorded_by=by,
    )
    session.full_clean()
    session.save()
    audit.record(
        actor=by,
        action=AuditAction.INTERVENTION_SESSION_RECORDED,
        target=session,
        case=intervention.case,
        # The progress note may be clinical: the trail keeps the facts, not the note.
        changes=audit.created(
            session, ["held_on", "duration_minutes", "attendance", "facilitator", "topic"]
        ),
    )
    return session


def _ending_fields(status: str, reason: str, outcome: str, outcome_note: str) -> dict:
    """The fields a move sets, or the error of the one it lacks: pausing and stopping say
    why, completing says how it went (the outcome)."""
    reason, outcome_note = reason.strip(), outcome_note.strip()
    if outcome and outcome not in InterventionOutcome.values:
        raise ValidationError({"outcome": _("Choose one of the listed outcomes.")})
    if status == InterventionStatus.PAUSED:
        if not reason:
            raise ValidationError({"reason": _("Say why the intervention is paused.")})
        return {"pause_reason": reason}
    if status == InterventionStatus.STOPPED:
        if not reason:
            raise ValidationError({"reason": _("Say why the intervention is stopped.")})
        return {"stop_reason": reason, "outcome": outcome, "outcome_note": outcome_note}
    if status == InterventionStatus.COMPLETED:
        if not outcome:
            raise ValidationError({"outcome": _("Say how the intervention went (its outcome).")})
        return {"outcome": outcome, "outcome_note": outcome_note}
    return {}


@transaction.atomic
def intervention_change_status(
    *,
    intervention: Intervention,
    by: User,
    status: str,
    reason: str = "",
    outcome: str = "",
    outcome_note: str = "",
) -> Intervention:
    """Move an intervention along its lifecycle (planned → active, paused and resumed,
    then completed with its outcome, or stopped early with the reason). The reason and
    outcome are kept on the row and the audit row."""
    access.ensure_can_write_case(by, intervention.case)
    fields = _ending_fields(status, reason, outcome, outcome_note)
    # Starting is from "planned" only: a paused intervention resumes (its own service).
    rule = rules.intervention_activate if status == "active" else rules.intervention_change
    return change_status(
        intervention,
        to=status,
        by=by,
        fields=fields or None,
        check=lambda row: rules.enforce(rule(by, row)),
    )


@transaction.atomic
def intervention_resume(*, intervention: Intervention, by: User) -> Intervention:
    """A paused intervention carries on (audited as resumed); its pause reason is kept."""
    access.ensure_can_write_case(by, intervention.case)
    return change_status(
        intervention,
        to=InterventionStatus.ACTIVE,
        by=by,
        check=lambda row: rules.enforce(rules.intervention_resume(by, row)),
    )
