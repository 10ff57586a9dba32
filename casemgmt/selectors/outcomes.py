"""Time to re-engagement after release: Kaplan-Meier survival, the same definitions every time.

A person enters follow-up on the day their case first moved into a community
(released) stage. Their first re-engagement event of the counted kinds ends
the follow-up; everyone else is *censored* on the day their follow-up stops
(today, or the day their case closed), so people still being followed count
for as long as they have been followed, and no longer.

The counting is done in SQL, in one query whatever the number of cases: one row per
released case (days followed, event or not, group), then per group and day the number
of events and, by a window function, the number still followed on that day (at risk).
Only the days with an event and the first day at or past each horizon come back, so
Python multiplies the short list of (1 - events / at risk) factors in day order: an
exact product (no exp(sum(ln)) rounding, and no ln(0) when everyone at risk has an
event), the same floating-point figures as the textbook loop.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Min, QuerySet
from django.utils import timezone

from casemgmt.models import Case, ReengagementEvent, StageKind, StageTransition, TransitionStatus

YEAR_DAYS = 365.25
DEFAULT_HORIZONS = (1, 2, 3, 5)


class SurvivalGroup(StrEnum):
    """How a survival table is split: one curve, or one per release cohort or programme."""

    ALL = "all"
    COHORT_YEAR = "cohort_year"  # the calendar year of release (local date)
    PROGRAMME = "programme"  # the case's programme id


def release_date(case: Case) -> datetime.date | None:
    applied = (
        StageTransition.objects.filter(
            case=case, status=TransitionStatus.APPLIED, to_stage__kind=StageKind.COMMUNITY
        )
        .order_by("applied_at")
        .values_list("applied_at", flat=True)
        .first()
    )
    return timezone.localdate(applied) if applied else None


@dataclass(frozen=True)
class SurvivalPoint:
    years: int
    share_without_event: float | None  # None when nobody was followed that long
    at_risk: int


@dataclass(frozen=True)
class SurvivalCurve:
    """One group's figures: the group key (None, a year or a programme id), how many
    released people were followed, and a point per horizon."""

    group: int | None
    followed: int
    points: list[SurvivalPoint]


@dataclass(frozen=True)
class DailyCount:
    """One day of follow-up in one group: events that day, and people still followed."""

    days: int
    events: int
    at_risk: int


def _days_between(end: str, start: str) -> str:
    """Whole days from ``start`` to ``end`` (two dates), on PostgreSQL and SQLite."""
    if connection.vendor == "sqlite":
        return f"CAST(ROUND(julianday({end}) - julianday({start})) AS INTEGER)"
    return f"(({end})::date - ({start})::date)"


def _local_date(moment: str) -> str:
    """The day of a moment in the deployment's time zone, as ``TruncDate`` dates it."""
    zone = timezone.get_current_timezone_name()
    if not re.fullmatch(r"[A-Za-z0-9_+\-/]+", zone):
        raise ValueError(f"unexpected time zone name {zone!r}")
    if connection.vendor == "sqlite":
        # Django registers this function on every SQLite connection (``__date`` uses it).
        return f"django_datetime_cast_date({moment}, '{zone}', 'UTC')"
    return f"CAST(({moment} AT TIME ZONE '{zone}') AS date)"


def _group_sql(group_by) -> str:
    if group_by == SurvivalGroup.COHORT_YEAR:
        if connection.vendor == "sqlite":
            return "CAST(strftime('%%Y', start) AS INTEGER)"
        return "CAST(EXTRACT(YEAR FROM start) AS integer)"
    if group_by == SurvivalGroup.PROGRAMME:
        return "programme_id"
    return "0"


def follow_up_sql(
    cases: QuerySet,
    *,
    kinds: Iterable[str] | None = None,
    today: datetime.date,
    group_by,
    reader=None,
) -> tuple[str, list]:
    """One row per released case of ``cases``: group, days followed and event (1/0), as
    SQL with its parameters. The release (first applied move into a community stage) and
    the first re-engagement event are each found once, grouped, for all cases together: a
    correlated subquery per case and per use cost 3 s at 100,000 cases. With a ``reader``,
    only the moves and events they may read count (the juvenile rule: a release or an
    event recorded while the person was a juvenile is not theirs to count)."""
    releases = StageTransition.objects.filter(
        status=TransitionStatus.APPLIED,
        to_stage__kind=StageKind.COMMUNITY,
        case__in=cases.order_by().values("pk"),
    )
    events = ReengagementEvent.objects.all()
    if kinds:
        events = events.filter(kind__in=list(kinds))
    if reader is not None:
        from casemgmt import access

        # The reader's rules on the rows themselves (no second pass over the moves).
        releases = releases.filter(access.record_rows_filter("stage_move", reader))
        events = events.filter(access.record_rows_filter("reengagement", reader))
    releases_sql, release_params = (
        releases.order_by().values("case_id").annotate(released_at=Min("applied_at"))
    ).query.sql_with_params()
    events_sql, event_params = (
        events.order_by().values("case_id").annotate(first_on=Min("occurred_on"))
    ).query.sql_with_params()
    if connection.vendor == "sqlite":
        greatest, least = "max", "min"
    else:
        greatest, least = "GREATEST", "LEAST"
    evented = "first_on IS NOT NULL AND first_on >= start"
    followed_to = f"{least}(COALESCE(closed_on, %s), %s)"
    sql = f"""
        SELECT {_group_sql(group_by)} AS grp,
               CASE WHEN {evented} THEN 1 ELSE 0 END AS event,
               CASE WHEN {evented} THEN {_days_between("first_on", "start")}
                    ELSE {greatest}({_days_between(followed_to, "start")}, 0) END AS days
        FROM (
            SELECT c.programme_id, c.closed_on, {_local_date("r.released_at")} AS start,
                   f.first_on
            FROM ({releases_sql}) r
            JOIN {Case._meta.db_table} c ON c.id = r.case_id
            LEFT JOIN ({events_sql}) f ON f.case_id = r.case_id
        ) released
    """  # noqa: S608 (table names are the models', values are placeholders)
    params = [today, today, *release_params, *event_params]
    return sql, params


def daily_counts(
    cases: QuerySet,
    *,
    kinds: Iterable[str] | None = None,
    horizons_days: Sequence[int] = (),
    today: datetime.date | None = None,
    group_by: SurvivalGroup = SurvivalGroup.ALL,
    reader=None,
) -> dict[int, list[DailyCount]]:
    """Per group, the days with an event and the first day at or past each horizon (and
    day 0's row, whose at-risk is everyone followed), in day order. One query."""
    today = today or timezone.localdate()
    try:
        per_case_sql, params = follow_up_sql(
            cases, kinds=kinds, today=today, group_by=group_by, reader=reader
        )
    except EmptyResultSet:  # e.g. cases of no programme: nothing to count
        return {}
    marks = [0, *horizons_days]
    # A horizon's at-risk is that of the first follow-up day at or past it.
    at_horizon = " OR ".join(
        "(days >= %s AND (previous_day IS NULL OR previous_day < %s))" for _ in marks
    )
    sql = f"""
        WITH per_case AS ({per_case_sql}),
        daily AS (
            SELECT grp, days, SUM(event) AS events, COUNT(*) AS followed
            FROM per_case GROUP BY grp, days
        ),
        at_risk AS (
            SELECT grp, days, events,
                   SUM(followed) OVER (
                       PARTITION BY grp ORDER BY days DESC
                       ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
                   ) AS at_risk,
                   LAG(days) OVER (PARTITION BY grp ORDER BY days) AS previous_day
            FROM daily
        )
        SELECT grp, days, events, at_risk FROM at_risk
        WHERE events > 0 OR {at_horizon}
        ORDER BY grp, days
    """  # noqa: S608 (the per-case query is Django's, the marks are placeholders)
    mark_params = [p for mark in marks for p in (mark, mark)]
    result: dict[int, list[DailyCount]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *mark_params])
        for grp, days, events, at_risk in cursor.fetchall():
            result.setdefault(int(grp), []).append(DailyCount(int(days), int(events), int(at_risk)))
    return result


def product_limit(
    daily: Sequence[DailyCount], horizons_days: Sequence[int]
) -> list[tuple[float | None, int]]:
    """Kaplan-Meier from the daily counts of one group: at each horizon, the share without
    an event and how many were still followed then (None when nobody was)."""
    out = []
    for horizon in horizons_days:
        value = 1.0
        for day in daily:
            if day.days > horizon:
                break
            if day.events:
                value *= 1 - day.events / day.at_risk
        later = next((day.at_risk for day in daily if day.days >= horizon), 0)
        out.append((value if later else None, later))
    return out


def survival_curves(
    cases: QuerySet,
    *,
    group_by: SurvivalGroup = SurvivalGroup.ALL,
    kinds: Iterable[str] | None = None,
    years: Sequence[int] = DEFAULT_HORIZONS,
    today: datetime.date | None = None,
    reader=None,
) -> list[SurvivalCurve]:
    """Time to re-engagement of the released cases of ``cases`` (already scoped to the
    reader), one curve per group in group order; a group with nobody released is absent."""
    horizons = [round(y * YEAR_DAYS) for y in years]
    counts = daily_counts(
        cases, kinds=kinds, horizons_days=horizons, today=today, group_by=group_by, reader=reader
    )
    curves = []
    for group, daily in sorted(counts.items()):
        points = [
            SurvivalPoint(y, share, at_risk)
            for y, (share, at_risk) in zip(years, product_limit(daily, horizons), strict=True)
        ]
        followed = daily[0].at_risk if daily else 0
        key = None if group_by == SurvivalGroup.ALL else group
        curves.append(SurvivalCurve(key, followed, points))
    return curves


def survival(
    cases: QuerySet,
    *,
    kinds: Iterable[str] | None = None,
    years: Sequence[int] = DEFAULT_HORIZONS,
    today: datetime.date | None = None,
) -> list[SurvivalPoint]:
    """Share of released people with no re-engagement event at 1, 2, 3 and 5 years."""
    curves = survival_curves(cases, kinds=kinds, years=years, today=today)
    if curves:
        return curves[0].points
    return [SurvivalPoint(y, None, 0) for y in years]
