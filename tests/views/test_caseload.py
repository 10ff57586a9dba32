"""The caseload page: scoping, search, filters, sorting, keyset pages, query counts."""

import datetime

import pytest
from django.urls import reverse

from casemgmt import factories
from casemgmt.selectors.caseload import CaseloadFilters, caseload_page

pytestmark = pytest.mark.django_db


def names(response):
    return [c.person.full_name for c in response.context["page"].cases]


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("caseload"))
    assert response.status_code == 302


def test_only_cases_of_my_agency_are_listed(client, caseworker, make_case):
    mine = make_case(person=factories.PersonFactory(full_name="Amin Gul"))
    factories.CaseFactory(person=factories.PersonFactory(full_name="Hidden Person"))
    client.force_login(caseworker)
    response = client.get(reverse("caseload"))
    assert names(response) == ["Amin Gul"]
    assert "Hidden Person" not in response.content.decode()
    assert mine.reference in response.content.decode()


def test_search_by_reference_name_and_cnic(client, caseworker, make_case):
    a = make_case(person=factories.PersonFactory(full_name="Amin Gul", cnic="15602-1111111-1"))
    make_case(person=factories.PersonFactory(full_name="Bashir Khan"))
    client.force_login(caseworker)
    for q in [
        a.reference,
        a.reference.lower(),
        "amin",
        "1560211111111",
        "15602-1111111-1",
        a.person.reference,
    ]:
        assert names(client.get(reverse("caseload"), {"q": q})) == ["Amin Gul"], q
    assert names(client.get(reverse("caseload"), {"q": "nobody"})) == []


def test_filters_stage_status_overdue(client, caseworker, make_case, stages):
    make_case("referral", person=factories.PersonFactory(full_name="In Referral"))
    late = make_case("released", person=factories.PersonFactory(full_name="Overdue Review"))
    late.next_review_due = datetime.date.today() - datetime.timedelta(days=3)
    late.save()
    make_case("exited", person=factories.PersonFactory(full_name="Closed One"))
    client.force_login(caseworker)
    url = reverse("caseload")
    assert names(client.get(url, {"stage": stages["referral"].pk})) == ["In Referral"]
    assert names(client.get(url, {"status": "closed"})) == ["Closed One"]
    assert names(client.get(url, {"overdue": "on"})) == ["Overdue Review"]


def test_bad_filter_values_fall_back_without_error(client, caseworker, make_case):
    make_case()
    client.force_login(caseworker)
    response = client.get(reverse("caseload"), {"stage": "not-a-number", "sort": "evil"})
    assert response.status_code == 200
    assert len(response.context["page"].cases) == 1
    response = client.get(reverse("caseload"), {"after": "garbage!!"})
    assert response.status_code == 200


def test_keyset_pages_cover_every_case_once_in_each_sort(caseworker, make_case):
    for i in range(23):
        make_case(person=factories.PersonFactory(full_name=f"Person {i:02d}"))
    for sort in ["-opened", "reference", "name", "stage", "due"]:
        filters = CaseloadFilters(sort=sort)
        seen, after, pages = [], "", 0
        while True:
            page = caseload_page(caseworker, filters, after=after, page_size=5)
            seen += [c.pk for c in page.cases]
            pages += 1
            if not page.next_cursor:
                break
            after = page.next_cursor
        assert len(seen) == 23 and len(set(seen)) == 23, sort
        assert pages == 5
        # And back again from the last page.
        back = caseload_page(caseworker, filters, before=page.prev_cursor, page_size=5)
        assert [c.pk for c in back.cases] == seen[15:20], sort


def test_sort_by_name(client, caseworker, make_case):
    for name in ["Zarak", "Amin", "Karim"]:
        make_case(person=factories.PersonFactory(full_name=name))
    client.force_login(caseworker)
    assert names(client.get(reverse("caseload"), {"sort": "name"})) == ["Amin", "Karim", "Zarak"]


def test_htmx_request_gets_only_the_results(client, caseworker, make_case):
    make_case()
    client.force_login(caseworker)
    response = client.get(
        reverse("caseload"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="caseload-results"
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="caseload-results"')
    assert "<html" not in body
