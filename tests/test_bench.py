"""The benchmark harness (``manage.py bench``): what a run measures and writes, on a tiny
data set. Timings are never asserted; ``make bench`` gives the figures."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from casemgmt import benchmarks
from casemgmt.benchmarks import caseload, reference_admin
from casemgmt.benchmarks.registry import BENCHMARKS, GROUPS
from casemgmt.models import Case, CaseStatus, User
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
        for ref in references.values():
            assert ref["median_ms"] > 0 and ref["ratio"] > 0
            assert ref["name"] in printed

    # Already seeded: a second run seeds nothing, and --only keeps the figures named.
    again, _ = _bench(tmp_path, "--only", "sort by review due", "sort by name")
    assert again["seeded"] is None
    assert [f["name"] for f in again["figures"]] == ["sort by name", "sort by review due"]

    # The admin reference lists the cases the caseload lists, filters included.
    worker = User.objects.get(username=caseload.USERNAME)
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
