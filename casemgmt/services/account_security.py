"""Changes to a user's credentials: second factors added or removed (renewed recovery codes
are the old set removed and a new one added), passwords set by an administrator (a change
is then required at next sign-in), and the rule that one administrator never holds both
halves of an account. What changed is shown to the user at their next sign-in
(selectors/account_changes.py, auth/notices.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from allauth.mfa.models import Authenticator
from django.db import transaction
from django.db.models import Subquery, Value
from django.db.models.functions import Coalesce

from casemgmt.auth.addresses import client_address, user_agent
from casemgmt.models import AuditAction, AuditEvent, User
from casemgmt.services import audit

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _factor(authenticator: Authenticator) -> dict:
    """What the trail keeps of a factor: its type and, for a passkey, the name the user gave
    it; never its secret or credential."""
    kept = {"type": authenticator.type, "factor_id": authenticator.pk}
    if authenticator.type == Authenticator.Type.WEBAUTHN:
        kept["name"] = str((authenticator.data or {}).get("name", ""))[:100]
    return kept


def _client(request) -> dict:
    if request is None:
        return {}
    return {"address": client_address(request), "user_agent": user_agent(request)}


def _actor(request, user: User) -> User:
    actor = getattr(request, "user", None)
    return actor if getattr(actor, "is_authenticated", False) else user


def record_factor_added(*, user: User, authenticator: Authenticator, request) -> None:
    """Called from the model's ``post_save``, so inside the transaction that added it."""
    audit.record(
        actor=_actor(request, user),
        action=AuditAction.AUTH_FACTOR_ADDED,
        target=user,
        metadata={**_factor(authenticator), **_client(request)},
    )


def record_factor_removed(*, user: User, authenticator: Authenticator, request) -> None:
    """Called from the model's ``post_delete``: by the user, the admin or a reset."""
    audit.record(
        actor=_actor(request, user),
        action=AuditAction.AUTH_FACTOR_REMOVED,
        target=user,
        metadata={**_factor(authenticator), **_client(request)},
    )


@transaction.atomic
def user_password_set_by_administrator(*, by: User, user: User) -> None:
    """``by`` set (or disabled) ``user``'s password in the admin. Someone else's password
    set this way is known to the administrator, so the user must choose their own at next
    sign-in. The event names both, never the password or its hash."""
    own = by.pk == user.pk
    if not own and user.has_usable_password():
        User.objects.filter(pk=user.pk).update(password_change_required=True)
        user.password_change_required = True
    audit.record(
        actor=by,
        action=AuditAction.CONFIG_USER_PASSWORD_SET,
        target=user,
        metadata={
            "usable_password": user.has_usable_password(),
            "own": own,
            "change_required": user.password_change_required,
        },
    )


def administrator_acted_since_sign_in(*, by: User, user: User, action: AuditAction) -> bool:
    """Whether ``by`` did ``action`` to ``user`` (set their password, or reset their second
    factor) since the user last signed in. One administrator doing both would hold the whole
    account: the password they chose and a factor they enrol themselves. So each half is
    refused to the administrator who did the other, until the user has signed in."""
    target = {"target_type": User._meta.label_lower, "target_id": str(user.pk)}
    last_sign_in = (
        AuditEvent.objects.filter(action=AuditAction.AUTH_SIGNED_IN, **target)
        .order_by("-at")
        .values("at")[:1]
    )
    since = Coalesce(Subquery(last_sign_in), Value(EPOCH))  # never signed in: all time
    return AuditEvent.objects.filter(actor=by, action=action, at__gt=since, **target).exists()
