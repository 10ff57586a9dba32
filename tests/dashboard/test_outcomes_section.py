"""The outcomes section: both tracks per quarter, the classification and its change, and
time to re-engagement by year of release, each equal to a hand-computed value."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from casemgmt import factories
from casemgmt.models import AgencyKind, Case, ClassificationBand, ClassificationChange
from casemgmt.selectors.dashboard import outcomes
from casemgmt.selectors.dashboard.scope import DashboardFilters

from .conftest import SECTION_DAY as TODAY

pytestmark = pytest.mark.django_db

D = datetime.date
SCOPE = DashboardFilters()


@pytest.fixture
def world(make_case, score, release, hidden_case, programme, supervisor):
    bands = {b.code: b for b in ClassificationBand.objects.filter(programme=programme)}
    one, two, three = (make_case("counselling", opened_on=D(2026, 1, 1)) for _ in range(3))
    # Disengagement: one low in Q1, high from Q3; two moderate from Q2; three never scored.
    score(one, D(2026, 2, 10), dis=20, derad=50)
    score(one, D(2026, 8, 1), dis=80)
    score(two, D(2026, 5, 5), dis=50)
    score(hidden_case, D(2026, 2, 1), dis=90, derad=90)
    Case.objects.filter(pk__in=[one.pk, two.pk, hidden_case.pk]).update(
        classification=bands["high"]
    )
    change = {"reason": "r", "changed_by": supervisor}
    ClassificationChange.objects.create(
        case=one, band=bands["high"], previous_band=bands["low"], decided_on=D(2026, 6, 1), **change
    )
    ClassificationChange.objects.create(
        case=one, band=bands["low"], previous_band=bands["high"], decided_on=D(2025, 1, 1), **change
    )
    ClassificationChange.objects.create(
        case=two, band=bands["high"], decided_on=D(2026, 3, 1), **change
    )
    ClassificationChange.objects.create(
        case=hidden_case,
        band=bands["high"],
        previous_band=bands["low"],
        decided_on=D(2026, 6, 1),
        **change,
    )
    # Released: one in 2024 with an event on day 200, four in 2024 closed on day 500 (so
    # not open in 2026), three in 2025 still followed; the hidden case in 2024 too.
    four = make_case("released", opened_on=D(2024, 1, 1))
    release(one, D(2024, 3, 1))
    one.reengagement_events.create(
        kind="arrest",
        occurred_on=D(2024, 3, 1) + datetime.timedelta(days=200),
        recorded_by=supervisor,
    )
    release(four, D(2024, 6, 1))
    Case.objects.filter(pk=four.pk).update(closed_on=D(2024, 6, 1) + datetime.timedelta(days=500))
    release(three, D(2025, 1, 10))
    release(hidden_case, D(2024, 5, 1))
    return {"cases": (one, two, three), "bands": bands}


def test_each_track_per_quarter_by_hand(world, supervisor):
    section = outcomes.section(supervisor, SCOPE, today=TODAY)
    dis, derad = section["tracks"]
    assert (dis.key, dis.primary, derad.key, derad.primary) == (
        "disengagement",
        True,
        "deradicalisation",
        False,
    )
    assert [key for key, _label in dis.columns] == ["low", "moderate", "high", "none"]
    # (low, moderate, high, not scored), total; the hidden case (high) is in none of them.
    assert [(label, cells, total) for label, cells, total in dis.rows] == [
        ("2026 Q1", [1, 0, 0, 2], 3),
        ("2026 Q2", [1, 1, 0, 1], 3),
        ("2026 Q3", [0, 1, 1, 1], 3),
        ("2026 Q4", [0, 1, 1, 1], 3),
    ]
    assert [cells for _l, cells, _t in derad.rows] == [[0, 1, 0, 2]] * 4


def test_a_case_not_open_in_a_quarter_is_not_counted_in_it(world, supervisor):
    one, two, three = world["cases"]
    Case.objects.filter(pk=three.pk).update(opened_on=D(2026, 7, 1))
    Case.objects.filter(pk=two.pk).update(closed_on=D(2026, 3, 31))
    dis = outcomes.section(supervisor, SCOPE, today=TODAY)["tracks"][0]
    assert [cells for _l, cells, _t in dis.rows] == [
        [1, 0, 0, 1],  # two still open in Q1 (not scored yet); three not yet opened
        [1, 0, 0, 0],
        [0, 0, 1, 1],
        [0, 0, 1, 1],
    ]


def test_track_breakdowns_add_up_to_the_latest_scores(world, supervisor):
    dis = outcomes.section(supervisor, SCOPE, today=TODAY)["tracks"][0]
    by_sex = next(b for b in dis.breakdowns if b.key == "sex")
    male = next(r for r in by_sex.rows if r.label == "Male")
    # Latest scores of every case: two moderate, one high, three and four never scored.
    assert [c.count for c in male.cells] == [0, 1, 1, 2]
    assert {b.key for b in dis.breakdowns} == {"sex", "age_group", "district"}


def test_latest_scores_today_are_the_oversight_reports(world, supervisor, score):
    """The one-pass count gives each case the band of ``_latest_score`` (latest by date,
    then by id when two fall on the same day)."""
    from django.db.models import Count

    from casemgmt.selectors.dashboard.scope import scoped_cases
    from casemgmt.selectors.oversight import TRACK_BANDS, _band, _latest_score

    one, two, _three = world["cases"]
    score(two, D(2026, 9, 1), dis=70)
    score(two, D(2026, 9, 1), dis=10)  # same day, recorded later: this one is the latest
    for number, (key, field) in enumerate(
        [("disengagement", "disengagement_score"), ("deradicalisation", "deradicalisation_score")]
    ):
        table = outcomes.section(supervisor, SCOPE, today=TODAY)["tracks"][number]
        expected = dict(
            scoped_cases(supervisor, SCOPE)
            .annotate(latest=_latest_score(field))
            .annotate(band=_band("latest", TRACK_BANDS))
            .order_by()
            .values_list("band")
            .annotate(n=Count("pk"))
        )
        by_sex = next(b for b in table.breakdowns if b.key == "sex")
        totals = [sum(row.cells[i].count for row in by_sex.rows) for i in range(4)]
        assert totals == [expected.get(k, 0) for k in ("low", "moderate", "high", "none")], key


def test_classification_and_its_change(world, supervisor, list_count):
    c = outcomes.section(supervisor, SCOPE, today=TODAY)["classification"]
    assert [(f.label, f.count) for f in c["figures"]] == [("High concern", 2)]
    assert c["unclassified"] == 2
    # In the last 365 days: one up (low to high), one first set; the 2025 change and the
    # hidden case's are not counted.
    assert c["changes"] == {"up": 1, "down": 0, "first": 1}
    for figure in c["figures"]:
        assert list_count(figure.url) == figure.count
    for breakdown in c["breakdowns"]:
        for row in breakdown.rows:
            for cell in row.cells:
                if cell.url:
                    assert list_count(cell.url) == cell.count, (breakdown.key, row.label)


def test_survival_by_release_year_by_hand(world, supervisor, list_count):
    s = outcomes.section(supervisor, SCOPE, today=TODAY)["survival"]
    assert s["years"] == (1, 2, 3, 5)
    rows = {row["followed"].label: row for row in s["rows"]}
    assert sorted(rows) == ["2024", "2025"]
    # 2024: two followed (the hidden case is not); an event at day 200 with two at risk:
    # 50% at one year, one still followed; nobody followed two years (closed at day 500).
    assert rows["2024"]["followed"].count == 2
    assert rows["2024"]["points"][:2] == [(50.0, 1), (None, 0)]
    # 2025: one followed 693 days, no event.
    assert rows["2025"]["followed"].count == 1
    assert rows["2025"]["points"][:2] == [(100.0, 1), (None, 0)]
    for row in s["rows"]:
        assert list_count(row["followed"].url) == row["followed"].count


def test_a_supervisor_of_agency_b_counts_only_agency_b(world, agency_b):
    other = factories.SupervisorFactory(agency=agency_b)
    section = outcomes.section(other, SCOPE, today=TODAY)
    assert [cells for _l, cells, _t in section["tracks"][0].rows][0] == [0, 0, 1, 0]
    assert [f.count for f in section["classification"]["figures"]] == [1]
    assert [r["followed"].count for r in section["survival"]["rows"]] == [1]


def test_the_tracks_without_the_classification_are_the_same(world, supervisor, monkeypatch):
    """The cases are grouped once for both; a reader who may read the assessments but
    not the classification still gets every track figure, and no classification."""
    full = outcomes.section(supervisor, SCOPE, today=TODAY)
    reads = outcomes.access.can_read_case_field
    monkeypatch.setattr(
        outcomes.access,
        "can_read_case_field",
        lambda user, name: name != "classification" and reads(user, name),
    )
    section = outcomes.section(supervisor, SCOPE, today=TODAY)
    assert section["classification"] is None
    assert [t.rows for t in section["tracks"]] == [t.rows for t in full["tracks"]]
    assert [t.breakdowns for t in section["tracks"]] == [t.breakdowns for t in full["tracks"]]


def test_without_risk_information_there_are_no_outcome_figures(world):
    reader = factories.SupervisorFactory(agency=factories.AgencyFactory(kind=AgencyKind.EDUCATION))
    assert outcomes.section(reader, SCOPE, today=TODAY) == {
        "tracks": [],
        "classification": None,
        "survival": None,
    }


@pytest.mark.parametrize("language", ["en", "ur"])
def test_the_partial_renders_under_the_csp(world, supervisor, language):
    """Charts and tables, no style attribute or script (strict CSP), in Urdu too."""
    with translation.override(language):
        html = render_to_string(
            "casemgmt/dashboard/_outcomes.html",
            {"outcomes": outcomes.section(supervisor, SCOPE, today=TODAY)},
        )
    assert "<svg" in html and "<table" in html
    assert "style=" not in html and "<script" not in html


def _count_queries(supervisor, django_assert_num_queries, n):
    with django_assert_num_queries(n):
        outcomes.section(supervisor, SCOPE, today=TODAY)


def test_query_count_is_the_same_at_two_sizes(
    world, supervisor, make_case, score, release, django_assert_num_queries
):
    _count_queries(supervisor, django_assert_num_queries, QUERIES)
    for i in range(6):
        case = make_case("counselling", opened_on=D(2026, 1, 1))
        score(case, D(2026, 4, 1), dis=10 * i, derad=15 * i)
        release(case, D(2023 + i % 3, 2, 1))
    _count_queries(supervisor, django_assert_num_queries, QUERIES)


# The cases by group and classification band, with those open per quarter, shared by the
# tracks and the classification (1); both tracks' scores (1); the classification's bands
# and changes (2); the survival curve (1).
QUERIES = 5


def test_a_release_late_on_new_years_eve_utc_is_next_years_in_both(
    make_case, caseworker, stages, supervisor, list_count
):
    """Released at 22:00 UTC on 31 December 2024, 03:00 on 1 January 2025 in Pakistan: the
    curve and the list it links to both put it in 2025 (the deployment's local date)."""
    from casemgmt.models import StageTransition

    case = make_case("released")
    StageTransition.objects.create(
        case=case,
        from_stage=stages["release_preparation"],
        to_stage=stages["released"],
        requested_by=caseworker,
        reason="r",
        status="applied",
        applied_at=datetime.datetime(2024, 12, 31, 22, tzinfo=datetime.UTC),
    )
    rows = outcomes.section(supervisor, SCOPE, today=TODAY)["survival"]["rows"]
    assert [(r["followed"].label, r["followed"].count) for r in rows] == [("2025", 1)]
    assert list_count(rows[0]["followed"].url) == 1
