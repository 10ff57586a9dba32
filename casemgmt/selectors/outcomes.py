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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Case as CaseWhen
from django.db.models import (
    DateField,
    F,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import (
    Cast,
    Coalesce,
    ExtractYear,
    Greatest,
    Least,
    TruncDate,
)
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


class DaysBetween(Func):
    """Whole days from ``start`` to ``end`` (two dates), on PostgreSQL and SQLite."""

    output_field = IntegerField()
    arity = 2

    def as_sql(self, compiler, connection, **extra):
        end, start = self.source_expressions
        end_sql, end_params = compiler.compile(end)
        start_sql, start_params = compiler.compile(start)
        if connection.vendor == "sqlite":
            sql = f"CAST(ROUND(julianday({end_sql}) - julianday({start_sql})) AS INTEGER)"
        else:
            sql = f"(({end_sql})::date - ({start_sql})::date)"
        return sql, (*end_params, *start_params)


def follow_up_rows(
    cases: QuerySet, *, kinds: Iterable[str] | None = None, today: datetime.date, group_by
) -> QuerySet:
    """One row per released case of ``cases``: days followed, event (1/0) and group."""
    applied = StageTransition.objects.filter(
        case=OuterRef("pk"), status=TransitionStatus.APPLIED, to_stage__kind=StageKind.COMMUNITY
    )
    events = ReengagementEvent.objects.filter(case=OuterRef("pk"))
    if kinds:
        events = events.filter(kind__in=list(kinds))
    today_value = Value(today, output_field=DateField())
    rows = (
        Case.objects.filter(pk__in=cases.values("pk"))
        .annotate(
            released_at=Subquery(
                applied.order_by("applied_at").values("applied_at")[:1],
            ),
            first_event=Subquery(
                events.values("case").annotate(first=Min("occurred_on")).values("first")[:1],
                output_field=DateField(),
            ),
        )
        .filter(released_at__isnull=False)
        .annotate(start=TruncDate("released_at"))
        .annotate(
            event=CaseWhen(
                When(Q(first_event__isnull=False, first_event__gte=F("start")), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
            days=CaseWhen(
                When(
                    Q(first_event__isnull=False, first_event__gte=F("start")),
                    then=DaysBetween("first_event", "start"),
                ),
                default=Greatest(
                    DaysBetween(
                        Least(
                            Cast(Coalesce("closed_on", today_value), DateField()),
                            today_value,
                        ),
                        "start",
                    ),
                    Value(0),
                ),
                output_field=IntegerField(),
            ),
            grp=_group_expression(group_by),
        )
    )
    return rows.values("grp", "days", "event")


def _group_expression(group_by):
    if group_by == SurvivalGroup.COHORT_YEAR:
        return ExtractYear("start")
    if group_by == SurvivalGroup.PROGRAMME:
        return Cast("programme_id", IntegerField())
    return Value(0, output_field=IntegerField())


def daily_counts(
    cases: QuerySet,
    *,
    kinds: Iterable[str] | None = None,
    horizons_days: Sequence[int] = (),
    today: datetime.date | None = None,
    group_by: SurvivalGroup = SurvivalGroup.ALL,
) -> dict[int, list[DailyCount]]:
    """Per group, the days with an event and the first day at or past each horizon (and
    day 0's row, whose at-risk is everyone followed), in day order. One query."""
    today = today or timezone.localdate()
    try:
        per_case_sql, params = (
            follow_up_rows(cases, kinds=kinds, today=today, group_by=group_by)
            .order_by()
            .query.sql_with_params()
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
) -> list[SurvivalCurve]:
    """Time to re-engagement of the released cases of ``cases`` (already scoped to the
    reader), one curve per group in group order; a group with nobody released is absent."""
    horizons = [round(y * YEAR_DAYS) for y in years]
    counts = daily_counts(
        cases, kinds=kinds, horizons_days=horizons, today=today, group_by=group_by
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
