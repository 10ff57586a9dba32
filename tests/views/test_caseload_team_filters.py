"""The caseload's "Assigned to me" and "Agency on the team" filters: exactly the right cases,
state kept in the URL, bad values answered without a 500, and never a case the user cannot
open (issue 14, point 5)."""

import datetime

import pytest
from django.urls import reverse

from casemgmt import factories
from casemgmt.models import CaseTeamMember
from casemgmt.selectors.caseload import CaseloadFilters, caseload_page

pytestmark = pytest.mark.django_db


def _listing(client, user, params):
    client.force_login(user)
    response = client.get(reverse("caseload"), params)
    assert response.status_code == 200
    page = response.context["page"]
    return {c.pk for c in page.cases}, page.count, response


def test_assigned_to_me_lists_only_my_cases(client, make_case, caseworker, other_caseworker):
    mine = make_case(assigned_caseworker=caseworker)
    theirs = make_case(assigned_caseworker=other_caseworker)
    nobodys = make_case(assigned_caseworker=None)
    cases, count, response = _listing(client, caseworker, {"assigned_to_me": "on"})
    assert cases == {mine.pk} and count == 1
    # The state is in the URL: the box stays ticked, and the pages keep it.
    assert 'name="assigned_to_me"' in response.content.decode()
    assert response.context["form"]["assigned_to_me"].value() is True
    assert "assigned_to_me=on" in response.context["query"]
    cases, count, _response = _listing(client, other_caseworker, {"assigned_to_me": "on"})
    assert cases == {theirs.pk}
    cases, count, _response = _listing(client, caseworker, {})
    assert {mine.pk, theirs.pk, nobodys.pk} <= cases


def test_agency_on_the_team_counts_only_active_members(client, make_case, caseworker):
    partner = factories.AgencyFactory(name="Partner welfare")
    active, left, never = make_case(), make_case(), make_case()
    CaseTeamMember.objects.create(case=active, agency=partner, role="support")
    CaseTeamMember.objects.create(
        case=left,
        agency=partner,
        role="support",
        left_on=datetime.date.today() - datetime.timedelta(days=1),
    )
    cases, count, response = _listing(client, caseworker, {"team_agency": partner.pk})
    assert cases == {active.pk} and count == 1
    assert response.context["form"]["team_agency"].value() == str(partner.pk)
    assert f"team_agency={partner.pk}" in response.context["query"]
    assert never.pk not in cases
    # Both filters together.
    cases, _count, _response = _listing(
        client, caseworker, {"team_agency": partner.pk, "assigned_to_me": "on"}
    )
    assert cases == {active.pk}


@pytest.mark.parametrize("value", ["999999", "abc", "-1", "1" * 40, "٣"])
def test_a_bad_agency_falls_back_with_an_error(client, make_case, caseworker, value):
    make_case()
    make_case()
    cases, count, response = _listing(client, caseworker, {"team_agency": value})
    assert count == 2
    assert "team_agency" in response.context["form"].errors


def test_the_team_filter_never_lists_a_case_the_user_cannot_open(client, make_case, caseworker):
    """The attack: filter by an agency to learn which cases of another agency it works on."""
    partner = factories.AgencyFactory()
    elsewhere = factories.CaseFactory(lead_agency=partner)
    ours = make_case()
    CaseTeamMember.objects.create(case=ours, agency=partner, role="support")
    cases, count, _response = _listing(client, caseworker, {"team_agency": partner.pk})
    assert cases == {ours.pk} and count == 1
    assert elsewhere.pk not in cases
    page = caseload_page(caseworker, CaseloadFilters(team_agency=partner.pk))
    assert {c.pk for c in page.cases} == {ours.pk}


def test_htmx_swap_keeps_the_filters(client, make_case, caseworker, other_caseworker):
    mine = make_case(assigned_caseworker=caseworker)
    make_case(assigned_caseworker=other_caseworker)
    client.force_login(caseworker)
    response = client.get(
        reverse("caseload"),
        {"assigned_to_me": "on"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="caseload-results",
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="caseload-results"')
    assert mine.reference in body and body.count("/cases/CS-") == 1
