"""Sessions end on the server after the idle limit and the absolute lifetime, whatever the
browser does (ASVS 3.3.1, 3.3.2), and rotate at sign-in (3.2.1). Time passes by moving the
session's clocks back, as an idle browser would leave them."""

import re
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import reverse

from casemgmt import sessions
from casemgmt.factories import DEMO_PASSWORD
from casemgmt.models import Note

pytestmark = pytest.mark.django_db
IDLE = settings.CASEMGMT_SESSION_IDLE_MINUTES * 60
ABSOLUTE = settings.CASEMGMT_SESSION_ABSOLUTE_HOURS * 3600


def _age(client, *, idle: float = 0, signed_in: float = 0) -> None:
    """Pretend the last request came ``idle`` seconds ago and sign-in ``signed_in`` ago."""
    session = client.session
    session[sessions.LAST_ACTIVITY_AT] -= idle
    session[sessions.SIGNED_IN_AT] -= signed_in
    session.save()


def _signed_out(response, client, expected_next: str):
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert f"next={expected_next}" in unquote(response["Location"])
    assert "_auth_user_id" not in client.session


def test_the_defaults_are_thirty_minutes_and_eight_hours():
    assert (IDLE, ABSOLUTE) == (30 * 60, 8 * 3600)
    # The cookie ends with the browser; the stored session shortly after the idle limit.
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_COOKIE_AGE == IDLE + sessions.ACTIVITY_GRANULARITY


def test_sign_in_rotates_the_session_and_starts_both_clocks(client, caseworker):
    caseworker.set_password(DEMO_PASSWORD)
    caseworker.save()
    client.get(reverse("login"))
    client.cookies["sessionid"] = "attacker-chosen-session-id"
    before = client.session.session_key
    response = client.post(
        reverse("login"), {"login": caseworker.username, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    after = client.session
    assert after.session_key not in (before, "attacker-chosen-session-id")
    assert after[sessions.SIGNED_IN_AT] == after[sessions.LAST_ACTIVITY_AT]


def test_an_idle_browser_is_signed_out(client, caseworker):
    client.force_login(caseworker)
    assert client.get(reverse("caseload")).status_code == 200
    _age(client, idle=IDLE - 90)
    assert client.get(reverse("caseload")).status_code == 200  # still inside the limit
    _age(client, idle=IDLE + 1)
    response = client.get(reverse("caseload") + "?sort=name")
    _signed_out(response, client, "/cases/?sort=name")
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("30 minutes without activity" in m for m in messages)
    # The next page asks to sign in too: the session is gone, not just this answer.
    assert client.get(reverse("caseload")).status_code == 302


def test_a_post_after_the_idle_end_saves_nothing(client, caseworker, make_case):
    case = make_case()
    client.force_login(caseworker)
    page = reverse("note_list", args=[case.reference])
    client.get(page)
    _age(client, idle=IDLE + 1)
    response = client.post(
        page,
        {"category": "general", "visibility": "case_team", "body": "written after leaving"},
        HTTP_REFERER="http://testserver" + page,
    )
    _signed_out(response, client, page)
    assert not Note.objects.filter(body="written after leaving").exists()


def test_an_htmx_request_after_the_end_is_told_to_go_to_sign_in(client, caseworker):
    client.force_login(caseworker)
    _age(client, idle=IDLE + 1)
    response = client.get(reverse("caseload"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("login"))
    assert not response.content


def test_the_absolute_lifetime_ends_an_active_session(client, caseworker):
    client.force_login(caseworker)
    _age(client, signed_in=ABSOLUTE - 60)
    assert client.get(reverse("caseload")).status_code == 200  # busy all day, still in
    _age(client, signed_in=61)
    response = client.get(reverse("caseload"))
    _signed_out(response, client, "/cases/")
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("limit of 8 hours" in m for m in messages)


def test_keep_alive_extends_the_idle_window_not_the_absolute_one(client, caseworker):
    client.force_login(caseworker)
    _age(client, idle=IDLE - 100, signed_in=ABSOLUTE - 600)
    response = client.post(reverse("session_keep_alive"))
    assert response.status_code == 200
    left = response.json()
    assert IDLE - 2 <= left["idle_seconds"] <= IDLE
    assert 590 <= left["absolute_seconds"] <= 600
    session = client.session
    assert session[sessions.LAST_ACTIVITY_AT] >= session[sessions.SIGNED_IN_AT] + ABSOLUTE - 601
    # Keep-alive cannot go past the absolute end.
    _age(client, signed_in=601)
    response = client.post(reverse("session_keep_alive"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_keep_alive_needs_a_post_and_a_session(client, caseworker):
    assert client.post(reverse("session_keep_alive")).status_code == 302  # to sign-in
    client.force_login(caseworker)
    assert client.get(reverse("session_keep_alive")).status_code == 405


def test_activity_is_written_at_most_once_a_minute(client, caseworker, monkeypatch):
    """So that a page costs no session write (pinned query counts stay as they were)."""
    clock = [1_800_000_000.0]
    monkeypatch.setattr(sessions, "now", lambda: clock[0])
    client.force_login(caseworker)
    first = client.session[sessions.LAST_ACTIVITY_AT]
    clock[0] += 30
    client.get(reverse("home"))
    assert client.session[sessions.LAST_ACTIVITY_AT] == first
    clock[0] += 31
    client.get(reverse("home"))
    assert client.session[sessions.LAST_ACTIVITY_AT] == first + 61


def test_pages_carry_the_warning_only_for_signed_in_users(client, caseworker):
    body = client.get(reverse("login")).content.decode()
    assert 'id="session-warning"' not in body
    client.force_login(caseworker)
    body = client.get(reverse("home")).content.decode()
    assert 'id="session-warning"' in body and " hidden" in body
    assert "session-timeout.js" in body and "Stay signed in" in body
    # Plain digits for the script: "1,800" (the thousands separator) read as 1 second once
    # made every page reload at once.
    idle = re.search(r'data-idle-seconds="([^"]*)"', body).group(1)
    assert idle.isdigit() and int(idle) > IDLE - 61, idle
    assert re.search(r'data-absolute-seconds="\d{5}"', body)
    assert re.search(r'data-warning-seconds="120"', body)
