"""Audit trail figures (docs/auditor.md): verifying the chain, sealing, and requests with
read logging on beside the same requests with it off. Each is read as a rate.

- **verify_audit's walk** over the chain's last ``--audit-events`` events (1,000,000 in
  ``make bench``): events a second and the most memory grew, beside the same walk over a
  tenth as many (the rate and memory should not change with length) and beside the same
  rows streamed with nothing checked (the share of the time that is reading).
- **The sealer**: ``seal_pending`` over freshly written read events, beside the canonical
  form and hash of the same events alone (the share that is hashing; the rest is reading
  and writing rows and signing).
- **Requests**: concurrent writers each opening a case page and adding a note, read
  logging on beside off (``audit_writers``).

The auditor's search at scale is a group of its own (``audit_search.py``): it needs
nothing prepared, and it is read as a page's time, not as a rate.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.test import override_settings

from casemgmt.audit_trail.canonical import EVENT_COLUMNS, GENESIS_HASH, chain_hash, event_bytes
from casemgmt.audit_trail.sealer import seal_pending, unsealed_count
from casemgmt.audit_trail.signing import key_id, load_public_key, public_pem, signing_key
from casemgmt.audit_trail.signing import trusted_keys as signing_trusted_keys
from casemgmt.audit_trail.verification import sealed_rows, verify_chain
from casemgmt.benchmarks import audit_writers
from casemgmt.benchmarks.memory import peak_growth
from casemgmt.benchmarks.registry import (
    BenchmarkError,
    Preparation,
    Reference,
    Work,
    benchmark,
    group,
)
from casemgmt.management.progress import counter
from casemgmt.models import AuditEvent, AuditSeal, AuditSealBatch, Case, User
from casemgmt.services import audit

GROUP = "audit trail"
USERNAME = "caseworker"
# The sealer figure seals this share of --audit-events each run (20,000 of 1,000,000).
SEALED_SHARE = 50
# The shorter walk beside the long one.
SHORTER = 10

WALK = "verify_audit's walk over the chain"
WALK_SHORTER = "same walk, a tenth of the events"
STREAM_ONLY = "same rows streamed, nothing checked"
SEALER = "sealer: seal_pending"
HASH_ONLY = "canonical form and hash only"
REQUESTS = "requests, read logging on"
REQUESTS_OFF = "same requests, read logging off"


@dataclass
class AuditTrailContext:
    keys: dict
    # The walks end at the chain's last signed position when the group starts.
    head: int
    # Where each walk starts, by its length: (position, hash there).
    starts: dict[int, tuple[int, str]]
    events: int
    worker: User
    read_targets: list[Case]
    sealed_per_run: int
    writers: audit_writers.Writers


def keep_public_key(keyring: Path) -> str:
    """Keep the public half of the key this run signs with in ``keyring`` (the benchmark
    database outlives the checkout, and with it the key); its id."""
    public = signing_key().public_key()
    kid = key_id(public)
    keyring.mkdir(parents=True, exist_ok=True)
    kept = keyring / f"{kid}.pem"
    if not kept.exists():
        kept.write_bytes(public_pem(public))
    return kid


def trusted_keys(keyring: Path) -> dict:
    """The settings' keys (this server's own, and any public key files named) and every
    key a run kept in ``keyring``."""
    keys, _external = signing_trusted_keys()
    own = signing_key().public_key()
    keys[key_id(own)] = own
    for path in sorted(keyring.glob("*.pem")):
        public = load_public_key(path.read_bytes())
        keys[key_id(public)] = public
    return keys


def seal_waiting(options: dict[str, Any], stream=None) -> Preparation:
    """Seal every event still waiting for the sealer (all of them, the first time on a
    database seeded before the trail was sealed): the figures walk a sealed chain."""
    kid = keep_public_key(Path(options["audit_keyring"]))
    progress = counter(stream, total=unsealed_count(), unit="events") if stream else None
    started = time.perf_counter()
    run = seal_pending(progress=progress)
    seconds = time.perf_counter() - started
    analysed = _analyse_trail() if run.sealed else 0.0
    return Preparation(
        summary=(
            f"sealed {run.sealed:,} waiting events in {run.batches:,} batches in "
            f"{seconds:.1f} s (then ANALYZE, {analysed:.1f} s); the chain holds "
            f"{run.head_position:,} events (signing key {kid})"
        ),
        seconds=round(seconds + analysed, 1),
        details={
            "sealed": run.sealed,
            "batches": run.batches,
            "sealing_seconds": round(seconds, 1),
            "analyze_seconds": round(analysed, 1),
            "head_position": run.head_position,
            "signing_key_id": kid,
        },
    )


def _analyse_trail() -> float:
    """Fresh planner statistics for the trail's tables after sealing, as seed_demo does
    after a bulk load (where autovacuum is off, as on the benchmark's cluster, a plan
    made for an empty seal table would cost every walk a second)."""
    if connection.vendor != "postgresql":
        return 0.0
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for model in (AuditEvent, AuditSeal, AuditSealBatch):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return time.perf_counter() - started


def _start(head: int, length: int) -> tuple[int, str]:
    position = head - length
    if position <= 0:
        return 0, GENESIS_HASH
    stored = AuditSeal.objects.filter(position=position).values_list("hash", flat=True).first()
    return position, stored


@group(GROUP, prepare=seal_waiting)
@contextmanager
def audit_trail_context(options: dict[str, Any]):
    worker = User.objects.filter(username=USERNAME).first()
    if worker is None:
        raise BenchmarkError(f"no user {USERNAME!r}: seed the demo data first (seed_demo)")
    events = options["audit_events"]
    if events < SHORTER:
        raise BenchmarkError(f"walk at least {SHORTER} events (--audit-events)")
    head = (
        AuditSealBatch.objects.order_by("-last_position")
        .values_list("last_position", flat=True)
        .first()
        or 0
    )
    if head < events:
        raise BenchmarkError(
            f"the chain holds {head:,} sealed events, fewer than the {events:,} to walk: "
            "seed more (--cases) or walk fewer (--audit-events)"
        )
    shorter = max(1, events // SHORTER)
    read_targets = list(Case.objects.visible_to(worker).order_by("pk")[:100])
    if not read_targets:
        raise BenchmarkError(f"{USERNAME!r} sees no case: seed more (--cases)")
    with audit_writers.writing(
        worker, writers=options["writers"], rounds=options["rounds"]
    ) as writers:
        context = AuditTrailContext(
            keys=trusted_keys(Path(options["audit_keyring"])),
            head=head,
            starts={events: _start(head, events), shorter: _start(head, shorter)},
            events=events,
            worker=worker,
            read_targets=read_targets,
            sealed_per_run=max(1, events // SEALED_SHARE),
            writers=writers,
        )
        # Once, untimed: a short walk loads what every walk needs (and checks the keys).
        _walk(context, shorter)
        yield context


def _walk(ctx: AuditTrailContext, length: int) -> Work:
    with peak_growth() as peak:
        result = verify_chain(keys=ctx.keys, start_after=ctx.starts[length])
    if not result.ok:
        raise BenchmarkError(
            f"the chain does not hold: {result.broken.describe()} (sealed with a key no run "
            "kept? give its public key in CASEMGMT_AUDIT_PUBLIC_KEY_FILES or --audit-keyring)"
        )
    return Work(count=result.checked, unit="events", peak_bytes=peak.bytes)


def _stream_only(ctx: AuditTrailContext) -> Work:
    after = ctx.starts[ctx.events][0]
    with peak_growth() as peak, transaction.atomic():
        count = sum(1 for _ in sealed_rows(after=after, up_to=ctx.head))
    return Work(count=count, unit="events", peak_bytes=peak.bytes)


benchmark(
    WALK,
    group=GROUP,
    run=lambda ctx: _walk(ctx, ctx.events),
    references=[
        Reference(WALK_SHORTER, lambda ctx: _walk(ctx, max(1, ctx.events // SHORTER))),
        Reference(STREAM_ONLY, _stream_only),
    ],
)


def _write_read_events(ctx: AuditTrailContext) -> None:
    """What page views write most: read events (one INSERT), left for the sealer."""
    targets = ctx.read_targets
    count = ctx.sealed_per_run
    with override_settings(JOBS_EAGER=False):
        audit.record_reads(
            actor=ctx.worker,
            targets=[targets[n % len(targets)] for n in range(count)],
            classes={"case"},
        )


def _seal(ctx: AuditTrailContext) -> Work:
    seal_pending()  # what earlier figures left waiting is not this run's work
    _write_read_events(ctx)
    started = time.perf_counter()
    run = seal_pending()
    seconds = time.perf_counter() - started
    return Work(count=run.sealed, unit="events", seconds=seconds)


def _hash_only(ctx: AuditTrailContext) -> Work:
    """The canonical form and chain hash of the newest events, in memory: the sealer's
    own arithmetic, without reading or writing a row."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(EVENT_COLUMNS)} FROM {AuditEvent._meta.db_table} "  # noqa: S608
            "ORDER BY id DESC LIMIT %s",
            [ctx.sealed_per_run],
        )
        rows = cursor.fetchall()[::-1]
    started = time.perf_counter()
    previous = GENESIS_HASH
    for position, row in enumerate(rows, start=1):
        previous = chain_hash(position=position, previous=previous, event=event_bytes(row))
    return Work(count=len(rows), unit="events", seconds=time.perf_counter() - started)


benchmark(SEALER, group=GROUP, run=_seal, references=[Reference(HASH_ONLY, _hash_only)])

benchmark(
    REQUESTS,
    group=GROUP,
    run=lambda ctx: ctx.writers.run(read_logging=True),
    references=[Reference(REQUESTS_OFF, lambda ctx: ctx.writers.run(read_logging=False))],
)
