"""Each export in the audit trail: an ``export.started`` event when it is asked for
(with its filters, whether it is identified, its columns), and an ``export.finished``
event when it ends, with the rows sent and whether it completed (False when the client
went away or the query failed). The stream writes the second event from ``close`` or
the end of its iteration, whichever comes first, so a download cut off still has one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

from django.db import transaction

from casemgmt.models import AuditAction, AuditEvent
from casemgmt.services import audit

logger = logging.getLogger(__name__)


def export_started(*, actor, export: str, details: dict) -> AuditEvent:
    """Record that ``actor`` started ``export`` (in the request's transaction)."""
    return audit.record(
        actor=actor,
        action=AuditAction.EXPORT_STARTED,
        target=actor,
        metadata={"export": export, **details, **audit._from_address()},
    )


def export_finished(*, actor, export: str, started: AuditEvent, rows: int, completed: bool):
    """Record how ``export`` ended (its own transaction: the request's has committed)."""
    with transaction.atomic():
        return audit.record(
            actor=actor,
            action=AuditAction.EXPORT_FINISHED,
            target=actor,
            metadata={
                "export": export,
                "started_event": started.pk,
                "rows": rows,
                "completed": completed,
            },
        )


def export_refused_busy(*, actor, export: str, mine: bool) -> AuditEvent:
    return audit.record_untargeted(
        actor=actor,
        action=AuditAction.ACCESS_RATE_LIMITED,
        target_type="export",
        target_id=export,
        metadata={"export": export, "running": "own" if mine else "deployment"},
    )


class ExportStream:
    """The response body: the CSV's chunks, then (however it ends) the finishing event
    and the slot released. ``close`` is what Django calls when the response is done or
    the client has gone."""

    def __init__(self, chunks: Callable[[], Iterator[bytes]], counter, *, on_end) -> None:
        self._chunks = chunks
        self._counter = counter
        self._on_end = on_end
        self._generator = None
        self._ended = False

    def __iter__(self):
        self._generator = self._run()
        return self._generator

    def _run(self):
        completed = False
        try:
            yield from self._chunks()
            completed = True
        finally:
            if completed:
                self._end(completed=True)

    def close(self) -> None:
        if self._generator is not None:
            self._generator.close()  # stops a COPY in flight before the connection is reused
        self._end(completed=False)

    def _end(self, *, completed: bool) -> None:
        if self._ended:
            return
        self._ended = True
        self._on_end(rows=self._counter.rows, completed=completed)
