"""What a user is told at sign-in about their account since they last signed in: every
change to how they sign in (theirs or an administrator's) and the failed attempts on their
name, so a change they did not make is noticed."""

from __future__ import annotations

from datetime import datetime

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from casemgmt.models import AuditAction, AuditEvent

FACTOR_NAMES = {
    Authenticator.Type.TOTP: lambda e: _("an authenticator app"),
    Authenticator.Type.RECOVERY_CODES: lambda e: _("recovery codes"),
    Authenticator.Type.WEBAUTHN: lambda e: (
        _("the passkey “%(name)s”") % {"name": e.metadata.get("name", "")}
    ),
}


def _when(at: datetime) -> str:
    return formats.date_format(timezone.localtime(at), "SHORT_DATETIME_FORMAT")


def _factor(event: AuditEvent) -> str:
    describe = FACTOR_NAMES.get(event.metadata.get("type"))
    return describe(event) if describe else _("a second factor")


def _by(event: AuditEvent, user) -> str:
    if event.actor_id is None:
        return _("the system")
    if event.actor_id == user.pk:
        return _("you")
    return _("administrator %(name)s") % {"name": event.actor.display_name}


def describe(event: AuditEvent, user) -> str | None:
    """One line for ``event``, or None for one the user need not be told about."""
    values = {"by": _by(event, user), "when": _when(event.at)}
    action = event.action
    if action == AuditAction.AUTH_PASSWORD_CHANGED:
        return _("%(when)s: your password was changed by %(by)s.") % values
    if action == AuditAction.CONFIG_USER_PASSWORD_SET:
        return _("%(when)s: your password was set by %(by)s.") % values
    if action == AuditAction.AUTH_FACTOR_ADDED:
        return _("%(when)s: %(factor)s added by %(by)s.") % {**values, "factor": _factor(event)}
    if action == AuditAction.AUTH_FACTOR_REMOVED:
        if event.metadata.get("type") == Authenticator.Type.RECOVERY_CODES:
            return None  # renewed codes, or removed with the last factor: said by its line
        return _("%(when)s: %(factor)s removed by %(by)s.") % {**values, "factor": _factor(event)}
    if action == AuditAction.AUTH_LOCKED_OUT:
        return _("%(when)s: sign-in was locked after repeated failures.") % values
    if action == AuditAction.AUTH_UNLOCKED:
        return _("%(when)s: sign-in was unlocked by %(by)s.") % values
    if action == AuditAction.AUTH_SECOND_FACTOR_RESET:
        return _("%(when)s: %(by)s reset your second factor; you set up a new one.") % values
    if action == AuditAction.AUTH_SESSIONS_ENDED and event.actor_id != user.pk:
        return _("%(when)s: %(by)s signed you out everywhere.") % values
    return None


def lines_for(events: list[AuditEvent], user) -> list[str]:
    failed = [e for e in events if e.action == AuditAction.AUTH_SIGN_IN_FAILED]
    lines = []
    if failed:
        lines.append(
            ngettext(
                "%(count)d failed sign-in attempt on your account, the last at %(when)s.",
                "%(count)d failed sign-in attempts on your account, the last at %(when)s.",
                len(failed),
            )
            % {"count": len(failed), "when": _when(failed[-1].at)}
        )
    described = (describe(e, user) for e in events if e.action != AuditAction.AUTH_SIGN_IN_FAILED)
    return lines + [line for line in described if line]


def add_changes_since_last_sign_in(request, user, *, since: datetime | None) -> None:
    """Leave the sign-in notice as a message for the first page after sign-in."""
    from casemgmt.services import account_security

    lines = lines_for(account_security.changes_since(user, since), user)
    if not lines or not hasattr(request, "_messages"):
        return
    text = format_html(
        "<p class='mb-1'>{}</p><ul class='mb-1'>{}</ul><p class='mb-0'>{}</p>",
        _("Since you last signed in (%(when)s):") % {"when": _when(since)},
        format_html_join("", "<li>{}</li>", ((line,) for line in lines)),
        _("If you did not do this or do not know why, tell your administrator now."),
    )
    messages.warning(request, text, extra_tags="account-changes")
