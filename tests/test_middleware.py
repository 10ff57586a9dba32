"""The request middleware: crafted input answers 400, never 500 (issue 10, #12), and no
page for a signed-in user may be stored by a browser or proxy (#18). Run on SQLite and
on PostgreSQL, which refuses NUL bytes in text."""

import base64
import json

import pytest
from django.urls import reverse

from casemgmt import factories
from casemgmt.models import AuditEvent, CaseAccessGrant

pytestmark = pytest.mark.django_db


def _cursor(values) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def test_a_nul_byte_in_a_case_or_person_reference_is_a_bad_request(client, caseworker, make_case):
    case = make_case()
    client.force_login(caseworker)
    for url in [
        f"/cases/{case.reference}%00/",
        "/cases/%00/",
        f"/cases/{case.reference}%00/move/",
        f"/people/{case.person.reference}%00/",
        "/people/RC-2026-%0012345/merge/",
    ]:
        before = AuditEvent.objects.count()
        assert client.get(url).status_code == 400, url
        assert AuditEvent.objects.count() == before, url
    # A NUL in a query string too, whatever the parameter.
    assert client.get(reverse("caseload"), {"status": "\x00"}).status_code == 400
    assert client.get(reverse("break_glass"), {"reference": "CS\x00"}).status_code == 400


def test_crafted_cursors_fall_back_to_the_first_page(client, caseworker, make_case):
    make_case(person=factories.PersonFactory(full_name="Amin Gul"))
    client.force_login(caseworker)
    nested = base64.urlsafe_b64encode(b"[" * 100_000 + b"]" * 100_000).decode()
    crafted = [
        nested,  # RecursionError in json.loads
        _cursor(["name", "Amin\x00", 1]),  # NUL inside the compared value
        _cursor(["name", "\x00", 1]),
        "A" * 5000,
    ]
    for cursor in crafted:
        for direction in ("after", "before"):
            response = client.get(reverse("caseload"), {"sort": "name", direction: cursor})
            assert response.status_code == 200, (cursor[:20], direction)
            assert [c.person.full_name for c in response.context["page"].cases] == ["Amin Gul"]


def test_a_unicode_digit_as_an_allow_list_grant_is_not_found(client, supervisor, make_case):
    """``"²".isdigit()`` is true but ``int("²")`` fails: once a 500."""
    case = make_case()
    client.force_login(supervisor)
    for grant in ["²", "٣", "1" * 40]:
        response = client.post(
            reverse("case_access", args=[case.reference]), {"action": "remove", "grant": grant}
        )
        assert response.status_code == 404, grant
        assert AuditEvent.objects.filter(action="access.denied").exists()
    assert not CaseAccessGrant.objects.filter(revoked_at__isnull=False).exists()


# --- Cache-Control (ASVS 8.2.1) ---


def test_pages_for_a_signed_in_user_are_never_stored(client, caseworker, make_case):
    case = make_case()
    client.force_login(caseworker)
    for url in [
        reverse("home"),
        reverse("caseload"),
        reverse("case_detail", args=[case.reference]),
        reverse("person_detail", args=[case.person.reference]),
        reverse("inbox"),
        "/cases/CS-2099-999999/",  # a 404 too: it says what is not there
    ]:
        response = client.get(url)
        assert "no-store" in response.headers.get("Cache-Control", ""), url
    htmx = client.get(
        reverse("caseload"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="caseload-results"
    )
    assert "no-store" in htmx.headers["Cache-Control"]


def test_static_files_may_be_cached(client, caseworker):
    client.force_login(caseworker)
    response = client.get("/static/casemgmt/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
