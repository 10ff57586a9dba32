"""The supervisor's dashboard: the full page's server time for the demo supervisor,
beside the same supervisor's home page (its counts are the dashboard's cousins) measured
in the same run. Target (issue 17): under 300 ms median at 100,000 cases on PostgreSQL."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.test import Client
from django.urls import reverse

from casemgmt.benchmarks.pages import get_ok, logged_in_client
from casemgmt.benchmarks.registry import BenchmarkError, Reference, benchmark, group
from casemgmt.models import User

GROUP = "dashboard"
USERNAME = "supervisor"  # the demo's supervisor (casemgmt/demo/data.py)
HOME = "home page, same supervisor"


@dataclass
class DashboardContext:
    supervisor: User
    client: Client
    district: str


@group(GROUP, note="target: the full dashboard under 300 ms median at 100,000 cases (PG)")
@contextmanager
def dashboard_context(options: dict[str, Any]):
    supervisor = User.objects.filter(username=USERNAME).first()
    if supervisor is None:
        raise BenchmarkError(f"no user {USERNAME!r}: seed the demo data first (seed_demo)")
    # A district the supervisor's cases have: the filtered figure narrows real data.
    case = (
        supervisor.agency.led_cases.exclude(district="").order_by("pk").first()
        if supervisor.agency_id
        else None
    )
    with logged_in_client(supervisor) as client:
        yield DashboardContext(supervisor, client, case.district if case else "")


def _get(path_name: str, params=None):
    def run(ctx: DashboardContext):
        return get_ok(ctx.client, reverse(path_name), params(ctx) if params else None)

    return run


benchmark(
    "full dashboard",
    group=GROUP,
    run=_get("dashboard"),
    references=[Reference(HOME, _get("home"))],
)
benchmark(
    "full dashboard, filtered by district",
    group=GROUP,
    run=_get("dashboard", lambda ctx: {"district": ctx.district}),
    references=[Reference(HOME, _get("home"))],
)
