"""An administrator's reset of a user's lost second factor: the user's authenticator app,
passkeys and recovery codes are removed and their sessions end, so at the next sign-in
(password) they are held at enrolment until they set up a new factor
(casemgmt/auth/middleware.py). docs/operations.md, "Resetting a lost second factor"."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.db import transaction
from django.utils.translation import gettext as _

from casemgmt.errors import NotPermitted
from casemgmt.models import AuditAction, User
from casemgmt.services import account_security, audit, user_sessions
from casemgmt.services.role_grants import may_administer_users


def may_reset_second_factor(*, by: User, user: User) -> bool:
    """Administrators, never for themselves; a superuser's factors only by a superuser; never
    by the administrator who set the user's password since the user last signed in (they
    would then hold the password and enrol their own factor: the account would be theirs)."""
    return (
        may_administer_users(by)
        and by.pk != user.pk
        and (not user.is_superuser or by.is_superuser)
        and not account_security.administrator_acted_since_sign_in(
            by=by, user=user, action=AuditAction.CONFIG_USER_PASSWORD_SET
        )
    )


@transaction.atomic
def second_factor_reset(*, user: User, by: User, reason: str) -> list[str]:
    """Remove every second factor of ``user`` and end their sessions; returns the types
    removed. The caller (the admin's view) has made ``by`` step up first."""
    if not may_reset_second_factor(by=by, user=user):
        raise NotPermitted(_("You may not reset this user's second factor."))
    reason = reason.strip()
    if not reason:
        raise NotPermitted(_("Say why the second factor is reset."))
    factors = Authenticator.objects.select_for_update().filter(user_id=user.pk)
    removed = sorted({str(kind) for kind in factors.values_list("type", flat=True)})
    factors.delete()
    ended = user_sessions.sessions_delete(user=user)
    audit.record(
        actor=by,
        action=AuditAction.AUTH_SECOND_FACTOR_RESET,
        target=user,
        metadata={"reason": reason, "removed": removed, "sessions_ended": ended},
    )
    return removed
