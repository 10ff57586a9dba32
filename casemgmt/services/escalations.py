"""Escalations: raised (by a person, a concern or a missed contact), acknowledged, resolved."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casemgmt import access
from casemgmt.errors import NotPermitted
from casemgmt.models import Case, Escalation, EscalationStatus, User
from casemgmt.roles import Role
from casemgmt.services import audit
from casemgmt.services.cases import case_refresh_review_due


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
        action="monitoring.escalation_raised",
        target=escalation,
        case=case,
        changes=audit.created(escalation, ["trigger", "description", "raised_by"]),
        metadata={"source": source_key or "manual"},
    )
    return escalation


def _lock_for_supervisor(escalation: Escalation, by: User, refusal: str) -> Escalation:
    access.ensure_can_write_case(by, escalation.case)
    if by.role != Role.SUPERVISOR:
        raise NotPermitted(refusal)
    return Escalation.objects.select_for_update().get(pk=escalation.pk)


@transaction.atomic
def escalation_acknowledge(*, escalation: Escalation, by: User) -> Escalation:
    """A supervisor has seen the escalation and takes it in hand."""
    escalation = _lock_for_supervisor(
        escalation, by, _("Only a supervisor can acknowledge an escalation.")
    )
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


@transaction.atomic
def escalation_resolve(*, escalation: Escalation, by: User, resolution: str) -> Escalation:
    """A supervisor resolves an escalation, with the reason."""
    if not resolution.strip():
        raise ValidationError({"resolution": _("Say how the escalation was resolved.")})
    escalation = _lock_for_supervisor(
        escalation, by, _("Only a supervisor can resolve an escalation.")
    )
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
