"""Time spent per stage: median and 90th percentile, in days, computed in SQL.

Definition: a *stay* is a case's time in one stage that ended, in the last 12 months, by
an applied stage move out of it. It started at the case's previous applied move (or, for
the first stage, when the case was created) and ended when this move applied. Stays still
going on are not counted. The percentiles are PostgreSQL's ``percentile_cont`` (linear
interpolation between the two nearest ranks), computed the same way on both databases
from the stays ranked within each stage, so SQLite gives the same numbers.
"""

from __future__ import annotations

from django.db import connection

from casemgmt import access
from casemgmt.models import StageTransition, TransitionStatus

# Days between two timestamps, per database (the only part that differs).
_DAYS = {
    "postgresql": "EXTRACT(EPOCH FROM (s.left_at - s.entered_at)) / 86400.0",
    "sqlite": "julianday(s.left_at) - julianday(s.entered_at)",
}

# Percentiles as (name, p in hundredths): rank position p*(n-1), whole and fractional parts.
PERCENTILES = [("median", 50), ("p90", 90)]


def _ranked_sql(days: str, cases_sql: str, moves_sql: str) -> str:
    # A stay counts only when the user may know of the move that ended it and of the one
    # that began it: its length would otherwise date a move they may not know of.
    readable = (
        f"AND s.move_id IN ({moves_sql}) "
        f"AND (s.entered_by IS NULL OR s.entered_by IN ({moves_sql}))"
        if moves_sql
        else ""
    )
    picks = []
    for name, p in PERCENTILES:
        lo, hi = f"({p} * (n - 1)) / 100", f"({p} * (n - 1) + 99) / 100"
        picks += [
            f"MAX(CASE WHEN i = {lo} THEN days END) AS {name}_lo",
            f"MAX(CASE WHEN i = {hi} THEN days END) AS {name}_hi",
            f"MAX(({p} * (n - 1)) %% 100) AS {name}_frac",  # %% : a literal % for the driver
        ]
    return f"""
    WITH moves AS (
        SELECT t.id AS move_id, t.from_stage_id AS stage_id, t.applied_at AS left_at,
               LAG(t.id) OVER (PARTITION BY t.case_id ORDER BY t.applied_at, t.id) AS entered_by,
               COALESCE(LAG(t.applied_at) OVER (
                   PARTITION BY t.case_id ORDER BY t.applied_at, t.id), c.created_at
               ) AS entered_at
        FROM casemgmt_stagetransition t
        JOIN casemgmt_case c ON c.id = t.case_id
        WHERE t.status = %s AND t.applied_at IS NOT NULL AND t.case_id IN ({cases_sql})
    ), stays AS (
        SELECT s.stage_id, {days} AS days FROM moves s
        WHERE s.left_at >= %s {readable}
    ), ranked AS (
        SELECT stage_id, days,
               ROW_NUMBER() OVER (PARTITION BY stage_id ORDER BY days) - 1 AS i,
               COUNT(*) OVER (PARTITION BY stage_id) AS n
        FROM stays
    )
    SELECT stage_id, MAX(n) AS n, {", ".join(picks)}
    FROM ranked GROUP BY stage_id
    """  # noqa: S608 (the subqueries are Django's, the numbers constants, values placeholders)


def _value(lo, hi, frac) -> float:
    return round(float(lo) + (float(hi) - float(lo)) * frac / 100, 1)


def time_in_stage(user, cases, since) -> dict[int, dict]:
    """stage id -> {"stays", "median", "p90"} (days) for the stays of ``cases`` (a
    queryset of cases already scoped to ``user``) that ended since ``since``."""
    if not access.can_read(user, access.RECORD_CLASSES["stage_move"]):
        return {}
    cases_sql, cases_params = cases.values("pk").query.sql_with_params()
    # Only stays between moves the user may know of (juvenile records, as elsewhere);
    # nothing to check for those who may know of every move (no scan of all moves).
    hidden = access.record_rows_filter("stage_move", user)
    moves_sql, moves_params = "", []
    if hidden:
        moves = StageTransition.objects.filter(hidden, status=TransitionStatus.APPLIED)
        moves_sql, moves_params = moves.values("pk").query.sql_with_params()
    sql = _ranked_sql(_DAYS[connection.vendor], cases_sql, moves_sql)
    # As the ORM would store it (SQLite compares the text of naive UTC times).
    since = connection.ops.adapt_datetimefield_value(since)
    params = [TransitionStatus.APPLIED, *cases_params, since, *moves_params, *moves_params]
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
