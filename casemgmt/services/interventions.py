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
    AuditAction,
    Case,
    Intervention,
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
) -> Session:
    """Record one session; it must fall within the intervention's dates."""
    access.ensure_can_write_case(by, intervention.case)
    # Locked, so a session cannot slip in while someone closes the intervention.
    intervention = Intervention.objects.select_for_update().get(pk=intervention.pk)
    if INTERVENTION.is_final(intervention.status):
        raise ValidationError(
            _("This intervention is %s: it takes no more sessions.")
            % intervention.get_status_display().lower()
        )
    errors = {}
    if held_on < intervention.starts_on:
        errors["held_on"] = _("The session cannot be before the intervention started (%s).") % (
            intervention.starts_on.isoformat()
        )
    elif intervention.ends_on and held_on > intervention.ends_on:
        errors["held_on"] = _("The session cannot be after the intervention ended.")
    if errors:
        raise ValidationError(errors)
    session = Session(
        intervention=intervention,
        held_on=held_on,
        duration_minutes=duration_minutes,
        attendance=attendance,
        facilitator=facilitator.strip(),
        progress_note=progress_note.strip(),
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
            session, ["held_on", "duration_minutes", "attendance", "facilitator"]
        ),
    )
    return session


@transaction.atomic
def intervention_change_status(
    *, intervention: Intervention, by: User, status: str, reason: str = ""
) -> Intervention:
    """Move an intervention along its lifecycle (planned → active → completed, or stopped
    early). Stopping needs a reason; it is kept on the audit row."""
    access.ensure_can_write_case(by, intervention.case)
    stopping = status == InterventionStatus.STOPPED
    if stopping and not reason.strip():
        raise ValidationError({"reason": _("Say why the intervention is stopped.")})
    return change_status(
        intervention,
        to=status,
        by=by,
        fields={"stop_reason": reason.strip()} if stopping else None,
        check=lambda row: rules.enforce(rules.intervention_change(by, row)),
    )
