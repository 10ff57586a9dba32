"""Marking a notification read is a write of its own, audited."""

import pytest
from django.db.models import ObjectDoesNotExist

from casemgmt.models import AuditEvent, Notification
from casemgmt.services import notifications

pytestmark = pytest.mark.django_db


def test_marking_read_records_who_and_when_once(supervisor):
    notification = Notification.objects.create(user=supervisor, message="Emergency access")
    notifications.notification_mark_read(notification=notification, by=supervisor)
    notification.refresh_from_db()
    assert notification.read_at is not None
    event = AuditEvent.objects.get(action="notification.read")
    assert (event.actor, event.target_id) == (supervisor, str(notification.pk))
    assert event.changes["read_at"] == [None, notification.read_at.isoformat()]
    notifications.notification_mark_read(notification=notification, by=supervisor)
    assert AuditEvent.objects.filter(action="notification.read").count() == 1


def test_no_one_marks_anothers_notification(supervisor, caseworker):
    notification = Notification.objects.create(user=supervisor, message="Emergency access")
    with pytest.raises(ObjectDoesNotExist):
        notifications.notification_mark_read(notification=notification, by=caseworker)
    notification.refresh_from_db()
    assert notification.read_at is None
    assert not AuditEvent.objects.exists()
