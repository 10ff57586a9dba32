"""The intervention's page and the case page: pause, resume, complete, stop with their
forms; a dialogue session's topic and the facilitator's progress note saved and shown."""

import datetime

import pytest
from django.urls import reverse

from casemgmt.models import Intervention, Session
from casemgmt.services import interventions
from tests.case_page import every_tab

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture
def dialogue(make_case, caseworker, agency):
    case = make_case("counselling")
    course = interventions.intervention_start(
        case=case,
        by=caseworker,
        kind="narrative",
        provider=agency,
        goals="Question the recruiter's narrative",
        starts_on=TODAY,
    )
    return case, course


def test_dialogue_session_topic_and_note_saved_and_shown(client, caseworker, dialogue):
    case, course = dialogue
    client.force_login(caseworker)
    url = reverse("intervention_detail", args=[case.reference, course.pk])
    page = client.get(url).content.decode()
    assert "Topic of the dialogue" in page and "Facilitator&#x27;s progress note" in page
    data = {
        "held_on": TODAY.isoformat(),
        "duration_minutes": 60,
        "attendance": "attended",
        "facilitator": "Maulana R.",
        "progress_note": "Asked for the texts.",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Name the topic" in response.content.decode()
    assert not Session.objects.exists()

    response = client.post(url, {**data, "topic": "Obedience to rulers"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Obedience to rulers" in page and "Asked for the texts." in page


def test_no_topic_for_other_kinds(client, caseworker, make_case, agency):
    case = make_case("counselling")
    course = interventions.intervention_start(
        case=case, by=caseworker, kind="education", provider=agency, goals="g", starts_on=TODAY
    )
    client.force_login(caseworker)
    page = client.get(reverse("intervention_detail", args=[case.reference, course.pk]))
    assert "Topic of the dialogue" not in page.content.decode()


def _act(client, case, key, pk, data=None):
    return client.post(reverse("record_action", args=[case.reference, key, pk]), data or {})


def test_pause_resume_complete_from_the_case_page(client, caseworker, dialogue):
    case, course = dialogue
    client.force_login(caseworker)
    case_page = every_tab(client, case.reference)
    assert "Pause the intervention" in case_page

    response = _act(client, case, "pause_intervention", course.pk, {"reason": ""})
    assert response.status_code == 200
    assert Intervention.objects.get(pk=course.pk).status == "active"

    assert _act(client, case, "pause_intervention", course.pk, {"reason": "Ill"}).status_code == 302
    case_page = every_tab(client, case.reference)
    assert "Resume the intervention" in case_page and "Start the intervention" not in case_page
    assert _act(client, case, "resume_intervention", course.pk).status_code == 302
    assert Intervention.objects.get(pk=course.pk).status == "active"

    response = _act(
        client, case, "complete_intervention", course.pk, {"outcome": "met", "outcome_note": "ok"}
    )
    assert response.status_code == 302
    course.refresh_from_db()
    assert (course.status, course.outcome) == ("completed", "met")
    page = client.get(reverse("intervention_detail", args=[case.reference, course.pk]))
    assert "Goals met" in page.content.decode()


def test_stop_with_a_reason(client, caseworker, dialogue):
    case, course = dialogue
    client.force_login(caseworker)
    response = _act(client, case, "stop_intervention", course.pk, {"reason": "Moved district"})
    assert response.status_code == 302
    page = client.get(reverse("intervention_detail", args=[case.reference, course.pk]))
    assert "Moved district" in page.content.decode()
