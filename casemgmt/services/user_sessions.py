"""Ending a user's signed-in sessions: one of their own, all but the one in use (after a
password change, or from the sessions page), or all of them (an administrator's "sign out
everywhere"). Each call records one ``auth.sessions_ended`` event with how many ended.

A session is found two ways: allauth's ``UserSession`` row, written at each sign-in since
``allauth.usersessions`` was installed, for any session backend; and, since our sessions are
in the database, every unexpired session whose data names the user, which also finds the
sessions signed in before the rows existed (or whose row was lost)."""

from __future__ import annotations

from importlib import import_module

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from casemgmt.models import AuditAction, User
from casemgmt.services import audit

DATABASE_ENGINES = frozenset(
    {"django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db"}
)


def _store():
    return import_module(settings.SESSION_ENGINE).SessionStore()


def _stored_session_keys(user: User) -> set[str]:
    """Unexpired sessions in the database signed in as ``user`` (each decoded: a rare,
    deliberate act, bounded by the sessions alive now)."""
    if settings.SESSION_ENGINE not in DATABASE_ENGINES:
        return set()
    alive = Session.objects.filter(expire_date__gt=timezone.now()).iterator()
    return {s.session_key for s in alive if s.get_decoded().get(SESSION_KEY) == str(user.pk)}


def _end(keys: set[str]) -> int:
    """Delete each session (the browser holding it is signed out at its next request)."""
    store, ended = _store(), 0
    for key in sorted(keys):
        if store.exists(key):
            store.delete(key)
            ended += 1
    return ended


def _record(*, user: User, by: User, ended: int, scope: str) -> None:
    audit.record(
        actor=by,
        action=AuditAction.AUTH_SESSIONS_ENDED,
        target=user,
        metadata={
            "ended": ended,
            "scope": scope,
            "by": "user" if by.pk == user.pk else "administrator",
        },
    )


@transaction.atomic
def user_session_end(*, user: User, by: User, session_id: int) -> int:
    """End one of ``user``'s sessions, named by its ``UserSession`` id (never its key, which
    would be a credential in the page). An id that is not theirs ends nothing: 0."""
    row = UserSession.objects.filter(user_id=user.pk, pk=session_id).first()
    if row is None:
        return 0
    ended = _end({row.session_key})
    row.delete()
    _record(user=user, by=by, ended=ended, scope="one")
    return ended


def sessions_delete(*, user: User, keep: str | None = None) -> int:
    """Delete every session of ``user`` but ``keep``, without an audit event of its own:
    for a caller that records the act that ended them (a second-factor reset)."""
    rows = UserSession.objects.filter(user_id=user.pk)
    if keep is not None:
        rows = rows.exclude(session_key=keep)
    keys = set(rows.values_list("session_key", flat=True)) | _stored_session_keys(user)
    keys.discard(keep)
    ended = _end(keys)
    rows.delete()
    return ended


@transaction.atomic
def user_sessions_end(*, user: User, by: User, keep: str | None = None) -> int:
    """End every session of ``user`` but ``keep`` (a session key: the caller's own, to
    stay signed in there); with ``keep=None`` every one (sign out everywhere).

    After a password change: ``user_sessions_end(user=request.user, by=request.user,
    keep=request.session.session_key)``. Returns how many sessions ended."""
    ended = sessions_delete(user=user, keep=keep)
    _record(user=user, by=by, ended=ended, scope="others" if keep else "all")
    return ended
