"""The audit of authentication (sign-in, sign-out, failures, lockout, password changes) and
the administrator's unlock. Events carry the client's address and user agent, never a
password; a user name that matches nobody is kept only as a keyed hash, so the trail can
show one name tried many times without holding what was typed (perhaps a password)."""

from __future__ import annotations

from axes.utils import reset as axes_reset
from django.core.cache import cache
from django.db import transaction
from django.utils.crypto import salted_hmac

from casemgmt.auth.addresses import client_address, user_agent
from casemgmt.models import AuditAction, User
from casemgmt.services import audit


def _client(request) -> dict:
    return {"address": client_address(request), "user_agent": user_agent(request)}


def _user_named(username: str | None) -> User | None:
    if not username:
        return None
    return User.objects.filter(**{User.USERNAME_FIELD: username}).first()


def _record_attempt(*, action: AuditAction, username: str | None, request, extra=None):
    """A failure or lockout: on the user when the name is theirs, else on the name's hash."""
    metadata = {**_client(request), **(extra or {})}
    user = _user_named(username)
    if user is not None:
        return audit.record(actor=None, action=action, target=user, metadata=metadata)
    return audit.record_untargeted(
        actor=None,
        action=action,
        target_type="sign_in.unknown_name",
        target_id=salted_hmac("casemgmt.sign_in.name", username or "").hexdigest()[:40],
        metadata=metadata,
    )


def record_signed_in(*, user: User, request) -> None:
    audit.record(
        actor=user, action=AuditAction.AUTH_SIGNED_IN, target=user, metadata=_client(request)
    )


def record_signed_out(*, user: User | None, request) -> None:
    if user is None or not user.is_authenticated:
        return  # signing out without a session changes nothing
    audit.record(
        actor=user, action=AuditAction.AUTH_SIGNED_OUT, target=user, metadata=_client(request)
    )


def record_sign_in_failed(*, username: str | None, request) -> None:
    _record_attempt(action=AuditAction.AUTH_SIGN_IN_FAILED, username=username, request=request)


def second_factor_failures_key(user_id: int) -> str:
    """The cache key counting a user's wrong codes at the second step (auth.forms)."""
    return f"mfa-code-failures:{user_id}"


def record_second_factor_failed(*, user: User, request) -> None:
    """A wrong code (app or recovery) after the right password."""
    _record_attempt(
        action=AuditAction.AUTH_SIGN_IN_FAILED,
        username=user.get_username(),
        request=request,
        extra={"step": "second factor"},
    )


def record_locked_out(*, username: str | None, request) -> None:
    _record_attempt(action=AuditAction.AUTH_LOCKED_OUT, username=username, request=request)


def record_password_changed(*, user: User, request) -> None:
    """The user changed their own password (an administrator's reset is
    ``config.user_password_set``, recorded by the admin)."""
    audit.record(
        actor=user, action=AuditAction.AUTH_PASSWORD_CHANGED, target=user, metadata=_client(request)
    )


def record_stepped_up(*, user: User, request, method: str, factor: str | None = None) -> None:
    """The user proved again who they are before a sensitive action (casemgmt/auth/step_up):
    with the password, or with which second factor (totp, recovery_codes, webauthn)."""
    metadata = {**_client(request), "method": method}
    if factor:
        metadata["factor"] = str(factor)
    audit.record(actor=user, action=AuditAction.AUTH_STEPPED_UP, target=user, metadata=metadata)


@transaction.atomic
def unlock_user(*, user: User, by: User) -> int:
    """Clear the failed sign-ins counted against ``user``'s name (from every address); the
    number cleared is recorded."""
    cleared = axes_reset(username=user.get_username())
    cache.delete(second_factor_failures_key(user.pk))
    audit.record(
        actor=by, action=AuditAction.AUTH_UNLOCKED, target=user, metadata={"cleared": cleared}
    )
    return cleared


@transaction.atomic
def unlock_address(*, address: str, by: User) -> int:
    """Clear the failed sign-ins counted against one address (a locked office network)."""
    cleared = axes_reset(ip=address)
    audit.record_untargeted(
        actor=by,
        action=AuditAction.AUTH_UNLOCKED,
        target_type="sign_in.address",
        target_id=address,
        metadata={"cleared": cleared, "address": address},
    )
    return cleared
