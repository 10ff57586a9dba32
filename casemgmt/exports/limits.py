"""Limits that protect the service: one running export per user, and at most
``CASEMGMT_EXPORTS_AT_ONCE`` across the deployment, so exports cannot take every
database connection from page requests.

On PostgreSQL the slots are session advisory locks (``pg_try_advisory_lock``), held by
the connection that streams the export and released when the download ends or the
client goes away (``ExportStream.close``), or by PostgreSQL itself if the connection
dies. An in-process registry is checked first: it is all there is on SQLite, and it
catches a second export of the same user on the same connection (advisory locks are
re-entrant within one session).
"""

from __future__ import annotations

import threading

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext_lazy as _

# Advisory lock keys: a namespace in the high 32 bits, the user's id or a slot below.
_USER_SPACE = 0x45585055  # "EXPU"
_SLOT_SPACE = 0x45585053  # "EXPS"

_lock = threading.Lock()
_running_users: set[int] = set()


class ExportBusy(Exception):
    """An export refused because another is running (the user's, or too many at once)."""

    def __init__(self, *, mine: bool) -> None:
        self.mine = mine
        super().__init__(str(self.message))

    @property
    def message(self):
        if self.mine:
            return _(
                "An export is already running for you. Wait for it to finish "
                "(or cancel its download), then try again."
            )
        return _(
            "An export is already running: the most the service runs at once are "
            "running now. Try again in a few minutes."
        )


def _key(space: int, number: int) -> int:
    return (space << 32) | (number & 0xFFFFFFFF)


def _try_lock(key: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        return bool(cursor.fetchone()[0])


def _unlock(key: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


class Slot:
    """A running export's place; ``release`` is safe to call more than once."""

    def __init__(self, user_id: int, keys: list[int]) -> None:
        self.user_id = user_id
        self.keys = keys
        self.released = False

    def release(self) -> None:
        if self.released:
            return
        self.released = True
        try:
            for key in self.keys:
                _unlock(key)
        finally:
            with _lock:
                _running_users.discard(self.user_id)


def acquire(user) -> Slot:
    """Take a slot for ``user``'s export, or raise ``ExportBusy``."""
    at_once = settings.CASEMGMT_EXPORTS_AT_ONCE
    with _lock:
        if user.pk in _running_users:
            raise ExportBusy(mine=True)
        if len(_running_users) >= at_once:
            raise ExportBusy(mine=False)
        _running_users.add(user.pk)
    slot = Slot(user.pk, [])
    try:
        if connection.vendor == "postgresql":
            user_key = _key(_USER_SPACE, user.pk)
            if not _try_lock(user_key):
                raise ExportBusy(mine=True)
            slot.keys.append(user_key)
            for number in range(at_once):
                if _try_lock(_key(_SLOT_SPACE, number)):
                    slot.keys.append(_key(_SLOT_SPACE, number))
                    break
            else:
                raise ExportBusy(mine=False)
    except BaseException:
        slot.release()
        raise
    return slot


def running_users() -> frozenset[int]:
    with _lock:
        return frozenset(_running_users)
