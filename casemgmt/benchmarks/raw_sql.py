"""The reference "raw SQL of the page's own main query": the exact SQL and parameters the
page sent for its rows, replayed through a plain cursor with every row fetched."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection

from casemgmt.benchmarks.registry import BenchmarkError


@dataclass(frozen=True)
class RawQuery:
    sql: str
    params: tuple | list | dict | None

    def run(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(self.sql, self.params)
            return len(cursor.fetchall())


def main_query_of(page: Callable[[], object], *, table: str) -> RawQuery:
    """The one query ``page`` runs that reads rows of ``table`` in order, a page at a time.

    Recorded with an execute wrapper, so the SQL is the compiler's own (placeholders and
    parameters, as ``query.sql_with_params()`` gives them), never a quoted rendering.
    """
    sent: list[tuple[str, object]] = []

    def record(execute, sql, params, many, context):
        sent.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        page()
    selects_rows = f"SELECT {connection.ops.quote_name(table)}."
    found = [
        RawQuery(sql, params)
        for sql, params in sent
        if sql.startswith(selects_rows) and " ORDER BY " in sql and " LIMIT " in sql
    ]
    if len(found) != 1:
        raise BenchmarkError(f"expected one main query on {table}, found {len(found)}")
    return found[0]
