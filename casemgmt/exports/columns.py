"""How an export's column is declared, and the few SQL forms that differ by database.

A column names its header (stable English, documented in docs/auditor.md), its
information class (a user who may not read the class gets no such column at all),
whether it identifies the person or is free text (both only in an identified export),
its kind (how the value is written) and its SQL over the export's table aliases.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from casemgmt.exports import formula
from casemgmt.info_classes import InfoClass


class Kind(Enum):
    TEXT = "text"  # neutralised against formulas
    NUMBER = "number"  # written as the database's integer
    DATE = "date"  # YYYY-MM-DD
    TIMESTAMP = "timestamp"  # YYYY-MM-DDTHH:MM:SSZ, in UTC
    BOOL = "bool"  # true / false
    SAFE = "safe"  # text from a fixed vocabulary of ours (keys, codes): never a formula
    JSON = "json"  # a JSON document, written in jsonb's form on both databases


# Age groups at an event, from the date of birth (docs/auditor.md).
AGE_GROUPS = ((18, "under 18"), (25, "18-24"), (35, "25-34"), (45, "35-44"), (60, "45-59"))
OLDEST_GROUP = "60 and over"


@dataclass(frozen=True)
class Dialect:
    """The SQL that differs between PostgreSQL and SQLite. Every literal ``%`` is
    doubled: queries always go with parameters."""

    postgresql: bool
    # The classes the reader may read: columns that list mixed content (a move's gates)
    # keep only the entries of these.
    classes: frozenset = frozenset()

    def date(self, expr: str) -> str:
        if self.postgresql:
            return f"to_char({expr}, 'YYYY-MM-DD')"
        return f"strftime('%%Y-%%m-%%d', {expr})"

    def timestamp(self, expr: str) -> str:
        if self.postgresql:
            return f"""to_char({expr} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')"""
        return f"strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', {expr})"

    def boolean(self, expr: str) -> str:
        return f"CASE WHEN {expr} IS NULL THEN NULL WHEN {expr} THEN 'true' ELSE 'false' END"

    def text(self, expr: str) -> str:
        # SQLite: neutralised in the stream (``streaming``), with the same rule.
        return formula.sql(expr) if self.postgresql else expr

    def years_between(self, born: str, on: str) -> str:
        """Whole years from ``born`` to ``on`` (both dates)."""
        if self.postgresql:
            return f"CAST(date_part('year', age(CAST({on} AS date), {born})) AS integer)"
        return (
            f"(CAST(strftime('%%Y', {on}) AS integer) - CAST(strftime('%%Y', {born}) AS integer)"
            f" - (strftime('%%m-%%d', {on}) < strftime('%%m-%%d', {born})))"
        )

    def age_group(self, born: str, on: str) -> str:
        years = self.years_between(born, on)
        whens = " ".join(f"WHEN {years} < {limit} THEN '{label}'" for limit, label in AGE_GROUPS)
        return (
            f"CASE WHEN {born} IS NULL OR {on} IS NULL THEN NULL {whens} ELSE '{OLDEST_GROUP}' END"
        )

    def as_date(self, expr: str) -> str:
        """The day of a moment in the deployment's time zone (the day people call it; the
        database's own cast gives the day in UTC, a day earlier before 05:00 in Pakistan)."""
        zone = _zone_name()
        if self.postgresql:
            return f"CAST(({expr} AT TIME ZONE '{zone}') AS date)"
        # Django registers this function on every SQLite connection (``__date`` uses it).
        return f"django_datetime_cast_date({expr}, '{zone}', 'UTC')"

    def json_text(self, expr: str) -> str:
        """A JSON column as text (jsonb's form; the SQLite stream rewrites it the same way)."""
        if self.postgresql:
            return formula.sql(f"CAST({expr} AS text)")
        return expr

    def joined(self, value: str, source: str, order: str) -> str:
        """The values of ``value`` from ``source`` (FROM ... WHERE ...) in ``order``,
        joined by "; " (NULL when there are none)."""
        if self.postgresql:
            return f"(SELECT string_agg({value}, '; ' ORDER BY {order}) {source})"
        # SQLite's group_concat keeps the order of an ordered subquery.
        return (
            f"(SELECT group_concat(v, '; ') FROM (SELECT {value} AS v {source} ORDER BY {order}))"
        )

    def json_items(self, expr: str) -> tuple[str, str, str]:
        """(FROM clause, alias of an element, alias of its index) over a JSON array."""
        if self.postgresql:
            return (f"FROM jsonb_array_elements({expr}) WITH ORDINALITY AS j(e, n)", "j.e", "j.n")
        return (f"FROM json_each({expr}) AS j", "j.value", "j.key")

    def json_field(self, element: str, key: str) -> str:
        if self.postgresql:
            return f"({element} ->> '{key}')"
        return f"json_extract({element}, '$.{key}')"

    def json_true(self, element: str, key: str) -> str:
        if self.postgresql:
            return f"({element} ->> '{key}') = 'true'"
        return f"json_extract({element}, '$.{key}') = 1"


SQL = str | Callable[[Dialect], str]


@dataclass(frozen=True)
class Column:
    name: str
    info_class: InfoClass
    sql: SQL
    kind: Kind = Kind.TEXT
    definition: str = ""
    identifying: bool = False  # names, CNIC, aliases, contacts, exact dates of birth
    free_text: bool = False  # notes, reasons, descriptions
    # Further classes the reader must hold as well: a value that cites records of other
    # classes (a move's reasons cite legal and risk records; the trail's raw values any).
    also_needs: frozenset = frozenset()

    @property
    def identified_only(self) -> bool:
        return self.identifying or self.free_text

    def expression(self, dialect: Dialect) -> str:
        raw = self.sql(dialect) if callable(self.sql) else self.sql
        if callable(self.sql):
            return raw  # already in its written form (age groups, lists)
        if self.kind is Kind.TEXT:
            return dialect.text(raw)
        if self.kind is Kind.DATE:
            return dialect.date(raw)
        if self.kind is Kind.TIMESTAMP:
            return dialect.timestamp(raw)
        if self.kind is Kind.BOOL:
            return dialect.boolean(raw)
        if self.kind is Kind.JSON:
            return dialect.json_text(raw)
        return raw

    @property
    def neutralised_in_stream(self) -> bool:
        """Text the SQLite stream neutralises (PostgreSQL does it in the query)."""
        return self.kind in (Kind.TEXT, Kind.JSON)


def age_group(born: str, on: str) -> Callable[[Dialect], str]:
    return lambda d: d.age_group(born, on)


def _zone_name() -> str:
    """The deployment's time zone, checked to be a plain zone name (it is written into
    the SQL, never a value a user sends)."""
    from django.utils import timezone

    zone = timezone.get_current_timezone_name()
    if not re.fullmatch(r"[A-Za-z0-9_+\-/]+", zone):
        raise ValueError(f"unexpected time zone name {zone!r}")
    return zone
