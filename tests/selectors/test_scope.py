"""Refusals answer "not found" and are recorded, whether the object is not yours or the
page is not for your role (selectors/scope.py, recorded by the middleware)."""

import pytest
from django.urls import reverse

from casemgmt.models import AuditEvent

pytestmark = pytest.mark.django_db


def _denied():
    return AuditEvent.objects.filter(action="access.denied")


@pytest.mark.parametrize(
    ("who", "url_name", "on_case"),
    [
        ("caseworker", "approvals", False),
        ("administrator", "break_glass", False),
        ("administrator", "person_register", False),
        ("administrator", "facility_list", False),
        ("caseworker", "case_access", True),
        ("auditor", "stage_move", True),
        ("auditor", "assessment_new", True),
    ],
)
def test_a_refused_page_is_a_recorded_404(client, request, make_case, who, url_name, on_case):
    user = request.getfixturevalue(who)
    case = make_case()
    url = reverse(url_name, args=[case.reference]) if on_case else reverse(url_name)
    client.force_login(user)
    assert client.get(url).status_code == 404
    event = _denied().get()
    assert event.actor == user
    assert event.target_id == (case.reference if on_case else url)


def test_a_page_the_role_may_open_records_no_refusal(client, supervisor):
    client.force_login(supervisor)
    assert client.get(reverse("approvals")).status_code == 200
    assert not _denied().exists()
