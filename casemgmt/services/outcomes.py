"""Re-engagement events after release."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from casemgmt import access
from casemgmt.models import AuditAction, Case, ReengagementEvent, User
from casemgmt.selectors.outcomes import release_date
from casemgmt.services import audit


@transaction.atomic
def reengagement_record(
    *, case: Case, by: User, kind: str, occurred_on: datetime.date, description: str = ""
) -> ReengagementEvent:
    """Record a typed, dated re-engagement event; only for a released case, after release."""
    access.ensure_can_write_case(by, case)
    released = release_date(case)
    if released is None:
        raise ValidationError(_("Re-engagement events are recorded only for released cases."))
    if occurred_on < released:
        raise ValidationError(
            {
                "occurred_on": _("The event cannot be before the release on %s.")
                % released.isoformat()
            }
        )
    event = ReengagementEvent(
        case=case,
        kind=kind,
        occurred_on=occurred_on,
        description=description.strip(),
        recorded_by=by,
    )
    event.full_clean()
    event.save()
    audit.record(
        actor=by,
        action=AuditAction.OUTCOME_REENGAGEMENT_RECORDED,
        target=event,
        case=case,
        changes=audit.created(event, ["kind", "occurred_on"]),
    )
    return event
