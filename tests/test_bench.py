"""The benchmark harness (``manage.py bench``): what a run measures and writes, on a tiny
data set. Timings are never asserted; ``make bench`` gives the figures."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from casemgmt import benchmarks
from casemgmt.audit_trail.verification import verify_chain
from casemgmt.benchmarks import (
    audit_search,
    audit_trail,
    audit_writers,
    case_page,
    caseload,
    dashboard,
    exports,
    heavy_case,
    other_pages,
    query_plans,
    reference_admin,
)
from casemgmt.benchmarks.registry import BENCHMARKS, GROUPS
from casemgmt.demo.invariants import check_cases
from casemgmt.exports.definitions import EXPORTS
from casemgmt.models import AuditAction, AuditEvent, AuditSeal, Case, CaseStatus, Note, User
from casemgmt.record_kinds import CASE_TABS
from casemgmt.selectors.caseload import CaseloadFilters, filtered_cases

benchmarks.load()

# The audit trail group, small: walks of 1,000 events (and 100), the sealer 20 a run, one
# writer for one round (on SQLite there is one writer at a time anyway).
AUDIT_EVENTS = 1000


def _bench(tmp_path, *args: str) -> tuple[dict, str]:
    path = tmp_path / "bench.json"
    out = io.StringIO()
    call_command(
        "bench", "--cases", "30", "--repeat", "1", "--json", str(path),
        "--audit-events", str(AUDIT_EVENTS), "--writers", "1", "--rounds", "1",
        "--audit-keyring", str(tmp_path / "keyring"), *args,
        stdout=out, stderr=io.StringIO(),
    )  # fmt: skip
    return json.loads(path.read_text()), out.getvalue()


def test_every_figure_is_declared_with_a_reference_in_a_declared_group():
    assert BENCHMARKS
    for figure in BENCHMARKS:
        assert figure.group in GROUPS
        assert figure.references, figure.name


@pytest.mark.django_db
def test_a_run_writes_every_figure_beside_its_references(tmp_path):
    data, printed = _bench(tmp_path)

    assert data["cases"] == Case.objects.count() == 30
    assert data["seeded"]["to_cases"] == 30 and data["seeded"]["seconds"] > 0
    assert data["repeat"] == 1
    assert data["database"]["vendor"] and data["database"]["version"]
    assert data["machine"]["cpus"] >= 1
    assert [f["name"] for f in data["figures"]] == [b.name for b in BENCHMARKS]
    for figure in data["figures"]:
        assert figure["median_ms"] > 0 and len(figure["runs_ms"]) == 1
        assert figure["queries"] >= 1, figure["name"]
        assert figure["name"] in printed
        references = {ref["name"]: ref for ref in figure["references"]}
        if figure["group"] == caseload.GROUP:
            admin = caseload.ADMIN_HTTP if "HTTP" in figure["name"] else caseload.ADMIN
            assert set(references) == {admin, caseload.RAW_SQL}, figure["name"]
            assert references[caseload.RAW_SQL]["queries"] == 1
        if figure["group"] == case_page.GROUP:
            assert set(references) == {case_page.TYPICAL}, figure["name"]
        if figure["group"] == audit_search.GROUP:
            assert set(references) == {audit_search.CASELOAD, audit_search.RAW_SQL}
            assert references[audit_search.RAW_SQL]["queries"] == 1
        if figure["group"] == other_pages.GROUP:
            assert set(references) == {other_pages.SLOWEST, other_pages.READS}, figure["name"]
            # The page's reads, replayed: fewer statements than the page (no writes, no
            # transaction), more than its slowest one.
            reads = references[other_pages.READS]["queries"]
            assert 1 < reads < figure["queries"], figure["name"]
            assert references[other_pages.SLOWEST]["queries"] == 1
        if figure["group"] == query_plans.GROUP:
            assert set(references) == {query_plans.WHOLE_TABLE}, figure["name"]
            assert figure["queries"] == references[query_plans.WHOLE_TABLE]["queries"] == 1
        if figure["group"] == exports.GROUP:
            assert set(references) == {exports.reference_name()}, figure["name"]
            assert references[exports.reference_name()]["queries"] == 1
        if figure["group"] in (audit_trail.GROUP, exports.GROUP):
            assert figure["rate"]["per_second"] > 0, figure["name"]
            for ref in references.values():
                assert ref["rate"]["per_second"] > 0 and ref["rate_ratio"] > 0, ref["name"]
        for ref in references.values():
            assert ref["median_ms"] > 0 and ref["ratio"] > 0
            assert ref["name"] in printed

    # The query plans: each selective query's plan on PostgreSQL; elsewhere, said so.
    plans = data["findings"][query_plans.GROUP]
    if connection.vendor == "postgresql":
        assert plans["applicable"] is True
        assert [p["query"] for p in plans["plans"]] == [q.name for q in query_plans.PLANNED]
        assert all(p["verdict"] for p in plans["plans"])
    else:
        assert plans == {"applicable": False, "plans": []}
        assert "not applicable on sqlite" in printed

    # The case page figures' case: topped up to its long history, every row audited.
    worker = User.objects.get(username=caseload.USERNAME)
    heavy = heavy_case.candidates(worker).first()
    assert heavy_case.sizes(heavy) == heavy_case.Sizes(notes=500, sessions=100, check_ins=200)
    assert check_cases([heavy.pk]) == []
    events = AuditEvent.objects.count()

    # Already seeded: a second run seeds nothing, and --only keeps the figures named.
    again, _ = _bench(tmp_path, "--only", "sort by review due", "sort by name", case_page.GROUP)
    assert again["seeded"] is None
    names = {f["group"]: [] for f in again["figures"]}
    for f in again["figures"]:
        names[f["group"]].append(f["name"])
    assert names == {
        caseload.GROUP: ["sort by name", "sort by review due"],
        case_page.GROUP: [f"case page, {t.key} tab (500 notes)" for t in CASE_TABS]
        + ["timeline page (500 notes)"],
    }
    # The long history is not written twice (only the pages' own read events are new).
    assert heavy_case.sizes(heavy) == heavy_case.Sizes(notes=500, sessions=100, check_ins=200)
    assert AuditEvent.objects.count() - events < 40

    # The admin reference lists the cases the caseload lists, filters included.
    everything = filtered_cases(worker, CaseloadFilters())
    closed = filtered_cases(worker, CaseloadFilters(status=CaseStatus.CLOSED))
    assert 0 < everything.count() < Case.objects.count()
    assert reference_admin.changelist_rows(worker, {}) == everything.count()
    assert reference_admin.changelist_rows(worker, {"status__exact": "closed"}) == closed.count()


@pytest.mark.django_db
def test_only_names_a_group_or_figure_and_a_run_needs_the_demo_users(tmp_path):
    with pytest.raises(CommandError, match="no benchmark group or figure named nothing"):
        _bench(tmp_path, "--only", "nothing")
    with pytest.raises(CommandError, match="seed the demo data first"):
        _bench(tmp_path, "--cases", "0", "--only", caseload.GROUP)


def _audit_figures(data: dict) -> dict[str, dict]:
    return {f["name"]: f for f in data["figures"] if f["group"] == audit_trail.GROUP}


@pytest.mark.django_db
def test_the_audit_trail_group_reads_each_figure_as_a_rate(tmp_path):
    data, printed = _bench(tmp_path, "--only", audit_trail.GROUP)

    # What the run did first: sealed whatever was waiting, kept its key's public half.
    prepared = data["prepared"][audit_trail.GROUP]
    assert prepared["head_position"] >= AUDIT_EVENTS and prepared["seconds"] >= 0
    assert (tmp_path / "keyring" / f"{prepared['signing_key_id']}.pem").exists()
    assert f"{audit_trail.GROUP}: sealed " in printed
    assert data["options"]["audit_events"] == AUDIT_EVENTS and data["options"]["writers"] == 1

    figures = _audit_figures(data)
    assert list(figures) == [audit_trail.WALK, audit_trail.SEALER, audit_trail.REQUESTS]
    walk = figures[audit_trail.WALK]
    shorter, streamed = walk["references"]
    assert (shorter["name"], streamed["name"]) == (
        audit_trail.WALK_SHORTER,
        audit_trail.STREAM_ONLY,
    )
    assert walk["rate"]["count"] == streamed["rate"]["count"] == AUDIT_EVENTS
    assert shorter["rate"]["count"] == AUDIT_EVENTS // 10
    assert walk["rate"]["unit"] == "events" and "peak_memory_mib" in walk["rate"]
    sealer = figures[audit_trail.SEALER]
    assert sealer["rate"]["count"] == AUDIT_EVENTS // 50
    assert sealer["references"][0]["rate"]["count"] == AUDIT_EVENTS // 50
    requests = figures[audit_trail.REQUESTS]
    assert (requests["rate"]["count"], requests["rate"]["unit"]) == (2, "requests")
    assert requests["references"][0]["name"] == audit_trail.REQUESTS_OFF
    # Read logging off records no read, so the same requests make fewer queries.
    assert requests["queries"] > requests["references"][0]["queries"]
    assert "events/s" in printed and "requests/s" in printed

    # The writer's case: a note per run, figure and reference (warm-up, counted, timed),
    # and a read event for the figure's runs only.
    worker = User.objects.get(username=audit_trail.USERNAME)
    (case,) = audit_writers.writable_cases(worker, 1)
    assert Note.objects.filter(case=case, body__startswith="Benchmark note").count() == 6
    reads = AuditEvent.objects.filter(case=case, actor=worker, action=AuditAction.READ_CASE)
    assert reads.count() == 3

    # The sealer's runs sealed what they wrote: the whole chain still holds.
    assert AuditSeal.objects.count() > prepared["head_position"]
    keys = audit_trail.trusted_keys(tmp_path / "keyring")
    assert verify_chain(keys=keys).ok

    # A walk longer than the chain is refused, not measured short.
    with pytest.raises(CommandError, match="fewer than the 10,000,000 to walk"):
        _bench(tmp_path, "--only", audit_trail.GROUP, "--audit-events", "10000000")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)  # committed data, seen by every writer's connection
def test_concurrent_writers_each_on_a_connection_of_its_own(caseworker, make_case):
    for _ in range(3):
        make_case()
    notes = Note.objects.count()
    with audit_writers.writing(caseworker, writers=2, rounds=2) as writers:
        on = writers.run(read_logging=True)
        reads = AuditEvent.objects.filter(action=AuditAction.READ_CASE).count()
        off = writers.run(read_logging=False)
    assert (on.count, on.unit, off.count) == (8, "requests", 8)
    assert on.seconds > 0 and on.queries > off.queries > 0
    assert Note.objects.count() == notes + 8
    assert AuditEvent.objects.filter(action=AuditAction.READ_CASE).count() == reads == 4
    # The read recorders are back, and every writer's connection is closed.
    assert audit_writers.audit.record_read is not audit_writers._not_recorded
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
        assert cursor.fetchone()[0] == 1


@pytest.mark.django_db
def test_the_exports_group_downloads_each_export_beside_its_query_alone(tmp_path):
    data, printed = _bench(tmp_path, "--only", exports.GROUP)

    assert data["notes"][exports.GROUP].startswith("targets: rate ratio >= 0.5")
    assert f"[{exports.GROUP}] targets" in printed and "rows/s" in printed
    figures = [f for f in data["figures"] if f["group"] == exports.GROUP]
    assert [f["name"] for f in figures] == [exports.figure_name(key) for key in EXPORTS]
    for figure in figures:
        (reference,) = figure["references"]
        # The view sent exactly the rows its query gives (checked by the run too).
        assert figure["rate"]["count"] == reference["rate"]["count"] > 0, figure["name"]
        assert figure["rate"]["unit"] == reference["rate"]["unit"] == "rows"
        assert "peak_memory_mib" in figure["rate"] and reference["rate_ratio"] > 0
        # A handful of queries around the one that writes the rows, whatever their number.
        assert figure["queries"] <= 20, figure["name"]


@pytest.mark.django_db
def test_the_dashboard_group_times_the_full_page_beside_the_home_page(tmp_path):
    data, printed = _bench(tmp_path, "--only", dashboard.GROUP)

    assert data["notes"][dashboard.GROUP].startswith("target:")
    figures = [f for f in data["figures"] if f["group"] == dashboard.GROUP]
    assert [f["name"] for f in figures] == [
        "full dashboard",
        "full dashboard, computed live",
        "full dashboard, filtered by district",
    ]
    for figure in figures:
        (reference,) = figure["references"]
        assert reference["name"] == dashboard.HOME
    # The snapshot the full dashboard reads was taken first, and its time reported.
    assert "took the snapshot of 'supervisor''s view" in printed


def _planned(selective: bool) -> query_plans.PlannedQuery:
    return query_plans.PlannedQuery(
        "search", query_plans.CASES, ("case_status_due_idx",), selective, lambda ctx: None
    )


def _node(kind: str, **more) -> dict:
    return {"Node Type": kind, **more}


def test_a_plan_is_read_for_its_indexes_and_sequential_scans():
    cases, events = query_plans.CASES, query_plans.AUDIT_EVENTS
    indexed = _node(
        "Limit",
        Plans=[
            _node("Index Scan", **{"Relation Name": cases, "Index Name": "case_status_due_idx"}),
            _node("Bitmap Index Scan", **{"Index Name": "team_agency_active_idx"}),
            _node("Seq Scan", **{"Relation Name": "casemgmt_stage"}),
        ],
    )
    report = query_plans.read_plan(_planned(True), indexed)
    assert report.indexes_used == ("case_status_due_idx", "team_agency_active_idx")
    assert report.sequential_scans == ("casemgmt_stage",)
    assert not report.seq_scan_on_cases and not report.seq_scan_on_audit_events
    assert report.verdict == "met"

    # Another index, no scan of a watched table: no sequential scan, but said so.
    other = _node("Index Scan", **{"Relation Name": cases, "Index Name": "case_opened_idx"})
    assert query_plans.read_plan(_planned(True), other).verdict.startswith("met (no sequential")

    # A sequential scan of the cases deep in the plan fails a selective query only.
    scanned = _node(
        "Hash Join", Plans=[_node("Hash", Plans=[_node("Seq Scan", **{"Relation Name": cases})])]
    )
    report = query_plans.read_plan(_planned(True), scanned)
    assert report.seq_scan_on_cases and report.verdict == f"not met: sequential scan on {cases}"
    assert query_plans.read_plan(_planned(False), scanned).verdict.startswith("not selective")
    on_events = _node("Seq Scan", **{"Relation Name": events})
    assert query_plans.read_plan(_planned(True), on_events).seq_scan_on_audit_events
