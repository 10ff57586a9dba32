"""The reference "raw SQL of the page's own queries": the exact SQL and parameters the
page sent, replayed through a plain cursor with every row fetched."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection

from casemgmt.benchmarks.registry import BenchmarkError

# A statement that only reads: replaying it twice changes nothing.
READS = ("SELECT", "WITH")
WRITES = ("INSERT ", "UPDATE ", "DELETE ", " FOR UPDATE", " FOR NO KEY UPDATE")


@dataclass(frozen=True)
class RawQuery:
    sql: str
    params: tuple | list | dict | None

    def run(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(self.sql, self.params)
            return len(cursor.fetchall())


@dataclass(frozen=True)
class RawQueries:
    """Several statements replayed one after the other, as the page sent them."""

    queries: tuple[RawQuery, ...]

    def run(self) -> int:
        return sum(query.run() for query in self.queries)


def sent_by(page: Callable[[], object]) -> list[RawQuery]:
    """Every statement ``page`` sends, in order.

    Recorded with an execute wrapper, so the SQL is the compiler's own (placeholders and
    parameters, as ``query.sql_with_params()`` gives them), never a quoted rendering.
    """
    sent: list[RawQuery] = []

    def record(execute, sql, params, many, context):
        if not many:
            sent.append(RawQuery(sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        page()
    return sent


def main_query_of(page: Callable[[], object], *, table: str, limit: int | None = None) -> RawQuery:
    """The one query ``page`` runs that reads rows of ``table`` in order, a page at a time
    (of ``limit`` rows, when other such queries read one row, say)."""
    selects_rows = f"SELECT {connection.ops.quote_name(table)}."
    paged = f" LIMIT {limit}" if limit else " LIMIT "
    found = [
        query
        for query in sent_by(page)
        if query.sql.startswith(selects_rows) and " ORDER BY " in query.sql and paged in query.sql
    ]
    if len(found) != 1:
        raise BenchmarkError(f"expected one main query on {table}, found {len(found)}")
    return found[0]


def reads_of(page: Callable[[], object]) -> RawQueries:
    """Every statement ``page`` sends that only reads (its writes, such as its audit
    events, are left out: replaying them would write again)."""
    reads = tuple(
        query
        for query in sent_by(page)
        if query.sql.lstrip().upper().startswith(READS)
        and not any(write in query.sql.upper() for write in WRITES)
    )
    if not reads:
        raise BenchmarkError("the page sent no query that only reads")
    return RawQueries(reads)


def slowest_of(reads: RawQueries) -> RawQuery:
    """The read that takes longest (the best of two replays each): the page's main query
    by cost, for a page made of many counts and lists."""

    def cost(query: RawQuery) -> float:
        best = float("inf")
        for _ in range(2):
            started = time.perf_counter()
            query.run()
            best = min(best, time.perf_counter() - started)
        return best

    return max(reads.queries, key=cost)
