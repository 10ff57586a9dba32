"""Privileged roles given on a second administrator's confirmation.

An administrator who gives someone the supervisor, auditor or administrator role only
asks for it (``role_grant_request``); the user keeps their old role until another
administrator, neither the requester nor the user, confirms it (``role_grant_confirm``)
or rejects it (``role_grant_reject``). Each step is an audit event.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casemgmt.errors import NotPermitted
from casemgmt.models import AuditAction, RoleGrant, RoleGrantStatus, User
from casemgmt.roles import PRIVILEGED_ROLES, Role
from casemgmt.services import audit
from casemgmt.services.lifecycle import change_status


def may_administer_users(user: User) -> bool:
    """Administrators (and the platform owner, a superuser) manage staff accounts."""
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.role == Role.ADMINISTRATOR)
    )


def may_decide(user: User, grant: RoleGrant) -> bool:
    """A second administrator decides: never the one who asked, never the user concerned."""
    return may_administer_users(user) and user.pk not in (grant.requested_by_id, grant.user_id)


@transaction.atomic
def role_grant_request(
    *, by: User, user: User, role: str, reason: str, activates_user: bool = False
) -> RoleGrant:
    """Ask for ``role`` (a privileged role) for ``user``; nothing changes on the user."""
    if not may_administer_users(by):
        raise NotPermitted(_("Only an administrator may give a role."))
    if role not in PRIVILEGED_ROLES:
        raise NotPermitted(_("This role is given directly; it needs no confirmation."))
    if by.pk == user.pk:
        raise NotPermitted(_("No one changes their own role."))
    if not reason.strip():
        raise NotPermitted(_("Say why this user needs the role."))
    # Serialise requests for one user; the database allows one pending grant per user too.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if RoleGrant.objects.filter(user=user, status=RoleGrantStatus.PENDING).exists():
        raise NotPermitted(
            _(
                "A role grant for this user is already waiting for confirmation: confirm or "
                "reject it first."
            )
        )
    grant = RoleGrant.objects.create(
        user=user,
        role=role,
        reason=reason.strip(),
        activates_user=activates_user,
        requested_by=by,
    )
    audit.record(
        actor=by,
        action=AuditAction.CONFIG_ROLE_GRANT_REQUESTED,
        target=grant,
        changes={"role": [user.role, role]},
        metadata={"user": user.pk, "reason": grant.reason, "activates_user": activates_user},
    )
    return grant


def _check_decider(by: User):
    def check(grant: RoleGrant) -> None:
        if not may_administer_users(by):
            raise NotPermitted(_("Only an administrator may confirm or reject a role grant."))
        if by.pk == grant.requested_by_id:
            raise NotPermitted(_("A second administrator must decide on a role you asked for."))
        if by.pk == grant.user_id:
            raise NotPermitted(_("No one decides on their own role."))

    return check


@transaction.atomic
def role_grant_confirm(*, grant: RoleGrant, by: User, reason: str = "") -> RoleGrant:
    """Confirm ``grant`` as the second administrator: the user gets the role now."""

    def apply_role(locked: RoleGrant) -> dict:
        user = User.objects.select_for_update().get(pk=locked.user_id)
        before = audit.snapshot(user, ["role", "is_active"])
        user.role = locked.role
        if locked.activates_user:
            user.is_active = True
        user.save(update_fields=["role", "is_active", "is_staff"])
        return {
            "user": user.pk,
            "user_changes": audit.diff(before, audit.snapshot(user, ["role", "is_active"])),
        }

    return change_status(
        grant,
        to=RoleGrantStatus.CONFIRMED,
        by=by,
        fields={"decided_by": by, "decided_at": timezone.now(), "decision_reason": reason},
        check=_check_decider(by),
        effects=apply_role,
    )


@transaction.atomic
def role_grant_reject(*, grant: RoleGrant, by: User, reason: str) -> RoleGrant:
    """Reject ``grant`` as the second administrator: the user keeps their role."""
    if not reason.strip():
        raise NotPermitted(_("Say why the role is not given."))
    return change_status(
        grant,
        to=RoleGrantStatus.REJECTED,
        by=by,
        fields={"decided_by": by, "decided_at": timezone.now(), "decision_reason": reason},
        check=_check_decider(by),
    )
