"""The sealer: gives committed events their place in the hash chain, and signs each batch.

Requests insert events freely (``ATOMIC_REQUESTS``: each in its own transaction, with no
lock on a chain head, which would make every request on every app server wait). Here,
one sealer at a time (an advisory lock on PostgreSQL) takes events that nobody can still
be writing and chains them:

- PostgreSQL stamps each event with its transaction's id (a trigger). The sealer takes
  every committed event not sealed yet, in transaction order then sequence order. Every
  transaction older than the snapshot's ``xmin`` has finished, so its events are visible
  now or never: a batch records where the next run may start (``resume_txid``, and
  after a full batch ``resume_after_id``), and the next run looks only past it. (A
  transaction left open for long, in any database of the cluster, holds the horizon
  back: runs then look further back, and nothing is missed.)
- SQLite has one writer at a time, so sequence order is commit order: the sealer takes
  the events after the last one sealed. It runs when each transaction commits.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef

from casemgmt.audit_trail.canonical import (
    EVENT_COLUMNS,
    FORMAT,
    GENESIS_HASH,
    chain_hash,
    event_bytes,
)
from casemgmt.audit_trail.signing import batch_message, sign
from casemgmt.models import AuditEvent, AuditSeal, AuditSealBatch

# pg_advisory_xact_lock's key for "the sealer" ('seal' in ASCII): one at a time everywhere.
SEALER_LOCK = 0x7365616C
BATCH_SIZE = 5000

EVENT_TABLE = AuditEvent._meta.db_table
SEAL_TABLE = AuditSeal._meta.db_table
SELECT_EVENT = ", ".join(f"e.{column}" for column in EVENT_COLUMNS)


@dataclass(frozen=True)
class SealRun:
    sealed: int
    batches: int
    head_position: int


def _on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def _tail() -> tuple[int, str]:
    last = AuditSeal.objects.order_by("-position").values_list("position", "hash").first()
    return last or (0, GENESIS_HASH)


def _resume() -> tuple[int, int]:
    """(transaction id, event id) the next run starts after: every event before it, in
    that order, is sealed."""
    if not _on_postgresql():
        return (0, 0)
    last = (
        AuditSealBatch.objects.order_by("-last_position")
        .values_list("resume_txid", "resume_after_id")
        .first()
    )
    return (last[0] or 0, last[1] or 0) if last else (0, 0)


def _pending_postgresql(cursor, limit: int) -> tuple[list[tuple], tuple[int, int]]:
    """Committed events not sealed yet, from the transactions the last run could not
    rule out; and where the next run may start."""
    # Every transaction below the snapshot's xmin has finished: its events are visible
    # now (and sealed by this run) or never. Later ones may still add events.
    cursor.execute("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
    horizon = cursor.fetchone()[0]
    txid, after_id = _resume()
    cursor.execute(
        f"SELECT {SELECT_EVENT}, e.txid FROM {EVENT_TABLE} e "  # noqa: S608 (names, not input)
        "WHERE (e.txid, e.id) > (%s, %s) "
        f"AND NOT EXISTS (SELECT 1 FROM {SEAL_TABLE} s WHERE s.event_seq = e.id) "
        "ORDER BY e.txid, e.id LIMIT %s",
        [txid, after_id, limit],
    )
    rows = cursor.fetchall()
    events = [row[:-1] for row in rows]
    if len(rows) < limit:
        return events, (horizon, 0)
    # A full batch: start after its last event, unless that transaction may still be
    # writing (at or past the horizon): then from the horizon again.
    last_txid, last_id = rows[-1][-1], rows[-1][0]
    return events, ((last_txid, last_id) if last_txid < horizon else (horizon, 0))


def _pending_sqlite(cursor, limit: int) -> list[tuple]:
    last = AuditSeal.objects.order_by("-event_seq").values_list("event_seq", flat=True).first()
    cursor.execute(
        f"SELECT {SELECT_EVENT} FROM {EVENT_TABLE} e WHERE e.id > %s "  # noqa: S608
        "ORDER BY e.id LIMIT %s",
        [last or 0, limit],
    )
    return cursor.fetchall()


@transaction.atomic
def _seal_batch(limit: int) -> int:
    """Seal up to ``limit`` pending events as one signed batch; return how many."""
    with connection.cursor() as cursor:
        resume = (None, None)
        if _on_postgresql():
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEALER_LOCK])
            rows, resume = _pending_postgresql(cursor, limit)
        else:
            rows = _pending_sqlite(cursor, limit)
    if not rows:
        return 0
    position, previous = _tail()
    first = position + 1
    chained = []
    for row in rows:
        position += 1
        previous = chain_hash(position=position, previous=previous, event=event_bytes(row))
        chained.append((position, row[0], previous))
    signature, kid = sign(
        batch_message(first=first, last=position, head_hash=previous, format=FORMAT)
    )
    batch = AuditSealBatch.objects.create(
        first_position=first,
        last_position=position,
        head_hash=previous,
        signature=signature,
        key_id=kid,
        format=FORMAT,
        resume_txid=resume[0],
        resume_after_id=resume[1],
    )
    AuditSeal.objects.bulk_create(
        [AuditSeal(position=p, event_seq=seq, hash=h, batch=batch) for p, seq, h in chained],
        batch_size=1000,
    )
    return len(chained)


def seal_pending(
    *, batch_size: int = BATCH_SIZE, progress: Callable[[int], None] | None = None
) -> SealRun:
    """Seal every event that is ready, in batches of ``batch_size`` (each its own
    transaction and signature). Safe to run anywhere, any time, several at once."""
    sealed = batches = 0
    while count := _seal_batch(batch_size):
        sealed += count
        batches += 1
        if progress:
            progress(count)
        if count < batch_size:
            break
    return SealRun(sealed=sealed, batches=batches, head_position=_tail()[0])


def unsealed_count() -> int:
    """Events not sealed yet (on PostgreSQL, of the transactions the sealer still scans)."""
    not_sealed = ~Exists(AuditSeal.objects.filter(event_seq=OuterRef("id")))
    if _on_postgresql():
        return AuditEvent.objects.filter(not_sealed, txid__gte=_resume()[0]).count()
    last = AuditSeal.objects.order_by("-event_seq").values_list("event_seq", flat=True).first()
    return AuditEvent.objects.filter(id__gt=last or 0).count()


def _seal_after_commit() -> None:
    # Another thread may seal the same events first (SQLite under runserver): its chain
    # stands, and whatever is left is sealed after the next commit.
    with contextlib.suppress(IntegrityError):
        seal_pending()


def seal_when_committed() -> None:
    """Where jobs run eagerly (SQLite, tests), seal once the current transaction commits:
    one registration per transaction, however many events it writes."""
    if not settings.JOBS_EAGER:
        return
    if any(entry[1] is _seal_after_commit for entry in connection.run_on_commit):
        return
    transaction.on_commit(_seal_after_commit)
