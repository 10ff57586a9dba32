"""Monitoring after release: check-ins, their due dates, automatic escalations."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casemgmt import access
from casemgmt.cadence import next_check_in_due
from casemgmt.errors import NotPermitted
from casemgmt.models import (
    Case,
    CaseStatus,
    CheckIn,
    CheckInOutcome,
    Escalation,
    EscalationStatus,
    StageKind,
    User,
)
from casemgmt.roles import Role
from casemgmt.services import audit

GRACE_DAYS = 3


def _escalate(case, *, by, trigger, description, source_key="") -> Escalation | None:
    """Raise an escalation once per source; a reassessment falls due at once."""
    try:
        with transaction.atomic():
            escalation = Escalation.objects.create(
                case=case,
                trigger=trigger,
                description=description,
                raised_by=by,
                source_key=source_key,
            )
    except IntegrityError:
        return None  # already raised for this source
    Case.objects.filter(pk=case.pk).update(next_review_due=timezone.localdate())
    audit.record(
        actor=by,
        action="monitoring.escalation_raised",
        target=escalation,
        case=case,
        changes={"trigger": [None, trigger]},
        metadata={"source": source_key or "manual"},
    )
    return escalation


@transaction.atomic
def check_in_record(
    *, case: Case, by: User, held_on: datetime.date, kind: str, outcome: str, concerns: str = ""
) -> CheckIn:
    """Record a contact after release; a reported concern raises an escalation."""
    access.ensure_can_write_case(by, case)
    if case.current_stage.kind != StageKind.COMMUNITY:
        raise ValidationError(
            _("Check-ins are recorded only for cases released into the community.")
        )
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("This date cannot be in the future.")})
    if outcome == CheckInOutcome.CONCERN and not concerns.strip():
        raise ValidationError({"concerns": _("Describe the concern.")})
    check_in = CheckIn(
        case=case,
        held_on=held_on,
        kind=kind,
        outcome=outcome,
        concerns=concerns.strip(),
        recorded_by=by,
    )
    check_in.full_clean()
    check_in.save()
    audit.record(
        actor=by,
        action="monitoring.check_in_recorded",
        target=check_in,
        case=case,
        changes=audit.created(check_in, ["held_on", "kind", "outcome"]),
    )
    if outcome == CheckInOutcome.CONCERN:
        _escalate(
            case,
            by=by,
            trigger="breach",
            description=concerns.strip(),
            source_key=f"concern:{check_in.pk}",
        )
    return check_in


@transaction.atomic
def escalation_acknowledge(*, escalation: Escalation, by: User) -> Escalation:
    access.ensure_can_write_case(by, escalation.case)
    if by.role != Role.SUPERVISOR:
        raise NotPermitted(_("Only a supervisor can acknowledge an escalation."))
    escalation = Escalation.objects.select_for_update().get(pk=escalation.pk)
    if escalation.status != EscalationStatus.OPEN:
        raise ValidationError(_("This escalation is not open."))
    escalation.status = EscalationStatus.ACKNOWLEDGED
    escalation.acknowledged_by = by
    escalation.acknowledged_at = timezone.now()
    escalation.save(update_fields=["status", "acknowledged_by", "acknowledged_at"])
    audit.record(
        actor=by,
        action="monitoring.escalation_acknowledged",
        target=escalation,
        case=escalation.case,
        changes={"status": ["open", "acknowledged"]},
    )
    return escalation


def check_overdue(*, today: datetime.date | None = None) -> dict[str, int]:
    """Raise one escalation per missed contact (past its grace period) and count
    overdue reassessments. Idempotent: running it twice raises nothing new."""
    today = today or timezone.localdate()
    raised = 0
    released = Case.objects.filter(
        status=CaseStatus.ACTIVE, current_stage__kind=StageKind.COMMUNITY
    ).prefetch_related("monitoring_plans", "check_ins")
    for case in released:
        due = next_check_in_due(case)
        if due is None or today <= due + datetime.timedelta(days=GRACE_DAYS):
            continue
        escalation = _escalate(
            case,
            by=None,
            trigger="missed_contact",
            description=_("No contact since the check-in due on %s.") % due.isoformat(),
            source_key=f"missed:{case.pk}:{due.isoformat()}",
        )
        raised += escalation is not None
    overdue = Case.objects.filter(
        status__in=[CaseStatus.ACTIVE, CaseStatus.SUSPENDED], next_review_due__lt=today
    ).count()
    return {"escalations_raised": raised, "reassessments_overdue": overdue}
