"""The dashboard's facilities (DOMAIN.md P10): occupancy against capacity, now and at
each month's end over the last year.

Occupancy is a facility-level aggregate: it counts everyone placed there, whoever's case
it is, and is shown for the facilities the programmes the reader supervises use. Its
drill-down is the caseload filtered by the facility, which lists only the cases the
reader may see; the section says how many others are placed there. Where a person is
held is location information: a reader without it gets no facility section at all.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from casemgmt import access
from casemgmt.models import Facility, Placement, Programme
from casemgmt.selectors.dashboard import charts
from casemgmt.selectors.dashboard.scope import DashboardFilters, Figure, caseload_url, scoped_cases
from casemgmt.selectors.dashboard.stored import measured
from casemgmt.selectors.facilities import facilities_with_occupancy

MONTHS = 12


def month_ends(today: datetime.date, n: int = MONTHS) -> list[datetime.date]:
    """The last day of each of the last ``n`` months, oldest first; this month's is today."""
    ends = [today]
    first = today.replace(day=1)
    for _i in range(n - 1):
        end = first - datetime.timedelta(days=1)
        ends.append(end)
        first = end.replace(day=1)
    return ends[::-1]


def _held_on(day: datetime.date) -> Q:
    """Placements (from a facility) in which someone was held at the end of ``day``."""
    return Q(placements__started_on__lte=day) & (
        Q(placements__ended_on__isnull=True) | Q(placements__ended_on__gt=day)
    )


def supervised_programmes(user, scope: DashboardFilters):
    programmes = Programme.objects.filter(supervisors=user)
    if scope.programme:
        programmes = programmes.filter(pk=scope.programme)
    return programmes


def section(user, scope: DashboardFilters, *, today: datetime.date | None = None) -> dict | None:
    """Three queries: the facilities with their occupancy now and at each month's end (one
    GROUP BY over placements), the reader's cases in scope in each, and the facilities'
    names (kept apart from the numbers, which a snapshot keeps: ``stored``)."""
    if not access.can_read_case_field(user, "facility"):
        return None
    today = today or timezone.localdate()
    ends = month_ends(today)
    # Used by a supervised programme: someone of it placed there at some time in the year.
    used = Placement.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=ends[0].replace(day=1)),
        case__programme__in=supervised_programmes(user, scope),
    ).values("facility_id")

    def figures():
        facilities = (
            facilities_with_occupancy()
            .filter(pk__in=used)
            .annotate(
                **{f"held_{i}": Count("placements", filter=_held_on(d)) for i, d in enumerate(ends)}
            )
            .order_by("name")
        )
        rows = [
            (f.pk, f.occupancy, f.capacity, [getattr(f, f"held_{i}") for i in range(len(ends))])
            for f in facilities
        ]
        visible = (
            scoped_cases(user, scope)
            .filter(facility__in=[pk for pk, *_rest in rows])
            .order_by()
            .values_list("facility_id")
            .annotate(n=Count("pk"))
        )
        return rows, dict(visible)

    numbers, visible = measured("facilities", figures)
    names = Facility.objects.in_bulk([pk for pk, *_rest in numbers])
    rows = []
    for pk, occupancy, capacity, held in numbers:
        f = names[pk]
        mine = visible.get(pk, 0)
        rows.append(
            {
                "facility": f,
                "occupancy": occupancy,
                "capacity": capacity,
                "over": occupancy > capacity,
                "visible": Figure(
                    f"facility_{pk}", f.name, mine, caseload_url(user, scope, facility=pk)
                ),
                # Placed there but not in the list: others' cases, or outside the scope.
                "others": max(occupancy - mine, 0),
                "months": held,
                "trend": charts.lines(
                    [("c0", held), ("capacity", [capacity] * len(held))],
                    top=max([*held, capacity]),
                    height=60,
                ),
            }
        )
    chart = charts.level_bars([(r["occupancy"], r["capacity"]) for r in rows])
    for row, bar in zip(rows, chart.bars, strict=True):
        row["bar"] = bar  # drawn in the facility's row of the table, beside its name
    return {"rows": rows, "months": ends, "chart": chart}
