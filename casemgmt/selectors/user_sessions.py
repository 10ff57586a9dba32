"""The signed-in user's own active sessions, for the sessions page: two queries whatever
their number (allauth's rows, then the sessions themselves in one go)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from importlib import import_module

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.models import Session
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from casemgmt import sessions
from casemgmt.auth.addresses import client_address, user_agent
from casemgmt.services.user_sessions import DATABASE_ENGINES

BROWSERS = [("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome")]
BROWSERS += [("Safari/", "Safari")]
SYSTEMS = [("Windows", "Windows"), ("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iPadOS")]
SYSTEMS += [("CrOS", "ChromeOS"), ("Mac OS X", "macOS"), ("Linux", "Linux")]


@dataclass(frozen=True)
class ActiveSession:
    id: int | None  # the UserSession row; None for the current session if it has none
    address: str
    user_agent: str
    signed_in_at: datetime.datetime | None
    last_seen_at: datetime.datetime | None
    is_current: bool

    @property
    def device(self) -> str:
        return describe_device(self.user_agent)


def describe_device(agent: str) -> str:
    """ "Firefox on Windows": enough to recognise one's own browser (the full text is shown too)."""
    browser = next((name for token, name in BROWSERS if token in agent), None)
    system = next((name for token, name in SYSTEMS if token in agent), None)
    if browser and system:
        return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    return browser or system or _("Unknown browser")


def _stored_data(keys: list[str]) -> dict[str, dict]:
    """Each unexpired session's data by key (one query when sessions are in the database)."""
    if settings.SESSION_ENGINE in DATABASE_ENGINES:
        alive = Session.objects.filter(session_key__in=keys, expire_date__gt=timezone.now())
        return {s.session_key: s.get_decoded() for s in alive}
    store = import_module(settings.SESSION_ENGINE).SessionStore
    loaded = {key: store(key).load() for key in keys}
    return {key: data for key, data in loaded.items() if data}


def _signed_in_as(data: dict, user) -> bool:
    """Still a session of ``user``: theirs, signed in since their last password change, and
    within our idle and absolute limits (casemgmt/sessions.py)."""
    return (
        data.get(SESSION_KEY) == str(user.pk)
        and constant_time_compare(data.get(HASH_SESSION_KEY, ""), user.get_session_auth_hash())
        and sessions.expiry_reason(data) is None
    )


def _when(data: dict, key: str) -> datetime.datetime | None:
    stamp = data.get(key)
    return datetime.datetime.fromtimestamp(stamp, tz=datetime.UTC) if stamp else None


def _current_without_row(request) -> ActiveSession:
    """A session signed in before allauth kept rows: described from the request itself."""
    data = request.session
    return ActiveSession(
        id=None,
        address=client_address(request),
        user_agent=user_agent(request),
        signed_in_at=_when(data, sessions.SIGNED_IN_AT),
        last_seen_at=_when(data, sessions.LAST_ACTIVITY_AT),
        is_current=True,
    )


def user_session_list(*, request) -> list[ActiveSession]:
    """The signed-in user's sessions still alive, the one in use first, then newest first.
    Rows of sessions that ended (signed out, timed out) are left out, not deleted: allauth
    prunes them at the user's next sign-in."""
    user, current = request.user, request.session.session_key
    rows = list(UserSession.objects.filter(user_id=user.pk).order_by("-created_at", "-pk"))
    stored = _stored_data([row.session_key for row in rows]) if rows else {}
    listed = [
        ActiveSession(
            id=row.pk,
            address=row.ip,
            user_agent=row.user_agent,
            signed_in_at=row.created_at,
            last_seen_at=_when(stored[row.session_key], sessions.LAST_ACTIVITY_AT),
            is_current=row.session_key == current,
        )
        for row in rows
        if row.session_key in stored and _signed_in_as(stored[row.session_key], user)
    ]
    if not any(s.is_current for s in listed):
        listed.insert(0, _current_without_row(request))
    return sorted(listed, key=lambda s: not s.is_current)
