"""Walking the sealed chain: every hash, every batch signature, every checkpoint.

The walk streams, a stretch of positions at a time (on PostgreSQL a binary ``COPY`` of
each stretch, which the server writes while the walk hashes the rows before), so memory
stays flat however long the trail; it stops at the first break and names it. A break is
evidence, not an error of this program: ``docs/auditor.md`` says what each kind means
and what to do.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.db import connection, transaction

from casemgmt.audit_trail.canonical import (
    EVENT_COLUMNS,
    FORMAT,
    GENESIS_HASH,
    chain_hash,
    event_bytes,
)
from casemgmt.audit_trail.checkpoints import Checkpoint
from casemgmt.audit_trail.sealer import unsealed_count
from casemgmt.audit_trail.signing import batch_message, signature_valid
from casemgmt.models import AuditEvent, AuditSeal, AuditSealBatch

FETCH = 2000
# Positions per stretch: each is one query, and batches are read between stretches.
STRETCH = 20_000
# Batches read per query, ahead of the stretch that needs them.
BATCH_PAGE = 500

EVENTS = AuditEvent._meta.db_table
SEALS = AuditSeal._meta.db_table
BATCHES = AuditSealBatch._meta.db_table


@dataclass(frozen=True)
class Break:
    """The first place the chain does not hold, in words an auditor can act on."""

    kind: str
    position: int | None
    event_seq: int | None = None
    event_at: str | None = None
    event_action: str | None = None
    detail: str = ""

    def describe(self) -> str:
        where = [f"position {self.position}"] if self.position is not None else []
        if self.event_seq is not None:
            where.append(f"event {self.event_seq}")
        if self.event_at:
            where.append(f"at {self.event_at}")
        if self.event_action:
            where.append(self.event_action)
        return f"{self.kind}: {self.detail}" + (f" ({', '.join(where)})" if where else "")


@dataclass
class Verification:
    checked: int = 0
    head_position: int = 0
    head_hash: str = GENESIS_HASH
    started_after: int = 0
    unsealed: int = 0
    checkpoints: int = 0
    broken: Break | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.broken is None


@dataclass(frozen=True)
class _Batch:
    id: int
    first: int
    last: int
    head: str
    signature: str
    key_id: str
    format: int


def _stream(sql: str, params: list) -> Iterator[tuple]:
    # Rows in chunks, never all at once (a named, server-side cursor on PostgreSQL).
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(FETCH):
            yield from rows


_EVENT_SELECT = ", ".join(f"e.{c}" for c in EVENT_COLUMNS)
_SEALS_SQL = (
    f"SELECT s.position, s.event_seq, s.hash, s.batch_id, {_EVENT_SELECT} "  # noqa: S608
    f"FROM {SEALS} s LEFT JOIN {EVENTS} e ON e.id = s.event_seq "
    "WHERE s.position > %s AND s.position <= %s ORDER BY s.position"
)
# The same rows as a binary COPY, each column cast to the type it is read as: the JSON
# columns as the text jsonb prints (what the driver hands over for them otherwise), every
# other value as the same Python value. A new event column needs its type here.
_EVENT_COPY_TYPES = {
    "id": "int8",
    "at": "timestamptz",
    "actor_id": "int8",
    "action": "text",
    "target_type": "text",
    "target_id": "text",
    "target_label": "text",
    "case_id": "int8",
    "changes": "text",
    "metadata": "text",
}
_COPY_TYPES = ["int8", "int8", "text", "int8"] + [_EVENT_COPY_TYPES[c] for c in EVENT_COLUMNS]
_COPY_SQL = (
    "SELECT s.position, s.event_seq, s.hash::text, s.batch_id, "  # noqa: S608
    + ", ".join(f"e.{c}::{_EVENT_COPY_TYPES[c]}" for c in EVENT_COLUMNS)
    + f" FROM {SEALS} s LEFT JOIN {EVENTS} e ON e.id = s.event_seq "
    "WHERE s.position > {} AND s.position <= {} ORDER BY s.position"
)


def _copied(after: int, up_to: int) -> Iterator[tuple]:
    from psycopg import sql

    query = sql.SQL(f"COPY ({_COPY_SQL}) TO STDOUT (FORMAT BINARY)")
    statement = query.format(sql.Literal(after), sql.Literal(up_to))
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        copy.set_types(_COPY_TYPES)
        try:
            yield from copy.rows()
        finally:
            # Left early (at a break): read the rest of the stretch, as leaving the block
            # mid-COPY cancels it, which aborts the transaction the caller is still in.
            while copy.read():
                pass


def sealed_rows(*, after: int, up_to: int) -> Iterator[tuple]:
    """The seals at positions after < p <= up_to, in order, each followed by its event's
    ``EVENT_COLUMNS`` (all None when the event is gone), streamed."""
    if connection.vendor == "postgresql":
        return _copied(after, up_to)
    return _stream(_SEALS_SQL, [after, up_to])


def _stretches(after: int, up_to: int) -> Iterator[tuple[int, int]]:
    while after < up_to:
        yield after, min(after + STRETCH, up_to)
        after += STRETCH


class _Batches:
    """The signed batches ending in (after, up_to], in order, read a page at a time
    between stretches (never while a stretch's rows are streaming)."""

    def __init__(self, after: int, up_to: int):
        self.read_up_to = after
        self.up_to = up_to
        self.ahead: deque[_Batch] = deque()
        self.exhausted = False

    def read_through(self, position: int) -> None:
        """Read ahead until a batch ends at or after ``position``, or none is left."""
        while not self.exhausted and (not self.ahead or self.ahead[-1].last < position):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT id, first_position, last_position, head_hash, signature, "  # noqa: S608
                    f"key_id, format FROM {BATCHES} "
                    "WHERE last_position > %s AND last_position <= %s "
                    "ORDER BY last_position LIMIT %s",
                    [self.read_up_to, self.up_to, BATCH_PAGE],
                )
                page = [_Batch(*row) for row in cursor.fetchall()]
            self.ahead.extend(page)
            if page:
                self.read_up_to = page[-1].last
            self.exhausted = len(page) < BATCH_PAGE

    def next(self) -> _Batch | None:
        return self.ahead.popleft() if self.ahead else None


def _stored_hash(position: int) -> str | None:
    return AuditSeal.objects.filter(position=position).values_list("hash", flat=True).first()


def _outside_batches(last_signed: int) -> int | None:
    """The first seal no signed batch covers: past the last batch, or beyond its own."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.position FROM {SEALS} s LEFT JOIN {BATCHES} b ON b.id = s.batch_id "  # noqa: S608
            "WHERE s.position > %s AND (b.id IS NULL OR s.position > b.last_position "
            "OR s.position < b.first_position) ORDER BY s.position LIMIT 1",
            [last_signed],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _event_break(kind: str, position: int, row: tuple, detail: str) -> Break:
    event = row[4:]
    return Break(
        kind=kind,
        position=position,
        event_seq=row[1],
        event_at=str(event[1]) if event[0] is not None else None,
        event_action=event[3],
        detail=detail,
    )


def verify_chain(
    *,
    keys: dict[str, Ed25519PublicKey],
    start_after: tuple[int, str] | None = None,
    checkpoints: list[Checkpoint] = (),
    progress: Callable[[int], None] | None = None,
) -> Verification:
    """Walk the chain from the start (or after a position whose hash is already known to
    be good) to the last signed batch; check every event's hash, every batch's head and
    signature, and every checkpoint held outside."""
    with transaction.atomic():
        return _walk(
            keys=keys, start_after=start_after, checkpoints=list(checkpoints), progress=progress
        )


def _walk(*, keys, start_after, checkpoints, progress) -> Verification:
    result = Verification(unsealed=unsealed_count())
    position, previous = start_after or (0, GENESIS_HASH)
    result.started_after = position
    if start_after and position and _stored_hash(position) != previous:
        result.broken = Break(
            kind="changed seal",
            position=position,
            detail="the last verified position no longer holds the hash it had",
        )
        return result
    last_signed = (
        AuditSealBatch.objects.order_by("-last_position")
        .values_list("last_position", flat=True)
        .first()
        or 0
    )
    if not _check_checkpoint_signatures(result, keys, checkpoints):
        return result
    by_position = {cp.position: cp for cp in checkpoints}
    for cp in checkpoints:
        if cp.position <= position and _stored_hash(cp.position) != cp.hash:
            result.broken = Break(
                kind="checkpoint mismatch",
                position=cp.position,
                detail="the chain no longer holds the checkpointed head",
            )
            return result

    walked = _walk_seals(
        result,
        keys=keys,
        position=position,
        previous=previous,
        last_signed=last_signed,
        by_position=by_position,
        progress=progress,
    )
    if walked is None:
        return result
    position, previous = walked
    if position < last_signed:
        result.broken = Break(
            kind="missing seal",
            position=position + 1,
            detail=f"the chain ends at position {position}, its last batch at {last_signed}",
        )
        return result
    result.head_position, result.head_hash = position, previous
    unsigned = _outside_batches(last_signed)
    if unsigned is not None:
        result.broken = Break(
            kind="unsigned seal",
            position=unsigned,
            detail="a seal no signed batch covers: an event added with its hash recomputed",
        )
        return result
    for cp in checkpoints:
        if cp.position > position:
            result.broken = Break(
                kind="truncated",
                position=cp.position,
                detail=f"a checkpoint names position {cp.position}, the chain ends at {position}",
            )
            return result
    result.checkpoints = len(checkpoints)
    return result


def _walk_seals(
    result: Verification, *, keys, position, previous, last_signed, by_position, progress
) -> tuple[int, str] | None:
    """Check every seal after ``position`` up to ``last_signed``, a stretch at a time; the
    position and hash the walk ended at, or None at the first break (``result.broken``)."""
    batches = _Batches(position, last_signed)
    batch = None
    expected_first = position + 1
    since_progress = 0
    for after, up_to in _stretches(position, last_signed):
        batches.read_through(up_to)
        with closing(sealed_rows(after=after, up_to=up_to)) as rows:
            for row in rows:
                position += 1
                if row[0] != position:
                    result.broken = Break(
                        kind="missing seal",
                        position=position,
                        detail=f"the chain jumps from position {position - 1} to {row[0]}",
                    )
                    return None
                if row[4] is None:
                    result.broken = Break(
                        kind="missing event",
                        position=position,
                        event_seq=row[1],
                        detail="the sealed event is no longer in the trail",
                    )
                    return None
                if batch is None:
                    batch = batches.next()  # None when no batch is left
                if batch is None or batch.id != row[3] or not batch.first <= position <= batch.last:
                    result.broken = Break(
                        kind="seal outside its batch",
                        position=position,
                        event_seq=row[1],
                        detail="the seal is not where its signed batch says",
                    )
                    return None
                if batch.format != FORMAT:
                    result.broken = Break(
                        kind="unknown format",
                        position=position,
                        detail=f"batch {batch.first}-{batch.last} uses format {batch.format}",
                    )
                    return None
                computed = chain_hash(
                    position=position, previous=previous, event=event_bytes(row[4:])
                )
                if computed != row[2]:
                    result.broken = _event_break(
                        "changed event",
                        position,
                        row,
                        "the event, its place in the chain or its seal was changed",
                    )
                    return None
                previous = computed
                checkpoint = by_position.get(position)
                if checkpoint and checkpoint.hash != computed:
                    result.broken = _event_break(
                        "checkpoint mismatch",
                        position,
                        row,
                        "the chain differs from a checkpoint held outside",
                    )
                    return None
                if position == batch.last:
                    if not _batch_holds(result, batch, computed, expected_first, keys):
                        return None
                    expected_first = batch.last + 1
                    batch = None
                result.checked += 1
                since_progress += 1
                if progress and since_progress >= FETCH:
                    progress(since_progress)
                    since_progress = 0
    if progress and since_progress:
        progress(since_progress)
    return position, previous


def _batch_holds(result: Verification, batch: _Batch, head: str, expected_first: int, keys) -> bool:
    # An incremental walk may start inside its first batch; a full one starts at 1.
    if batch.first != expected_first and not (
        result.started_after and batch.first <= expected_first
    ):
        result.broken = Break(
            kind="batch gap",
            position=batch.first,
            detail=f"a batch starts at {batch.first}, the one before ended at {expected_first - 1}",
        )
        return False
    if batch.head != head:
        result.broken = Break(
            kind="changed batch",
            position=batch.last,
            detail="the batch's head hash is not the chain's hash at that position",
        )
        return False
    message = batch_message(
        first=batch.first, last=batch.last, head_hash=batch.head, format=batch.format
    )
    if not signature_valid(keys, batch.key_id, batch.signature, message):
        known = batch.key_id in keys
        result.broken = Break(
            kind="bad signature",
            position=batch.last,
            detail=(
                "the batch's signature does not verify with the public key"
                if known
                else f"the batch is signed with key {batch.key_id}, which is not a trusted key"
            ),
        )
        return False
    return True


def _check_checkpoint_signatures(result: Verification, keys, checkpoints) -> bool:
    for cp in checkpoints:
        message = batch_message(
            first=cp.first_position, last=cp.position, head_hash=cp.hash, format=cp.format
        )
        if not signature_valid(keys, cp.key_id, cp.signature, message):
            result.broken = Break(
                kind="bad checkpoint",
                position=cp.position,
                detail=f"the checkpoint {cp.source} is not signed by a trusted key: it was altered",
            )
            return False
    return True
