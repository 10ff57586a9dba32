"""The pages of issue 18 not measured elsewhere, each whole over HTTP as a demo user who
uses it: the home pages, the person page, the stage-move page, the approvals queue, the
inbox and a case's history (the auditor's and the caseworker's). Each is beside the raw
SQL of its own queries, replayed in the same run: the slowest of them (the page's main
query by cost) and every read it sends (its writes, such as the read events, left out),
so page time over query time shows what the framework and the template add."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.test import Client
from django.urls import reverse

from casemgmt import access
from casemgmt.benchmarks.pages import get_ok, logged_in_client
from casemgmt.benchmarks.raw_sql import RawQueries, RawQuery, reads_of, slowest_of
from casemgmt.benchmarks.registry import BenchmarkError, Reference, benchmark, group
from casemgmt.models import Case, CaseStatus, User

GROUP = "pages"
# The demo users (casemgmt/demo/data.py) who use these pages.
USERNAMES = ("caseworker", "supervisor", "auditor")
SLOWEST = "raw SQL of its slowest query"
READS = "raw SQL of all its reads"


@dataclass
class PagesContext:
    clients: dict[str, Client]
    # A case the caseworker may move (its person's page, its stage-move page, its history).
    case: Case
    slowest: dict[str, RawQuery] = field(default_factory=dict)
    reads: dict[str, RawQueries] = field(default_factory=dict)


def _movable_case(worker: User) -> Case:
    """The first open case the caseworker may move, oldest first (a demo story at any size)."""
    open_cases = (
        Case.objects.visible_to(worker)
        .filter(status=CaseStatus.ACTIVE)
        .select_related("person", "programme", "current_stage")
        .order_by("pk")
    )
    for case in open_cases[:50]:
        if access.can_move_case(worker, case):
            return case
    raise BenchmarkError("the caseworker may move none of their first open cases: seed the demo")


@group(GROUP, note="target: each page under 100 ms median at 100,000 cases (PG)")
@contextmanager
def pages_context(options: dict[str, Any]):
    users = {u.username: u for u in User.objects.filter(username__in=USERNAMES)}
    missing = set(USERNAMES) - set(users)
    if missing:
        raise BenchmarkError(f"no user {', '.join(sorted(missing))}: seed the demo data first")
    case = _movable_case(users["caseworker"])
    with ExitStack() as stack:
        clients = {name: stack.enter_context(logged_in_client(u)) for name, u in users.items()}
        yield PagesContext(clients=clients, case=case)


Path = Callable[[PagesContext], str]


def _page(username: str, path: Path):
    def run(ctx: PagesContext):
        return get_ok(ctx.clients[username], path(ctx))

    return run


def _recorded(ctx: PagesContext, name: str, page) -> RawQueries:
    # Recorded the first time (the untimed warm-up of the first reference), then replayed.
    if name not in ctx.reads:
        ctx.reads[name] = reads_of(lambda: page(ctx))
        ctx.slowest[name] = slowest_of(ctx.reads[name])
    return ctx.reads[name]


def page_figure(name: str, username: str, path: Path) -> None:
    """One page over HTTP as ``username``, beside the raw SQL of its own queries."""
    page = _page(username, path)

    def slowest(ctx: PagesContext) -> int:
        _recorded(ctx, name, page)
        return ctx.slowest[name].run()

    def reads(ctx: PagesContext) -> int:
        return _recorded(ctx, name, page).run()

    benchmark(
        name,
        group=GROUP,
        run=page,
        references=[Reference(SLOWEST, slowest), Reference(READS, reads)],
    )


page_figure("home page, caseworker", "caseworker", lambda ctx: reverse("home"))
page_figure("home page, supervisor", "supervisor", lambda ctx: reverse("home"))
page_figure(
    "person page",
    "caseworker",
    lambda ctx: reverse("person_detail", args=[ctx.case.person.reference]),
)
page_figure(
    "stage-move page", "caseworker", lambda ctx: reverse("stage_move", args=[ctx.case.reference])
)
page_figure("approvals queue, supervisor", "supervisor", lambda ctx: reverse("approvals"))
page_figure("inbox, caseworker", "caseworker", lambda ctx: reverse("inbox"))
page_figure("inbox, supervisor", "supervisor", lambda ctx: reverse("inbox"))
page_figure(
    "a case's audit history, auditor",
    "auditor",
    lambda ctx: reverse("audit_case", args=[ctx.case.reference]),
)
page_figure(
    "a case's change history, caseworker",
    "caseworker",
    lambda ctx: reverse("case_history", args=[ctx.case.reference]),
)
