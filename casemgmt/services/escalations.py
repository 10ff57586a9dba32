"""Escalations: raised (by a person, a concern or a missed contact), acknowledged, resolved."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casemgmt import access, rules
from casemgmt.models import AuditAction, Case, Escalation, EscalationStatus, User
from casemgmt.services import audit
from casemgmt.services.cases import case_refresh_review_due
from casemgmt.services.lifecycle import change_status

MANUAL_FIELDS = ["trigger", "description", "raised_by"]
AUTOMATIC_FIELDS = ["trigger", "raised_by"]


@transaction.atomic
def escalation_raise(
    *, case: Case, by: User | None, trigger: str, description: str, source_key: str = ""
) -> Escalation | None:
    """Raise an escalation; it blocks moves guarded by "no open escalation" and makes a
    reassessment due at once. With a ``source_key`` (a missed contact, a reported
    concern) it is raised once per source: a second call returns None. ``by`` is None
    for escalations the system raises."""
    if by is not None:
        access.ensure_can_write_case(by, case)
    escalation = Escalation(
        case=case,
        trigger=trigger,
        description=description.strip(),
        raised_by=by,
        source_key=source_key,
    )
    escalation.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            escalation.save()
    except IntegrityError:
        return None  # already raised for this source
    case_refresh_review_due(case, due_now=True)
    audit.record(
        actor=by,
        action=AuditAction.MONITORING_ESCALATION_RAISED,
        target=escalation,
        case=case,
        # A raised-from-source description may quote a check-in's concern: keep facts only.
        changes=audit.created(
            escalation,
            ["trigger", "raised_by"] if source_key else ["trigger", "description", "raised_by"],
        ),
        metadata={"source": source_key or "manual"},
    )
    return escalation


@transaction.atomic
def escalation_acknowledge(*, escalation: Escalation, by: User) -> Escalation:
    """A supervisor has seen the escalation and takes it in hand."""
    access.ensure_can_write_case(by, escalation.case)
    return change_status(
        escalation,
        to=EscalationStatus.ACKNOWLEDGED,
        by=by,
        check=lambda row: rules.enforce(rules.escalation_acknowledge(by, row)),
        fields={"acknowledged_by": by, "acknowledged_at": timezone.now()},
    )


@transaction.atomic
def escalation_resolve(*, escalation: Escalation, by: User, resolution: str) -> Escalation:
    """A supervisor resolves an escalation, with the reason."""
    if not resolution.strip():
        raise ValidationError({"resolution": _("Say how the escalation was resolved.")})
    access.ensure_can_write_case(by, escalation.case)
    return change_status(
        escalation,
        to=EscalationStatus.RESOLVED,
        by=by,
        check=lambda row: rules.enforce(rules.escalation_resolve(by, row)),
        fields={"resolved_by": by, "resolved_at": timezone.now(), "resolution": resolution.strip()},
    )
