"""The year of stage moves: the flow between stages, and the time spent per stage (median
and 90th percentile, in days), computed in SQL in one statement.

Definition: a *stay* is a case's time in one stage that ended, in the last 12 months, by
an applied stage move out of it. It started at the case's previous applied move (or, for
the first stage, when the case was created) and ended when this move applied; the engine
stores its start on the move as it applies (``stay_began_at``, ``stay_began_with``). Stays still
going on are not counted. The percentiles are PostgreSQL's ``percentile_cont`` (linear
interpolation between the two nearest ranks), computed the same way on both databases
from the stays ranked within each stage, so SQLite gives the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Case as CaseWhen
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Value, When

from casemgmt import access
from casemgmt.models import StageTransition, TransitionStatus

# Days between two timestamps, per database (the only part that differs).
_DAYS = {
    "postgresql": "EXTRACT(EPOCH FROM (m.applied_at - m.stay_began_at)) / 86400.0",
    "sqlite": "julianday(m.applied_at) - julianday(m.stay_began_at)",
}

# Percentiles as (name, p in hundredths): rank position p*(n-1), whole and fractional parts.
PERCENTILES = [("median", 50), ("p90", 90)]


def _year_sql(days: str, moves_sql: str) -> str:
    """One statement for the year's moves: each stage's stays ranked and picked ("stay"
    rows), and the moves between each pair of stages ("flow" rows); the moves are read
    and scoped once (a CTE used twice is computed once)."""
    picks, blanks = [], []
    for name, p in PERCENTILES:
        lo, hi = f"({p} * (n - 1)) / 100", f"({p} * (n - 1) + 99) / 100"
        picks += [
            f"MAX(CASE WHEN i = {lo} THEN days END) AS {name}_lo",
            f"MAX(CASE WHEN i = {hi} THEN days END) AS {name}_hi",
            f"MAX(({p} * (n - 1)) %% 100) AS {name}_frac",  # %% : a literal % for the driver
        ]
        blanks += ["NULL", "NULL", "NULL"]
    return f"""
    WITH m AS ({moves_sql}), ranked AS (
        SELECT from_stage_id AS stage_id, days,
               ROW_NUMBER() OVER (PARTITION BY from_stage_id ORDER BY days) - 1 AS i,
               COUNT(*) OVER (PARTITION BY from_stage_id) AS n
        FROM (SELECT m.from_stage_id, {days} AS days FROM m WHERE m.stay_counts = 1) AS d
    )
    SELECT 'stay' AS part, stage_id, NULL AS to_stage_id, MAX(n) AS n, {", ".join(picks)}
    FROM ranked GROUP BY stage_id
    UNION ALL
    SELECT 'flow', from_stage_id, to_stage_id, COUNT(*), {", ".join(blanks)}
    FROM m GROUP BY from_stage_id, to_stage_id
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


def year_moves(user, cases, since) -> QuerySet:
    """The applied moves since ``since`` on ``cases`` that ``user`` may know of, each with
    whether the stay it ended counts (``stay_counts``, 1 or 0). A stay counts only when the
    user may also know of the move that began it: its length would otherwise date a move
    they may not know of (juvenile records, as elsewhere)."""
    moves = StageTransition.objects.filter(
        access.record_rows_filter("stage_move", user),
        status=TransitionStatus.APPLIED,
        applied_at__gte=since,
        case__in=cases.values("pk"),
    )
    counts = Q(stay_began_at__isnull=False)
    # The move that began the stay was requested before this one: checked (its own
    # EXISTS, so only when this case's rule could hide it) unless the person was an
    # adult when the case opened, or the reader is not held back at all.
    earlier = StageTransition.objects.filter(
        access.record_rows_filter("stage_move", user), pk=OuterRef("stay_began_with_id")
    )
    if earlier.query.where:
        counts &= Q(stay_began_with__isnull=True) | _adult_at_creation(user) | Exists(earlier)
    return moves.annotate(
        stay_counts=CaseWhen(When(counts, then=Value(1)), default=Value(0))
    ).order_by()


def _value(lo, hi, frac) -> float:
    return round(float(lo) + (float(hi) - float(lo)) * frac / 100, 1)


@dataclass(frozen=True)
class YearOfMoves:
    # (from stage id, to stage id) -> applied moves (moves, not cases)
    flow: dict[tuple[int, int], int]
    # stage id -> {"stays", "median", "p90"} (days)
    stays: dict[int, dict]


def year_of_moves(user, cases, since) -> YearOfMoves:
    """The flow between stages and the time per stage of ``cases`` (a queryset of cases
    already scoped to ``user``) since ``since``, in one query."""
    if not access.can_read(user, access.RECORD_CLASSES["stage_move"]):
        return YearOfMoves({}, {})
    rows = year_moves(user, cases, since).values(
        "from_stage_id", "to_stage_id", "applied_at", "stay_began_at", "stay_counts"
    )
    try:
        moves_sql, params = rows.query.sql_with_params()
    except EmptyResultSet:
        return YearOfMoves({}, {})
    with connection.cursor() as cursor:
        cursor.execute(_year_sql(_DAYS[connection.vendor], moves_sql), params)
        columns = [c[0] for c in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    flow, stays = {}, {}
    for row in rows:
        if row["part"] == "flow":
            flow[(row["stage_id"], row["to_stage_id"])] = row["n"]
            continue
        stays[row["stage_id"]] = {
            "stays": row["n"],
            **{
                name: _value(row[f"{name}_lo"], row[f"{name}_hi"], row[f"{name}_frac"])
                for name, _p in PERCENTILES
            },
        }
    return YearOfMoves(flow, stays)


def time_in_stage(user, cases, since) -> dict[int, dict]:
    """stage id -> {"stays", "median", "p90"} (days): ``year_of_moves``'s stays."""
    return year_of_moves(user, cases, since).stays
