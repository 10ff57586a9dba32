"""The auditor's search of the trail at scale (issue 15: under 100 ms median at a
million events): the search page over HTTP as the demo auditor, who oversees every
programme, newest first, filtered by one case, by the stage moves of a month, and by
reads of a class in a month, each beside the auditor's caseload page in the same run (a
page of known cost) and the raw SQL of the search's main query (its page of events),
recorded from the page and replayed."""

from __future__ import annotations

import datetime
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from casemgmt.benchmarks.pages import get_ok, logged_in_client
from casemgmt.benchmarks.raw_sql import RawQuery, main_query_of
from casemgmt.benchmarks.registry import BenchmarkError, Reference, benchmark, group
from casemgmt.models import AuditEvent, Case, User
from casemgmt.selectors import audit_trail

GROUP = "audit search"
USERNAME = "auditor"
CASELOAD = "the auditor's caseload page"
RAW_SQL = "raw SQL of the main query"
# The search's page of events: a page and one more row, to know there is a next page.
PAGE = audit_trail.PAGE_SIZE + 1


@dataclass
class SearchContext:
    client: Client
    case_reference: str
    month_start: str
    month_end: str
    events: int
    raw_queries: dict[str, RawQuery] = field(default_factory=dict)


@group(GROUP)
@contextmanager
def search_context(options: dict[str, Any]):
    auditor = User.objects.filter(username=USERNAME).first()
    if auditor is None:
        raise BenchmarkError(f"no user {USERNAME!r}: seed the demo data first (seed_demo)")
    busiest = (
        Case.objects.visible_to(auditor).order_by("-pk").values_list("reference", flat=True).first()
    )
    if busiest is None:
        raise BenchmarkError(f"{USERNAME!r} sees no case: seed more (--cases)")
    end = timezone.localdate()
    start = end - datetime.timedelta(days=30)
    with logged_in_client(auditor) as client:
        yield SearchContext(
            client=client,
            case_reference=busiest,
            month_start=start.isoformat(),
            month_end=end.isoformat(),
            events=AuditEvent.objects.count(),
        )


def _caseload(ctx: SearchContext):
    return get_ok(ctx.client, reverse("caseload"))


def _search(params):
    def run(ctx: SearchContext):
        return get_ok(ctx.client, reverse("audit_trail"), params(ctx))

    return run


def _raw_sql(name: str, params):
    """The search's page of events, recorded the first time (an untimed warm-up) and
    replayed through a cursor."""
    table = AuditEvent._meta.db_table

    def run(ctx: SearchContext) -> int:
        if name not in ctx.raw_queries:
            page = _search(params)
            ctx.raw_queries[name] = main_query_of(lambda: page(ctx), table=table, limit=PAGE)
        return ctx.raw_queries[name].run()

    return run


for name, params in (
    ("audit trail search, newest 50 of all events", lambda ctx: {}),
    ("audit trail search, one case", lambda ctx: {"case": ctx.case_reference}),
    (
        "audit trail search, stage moves in a month",
        lambda ctx: {"group": "moves", "since": ctx.month_start, "until": ctx.month_end},
    ),
    (
        # The seeded trail holds few reads (the demo writes records; reads come from
        # use): this one measures the filters more than the page.
        "audit trail search, reads showing legal records in a month",
        lambda ctx: {
            "group": "reads",
            "info_class": "legal",
            "since": ctx.month_start,
            "until": ctx.month_end,
        },
    ),
):
    benchmark(
        name,
        group=GROUP,
        run=_search(params),
        references=[Reference(CASELOAD, _caseload), Reference(RAW_SQL, _raw_sql(name, params))],
    )
