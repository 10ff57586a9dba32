"""The benchmark harness (``manage.py bench``): what a run measures and writes, on a tiny
data set. Timings are never asserted; ``make bench`` gives the figures."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from casemgmt import benchmarks
from casemgmt.benchmarks import case_page, caseload, heavy_case, reference_admin
from casemgmt.benchmarks.registry import BENCHMARKS, GROUPS
from casemgmt.demo.invariants import check_cases
from casemgmt.models import AuditEvent, Case, CaseStatus, User
from casemgmt.record_kinds import CASE_TABS
from casemgmt.selectors.caseload import CaseloadFilters, filtered_cases

benchmarks.load()


def _bench(tmp_path, *args: str) -> tuple[dict, str]:
    path = tmp_path / "bench.json"
    out = io.StringIO()
    call_command(
        "bench", "--cases", "30", "--repeat", "1", "--json", str(path), *args,
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
        for ref in references.values():
            assert ref["median_ms"] > 0 and ref["ratio"] > 0
            assert ref["name"] in printed

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
