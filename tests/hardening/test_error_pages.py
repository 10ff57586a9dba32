"""Error pages are ours, say what to do next and reveal nothing: no exception text, no SQL,
no stack trace, no echo of a crafted path (ASVS 7.4.1, 14.3.2). Test settings run with
DEBUG off, as production does."""

import pytest
from django.conf import settings
from django.test import Client

from tests.hardening.error_urls import SECRET

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.hardening.error_urls")]

PAGES = {
    400: "This request could not be understood",
    403: "You may not do this",
    404: "Page not found",
    500: "Something went wrong on our side",
}


def _assert_reveals_nothing(response):
    body = response.content.decode()
    for leak in [SECRET, "secret_column", "Traceback", "RuntimeError", 'File "', "SELECT "]:
        assert leak not in body, leak
    return body


@pytest.mark.parametrize("status", sorted(PAGES))
def test_each_error_is_our_page(status, caseworker):
    assert settings.DEBUG is False
    client = Client(raise_request_exception=False)
    client.force_login(caseworker)
    url = "/no-such-page/" if status == 404 else f"/test-errors/{status}/"
    response = client.get(url)
    assert response.status_code == status
    body = _assert_reveals_nothing(response)
    assert PAGES[status] in body
    assert "casemgmt" in body and 'href="/"' in body


def test_a_server_error_needs_no_database_or_signed_in_user():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = Client(raise_request_exception=False)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/test-errors/500/")
    assert response.status_code == 500
    assert PAGES[500] in _assert_reveals_nothing(response)
    # Only the request's own transaction (savepoints in a test): the page reads nothing.
    assert all("SAVEPOINT" in q["sql"] for q in queries.captured_queries)


def test_a_crafted_path_is_not_echoed(client):
    response = client.get("/cases/<script>alert(1)</script>/x-marker-7/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "<script>alert" not in body and "x-marker-7" not in body


def test_a_control_character_in_the_address_gets_the_400_page(client, caseworker):
    client.force_login(caseworker)
    response = client.get("/cases/", {"q": "a\x07b"})
    assert response.status_code == 400
    assert PAGES[400] in response.content.decode()


def test_error_pages_are_translated(client, caseworker):
    caseworker.preferred_language = "ur"
    caseworker.save()
    client.force_login(caseworker)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert 'lang="ur"' in response.content.decode()
