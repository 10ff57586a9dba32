"""Writing an export's CSV in constant memory.

PostgreSQL writes the CSV itself: ``COPY (query) TO STDOUT WITH (FORMAT csv, HEADER)``
through psycopg's copy API, with formula neutralisation inside the query; the chunks it
sends are gathered into blocks of ``BLOCK`` bytes. SQLite: the rows are fetched
``FETCH`` at a time and written by Python's csv module, neutralised in the stream by
the same rule. Both give the same header, rows and values: NULL and the empty string
are both an empty cell, dates ISO, timestamps in UTC ending in Z, booleans true/false.
Rows end with ``\\n`` from PostgreSQL and ``\\r\\n`` from SQLite (a CSV reader reads both
alike; cells holding a line end are quoted either way).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator

from django.db import connection

from casemgmt.exports import formula
from casemgmt.exports.columns import Kind
from casemgmt.exports.query import Built

BLOCK = 256 * 1024
FETCH = 2000
BOM = "\ufeff".encode()


def _jsonb_order(value):
    """A JSON value with its keys in jsonb's order (shorter keys first, then bytewise)."""
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: (len(k.encode()), k.encode()))
        return {k: _jsonb_order(value[k]) for k in keys}
    if isinstance(value, list):
        return [_jsonb_order(v) for v in value]
    return value


def jsonb_text(text: str | None) -> str | None:
    """SQLite's stored JSON written as PostgreSQL writes jsonb."""
    if text is None:
        return None
    return json.dumps(_jsonb_order(json.loads(text)), ensure_ascii=False)


class RowCounter:
    """How many data rows have gone out (the audit event's row count)."""

    def __init__(self) -> None:
        self.rows = 0


def copy_statement(cursor, built: Built) -> str:
    """The ``COPY`` that writes ``built``'s CSV (the benchmarks time it alone too)."""
    # COPY takes no bound parameters: psycopg's client-side binding writes them in.
    query = cursor.mogrify(built.sql, built.params)
    return f"COPY ({query}) TO STDOUT WITH (FORMAT csv, HEADER)"


def _postgresql_chunks(built: Built, counter: RowCounter) -> Iterator[bytes]:
    with connection.cursor() as cursor:
        statement = copy_statement(cursor, built)
        block = bytearray()
        header_seen = False
        with cursor.copy(statement) as copy:
            for data in copy:
                block += data
                if len(block) >= BLOCK:
                    counter.rows += block.count(b"\n") - (0 if header_seen else 1)
                    header_seen = True
                    yield bytes(block)
                    block.clear()
        if block:
            counter.rows += block.count(b"\n") - (0 if header_seen else 1)
        # Lines counted so far may include line ends inside quoted cells: once COPY has
        # finished, its own count is exact.
        if cursor.rowcount is not None and cursor.rowcount >= 0:
            counter.rows = cursor.rowcount
        if block:
            yield bytes(block)


def _converters(built: Built) -> list[Callable | None]:
    out: list[Callable | None] = []
    for column in built.columns:
        if column.kind is Kind.JSON:
            out.append(lambda v: formula.neutralise(jsonb_text(v)))
        elif column.kind is Kind.TEXT:
            out.append(formula.neutralise)
        else:
            out.append(None)
    return out


def _python_chunks(built: Built, counter: RowCounter) -> Iterator[bytes]:
    buffer = io.StringIO()
    # "\r\n" (RFC 4180): with "\n", Python's csv would leave a lone carriage return in a
    # cell unquoted, and readers would split the row there.
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(built.header)
    converters = _converters(built)
    with connection.cursor() as cursor:
        cursor.execute(built.sql, built.params)
        while rows := cursor.fetchmany(FETCH):
            for row in rows:
                writer.writerow(
                    [
                        v if f is None or v is None else f(v)
                        for f, v in zip(converters, row, strict=True)
                    ]
                )
            counter.rows += len(rows)
            if buffer.tell() >= BLOCK:
                yield buffer.getvalue().encode()
                buffer.seek(0)
                buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode()


def csv_chunks(built: Built, counter: RowCounter, *, bom: bool = False) -> Iterator[bytes]:
    """The export's CSV, UTF-8, in blocks (with a byte-order mark first if asked)."""
    if bom:
        yield BOM
    if connection.vendor == "postgresql":
        yield from _postgresql_chunks(built, counter)
    else:
        yield from _python_chunks(built, counter)
