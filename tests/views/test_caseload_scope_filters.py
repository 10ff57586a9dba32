"""The dashboard's scope on the caseload (issue 17): lead agency, district, sex, age group
when opened and opening dates each narrow the list to exactly their cases; a list reached
from a figure counts exactly, past the caseload's cap; a filter on information the user may
not read is neither offered nor applied; a figure's link opens the list it counts."""

import datetime

import pytest
from django.urls import reverse

from casemgmt import factories
from casemgmt.models import AgeGroup, AgencyKind, Case, Sex
from casemgmt.selectors import caseload
from casemgmt.selectors.dashboard.scope import (
    DashboardFilters,
    case_figure,
    caseload_url,
    scoped_cases,
)

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 10)


@pytest.fixture
def world(programme, stages):
    prison = factories.AgencyFactory(kind=AgencyKind.PRISON)
    police = factories.AgencyFactory(kind=AgencyKind.POLICE)
    counselling = factories.AgencyFactory(kind=AgencyKind.COUNSELLING)
    team = [(police, "support"), (counselling, "counselling")]

    def case(name, lead, sex, district, age_group, opened):
        made = factories.CaseFactory(
            programme=programme,
            current_stage=stages["referral"],
            lead_agency=lead,
            person=factories.PersonFactory(full_name=name, sex=sex),
            team=team if lead == prison else [(prison, "support"), (counselling, "counselling")],
        )
        Case.objects.filter(pk=made.pk).update(
            district=district, age_group_at_opening=age_group, opened_on=opened
        )
        return made

    case("Amir", prison, Sex.MALE, "Swat", AgeGroup.choices[1][0], DAY)
    case("Bibi", prison, Sex.FEMALE, "Swat", AgeGroup.choices[0][0], DAY + datetime.timedelta(30))
    case("Chand", police, Sex.MALE, "Mardan", AgeGroup.choices[1][0], DAY - datetime.timedelta(30))
    return {
        "prison": factories.SupervisorFactory(agency=prison),
        "counselling": factories.SupervisorFactory(agency=counselling),
        "prison_agency": prison,
        "young": AgeGroup.choices[0][0],
        "older": AgeGroup.choices[1][0],
    }


def names(client, user, params):
    client.force_login(user)
    response = client.get(reverse("caseload"), params)
    assert response.status_code == 200
    page = response.context["page"]
    assert page.count == len(page.cases)
    return {c.person.full_name for c in page.cases}


def test_each_scope_filter_lists_exactly_its_cases(client, world):
    user = world["prison"]
    assert names(client, user, {}) == {"Amir", "Bibi", "Chand"}
    assert names(client, user, {"agency": world["prison_agency"].pk}) == {"Amir", "Bibi"}
    assert names(client, user, {"district": "Swat"}) == {"Amir", "Bibi"}
    assert names(client, user, {"sex": Sex.MALE}) == {"Amir", "Chand"}
    assert names(client, user, {"age_group": world["older"]}) == {"Amir", "Chand"}
    assert names(client, user, {"opened_from": DAY.isoformat()}) == {"Amir", "Bibi"}
    assert names(client, user, {"opened_to": DAY.isoformat()}) == {"Amir", "Chand"}
    both = {"opened_from": DAY.isoformat(), "opened_to": DAY.isoformat(), "sex": Sex.MALE}
    assert names(client, user, both) == {"Amir"}


def test_a_bad_date_is_an_error_on_the_form_and_filters_nothing(client, world):
    client.force_login(world["prison"])
    response = client.get(reverse("caseload"), {"opened_from": "2026-02-30"})
    assert response.status_code == 200
    assert "opened_from" in response.context["form"].errors
    assert len(response.context["page"].cases) == 3


def test_district_is_location_information(client, world):
    """Counselling staff do not read location: no district filter offered, none applied."""
    user = world["counselling"]
    client.force_login(user)
    response = client.get(reverse("caseload"), {"district": "Swat"})
    assert "district" not in response.context["form"].fields
    assert {c.person.full_name for c in response.context["page"].cases} == {
        "Amir",
        "Bibi",
        "Chand",
    }
    scope = DashboardFilters(district="Swat")
    assert scoped_cases(user, scope).count() == 3
    assert "district" not in caseload_url(user, scope)


def test_an_exact_list_counts_past_the_cap(client, world, monkeypatch):
    monkeypatch.setattr(caseload, "COUNT_CAP", 2)
    client.force_login(world["prison"])
    capped = client.get(reverse("caseload")).context["page"]
    assert (capped.count, capped.count_capped) == (2, True)
    exact = client.get(reverse("caseload"), {"exact": "on"}).context["page"]
    assert (exact.count, exact.count_capped) == (3, False)


def test_a_figure_links_to_the_list_it_counts(client, world):
    user = world["prison"]
    scope = DashboardFilters(district="Swat", sex=Sex.FEMALE)
    figure = case_figure(user, scope, "swat_women", "Women in Swat")
    assert figure.count == 1
    client.force_login(user)
    response = client.get(figure.url)
    page = response.context["page"]
    assert (page.count, page.count_capped) == (1, False)
    assert [c.person.full_name for c in page.cases] == ["Bibi"]
