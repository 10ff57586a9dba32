"""Notes: corrections by their author within the window, escalations that copy no text."""

import datetime

import pytest
from django.utils import timezone

from casemgmt.models import AgencyKind, Escalation
from casemgmt.services import notes

pytestmark = pytest.mark.django_db


def test_only_the_author_corrects_and_only_within_the_window(shared_case):
    case, writer = shared_case["case"], shared_case["a"]
    note = notes.note_add(
        case=case, by=writer, category="general", visibility="case_team", body="x"
    )
    with pytest.raises(Exception, match="Only the author"):
        notes.note_correct(note=note, by=shared_case[AgencyKind.POLICE], body="y")
    later = timezone.now() + notes.CORRECTION_WINDOW + datetime.timedelta(minutes=1)
    with pytest.raises(Exception, match="within 2 hours"):
        notes.note_correct(note=note, by=writer, body="y", now=later)


def test_security_note_text_is_not_copied_into_the_escalation(prison_school_team):
    note = notes.note_add(
        case=prison_school_team["case"],
        by=prison_school_team["officer"],
        category="security_concern",
        visibility="supervisors",
        body="SECRET detail",
        raise_escalation=True,
    )
    escalation = Escalation.objects.get(case=prison_school_team["case"])
    assert "SECRET" not in escalation.description
    assert str(note.pk) in escalation.description
