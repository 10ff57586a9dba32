"""Reads of a user's own notifications."""

from __future__ import annotations

from casemgmt.models import Notification
from casemgmt.selectors.scope import in_scope_or_404


def own_notification_or_404(user, pk) -> Notification:
    """A notification addressed to ``user``; anyone else's is "not found"."""
    return in_scope_or_404(Notification.objects.filter(user=user), pk)
