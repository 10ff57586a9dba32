"""The groups an auditor searches the trail by: every audit action in exactly one.

Declared by the action's prefix, with the few exceptions named; a test checks that
every ``AuditAction`` falls in one group.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from casemgmt.models import AuditAction


class ActionGroup(models.TextChoices):
    CHANGES = "changes", _("Changes to records")
    READS = "reads", _("Reads and searches")
    MOVES = "moves", _("Stage moves")
    ACCESS = "access", _("Access: refusals, emergency access, restriction")
    SIGN_IN = "sign_in", _("Sign-in and credentials")
    CONFIGURATION = "configuration", _("Configuration, users and roles")


_BY_PREFIX = {
    "read.": ActionGroup.READS,
    "search.": ActionGroup.READS,
    "export.": ActionGroup.READS,
    "case.transition_": ActionGroup.MOVES,
    "access.": ActionGroup.ACCESS,
    "auth.": ActionGroup.SIGN_IN,
    "config.": ActionGroup.CONFIGURATION,
    "audit.": ActionGroup.CONFIGURATION,
    "user.": ActionGroup.CONFIGURATION,
}
_EXCEPTIONS = {
    AuditAction.CASE_RESTRICTED: ActionGroup.ACCESS,
    AuditAction.CASE_UNRESTRICTED: ActionGroup.ACCESS,
    AuditAction.CASE_ALLOW_LIST_ADDED: ActionGroup.ACCESS,
    AuditAction.CASE_ALLOW_LIST_REMOVED: ActionGroup.ACCESS,
    AuditAction.NOTIFICATION_READ: ActionGroup.READS,
}


def group_of(action: str) -> ActionGroup:
    """The group of ``action``: an exception, else its longest matching prefix, else a
    change to a record."""
    if action in _EXCEPTIONS:
        return _EXCEPTIONS[action]
    for prefix in sorted(_BY_PREFIX, key=len, reverse=True):
        if action.startswith(prefix):
            return _BY_PREFIX[prefix]
    return ActionGroup.CHANGES


ACTIONS_BY_GROUP: dict[ActionGroup, tuple[str, ...]] = {
    group: tuple(a.value for a in AuditAction if group_of(a.value) == group)
    for group in ActionGroup
}
