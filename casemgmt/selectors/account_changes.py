"""What happened to a user's account since they last signed in from this browser, for the
notice at sign-in (auth/notices.py; ASVS 2.2.3, 2.5.5: a change they did not make is the
sign of a taken-over account).

"Since" is the last sign-in with the same browser (user agent), so an intruder who signs in
from elsewhere, even twice, does not move it: the owner's next sign-in shows the intruder's
sign-ins and changes. Failed attempts are counted in SQL, so a flood of them cannot push a
real change out of the list."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Max, Q

from casemgmt.models import AuditAction, AuditEvent, User

# Every change to how the user signs in, by them or by an administrator.
ACCOUNT_CHANGE_ACTIONS = (
    AuditAction.AUTH_PASSWORD_CHANGED,
    AuditAction.CONFIG_USER_PASSWORD_SET,
    AuditAction.AUTH_FACTOR_ADDED,
    AuditAction.AUTH_FACTOR_REMOVED,
    AuditAction.AUTH_LOCKED_OUT,
    AuditAction.AUTH_UNLOCKED,
    AuditAction.AUTH_SESSIONS_ENDED,
    AuditAction.AUTH_SECOND_FACTOR_RESET,
)
CHANGES_SHOWN = 50


@dataclass
class AccountChanges:
    since: datetime
    failed: int = 0
    last_failed_at: datetime | None = None
    other_sign_ins: int = 0
    last_other_sign_in: AuditEvent | None = None
    changes: list[AuditEvent] = field(default_factory=list)  # oldest first
    more_changes: int = 0

    def __bool__(self) -> bool:
        return bool(self.failed or self.other_sign_ins or self.changes)


def _of(user: User):
    return AuditEvent.objects.filter(target_type=User._meta.label_lower, target_id=str(user.pk))


def last_signed_in_at(user: User, user_agent: str = "") -> datetime | None:
    """When ``user`` last signed in with this browser, else at all (read before the sign-in
    being recorded)."""
    sign_ins = _of(user).filter(action=AuditAction.AUTH_SIGNED_IN).order_by("-at")
    same_browser = sign_ins.filter(metadata__user_agent=user_agent).values_list("at", flat=True)
    return same_browser.first() or sign_ins.values_list("at", flat=True).first()


def changes_since(user: User, since: datetime | None, user_agent: str = "") -> AccountChanges:
    """Counts of failed and other-browser sign-ins, and the latest changes, since ``since``."""
    if since is None:
        return AccountChanges(since=since)
    after = _of(user).filter(at__gt=since)
    failed = Q(action=AuditAction.AUTH_SIGN_IN_FAILED)
    elsewhere = Q(action=AuditAction.AUTH_SIGNED_IN) & ~Q(metadata__user_agent=user_agent)
    changed = Q(action__in=ACCOUNT_CHANGE_ACTIONS)
    counts = after.aggregate(
        failed=Count("id", filter=failed),
        last_failed_at=Max("at", filter=failed),
        other_sign_ins=Count("id", filter=elsewhere),
        changes=Count("id", filter=changed),
    )
    result = AccountChanges(
        since=since,
        failed=counts["failed"],
        last_failed_at=counts["last_failed_at"],
        other_sign_ins=counts["other_sign_ins"],
    )
    if counts["other_sign_ins"]:
        result.last_other_sign_in = after.filter(elsewhere).order_by("-at").first()
    if counts["changes"]:
        latest = after.filter(changed).select_related("actor").order_by("-at", "-id")
        result.changes = list(latest[:CHANGES_SHOWN])[::-1]
        result.more_changes = max(counts["changes"] - CHANGES_SHOWN, 0)
    return result
