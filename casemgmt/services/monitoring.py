"""Monitoring after release: check-ins, their due dates, automatic escalations."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from casemgmt import access, rules
from casemgmt.info_classes import InfoClass
from casemgmt.models import (
    Agency,
    AuditAction,
    Case,
    CaseStatus,
    CheckIn,
    CheckInOutcome,
    MonitoringPlan,
    Programme,
    StageKind,
    User,
)
from casemgmt.services import audit
from casemgmt.services.case_records import create_case_record
from casemgmt.services.cases import case_refresh_contact_due
from casemgmt.services.classification import monitoring_defaults
from casemgmt.services.escalations import escalation_raise


@transaction.atomic
def check_in_record(
    *, case: Case, by: User, held_on: datetime.date, kind: str, outcome: str, concerns: str = ""
) -> CheckIn:
    """Record a contact after release; a reported concern raises an escalation."""
    access.ensure_can_write_case(by, case)
    rules.enforce(rules.check_in_add(by, case))
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
        action=AuditAction.MONITORING_CHECK_IN_RECORDED,
        target=check_in,
        case=case,
        changes=audit.created(check_in, ["held_on", "kind", "outcome"]),
    )
    case_refresh_contact_due(case)
    if outcome == CheckInOutcome.CONCERN:
        escalation_raise(
            case=case,
            by=by,
            trigger="breach",
            description=concerns.strip(),
            source_key=f"concern:{check_in.pk}",
        )
    return check_in


def missed_contacts(*, today: datetime.date):
    """Released cases whose next contact is past due and past their programme's grace
    (``Programme.missed_contact_grace_days``), selected in SQL on ``next_contact_due``."""
    graces = Programme.objects.values_list("pk", "missed_contact_grace_days")
    late = Q()
    for programme_id, grace in graces:
        cutoff = today - datetime.timedelta(days=grace)
        late |= Q(programme_id=programme_id, next_contact_due__lt=cutoff)
    if not late:
        return Case.objects.none()
    return Case.objects.filter(
        late, status=CaseStatus.ACTIVE, current_stage__kind=StageKind.COMMUNITY
    ).order_by("next_contact_due", "pk")


def monitoring_check_overdue(*, today: datetime.date | None = None) -> dict[str, int]:
    """Raise one escalation per missed contact (past its grace period) and count
    overdue reassessments and overdue multi-agency reviews (those are listed in each
    team member's inbox). Idempotent: running it twice raises nothing new."""
    today = today or timezone.localdate()
    raised = 0
    for case in missed_contacts(today=today).iterator(chunk_size=500):
        due = case.next_contact_due
        escalation = escalation_raise(
            case=case,
            by=None,
            trigger="missed_contact",
            description=_("No contact since the check-in due on %s.") % due.isoformat(),
            source_key=f"missed:{case.pk}:{due.isoformat()}",
        )
        raised += escalation is not None
    overdue = Case.objects.filter(
        status__in=[CaseStatus.ACTIVE, CaseStatus.SUSPENDED], next_review_due__lt=today
    ).count()
    meetings = Case.objects.filter(status=CaseStatus.ACTIVE, next_meeting_due__lt=today).count()
    return {
        "escalations_raised": raised,
        "reassessments_overdue": overdue,
        "meetings_overdue": meetings,
    }


@transaction.atomic
def monitoring_plan_record(
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
    case's classification band (services.classification.monitoring_defaults)."""
    if starts_on > timezone.localdate() + datetime.timedelta(days=366):
        raise ValidationError({"starts_on": _("A monitoring plan starts within the next year.")})
    if not access.can_read(by, InfoClass.RISK):
        # The defaults are the band's: a user who may not read the band chooses both.
        missing = {
            name: _("Choose the frequency: the default follows the classification.")
            for name, value in [
                ("contact_frequency", contact_frequency),
                ("review_frequency", review_frequency),
            ]
            if not value
        }
        if missing:
            raise ValidationError(missing)
    tier_contact, tier_review = monitoring_defaults(case)
    plan = create_case_record(
        MonitoringPlan,
        by=by,
        case=case,
        action=AuditAction.MONITORING_PLAN_RECORDED,
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
    case_refresh_contact_due(case)
    return plan
