"""Dormant accounts: active users with no sign-in for ``CASEMGMT_DORMANT_DAYS`` days.

A user's clock starts at the later of their last sign-in (the day they joined, for one
who never signed in) and the last time an administrator changed ``is_active`` (so an
account re-enabled in the admin gets a full period to sign in before it is disabled
again).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import CharField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Cast, Coalesce, Greatest
from django.utils import timezone

from casemgmt.models import AuditAction, AuditEvent, User

# Events on a user whose changes include is_active: the admin's edit (config.user_changed)
# and our own disabling.
ACTIVATION_ACTIONS = [AuditAction.CONFIG_USER_CHANGED, AuditAction.CONFIG_USER_DISABLED_DORMANT]


def dormancy_cutoff(today: datetime.date, days: int) -> datetime.datetime:
    """Activity before this instant is dormant: on day ``today - days`` or earlier, in
    local time, whatever the hour the job runs (89 days ago is kept, 90 is not)."""
    first_kept_day = today - datetime.timedelta(days=days - 1)
    return timezone.make_aware(datetime.datetime.combine(first_kept_day, datetime.time.min))


def with_last_activity(users: QuerySet) -> QuerySet:
    """``users`` annotated with ``last_activity`` (see the module's docstring)."""
    # NULLs are coalesced first: GREATEST ignores them on PostgreSQL, SQLite's returns NULL.
    reactivated = Subquery(
        AuditEvent.objects.filter(
            target_type=User._meta.label_lower,
            target_id=Cast(OuterRef("pk"), CharField()),
            action__in=ACTIVATION_ACTIONS,
            changes__has_key="is_active",
        )
        .order_by("-at")
        .values("at")[:1]
    )
    return users.annotate(
        last_activity=Greatest(
            Coalesce("last_login", "date_joined"),
            Coalesce(reactivated, "last_login", "date_joined"),
        )
    )


def dormant_accounts(*, today: datetime.date | None = None, days: int | None = None) -> QuerySet:
    """Active users whose last activity is ``days`` (default: the setting) or more days
    before ``today``, oldest activity first."""
    today = today or timezone.localdate()
    days = settings.CASEMGMT_DORMANT_DAYS if days is None else days
    return (
        with_last_activity(User.objects.filter(is_active=True))
        .filter(last_activity__lt=dormancy_cutoff(today, days))
        .order_by("last_activity", "pk")
    )
