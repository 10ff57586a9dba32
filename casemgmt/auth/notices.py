"""What a user is told at sign-in about their account since they last signed in from this
browser: every change to how they sign in (theirs or an administrator's), sign-ins from
elsewhere and the failed attempts on their name, so a change they did not make is noticed
(selectors/account_changes.py finds them)."""

from __future__ import annotations

from datetime import datetime

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from casemgmt.auth.addresses import user_agent
from casemgmt.models import AuditAction, AuditEvent
from casemgmt.selectors import account_changes
from casemgmt.selectors.account_changes import AccountChanges

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


def lines_for(found: AccountChanges, user) -> list[str]:
    lines = []
    if found.failed:
        lines.append(
            ngettext(
                "%(count)d failed sign-in attempt on your account, the last at %(when)s.",
                "%(count)d failed sign-in attempts on your account, the last at %(when)s.",
                found.failed,
            )
            % {"count": found.failed, "when": _when(found.last_failed_at)}
        )
    if found.other_sign_ins:
        last = found.last_other_sign_in
        lines.append(
            ngettext(
                "%(count)d sign-in from another browser or device, the last at %(when)s "
                "from %(address)s.",
                "%(count)d sign-ins from another browser or device, the last at %(when)s "
                "from %(address)s.",
                found.other_sign_ins,
            )
            % {
                "count": found.other_sign_ins,
                "when": _when(last.at),
                "address": last.metadata.get("address") or "?",
            }
        )
    described = (describe(event, user) for event in found.changes)
    lines += [line for line in described if line]
    if found.more_changes:
        lines.append(
            ngettext(
                "and %(count)d earlier change: ask your administrator for the full list.",
                "and %(count)d earlier changes: ask your administrator for the full list.",
                found.more_changes,
            )
            % {"count": found.more_changes}
        )
    return lines


def add_changes_since_last_sign_in(request, user, *, since: datetime | None) -> None:
    """Leave the sign-in notice as a message for the first page after sign-in."""
    found = account_changes.changes_since(user, since, user_agent(request))
    lines = lines_for(found, user)
    if not lines or not hasattr(request, "_messages"):
        return
    text = format_html(
        "<p class='mb-1'>{}</p><ul class='mb-1'>{}</ul><p class='mb-0'>{}</p>",
        _("Since you last signed in here (%(when)s):") % {"when": _when(since)},
        format_html_join("", "<li>{}</li>", ((line,) for line in lines)),
        _("If you did not do this or do not know why, tell your administrator now."),
    )
    messages.warning(request, text, extra_tags="account-changes")
