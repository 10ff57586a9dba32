"""Disabling dormant accounts: an unused account is a password nobody would miss being
guessed. The daily job ``accounts_disable_dormant`` and ``manage.py
disable_dormant_accounts`` both run ``accounts_disable_dormant``."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from casemgmt.models import AuditAction, AuditEvent, User
from casemgmt.selectors.dormant_accounts import dormant_accounts


def dormant_accounts_to_disable(
    *, today: datetime.date | None = None, lock: bool = False
) -> list[User]:
    """The dormant accounts the job would disable ``today`` (annotated ``last_activity``).

    Superusers are disabled like anyone (a dormant superuser is the most useful account
    to steal), except the last active one: someone must be able to sign in to the admin
    and re-enable accounts. When every active superuser is dormant, the one used most
    recently stays active."""
    candidates = dormant_accounts(today=today)
    if lock:
        # Rows locked then re-checked: a user signing in meanwhile drops out of the set.
        candidates = candidates.select_for_update()
    candidates = list(candidates)
    dormant_superusers = [u for u in candidates if u.is_superuser]
    if dormant_superusers:
        others_active = (
            User.objects.filter(is_active=True, is_superuser=True)
            .exclude(pk__in=[u.pk for u in dormant_superusers])
            .exists()
        )
        if not others_active:
            keep = dormant_superusers[-1]  # ordered by last activity: the most recent
            candidates = [u for u in candidates if u.pk != keep.pk]
    return candidates


def _event(user: User, today: datetime.date) -> AuditEvent:
    last = user.last_activity
    return AuditEvent(
        actor=None,  # the system: the scheduled job, or an operator's command
        action=AuditAction.CONFIG_USER_DISABLED_DORMANT,
        target_type=User._meta.label_lower,
        target_id=str(user.pk),
        target_label=str(user)[:200],
        changes={"is_active": [True, False]},
        metadata={
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "last_activity": last.isoformat(),
            "days": (today - timezone.localdate(last)).days,
            "dormant_days": settings.CASEMGMT_DORMANT_DAYS,
        },
    )


@transaction.atomic
def accounts_disable_dormant(*, today: datetime.date | None = None) -> list[User]:
    """Disable (``is_active=False``) every account with no sign-in for
    ``CASEMGMT_DORMANT_DAYS`` days, in one UPDATE, with one audit event per account
    (actor: none, the system). Idempotent: a disabled account is no longer a candidate.
    Returns the accounts disabled. Their sessions end at their next request (Django
    refuses an inactive user's session)."""
    today = today or timezone.localdate()
    disabled = dormant_accounts_to_disable(today=today, lock=True)
    if not disabled:
        return []
    User.objects.filter(pk__in=[u.pk for u in disabled], is_active=True).update(is_active=False)
    AuditEvent.objects.bulk_create([_event(user, today) for user in disabled])
    for user in disabled:
        user.is_active = False
    return disabled
