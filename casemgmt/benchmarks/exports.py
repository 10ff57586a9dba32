"""The auditors' CSV exports at scale (issue 16): each export downloaded over HTTP through
the real view, as the demo auditor (who oversees every programme), de-identified, beside
the same query written by the database alone in the same run.

- **The figure**: ``GET /exports/download/?export=<key>`` with the Django test client,
  its ``StreamingHttpResponse`` read to the end and discarded, chunk by chunk.
- **The reference**: on PostgreSQL, ``COPY (the export's own query) TO STDOUT`` through
  psycopg's copy API, every block read and discarded (a sink: /dev/null without a file);
  on SQLite, which has no COPY, the same SQL read through a cursor and discarded.

Both are read as rates (rows a second) with the most the process's resident memory grew
while they ran (``memory.peak_growth``: the kernel's high-water mark of RSS, reset before
each run, minus RSS at its start; not ``tracemalloc``). The audit trail is exported up to
the last position sealed when the group starts, so every run exports the same rows; the
rows the view sent (its ``export.finished`` event) are checked once against COPY's count.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.test import Client
from django.urls import reverse

from casemgmt.benchmarks.audit_trail import seal_waiting
from casemgmt.benchmarks.memory import peak_growth
from casemgmt.benchmarks.pages import logged_in_client
from casemgmt.benchmarks.registry import BenchmarkError, Reference, Work, benchmark, group
from casemgmt.exports import query, streaming
from casemgmt.exports.definitions import EXPORTS
from casemgmt.models import AuditAction, AuditEvent, AuditSeal, User

GROUP = "exports"
USERNAME = "auditor"
# Blocks read at a time from SQLite's cursor (the export's own Python path reads as many).
FETCH = streaming.FETCH
TARGET_RATIO = 0.5
TARGET_PEAK_MIB = 100

COPY = "COPY of the same query, discarded"
CURSOR = "same SQL through a cursor, discarded"


def reference_name() -> str:
    """The reference's name on this database (SQLite has no COPY)."""
    return COPY if connection.vendor == "postgresql" else CURSOR


def figure_name(key: str) -> str:
    return f"{key} export over HTTP"


@dataclass
class ExportsContext:
    auditor: User
    client: Client
    upto: int
    built: dict[str, query.Built] = field(default_factory=dict)
    # The rows the view sent for each export (its finished event), once known.
    rows: dict[str, int] = field(default_factory=dict)

    def params(self, key: str) -> dict[str, str]:
        params = {"export": key}
        if key == "audit_trail":
            params["upto"] = str(self.upto)
        return params


@group(
    GROUP,
    prepare=seal_waiting,
    note=(
        f"targets: rate ratio >= {TARGET_RATIO}, peak MiB < {TARGET_PEAK_MIB} "
        "(peak MiB: growth of the process's resident memory, kernel high-water mark)"
    ),
)
@contextmanager
def exports_context(options: dict[str, Any]):
    auditor = User.objects.filter(username=USERNAME).first()
    if auditor is None:
        raise BenchmarkError(f"no user {USERNAME!r}: seed the demo data first (seed_demo)")
    refused = [key for key, export in EXPORTS.items() if not query.available(auditor, export)]
    if refused:
        raise BenchmarkError(f"{USERNAME!r} may not export {', '.join(refused)}")
    upto = AuditSeal.objects.order_by("-position").values_list("position", flat=True).first()
    if not upto:
        raise BenchmarkError("no sealed audit event to export: seed the demo data first")
    with logged_in_client(auditor) as client:
        context = ExportsContext(auditor=auditor, client=client, upto=upto)
        for key, export in EXPORTS.items():
            filters = query.Filters(upto=upto if key == "audit_trail" else None)
            context.built[key] = query.build(export, auditor, filters, identified=False)
        yield context


def _finished_rows(ctx: ExportsContext, key: str) -> int:
    """The rows the view says it sent, from its ``export.finished`` event."""
    metadata = (
        AuditEvent.objects.filter(actor=ctx.auditor, action=AuditAction.EXPORT_FINISHED)
        .order_by("-pk")
        .values_list("metadata", flat=True)
        .first()
    )
    if not metadata or metadata.get("export") != key or not metadata.get("completed"):
        raise BenchmarkError(f"the {key} export did not record its completion: {metadata}")
    return metadata["rows"]


def _download(key: str):
    def run(ctx: ExportsContext) -> Work:
        with peak_growth() as peak:
            response = ctx.client.get(reverse("export_download"), ctx.params(key))
            if response.status_code != 200 or not response.streaming:
                raise BenchmarkError(
                    f"the {key} export answered {response.status_code}, not a CSV stream"
                )
            # Read to the end, the test client closes the response itself (as a server
            # does), without closing the database connection (our own close() would).
            received = sum(len(chunk) for chunk in response.streaming_content)
        if not received:
            raise BenchmarkError(f"the {key} export sent nothing")
        if key not in ctx.rows:  # the first (warm-up) run: untimed, and its queries uncounted
            ctx.rows[key] = _finished_rows(ctx, key)
        return Work(count=ctx.rows[key], unit="rows", peak_bytes=peak.bytes)

    return run


def _database_alone(key: str):
    def run(ctx: ExportsContext) -> Work:
        built = ctx.built[key]
        with peak_growth() as peak, connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.copy(streaming.copy_statement(cursor, built)) as copy:
                    for _block in copy:
                        pass
                rows = cursor.rowcount
            else:
                cursor.execute(built.sql, built.params)
                rows = 0
                while fetched := cursor.fetchmany(FETCH):
                    rows += len(fetched)
        sent = ctx.rows.get(key)
        if sent is not None and sent != rows:
            raise BenchmarkError(f"the {key} export sent {sent} rows, its query gives {rows}")
        return Work(count=rows, unit="rows", peak_bytes=peak.bytes)

    return run


for _key in EXPORTS:
    benchmark(
        figure_name(_key),
        group=GROUP,
        run=_download(_key),
        references=[Reference(reference_name(), _database_alone(_key))],
    )
