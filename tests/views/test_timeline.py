"""The case timeline on the case page and on its own page: when things happened, the kind
filter (only readable kinds, the rest ignored), pages without JavaScript, htmx swaps, the
read recorded, and a long history rendered one page at a time (issue 14, point 3)."""

import datetime

import pytest
from django.urls import reverse

from casemgmt.models import AuditEvent, CheckIn, Intervention, Note, Session
from casemgmt.selectors.timeline import PAGE_SIZE
from casemgmt.services import escalations, interventions, monitoring, notes
from tests.case_page import every_tab

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def test_the_case_page_shows_when_a_check_in_happened_and_when_it_was_recorded(
    client, make_case, caseworker
):
    case = make_case("released")
    held = TODAY - datetime.timedelta(days=9)
    monitoring.check_in_record(case=case, by=caseworker, held_on=held, kind="phone", outcome="met")
    client.force_login(caseworker)
    html = every_tab(client, case.reference)
    entry = html[html.index('class="timeline-entry timeline-check_in"') :]
    entry = entry[: entry.index("</li>")]
    assert f'datetime="{held.isoformat()}"' in entry
    assert "recorded" in entry and caseworker.display_name in entry


def test_the_timeline_page_filters_and_pages_without_javascript(client, make_case, caseworker):
    case = make_case("released")
    for i in range(PAGE_SIZE + 5):
        notes.note_add(
            case=case, by=caseworker, category="general", visibility="case_team", body=f"{i}"
        )
    escalations.escalation_raise(case=case, by=caseworker, trigger="threat", description="d")
    client.force_login(caseworker)
    url = reverse("case_timeline", args=[case.reference])
    first = client.get(url, {"kind": "note"})
    assert first.status_code == 200
    page = first.context["timeline"]
    assert page.kind == "note" and len(page.entries) == PAGE_SIZE and page.older
    html = first.content.decode()
    assert "<html" in html and 'value="note" selected' in html
    assert f"older={page.older}" in html
    second = client.get(url, {"kind": "note", "older": page.older})
    rest = second.context["timeline"]
    assert len(rest.entries) == 5 and not rest.older and rest.continued
    assert {e.kind for e in rest.entries} == {"note"}
    # The read is recorded, with the classes of what was shown.
    event = AuditEvent.objects.filter(action="read.case", actor=caseworker).latest("pk")
    assert event.case_id == case.pk


def test_htmx_gets_the_timeline_alone(client, make_case, caseworker):
    case = make_case("released")
    notes.note_add(case=case, by=caseworker, category="general", visibility="case_team", body="n")
    client.force_login(caseworker)
    response = client.get(
        reverse("case_timeline", args=[case.reference]),
        {"kind": "note"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="timeline",
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="timeline"') and "<html" not in body


def test_a_kind_the_user_may_not_read_is_neither_offered_nor_applied(client, shared_case):
    """The attack: the teacher (no risk information) types ``?kind=escalation``."""
    case, writer, teacher = shared_case["case"], shared_case["a"], shared_case["education"]
    escalations.escalation_raise(case=case, by=writer, trigger="threat", description="SECRET")
    notes.note_add(case=case, by=writer, category="general", visibility="case_team", body="n")
    client.force_login(teacher)
    url = reverse("case_timeline", args=[case.reference])
    plain = client.get(url)
    forged = client.get(url, {"kind": "escalation"})
    assert forged.status_code == 200
    assert forged.context["timeline"].kind == ""
    assert forged.context["timeline"].entries == plain.context["timeline"].entries
    html = forged.content.decode()
    assert 'value="escalation"' not in html and "timeline-escalation" not in html
    assert 'value="note"' in html
    # The writer may read risk: offered, and applied.
    client.force_login(writer)
    theirs = client.get(url, {"kind": "escalation"})
    assert [e.kind for e in theirs.context["timeline"].entries] == ["escalation"]


def test_another_agency_cannot_open_the_timeline(client, shared_case, assert_refused):
    case = shared_case["case"]
    client.force_login(shared_case["outsider"])
    assert_refused(
        lambda: client.get(reverse("case_timeline", args=[case.reference]), {"kind": "note"}),
        "casemgmt.case",
    )


@pytest.mark.parametrize("older", ["abc", "W10", "%00", "A" * 5000])
def test_a_bad_cursor_shows_the_first_page(client, make_case, caseworker, older):
    case = make_case("released")
    notes.note_add(case=case, by=caseworker, category="general", visibility="case_team", body="n")
    client.force_login(caseworker)
    response = client.get(reverse("case_timeline", args=[case.reference]), {"older": older})
    assert response.status_code == 200
    assert len(response.context["timeline"].entries) == 1


def test_a_long_history_renders_one_page_quickly(client, make_case, caseworker, agency):
    """500 notes, 100 sessions and 200 check-ins: the case page renders one page of the
    timeline, and the timeline page pages through it."""
    case = make_case("released")
    course = interventions.intervention_start(
        case=case,
        by=caseworker,
        kind="education",
        provider=agency,
        goals="g",
        starts_on=TODAY - datetime.timedelta(days=400),
    )
    Note.objects.bulk_create(
        Note(
            case=case,
            author=caseworker,
            agency=caseworker.agency,
            category="general",
            visibility="case_team",
            body=f"n{i}",
        )
        for i in range(500)
    )
    Session.objects.bulk_create(
        Session(
            intervention=course,
            held_on=TODAY - datetime.timedelta(days=i),
            duration_minutes=60,
            attendance="attended",
            facilitator="T",
            recorded_by=caseworker,
        )
        for i in range(100)
    )
    CheckIn.objects.bulk_create(
        CheckIn(
            case=case,
            held_on=TODAY - datetime.timedelta(days=i),
            kind="phone",
            outcome="met",
            recorded_by=caseworker,
        )
        for i in range(200)
    )
    assert Intervention.objects.filter(case=case).count() == 1
    client.force_login(caseworker)
    response = client.get(reverse("case_detail", args=[case.reference]), {"tab": "timeline"})
    assert response.status_code == 200
    assert len(response.context["timeline"].entries) == PAGE_SIZE
    assert response.content.decode().count('class="timeline-entry ') == PAGE_SIZE
    assert response.context["timeline"].older
    # Walking the timeline page by page reaches the oldest check-in.
    url, older, seen = reverse("case_timeline", args=[case.reference]), "", 0
    for _ in range(30):
        page = client.get(url, {"older": older}).context["timeline"]
        seen += len(page.entries)
        if not page.older:
            break
        older = page.older
    assert seen == 500 + 100 + 200
