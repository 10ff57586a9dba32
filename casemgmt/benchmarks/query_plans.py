"""Query plans of the selective queries (issue 18): the SQL the selectors really send,
recorded as they send it, each ``EXPLAIN (FORMAT JSON)``-ed on PostgreSQL and its plan
walked for the indexes it uses and any sequential scan of the cases or the audit events.

Each query is also a figure: replayed alone, beside its table read whole (a count of
every row) in the same run, so the ratio shows how little of the table the query reads.
The plans are the group's findings, printed after the table and kept in the JSON; on
another database they are "not applicable" (EXPLAIN's JSON form is PostgreSQL's).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils import timezone

from casemgmt.benchmarks.raw_sql import RawQuery, main_query_of, sent_by
from casemgmt.benchmarks.registry import BenchmarkError, Findings, Reference, benchmark, group
from casemgmt.models import AuditEvent, Case, User
from casemgmt.selectors import audit_trail
from casemgmt.selectors.caseload import CaseloadFilters, caseload_page
from casemgmt.selectors.dashboard.caseload import _stages, by_stage
from casemgmt.selectors.dashboard.scope import DashboardFilters

GROUP = "query plans"
CASES = Case._meta.db_table
AUDIT_EVENTS = AuditEvent._meta.db_table
WATCHED = (CASES, AUDIT_EVENTS)
WHOLE_TABLE = "its table read whole (count)"
USERNAMES = ("caseworker", "supervisor", "auditor")


@dataclass
class PlansContext:
    users: dict[str, User]
    sample: Case
    district: str
    month: tuple[datetime.date, datetime.date]
    recorded: dict[str, RawQuery] = field(default_factory=dict)


@dataclass(frozen=True)
class PlannedQuery:
    """A query to explain: ``record`` sends it through its selector; ``intended`` names
    the indexes meant to serve it (a prefix, for Django's hashed names); a query that is
    not ``selective`` reads most of its table, where a sequential scan is the right plan."""

    name: str
    table: str
    intended: tuple[str, ...]
    selective: bool
    record: Callable[[PlansContext], RawQuery]


@dataclass(frozen=True)
class PlanReport:
    query: str
    intended: tuple[str, ...]
    indexes_used: tuple[str, ...]
    sequential_scans: tuple[str, ...]
    selective: bool
    verdict: str

    @property
    def seq_scan_on_cases(self) -> bool:
        return CASES in self.sequential_scans

    @property
    def seq_scan_on_audit_events(self) -> bool:
        return AUDIT_EVENTS in self.sequential_scans


def plan_nodes(node: dict) -> Iterator[dict]:
    """Every node of an EXPLAIN (FORMAT JSON) plan, depth first (subplans and CTEs are
    children too)."""
    yield node
    for child in node.get("Plans", ()):
        yield from plan_nodes(child)


def read_plan(query: PlannedQuery, plan: dict) -> PlanReport:
    """What ``plan`` (the "Plan" of EXPLAIN's JSON) does for ``query``, and the verdict."""
    nodes = list(plan_nodes(plan))
    used = tuple(sorted({n["Index Name"] for n in nodes if "Index Name" in n}))
    scanned = tuple(sorted({n["Relation Name"] for n in nodes if n["Node Type"] == "Seq Scan"}))
    return PlanReport(
        query=query.name,
        intended=query.intended,
        indexes_used=used,
        sequential_scans=scanned,
        selective=query.selective,
        verdict=verdict(query, used, scanned),
    )


def verdict(query: PlannedQuery, used: tuple[str, ...], scanned: tuple[str, ...]) -> str:
    watched = sorted(set(scanned) & set(WATCHED))
    if watched and query.selective:
        return f"not met: sequential scan on {', '.join(watched)}"
    if watched:
        return "not selective: a sequential scan is the expected plan"
    if any(index.startswith(prefix) for index in used for prefix in query.intended):
        return "met"
    return "met (no sequential scan), not the intended index"


def explain(raw: RawQuery) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {raw.sql}", raw.params)
        (document,) = cursor.fetchone()
    if isinstance(document, str):
        document = json.loads(document)
    return document[0]["Plan"]


# --- the queries ---------------------------------------------------------------


def _caseload(filters: Callable[[PlansContext], dict]) -> Callable[[PlansContext], RawQuery]:
    def record(ctx: PlansContext) -> RawQuery:
        worker = ctx.users["caseworker"]
        page = lambda: caseload_page(worker, CaseloadFilters(**filters(ctx)))  # noqa: E731
        return main_query_of(page, table=CASES)

    return record


def _trail(filters: Callable[[PlansContext], audit_trail.TrailFilters]):
    def record(ctx: PlansContext) -> RawQuery:
        auditor = ctx.users["auditor"]

        def page():
            events = audit_trail.trail_events(auditor, filters(ctx))
            return audit_trail.trail_page(auditor, events)

        return main_query_of(page, table=AUDIT_EVENTS, limit=audit_trail.PAGE_SIZE + 1)

    return record


def _cases_by_stage(scope: Callable[[PlansContext], DashboardFilters]):
    def record(ctx: PlansContext) -> RawQuery:
        stages = _stages()
        sent = sent_by(lambda: by_stage(ctx.users["supervisor"], scope(ctx), stages))
        found = [q for q in sent if f'FROM "{CASES}"' in q.sql and " GROUP BY " in q.sql]
        if len(found) != 1:
            raise BenchmarkError(f"expected one grouped query on {CASES}, found {len(found)}")
        return found[0]

    return record


def _filters(**fixed) -> Callable[[PlansContext], dict]:
    return lambda ctx: fixed


PLANNED = (
    PlannedQuery(
        "caseload: search by reference",
        CASES,
        ("casemgmt_case_reference_",),
        True,
        _caseload(filters=lambda ctx: {"q": ctx.sample.reference}),
    ),
    PlannedQuery(
        "caseload: search by name",
        CASES,
        ("person_full_name_trgm_idx",),
        True,
        _caseload(filters=lambda ctx: {"q": ctx.sample.person.full_name.split()[-1]}),
    ),
    PlannedQuery(
        "caseload: review overdue",
        CASES,
        ("case_status_due_idx",),
        True,
        _caseload(filters=_filters(overdue=True)),
    ),
    PlannedQuery(
        "caseload: check-in overdue",
        CASES,
        ("case_status_contact_idx",),
        True,
        _caseload(filters=_filters(contact_overdue=True)),
    ),
    PlannedQuery(
        "caseload: review meeting overdue",
        CASES,
        ("case_status_meeting_idx",),
        True,
        _caseload(filters=_filters(meeting_overdue=True)),
    ),
    PlannedQuery(
        "audit search: one case",
        AUDIT_EVENTS,
        ("audit_case_at_idx", "casemgmt_auditevent_case_id_"),
        True,
        _trail(lambda ctx: audit_trail.TrailFilters(case=ctx.sample.reference)),
    ),
    PlannedQuery(
        "audit search: one actor",
        AUDIT_EVENTS,
        ("casemgmt_auditevent_actor_id_", "casemgmt_auditevent_pkey"),
        True,
        _trail(lambda ctx: audit_trail.TrailFilters(user="supervisor")),
    ),
    PlannedQuery(
        "audit search: a month",
        AUDIT_EVENTS,
        ("casemgmt_auditevent_at_", "casemgmt_auditevent_pkey"),
        True,
        _trail(lambda ctx: audit_trail.TrailFilters(since=ctx.month[0], until=ctx.month[1])),
    ),
    PlannedQuery(
        "dashboard: cases by stage",
        CASES,
        ("case_status_stage_idx", "case_prog_stage_idx"),
        False,
        _cases_by_stage(lambda ctx: DashboardFilters()),
    ),
    # A district is a small part of a national programme (in the demo, one of eight):
    # selective, served by the case's district index.
    PlannedQuery(
        "dashboard: cases by stage, a district",
        CASES,
        ("case_district_idx",),
        True,
        _cases_by_stage(lambda ctx: DashboardFilters(district=ctx.district)),
    ),
)


# --- the group -----------------------------------------------------------------


def _recorded(ctx: PlansContext, query: PlannedQuery) -> RawQuery:
    if query.name not in ctx.recorded:
        ctx.recorded[query.name] = query.record(ctx)
    return ctx.recorded[query.name]


def find_plans(ctx: PlansContext) -> Findings:
    """Each query's plan as a line of a table, or "not applicable" off PostgreSQL."""
    if connection.vendor != "postgresql":
        line = f"not applicable on {connection.vendor}: EXPLAIN (FORMAT JSON) is PostgreSQL's"
        return Findings(lines=(line,), data={"applicable": False, "plans": []})
    reports = [read_plan(q, explain(_recorded(ctx, q))) for q in PLANNED]
    columns = "{:<40} {:<32} {:<44} {:>5} {:>5}  {}"
    lines = [columns.format("query", "intended index", "indexes used", "cases", "audit", "verdict")]
    lines += [
        columns.format(
            r.query,
            " or ".join(r.intended) or "none",
            ", ".join(r.indexes_used) or "none",
            "seq" if r.seq_scan_on_cases else "no",
            "seq" if r.seq_scan_on_audit_events else "no",
            r.verdict,
        )
        for r in reports
    ]
    data = [
        {
            "query": r.query,
            "intended": list(r.intended),
            "indexes_used": list(r.indexes_used),
            "sequential_scans": list(r.sequential_scans),
            "seq_scan_on_cases": r.seq_scan_on_cases,
            "seq_scan_on_audit_events": r.seq_scan_on_audit_events,
            "selective": r.selective,
            "verdict": r.verdict,
        }
        for r in reports
    ]
    return Findings(lines=tuple(lines), data={"applicable": True, "plans": data})


@group(
    GROUP,
    note="target: no sequential scan on cases or audit events for a selective query",
    find=find_plans,
)
@contextmanager
def plans_context(options: dict[str, Any]):
    users = {u.username: u for u in User.objects.filter(username__in=USERNAMES)}
    missing = set(USERNAMES) - set(users)
    if missing:
        raise BenchmarkError(f"no user {', '.join(sorted(missing))}: seed the demo data first")
    visible = Case.objects.visible_to(users["caseworker"]).select_related("person")
    count = visible.count()
    if not count:
        raise BenchmarkError("the caseworker sees no case: seed more (--cases)")
    # The caseload group's sample: the middle of the caseworker's cases.
    sample = visible.order_by("pk")[count // 2]
    led = users["supervisor"].agency.led_cases.exclude(district="").order_by("pk").first()
    end = timezone.localdate() - datetime.timedelta(days=30)
    yield PlansContext(
        users=users,
        sample=sample,
        district=led.district if led else "",
        month=(end - datetime.timedelta(days=30), end),
    )


def _query(query: PlannedQuery):
    return lambda ctx: _recorded(ctx, query).run()


def _whole_table(table: str):
    def run(ctx: PlansContext) -> int:
        # The table's name is ours, never input.
        return RawQuery(f"SELECT count(*) FROM {connection.ops.quote_name(table)}", ()).run()  # noqa: S608

    return run


for _planned in PLANNED:
    benchmark(
        _planned.name,
        group=GROUP,
        run=_query(_planned),
        references=[Reference(WHOLE_TABLE, _whole_table(_planned.table))],
    )
