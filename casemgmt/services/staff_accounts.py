"""Staff accounts as administrators change them in the admin.

No one changes their own role, agency or superuser status; only a superuser makes or
changes a superuser; a privileged role is only asked for here (``role_grants``); every
change, refusal and credential change is an audit event.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from casemgmt.errors import NotPermitted
from casemgmt.models import AuditAction, RoleGrant, User
from casemgmt.roles import PRIVILEGED_ROLES, Role
from casemgmt.services import account_security, audit, role_grants

# What an administrator may set on a user in the admin (never the password: see below).
USER_FIELDS = [
    "username",
    "first_name",
    "last_name",
    "email",
    "agency",
    "role",
    "juvenile_trained",
    "preferred_language",
    "is_active",
    "password_change_required",
    "is_superuser",
]
# What no one changes on their own account.
SELF_LOCKED_FIELDS = ("agency", "role", "is_superuser")


def locked_fields(*, by: User, user: User | None) -> set[str]:
    """The fields of ``user`` (None: a user being added) that ``by`` may not change."""
    locked = set()
    if not by.is_superuser:
        locked.add("is_superuser")
    if user is not None and user.pk == by.pk:
        locked.update(SELF_LOCKED_FIELDS)
    return locked


def may_change_user(*, by: User, user: User | None) -> bool:
    """A superuser's account (its password included) is changed only by a superuser."""
    return role_grants.may_administer_users(by) and (
        user is None or not user.is_superuser or by.is_superuser
    )


def refused_changes(*, by: User, user: User, stored: User | None) -> dict[str, list[Any]]:
    """{field: [stored, wanted]} for each change to ``user`` that ``by`` may not make."""
    wanted = audit.snapshot(user, list(SELF_LOCKED_FIELDS))
    current = (
        audit.snapshot(stored, list(SELF_LOCKED_FIELDS))
        if stored is not None
        else {"agency": None, "role": Role.CASEWORKER.value, "is_superuser": False}
    )
    return {
        name: [current[name], wanted[name]]
        for name in sorted(locked_fields(by=by, user=stored))
        if current[name] != wanted[name]
    }


@transaction.atomic
def user_change_refused(*, by: User, user: User, refused: dict[str, list[Any]]) -> None:
    """Record an attempt to change what ``by`` may not change on ``user``."""
    audit.record(
        actor=by,
        action=AuditAction.CONFIG_USER_CHANGE_REFUSED,
        target=user,
        changes=refused,
    )


@transaction.atomic
def user_save(*, by: User, user: User, role_reason: str = "") -> RoleGrant | None:
    """Save ``user`` as an administrator set it in the admin (a new user when it has no
    pk). A privileged role is not applied: it becomes a grant waiting for a second
    administrator, which is returned; a new user asked a privileged role for stays
    inactive until it is confirmed."""
    stored = User.objects.select_for_update().get(pk=user.pk) if user.pk else None
    if not may_change_user(by=by, user=stored):
        raise NotPermitted(_("Only a superuser changes a superuser's account."))
    refused = refused_changes(by=by, user=user, stored=stored)
    if refused:
        raise NotPermitted(_("You may not make this change to this account."))
    wanted_role = user.role
    needs_grant = wanted_role in PRIVILEGED_ROLES and (stored is None or stored.role != wanted_role)
    activates_user = False
    if needs_grant:
        user.role = stored.role if stored is not None else Role.CASEWORKER
        if stored is None:
            activates_user, user.is_active = user.is_active, False
    before = audit.snapshot(stored, USER_FIELDS) if stored is not None else {}
    user.save()
    changes = audit.diff(before, audit.snapshot(user, USER_FIELDS))
    if changes or stored is None:  # a role only asked for is recorded as its grant
        audit.record(
            actor=by,
            action=AuditAction.CONFIG_USER_CHANGED if stored else AuditAction.CONFIG_USER_CREATED,
            target=user,
            changes=changes,
        )
    if stored is None and user.has_usable_password():
        account_security.user_password_set_by_administrator(by=by, user=user)
    if not needs_grant:
        return None
    return role_grants.role_grant_request(
        by=by, user=user, role=wanted_role, reason=role_reason, activates_user=activates_user
    )
