"""Rows written in bulk, fast and the same on both databases: ``COPY`` on PostgreSQL,
one multi-row ``INSERT`` per batch on SQLite. Primary keys are reserved up front, so a
row can name its parent (and its audit event can name it) before either is written.

Only the seeder uses this: it bypasses the services on purpose (the invariants they keep
are reproduced by the generator and checked by ``demo.invariants``)."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models

ID_BLOCK = 10_000


class _Table:
    """One model's columns, their defaults, and the ids reserved for it."""

    def __init__(self, model: type[models.Model]):
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields]
        self.columns = [f.column for f in self.fields]
        self.attnames = [f.attname for f in self.fields]
        self.json = {i for i, f in enumerate(self.fields) if isinstance(f, models.JSONField)}
        # A callable default (``timezone.now``) is taken once per run: pass real times.
        self.defaults = [None if f.primary_key else f.get_default() for f in self.fields]
        self.rows: list[tuple] = []
        self.next_id = 0
        self.last_id = -1

    def row(self, values: dict[str, Any]) -> tuple:
        missing = set(values) - set(self.attnames)
        if missing:
            raise TypeError(f"{self.model.__name__} has no field(s) {sorted(missing)}")
        return tuple(values.get(a, d) for a, d in zip(self.attnames, self.defaults, strict=True))


class BulkWriter:
    """Buffer rows per model with :meth:`add`, then :meth:`flush` them in one go
    (inside the caller's transaction; foreign keys are checked at commit)."""

    def __init__(self):
        self.tables: dict[type[models.Model], _Table] = {}
        self.postgres = connection.vendor == "postgresql"
        # Side rows of the audit trail's personal values written this run (one per digest).
        self.personal_digests: set[str] = set()

    def table(self, model) -> _Table:
        if model not in self.tables:
            self.tables[model] = _Table(model)
        return self.tables[model]

    def new_id(self, model) -> int:
        """Reserve a primary key for a row of ``model`` that is added later."""
        return self._next_id(self.table(model))

    def add(self, model, **values) -> int:
        """Buffer one row of ``model``; return its primary key (reserved now)."""
        table = self.table(model)
        if "id" not in values and model._meta.pk.name == "id":
            values["id"] = self._next_id(table)
        table.rows.append(table.row(values))
        return values["id"]

    def pending(self) -> int:
        return sum(len(t.rows) for t in self.tables.values())

    def flush(self) -> int:
        written = 0
        for table in self.tables.values():
            if table.rows:
                self._write(table)
                written += len(table.rows)
                table.rows = []
        return written

    def _next_id(self, table: _Table) -> int:
        if table.next_id > table.last_id:
            table.next_id, table.last_id = self._reserve(table.model, ID_BLOCK)
        table.next_id += 1
        return table.next_id - 1

    def _reserve(self, model, count: int) -> tuple[int, int]:
        """Reserve ``count`` primary keys: (first, last)."""
        name = model._meta.db_table
        with connection.cursor() as cursor:
            if self.postgres:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                    "nextval(pg_get_serial_sequence(%s, 'id')) + %s - 1)",
                    [name, name, count],
                )
                last = cursor.fetchone()[0]
                return last - count + 1, last
            # SQLite: one writer at a time, and the seeder holds the write transaction.
            cursor.execute(f'SELECT COALESCE(MAX("id"), 0) FROM "{name}"')  # noqa: S608
            first = max(cursor.fetchone()[0], self._reserved_max(model)) + 1
            return first, first + count - 1

    def _reserved_max(self, model) -> int:
        table = self.tables.get(model)
        return table.last_id if table else 0

    def _write(self, table: _Table) -> None:
        name = connection.ops.quote_name(table.model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(c) for c in table.columns)
        with connection.cursor() as cursor:
            if self.postgres:
                self._copy(cursor, table, f"COPY {name} ({columns}) FROM STDIN")
            else:
                self._insert(cursor, table, name, columns)

    def _copy(self, cursor, table: _Table, sql: str) -> None:
        from psycopg.types.json import Jsonb

        def dumps(value):
            return json.dumps(value, cls=DjangoJSONEncoder)

        with cursor.cursor.copy(sql) as copy:
            for row in table.rows:
                if table.json:
                    row = tuple(
                        Jsonb(v, dumps=dumps) if i in table.json else v for i, v in enumerate(row)
                    )
                copy.write_row(row)

    def _insert(self, cursor, table: _Table, name: str, columns: str) -> None:
        prepared = [
            [f.get_db_prep_save(v, connection) for f, v in zip(table.fields, row, strict=True)]
            for row in table.rows
        ]
        width = len(table.columns)
        # SQLite allows 999 parameters per statement in older builds; stay under it.
        per_statement = max(1, 999 // width)
        marks = "(" + ", ".join(["%s"] * width) + ")"
        for start in range(0, len(prepared), per_statement):
            batch = prepared[start : start + per_statement]
            cursor.execute(
                f"INSERT INTO {name} ({columns}) VALUES " + ", ".join([marks] * len(batch)),  # noqa: S608
                [v for row in batch for v in row],
            )
