"""A user's own notifications."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from casemgmt.models import AuditAction, Notification, User
from casemgmt.services import audit


@transaction.atomic
def notification_mark_read(*, notification: Notification, by: User) -> Notification:
    """Mark one of ``by``'s notifications read; marking it again changes nothing."""
    notification = Notification.objects.select_for_update().get(pk=notification.pk, user=by)
    if notification.read_at is not None:
        return notification
    notification.read_at = timezone.now()
    notification.save(update_fields=["read_at"])
    audit.record(
        actor=by,
        action=AuditAction.NOTIFICATION_READ,
        target=notification,
        changes={"read_at": [None, notification.read_at.isoformat()]},
    )
    return notification
