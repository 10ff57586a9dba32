"""Case page figures: each tab of the case page and the timeline page over HTTP, for a case with
500 notes, 100 intervention sessions and 200 check-ins, each beside the same page for a
typical demo case (the next of the same shape), measured in the same run: the ratio shows
how much the page grows with a case's history (1.0: not at all)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.test import Client
from django.urls import reverse

from casemgmt.benchmarks.heavy_case import NOTES, candidates, heavy_case
from casemgmt.benchmarks.pages import get_ok, logged_in_client
from casemgmt.benchmarks.registry import BenchmarkError, Reference, benchmark, group
from casemgmt.models import Case, User
from casemgmt.record_kinds import CASE_TABS

GROUP = "case page"
# The demo caseworker: the receiving probation officer of the released demo cases.
USERNAME = "caseworker"
TYPICAL = "same page, a typical case"


@dataclass
class CasePageContext:
    worker: User
    client: Client
    heavy: Case
    typical: Case


@group(GROUP)
@contextmanager
def case_page_context(options: dict[str, Any]):
    worker = User.objects.filter(username=USERNAME).first()
    if worker is None:
        raise BenchmarkError(f"no user {USERNAME!r}: seed the demo data first (seed_demo)")
    heavy = heavy_case(worker)
    # The next case of the same shape, as seeded; any other case the worker sees otherwise.
    typical = (
        candidates(worker).exclude(pk=heavy.pk).first()
        or Case.objects.visible_to(worker).exclude(pk=heavy.pk).order_by("pk").first()
    )
    if typical is None:
        raise BenchmarkError(f"{USERNAME!r} sees one case only: seed more (--cases)")
    with logged_in_client(worker) as client:
        yield CasePageContext(worker=worker, client=client, heavy=heavy, typical=typical)


def _page(url_name: str, which: Callable[[CasePageContext], Case], query: str = ""):
    def run(ctx: CasePageContext):
        return get_ok(ctx.client, reverse(url_name, args=[which(ctx).reference]) + query)

    return run


# Each tab of the case page is a page of its own: the first is what opening a case shows.
for tab in CASE_TABS:
    query = f"?tab={tab.key}"
    benchmark(
        f"case page, {tab.key} tab ({NOTES} notes)",
        group=GROUP,
        run=_page("case_detail", lambda ctx: ctx.heavy, query),
        references=[Reference(TYPICAL, _page("case_detail", lambda ctx: ctx.typical, query))],
    )
benchmark(
    f"timeline page ({NOTES} notes)",
    group=GROUP,
    run=_page("case_timeline", lambda ctx: ctx.heavy),
    references=[Reference(TYPICAL, _page("case_timeline", lambda ctx: ctx.typical))],
)
