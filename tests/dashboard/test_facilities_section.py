"""The facilities section: occupancy against capacity now and at each month's end, the
reader's cases in each (linking to exactly them) and how many others are placed there."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from casemgmt import factories
from casemgmt.models import AgencyKind, Case, Placement
from casemgmt.selectors.dashboard import facilities
from casemgmt.selectors.dashboard.scope import DashboardFilters

from .conftest import SECTION_DAY as TODAY

pytestmark = pytest.mark.django_db

D = datetime.date
SCOPE = DashboardFilters()


def place(case, facility, start, end=None):
    Placement.objects.create(case=case, facility=facility, started_on=start, ended_on=end)
    if end is None:
        Case.objects.filter(pk=case.pk).update(facility=facility)


@pytest.fixture
def world(make_case, programme, supervisor):
    programme.supervisors.add(supervisor)
    f1 = factories.FacilityFactory(name="Centre One", capacity=2)
    f2 = factories.FacilityFactory(name="Centre Two", capacity=10)
    old = factories.FacilityFactory(name="Centre Old", capacity=5)
    one, two, five = (make_case("prison_rehabilitation") for _ in range(3))
    restricted = make_case("prison_rehabilitation", is_restricted=True)  # not for the supervisor
    place(one, f1, D(2026, 3, 15))
    place(two, f1, D(2026, 1, 10), D(2026, 6, 20))
    place(two, f2, D(2026, 6, 20))
    place(restricted, f1, D(2025, 11, 1))
    place(five, f1, D(2026, 10, 1))
    place(one, old, D(2023, 1, 1), D(2024, 1, 1))  # over before the year shown
    return {"f1": f1, "f2": f2}


def test_occupancy_now_and_at_each_months_end_by_hand(world, supervisor, list_count):
    section = facilities.section(supervisor, SCOPE, today=TODAY)
    rows = {row["facility"].name: row for row in section["rows"]}
    assert list(rows) == ["Centre One", "Centre Two"]
    one, two = rows["Centre One"], rows["Centre Two"]
    assert (one["occupancy"], one["capacity"], one["over"]) == (3, 2, True)
    # The restricted case is counted in the occupancy, not listed: one other.
    assert (one["visible"].count, one["others"]) == (2, 1)
    assert (two["occupancy"], two["visible"].count, two["others"]) == (1, 1, 0)
    assert section["months"][0] == D(2026, 1, 31) and section["months"][-1] == TODAY
    assert one["months"] == [2, 2, 3, 3, 3, 2, 2, 2, 2, 3, 3, 3]
    assert two["months"] == [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1]
    for row in section["rows"]:
        assert list_count(row["visible"].url) == row["visible"].count


def test_the_scope_narrows_the_list_not_the_occupancy(world, supervisor, list_count):
    from casemgmt.models import Person

    Person.objects.filter(cases__facility=world["f1"]).update(sex="female")
    Person.objects.filter(cases__facility=world["f2"]).update(sex="male")
    rows = facilities.section(supervisor, DashboardFilters(sex="male"), today=TODAY)["rows"]
    one = next(r for r in rows if r["facility"] == world["f1"])
    assert (one["occupancy"], one["visible"].count, one["others"]) == (3, 0, 3)
    assert list_count(one["visible"].url) == 0


def test_not_shown_to_a_supervisor_of_no_programme_using_it(world, agency_b):
    other = factories.SupervisorFactory(agency=agency_b)
    assert facilities.section(other, SCOPE, today=TODAY)["rows"] == []


def test_no_section_without_location_information(world, programme):
    reader = factories.SupervisorFactory(agency=factories.AgencyFactory(kind=AgencyKind.EDUCATION))
    programme.supervisors.add(reader)
    assert facilities.section(reader, SCOPE, today=TODAY) is None
    assert (
        render_to_string("casemgmt/dashboard/_facilities.html", {"facilities": None}).strip() == ""
    )


@pytest.mark.parametrize("language", ["en", "ur"])
def test_the_partial_renders_under_the_csp(world, supervisor, language):
    """Charts and tables, no style attribute or script (strict CSP), in Urdu too."""
    with translation.override(language):
        html = render_to_string(
            "casemgmt/dashboard/_facilities.html",
            {"facilities": facilities.section(supervisor, SCOPE, today=TODAY)},
        )
    assert "<svg" in html and "<table" in html and "Centre One" in html
    assert "style=" not in html and "<script" not in html


QUERIES = 3  # the facilities with every occupancy count; the reader's cases in each; names


def test_query_count_is_the_same_at_two_sizes(
    world, supervisor, make_case, django_assert_num_queries
):
    with django_assert_num_queries(QUERIES):
        facilities.section(supervisor, SCOPE, today=TODAY)
    extra = factories.FacilityFactory(name="Centre Three", capacity=4)
    for i in range(5):
        place(
            make_case("prison_rehabilitation"), extra if i % 2 else world["f2"], D(2026, 2 + i, 1)
        )
    with django_assert_num_queries(QUERIES):
        facilities.section(supervisor, SCOPE, today=TODAY)
