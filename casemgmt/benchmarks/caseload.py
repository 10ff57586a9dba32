"""Caseload figures: the caseload's queries and its whole page, each beside the stock
admin changelist over the same cases and the raw SQL of the page's own main query."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from casemgmt.benchmarks import reference_admin
from casemgmt.benchmarks.pages import get_ok, logged_in_client
from casemgmt.benchmarks.raw_sql import RawQuery, main_query_of
from casemgmt.benchmarks.registry import BenchmarkError, Reference, benchmark, group
from casemgmt.models import Case, CaseStatus, User
from casemgmt.selectors.caseload import PAGE_SIZE, CaseloadFilters, caseload_page

GROUP = "caseload"
# The demo caseworker sees about half of the seeded cases.
USERNAME = "caseworker"
# "page 41": a cursor 40 pages deep.
DEEP_PAGES = 40
ADMIN = "admin changelist, same cases"
ADMIN_HTTP = "admin changelist page over HTTP"
RAW_SQL = "raw SQL of the main query"
# The searches over HTTP run more often a minute than a person may search: the limit's
# counting is still timed, only its ceiling is lifted.
SEARCHES_A_MINUTE = 1_000_000


@dataclass
class CaseloadContext:
    worker: User
    client: Client
    deep_cursor: str
    deep_admin_page: int
    sample: Case
    today: str
    raw_queries: dict[str, RawQuery] = field(default_factory=dict)


def _deep_cursor(worker: User) -> tuple[str, int]:
    """A keyset cursor up to DEEP_PAGES pages in, and how many pages it skips."""
    cursor, walked = "", 0
    for _ in range(DEEP_PAGES):
        next_cursor = caseload_page(worker, CaseloadFilters(), after=cursor).next_cursor
        if not next_cursor:
            break
        cursor, walked = next_cursor, walked + 1
    return cursor, walked


@group(GROUP)
@contextmanager
def caseload_context(options: dict[str, Any]):
    worker = User.objects.filter(username=USERNAME).first()
    if worker is None:
        raise BenchmarkError(f"no user {USERNAME!r}: seed the demo data first (seed_demo)")
    visible = Case.objects.visible_to(worker)
    count = visible.count()
    if not count:
        raise BenchmarkError(f"{USERNAME!r} sees no case: seed more (--cases)")
    cursor, walked = _deep_cursor(worker)
    sample = visible.select_related("person").order_by("pk")[count // 2]
    with (
        override_settings(CASEMGMT_SEARCH_RATE_LIMIT=SEARCHES_A_MINUTE),
        logged_in_client(worker) as client,
    ):
        yield CaseloadContext(
            worker=worker,
            client=client,
            deep_cursor=cursor,
            deep_admin_page=walked * PAGE_SIZE // reference_admin.CaseListAdmin.list_per_page + 1,
            sample=sample,
            today=timezone.localdate().isoformat(),
        )


def _page(ctx: CaseloadContext, args: dict[str, Any]):
    args = dict(args)
    after = args.pop("after", "")
    return caseload_page(ctx.worker, CaseloadFilters(**args), after=after)


def _get(ctx: CaseloadContext, path: str, params: dict[str, str] | None = None):
    return get_ok(ctx.client, path, params)


def _raw_sql(name: str, page: Callable[[CaseloadContext], object]) -> Reference:
    """The page's main query, recorded the first time (an untimed warm-up) and replayed."""

    def run(ctx: CaseloadContext) -> int:
        if name not in ctx.raw_queries:
            ctx.raw_queries[name] = main_query_of(lambda: page(ctx), table=Case._meta.db_table)
        return ctx.raw_queries[name].run()

    return Reference(RAW_SQL, run)


def caseload_figure(
    name: str,
    page: Callable[[CaseloadContext], dict[str, Any]],
    admin: Callable[[CaseloadContext], dict[str, str]],
) -> None:
    """One caseload query: ``page`` gives the selector's filters, ``admin`` the admin
    changelist's query string that asks the same of the same cases."""

    def measured(ctx: CaseloadContext):
        return _page(ctx, page(ctx))

    benchmark(
        name,
        group=GROUP,
        run=measured,
        references=[
            Reference(ADMIN, lambda ctx: reference_admin.changelist_rows(ctx.worker, admin(ctx))),
            _raw_sql(name, measured),
        ],
    )


sort = reference_admin.sort_param
caseload_figure("first page, newest first", lambda c: {}, lambda c: {})
caseload_figure(
    "page 41 (keyset cursor)",
    lambda c: {"after": c.deep_cursor},
    lambda c: {"p": str(c.deep_admin_page)},
)
caseload_figure("sort by name", lambda c: {"sort": "name"}, lambda c: {"o": sort("person_name")})
caseload_figure(
    "sort by review due", lambda c: {"sort": "due"}, lambda c: {"o": sort("next_review_due")}
)
caseload_figure(
    "filter: review overdue",
    lambda c: {"overdue": True},
    lambda c: {
        "next_review_due__lt": c.today,
        "status__in": f"{CaseStatus.ACTIVE},{CaseStatus.SUSPENDED}",
    },
)
caseload_figure(
    "filter: status closed",
    lambda c: {"status": CaseStatus.CLOSED},
    lambda c: {"status__exact": CaseStatus.CLOSED},
)
caseload_figure(
    "search: case reference",
    lambda c: {"q": c.sample.reference},
    lambda c: {"q": c.sample.reference},
)
caseload_figure(
    "search: part of a name",
    lambda c: {"q": c.sample.person.full_name.split()[-1]},
    lambda c: {"q": c.sample.person.full_name.split()[-1]},
)


def http_figure(
    name: str,
    params: Callable[[CaseloadContext], dict[str, str]],
    admin: Callable[[CaseloadContext], dict[str, str]],
) -> None:
    """The caseload page over HTTP with ``params``, beside the admin changelist page with
    ``admin`` (the same question asked of the same cases) and the page's main query."""

    def measured(ctx: CaseloadContext):
        return _get(ctx, reverse("caseload"), params(ctx))

    benchmark(
        name,
        group=GROUP,
        run=measured,
        references=[
            Reference(
                ADMIN_HTTP, lambda ctx: _get(ctx, reference_admin.CHANGELIST_PATH, admin(ctx))
            ),
            _raw_sql(name, measured),
        ],
    )


http_figure("whole page over HTTP (render)", lambda c: {}, lambda c: {})
http_figure(
    "over HTTP: page 41",
    lambda c: {"after": c.deep_cursor},
    lambda c: {"p": str(c.deep_admin_page)},
)
http_figure(
    "over HTTP: sort by name", lambda c: {"sort": "name"}, lambda c: {"o": sort("person_name")}
)
http_figure(
    "over HTTP: filter review overdue",
    lambda c: {"overdue": "on"},
    lambda c: {
        "next_review_due__lt": c.today,
        "status__in": f"{CaseStatus.ACTIVE},{CaseStatus.SUSPENDED}",
    },
)
http_figure(
    "over HTTP: search case reference",
    lambda c: {"q": c.sample.reference},
    lambda c: {"q": c.sample.reference},
)
http_figure(
    "over HTTP: search part of a name",
    lambda c: {"q": c.sample.person.full_name.split()[-1]},
    lambda c: {"q": c.sample.person.full_name.split()[-1]},
)
