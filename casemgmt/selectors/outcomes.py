"""Time to re-engagement after release: Kaplan-Meier survival, the same definitions every time.

A person enters follow-up on the day their case first moved into a community
(released) stage. Their first re-engagement event of the counted kinds ends
the follow-up; everyone else is *censored* on the day their follow-up stops
(today, or the day their case closed), so people still being followed count
for as long as they have been followed, and no longer.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Min, QuerySet
from django.utils import timezone

from casemgmt.models import Case, ReengagementEvent, StageKind, StageTransition, TransitionStatus

YEAR_DAYS = 365.25
DEFAULT_HORIZONS = (1, 2, 3, 5)


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
class Follow:
    days: int
    event: bool


@dataclass(frozen=True)
class SurvivalPoint:
    years: int
    share_without_event: float | None  # None when nobody was followed that long
    at_risk: int


def follow_ups(cases: QuerySet, *, kinds=None, today: datetime.date | None = None) -> list[Follow]:
    """One (days followed, event?) per released case."""
    today = today or timezone.localdate()
    releases = dict(
        StageTransition.objects.filter(
            case__in=cases, status=TransitionStatus.APPLIED, to_stage__kind=StageKind.COMMUNITY
        )
        .values("case_id")
        .annotate(first=Min("applied_at"))
        .values_list("case_id", "first")
    )
    events = ReengagementEvent.objects.filter(case_id__in=releases)
    if kinds:
        events = events.filter(kind__in=kinds)
    first_event = dict(
        events.values("case_id").annotate(first=Min("occurred_on")).values_list("case_id", "first")
    )
    closed = dict(Case.objects.filter(pk__in=releases).values_list("pk", "closed_on"))
    result = []
    for case_id, released_at in releases.items():
        start = timezone.localdate(released_at)
        if case_id in first_event and first_event[case_id] >= start:
            result.append(Follow((first_event[case_id] - start).days, True))
        else:
            end = closed.get(case_id) or today
            result.append(Follow(max((min(end, today) - start).days, 0), False))
    return result


def kaplan_meier(follows: list[Follow], horizons_days: list[int]) -> list[tuple[float | None, int]]:
    """Survival probability at each horizon, and how many were still followed then."""
    times = sorted({f.days for f in follows if f.event})
    survival = 1.0
    curve = []  # (time, survival after the events at that time)
    for t in times:
        at_risk = sum(1 for f in follows if f.days >= t)
        events = sum(1 for f in follows if f.event and f.days == t)
        if at_risk:
            survival *= 1 - events / at_risk
        curve.append((t, survival))
    out = []
    for horizon in horizons_days:
        at_risk = sum(1 for f in follows if f.days >= horizon)
        value = 1.0
        for t, s in curve:
            if t <= horizon:
                value = s
        followed_long_enough = any(f.days >= horizon for f in follows)
        out.append((value if followed_long_enough else None, at_risk))
    return out


def survival(
    cases: QuerySet, *, kinds=None, years=DEFAULT_HORIZONS, today: datetime.date | None = None
) -> list[SurvivalPoint]:
    """Share of released people with no re-engagement event at 1, 2, 3 and 5 years."""
    follows = follow_ups(cases, kinds=kinds, today=today)
    horizons = [round(y * YEAR_DAYS) for y in years]
    return [
        SurvivalPoint(y, share, at_risk)
        for y, (share, at_risk) in zip(years, kaplan_meier(follows, horizons), strict=True)
    ]
