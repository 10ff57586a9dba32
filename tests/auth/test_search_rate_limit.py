"""A signed-in user scripting searches (harvesting who is on a caseload) is stopped."""

from unittest import mock

import pytest
from django.test import override_settings
from django.urls import reverse

from casemgmt.models import AuditAction, AuditEvent
from casemgmt.views import caseload as caseload_view

pytestmark = pytest.mark.django_db

URL = reverse("caseload")


@pytest.fixture(autouse=True)
def _one_window():
    """Every request of a test in the same one-minute window (a test crossing a minute
    boundary would start counting again)."""
    with mock.patch("casemgmt.ratelimit.time.time", return_value=1_800_000_000.0):
        yield


@pytest.fixture
def searched():
    with mock.patch.object(
        caseload_view, "caseload_page", wraps=caseload_view.caseload_page
    ) as spy:
        yield spy


@override_settings(CASEMGMT_SEARCH_RATE_LIMIT=3)
def test_searches_beyond_the_limit_are_refused_and_search_nothing(client, caseworker, searched):
    client.force_login(caseworker)
    statuses = [client.get(URL, {"q": f"name{n}"}).status_code for n in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    assert searched.call_count == 3
    response = client.get(URL, {"q": "again"})
    assert response["Retry-After"] == "60"
    assert "Nothing was searched" in response.content.decode()


@override_settings(CASEMGMT_SEARCH_RATE_LIMIT=2)
def test_the_refusal_is_recorded_once_per_window(client, caseworker):
    client.force_login(caseworker)
    for n in range(6):
        client.get(URL, {"q": f"name{n}"})
    [event] = AuditEvent.objects.filter(action=AuditAction.ACCESS_RATE_LIMITED)
    assert event.actor == caseworker
    assert event.metadata["limit"] == 2


@override_settings(CASEMGMT_SEARCH_RATE_LIMIT=2)
def test_a_refused_cnic_search_is_not_run(client, caseworker, searched):
    client.force_login(caseworker)
    client.get(URL, {"q": "a"})
    client.get(URL, {"q": "b"})
    response = client.get(URL, {"q": "35202-1234567-1"})
    assert response.status_code == 429
    assert not AuditEvent.objects.filter(action=AuditAction.SEARCH_IDENTITY).exists()


@override_settings(CASEMGMT_SEARCH_RATE_LIMIT=1)
def test_pages_without_a_search_and_other_users_are_not_held_up(client, caseworker, supervisor):
    client.force_login(caseworker)
    client.get(URL, {"q": "a"})
    assert client.get(URL, {"q": "b"}).status_code == 429
    assert client.get(URL).status_code == 200
    assert client.get(URL, {"stage": ""}).status_code == 200
    client.force_login(supervisor)
    assert client.get(URL, {"q": "a"}).status_code == 200


@override_settings(CASEMGMT_SEARCH_RATE_LIMIT=1)
def test_an_htmx_search_over_the_limit_loads_the_refusal_page(client, caseworker):
    client.force_login(caseworker)
    client.get(URL, {"q": "a"})
    response = client.get(
        URL, {"q": "b"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="caseload-results"
    )
    assert response.status_code == 429
    assert response["HX-Redirect"] == URL + "?q=b"


@override_settings(CASEMGMT_REGISTRATION_RATE_LIMIT=2)
def test_probing_identities_through_registration_is_slowed(client, caseworker):
    """Each registration checks the identity against every agency's records: a script
    sending many is refused before the check, and the refusal is recorded."""
    from casemgmt.views import people as people_view

    client.force_login(caseworker)
    url = reverse("person_register")
    with mock.patch.object(
        people_view, "PersonRegisterForm", wraps=people_view.PersonRegisterForm
    ) as checked:
        statuses = [client.post(url, {"cnic": f"35202-000000{n}-1"}).status_code for n in range(4)]
    assert statuses == [200, 200, 429, 429]
    assert checked.call_count == 2
    assert client.get(url).status_code == 200  # reading the empty form is not counted
    [event] = AuditEvent.objects.filter(action=AuditAction.ACCESS_RATE_LIMITED)
    assert event.target_type == "registration"
