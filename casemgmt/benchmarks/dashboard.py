"""The supervisor's dashboard: the full page's server time for the demo supervisor,
beside the same supervisor's home page (its counts are the dashboard's cousins) measured
in the same run. Target (issue 17): under 300 ms median at 100,000 cases on PostgreSQL.

The full dashboard reads the snapshot of the supervisor's view (``selectors.dashboard
.stored``), taken first as the job runner would (its time is reported beside the table);
the same page computed live and the district-filtered one (always live) are measured too.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.test import Client
from django.urls import reverse

from casemgmt.benchmarks.pages import get_ok, logged_in_client
from casemgmt.benchmarks.registry import (
    BenchmarkError,
    Preparation,
    Reference,
    benchmark,
    group,
)
from casemgmt.models import DashboardFigureCase, DashboardSnapshot, User

GROUP = "dashboard"
USERNAME = "supervisor"  # the demo's supervisor (casemgmt/demo/data.py)
HOME = "home page, same supervisor"


@dataclass
class DashboardContext:
    supervisor: User
    client: Client
    district: str


def _supervisor() -> User:
    supervisor = User.objects.filter(username=USERNAME).first()
    if supervisor is None:
        raise BenchmarkError(f"no user {USERNAME!r}: seed the demo data first (seed_demo)")
    return supervisor


def take_snapshot(options: dict[str, Any], stream=None) -> Preparation:
    """The snapshot of the demo supervisor's view, as the job runner takes it."""
    from casemgmt.selectors.dashboard.stored import view_of
    from casemgmt.services.dashboard_snapshots import take_snapshot as take

    supervisor = _supervisor()
    view = view_of(supervisor)
    if view is None:
        raise BenchmarkError(f"{USERNAME!r} has no shared view (an allow-list place?)")
    started = time.perf_counter()
    snapshot = take(view, [supervisor])
    if snapshot is None:
        raise BenchmarkError(f"{USERNAME!r}'s view changed while the snapshot began")
    seconds = time.perf_counter() - started
    lists = snapshot.lists.count()
    rows = DashboardFigureCase.objects.filter(figure_list__snapshot=snapshot).count()
    return Preparation(
        summary=(
            f"took the snapshot of {USERNAME!r}'s view in {seconds:.1f} s: {lists:,} figure "
            f"lists holding {rows:,} cases counted"
        ),
        seconds=round(seconds, 1),
        details={"snapshot_seconds": round(seconds, 1), "lists": lists, "list_rows": rows},
    )


@group(
    GROUP,
    prepare=take_snapshot,
    note="target: the full dashboard under 300 ms median at 100,000 cases (PG)",
)
@contextmanager
def dashboard_context(options: dict[str, Any]):
    supervisor = _supervisor()
    # A district the supervisor's cases have: the filtered figure narrows real data.
    case = (
        supervisor.agency.led_cases.exclude(district="").order_by("pk").first()
        if supervisor.agency_id
        else None
    )
    with logged_in_client(supervisor) as client:
        yield DashboardContext(supervisor, client, case.district if case else "")


def _get(path_name: str, params=None, *, as_of: bool | None = None):
    def run(ctx: DashboardContext):
        response = get_ok(ctx.client, reverse(path_name), params(ctx) if params else None)
        if as_of is not None and (b"data-as-of=" in response.content) != as_of:
            # The figure must measure what it says: the snapshot read, or live figures.
            taken = DashboardSnapshot.objects.order_by("-taken_at").first()
            raise BenchmarkError(f"the dashboard did not read as expected (newest: {taken})")
        return response

    return run


benchmark(
    "full dashboard",
    group=GROUP,
    run=_get("dashboard", as_of=True),
    references=[Reference(HOME, _get("home"))],
)
benchmark(
    "full dashboard, computed live",
    group=GROUP,
    run=_get("dashboard", lambda ctx: {"live": "1"}, as_of=False),
    references=[Reference(HOME, _get("home"))],
)
benchmark(
    "full dashboard, filtered by district",
    group=GROUP,
    run=_get("dashboard", lambda ctx: {"district": ctx.district}, as_of=False),
    references=[Reference(HOME, _get("home"))],
)
