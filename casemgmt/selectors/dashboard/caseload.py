"""The dashboard's caseload: cases by stage, the flow between stages, caseload per
caseworker against the agency's capacity, and time spent per stage.

Counts of cases are grouped SQL aggregates over ``scoped_cases`` and each links to the
caseload with the same filters, so a bar says the number its list shows.
"""

from __future__ import annotations

import datetime

from django.db.models import Count
from django.utils import timezone

from casemgmt import access
from casemgmt.models import CaseStatus, Stage, User
from casemgmt.roles import Role
from casemgmt.selectors.dashboard import charts
from casemgmt.selectors.dashboard.scope import DashboardFilters, caseload_url, scoped_cases
from casemgmt.selectors.dashboard.stage_time import YearOfMoves, year_of_moves
from casemgmt.selectors.dashboard.stored import measured

FLOW_DAYS = 365


def _bars(rows: list[dict], *, limit_key=None) -> dict:
    """Each row's bar (``charts``), drawn in its table row (dashboard/_row_stack.html):
    the count against the largest, and the capacity as the thin bar under it."""
    if limit_key:
        chart = charts.level_bars([(r["count"], r[limit_key]) for r in rows])
    else:
        chart = charts.share_bars([[("value", r["count"])] for r in rows], absolute=True)
    for row, bar in zip(rows, chart.bars, strict=True):
        row["bar"] = bar
    return {"rows": rows, "width": chart.width}


def _stages() -> dict[int, Stage]:
    # One small query: stages are configuration, translated on the model.
    return {s.pk: s for s in Stage.objects.select_related("programme")}


def by_stage(user, scope: DashboardFilters, stages: dict) -> dict:
    counts = measured(
        "by_stage",
        lambda: list(
            scoped_cases(user, scope).order_by().values("current_stage").annotate(count=Count("id"))
        ),
    )
    rows = [
        {
            "stage": stages[row["current_stage"]],
            "count": row["count"],
            "url": caseload_url(user, scope, stage=row["current_stage"]),
        }
        for row in counts
    ]
    rows.sort(key=lambda r: (r["stage"].programme.name, r["stage"].order))
    return _bars(rows)


def flow(stages: dict, year: YearOfMoves) -> list[dict]:
    """Applied moves of the year between each pair of stages (moves, not cases)."""
    rows = [
        {"from": stages[from_id], "to": stages[to_id], "count": count}
        for (from_id, to_id), count in year.flow.items()
    ]
    rows.sort(key=lambda r: (r["from"].programme.name, r["from"].order, r["to"].order))
    return rows


# The caseworkers shown: the most loaded (where cases may move from) and the least (where
# they may move to). A programme of 100,000 cases has some 1,700 caseworkers: the whole
# table made the page a megabyte. The filters narrow it; every shown row is exact.
MOST_LOADED = 10
LEAST_LOADED = 5


def per_caseworker(user, scope: DashboardFilters) -> dict:
    """Active cases per assigned caseworker, against their agency's capacity: the most and
    the least loaded, with how many caseworkers there are and how many are over capacity."""
    if not access.may_use_caseload_param(user, "caseworker"):
        return {**_bars([]), "total": 0, "over": 0}
    counts = measured("caseworkers", lambda: _caseworker_counts(user, scope))
    rows = []
    for pk, username, first, last, is_active, capacity, count in counts:
        rows.append(
            {
                "name": f"{first} {last}".strip() or username,
                "active_user": is_active,
                "count": count,
                "capacity": capacity,
                "over": capacity is not None and count > capacity,
                "pk": pk,
            }
        )
    rows += _idle_caseworkers(user, {row["pk"] for row in rows})
    rows.sort(key=lambda r: (-r["count"], r["name"]))
    total, over = len(rows), sum(row["over"] for row in rows)
    if total > MOST_LOADED + LEAST_LOADED:
        rows = rows[:MOST_LOADED] + rows[-LEAST_LOADED:]
    # Links for the rows shown only (a snapshot keeps each link's list).
    for row in rows:
        row["url"] = caseload_url(user, scope, status=CaseStatus.ACTIVE, caseworker=row["pk"])
    return {**_bars(rows, limit_key="capacity"), "total": total, "over": over}


def _caseworker_counts(user, scope: DashboardFilters) -> list[list]:
    """[id, username, first name, last name, active, capacity, active cases] per assigned
    caseworker (lists: a snapshot keeps some 2,000 of them at 100,000 cases)."""
    rows = (
        scoped_cases(user, scope, status=CaseStatus.ACTIVE)
        .filter(assigned_caseworker__isnull=False)
        .order_by()
        .values_list(
            "assigned_caseworker",
            "assigned_caseworker__username",
            "assigned_caseworker__first_name",
            "assigned_caseworker__last_name",
            "assigned_caseworker__is_active",
            "assigned_caseworker__agency__caseworker_capacity",
        )
        .annotate(count=Count("id"))
    )
    return [list(row) for row in rows]


def _idle_caseworkers(user, busy: set[int]) -> list[dict]:
    """The supervisor's agency's active caseworkers with no active case in scope: the
    ones to rebalance towards (their count links to the empty list it is)."""

    def idle():
        workers = (
            User.objects.filter(agency_id=user.agency_id, role=Role.CASEWORKER, is_active=True)
            .exclude(pk__in=busy)
            .select_related("agency")
        )
        return [(w.pk, w.display_name, w.agency.caseworker_capacity) for w in workers]

    return [
        {
            "name": name,
            "active_user": True,
            "count": 0,
            "capacity": capacity,
            "over": False,
            "pk": pk,
        }
        for pk, name, capacity in measured("idle_caseworkers", idle)
    ]


def stage_times(stages: dict, year: YearOfMoves) -> list[dict]:
    rows = [{"stage": stages[pk], **values} for pk, values in year.stays.items()]
    rows.sort(key=lambda r: (r["stage"].programme.name, r["stage"].order))
    return rows


def section(user, scope: DashboardFilters) -> dict:
    since = timezone.now() - datetime.timedelta(days=FLOW_DAYS)
    stages = _stages()
    year = measured("year_of_moves", lambda: year_of_moves(user, scoped_cases(user, scope), since))
    return {
        "by_stage": by_stage(user, scope, stages),
        "flow": flow(stages, year),
        "caseworkers": per_caseworker(user, scope),
        "stage_times": stage_times(stages, year),
        "since": since,
    }
