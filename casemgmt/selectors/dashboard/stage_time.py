"""Time spent per stage: median and 90th percentile, in days, computed in SQL.

Definition: a *stay* is a case's time in one stage that ended, in the last 12 months, by
an applied stage move out of it. It started at the case's previous applied move (or, for
the first stage, when the case was created) and ended when this move applied; the engine
stores its start on the move as it applies (``stay_began_at``, ``stay_began_with``). Stays still
going on are not counted. The percentiles are PostgreSQL's ``percentile_cont`` (linear
interpolation between the two nearest ranks), computed the same way on both databases
from the stays ranked within each stage, so SQLite gives the same numbers.
"""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet

from casemgmt import access
from casemgmt.models import StageTransition, TransitionStatus

# Days between two timestamps, per database (the only part that differs).
_DAYS = {
    "postgresql": "EXTRACT(EPOCH FROM (s.applied_at - s.stay_began_at)) / 86400.0",
    "sqlite": "julianday(s.applied_at) - julianday(s.stay_began_at)",
}

# Percentiles as (name, p in hundredths): rank position p*(n-1), whole and fractional parts.
PERCENTILES = [("median", 50), ("p90", 90)]


def _ranked_sql(days: str, stays_sql: str) -> str:
    picks = []
    for name, p in PERCENTILES:
        lo, hi = f"({p} * (n - 1)) / 100", f"({p} * (n - 1) + 99) / 100"
        picks += [
            f"MAX(CASE WHEN i = {lo} THEN days END) AS {name}_lo",
            f"MAX(CASE WHEN i = {hi} THEN days END) AS {name}_hi",
            f"MAX(({p} * (n - 1)) %% 100) AS {name}_frac",  # %% : a literal % for the driver
        ]
    return f"""
    WITH s AS ({stays_sql}), ranked AS (
        SELECT from_stage_id AS stage_id, days,
               ROW_NUMBER() OVER (PARTITION BY from_stage_id ORDER BY days) - 1 AS i,
               COUNT(*) OVER (PARTITION BY from_stage_id) AS n
        FROM (SELECT s.from_stage_id, {days} AS days FROM s) AS d
    )
    SELECT stage_id, MAX(n) AS n, {", ".join(picks)}
    FROM ranked GROUP BY stage_id
    """  # noqa: S608 (the subquery is Django's, the numbers constants, values placeholders)


def _adult_at_creation(user) -> Q:
    """Cases of the outer move whose every move ``user`` may know of: the person was an
    adult when the case opened (moves are asked for from then on) or has no date of
    birth, or ``user`` supervises the programme (the juvenile rule's own terms)."""
    return (
        Q(case__person__adult_on__isnull=True)
        | Q(case__person__adult_on__lte=F("case__opened_on"))
        | access.supervised_programme_filter(user, "case__programme_id")
    )


def stays(user, cases, since) -> QuerySet:
    """The stays that ended since ``since``: applied moves with the stay they ended (stored
    by the engine when the move applied), among ``cases``. A stay counts only when the user
    may know of the move that ended it and of the one that began it: its length would
    otherwise date a move they may not know of (juvenile records, as elsewhere)."""
    moves = StageTransition.objects.filter(
        access.record_rows_filter("stage_move", user),
        status=TransitionStatus.APPLIED,
        applied_at__gte=since,
        stay_began_at__isnull=False,
        case__in=cases.values("pk"),
    )
    # The move that began the stay was requested before this one: checked (its own
    # EXISTS, so only when this case's rule could hide it) unless the person was an
    # adult when the case opened, or the reader is not held back at all.
    earlier = StageTransition.objects.filter(
        access.record_rows_filter("stage_move", user), pk=OuterRef("stay_began_with_id")
    )
    if earlier.query.where:
        moves = moves.filter(
            Q(stay_began_with__isnull=True) | _adult_at_creation(user) | Exists(earlier)
        )
    return moves


def _value(lo, hi, frac) -> float:
    return round(float(lo) + (float(hi) - float(lo)) * frac / 100, 1)


def time_in_stage(user, cases, since) -> dict[int, dict]:
    """stage id -> {"stays", "median", "p90"} (days) for the stays of ``cases`` (a
    queryset of cases already scoped to ``user``) that ended since ``since``."""
    if not access.can_read(user, access.RECORD_CLASSES["stage_move"]):
        return {}
    rows = (
        stays(user, cases, since).order_by().values("from_stage_id", "applied_at", "stay_began_at")
    )
    try:
        stays_sql, params = rows.query.sql_with_params()
    except EmptyResultSet:
        return {}
    sql = _ranked_sql(_DAYS[connection.vendor], stays_sql)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [c[0] for c in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return {
        row["stage_id"]: {
            "stays": row["n"],
            **{
                name: _value(row[f"{name}_lo"], row[f"{name}_hi"], row[f"{name}_frac"])
                for name, _p in PERCENTILES
            },
        }
        for row in rows
    }
