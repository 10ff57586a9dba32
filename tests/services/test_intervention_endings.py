"""Interventions end (P4, P9): paused and resumed, completed with an outcome, stopped with a
reason; dialogue sessions record their topic and the facilitator's progress note."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from casemgmt.errors import InvalidStatusChange
from casemgmt.models import AuditAction, AuditEvent, Intervention, InterventionStatus, Session
from casemgmt.services import interventions
from tests.audit_values import revealed
from tests.services.conftest import audit_events, build_in_status

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def _change(intervention, by, status, **kwargs):
    return interventions.intervention_change_status(
        intervention=intervention, by=by, status=status, **kwargs
    )


def test_pause_needs_a_reason_then_resume_then_complete_with_an_outcome(status_world):
    cw = status_world["cw"]
    course = build_in_status(Intervention, InterventionStatus.ACTIVE, status_world)
    with pytest.raises(ValidationError, match="Say why the intervention is paused"):
        _change(course, cw, InterventionStatus.PAUSED)
    assert not AuditEvent.objects.exists()

    course = _change(course, cw, InterventionStatus.PAUSED, reason="In hospital")
    assert (course.status, course.pause_reason) == ("paused", "In hospital")
    (paused,) = audit_events(AuditAction.INTERVENTION_PAUSED)
    assert revealed(paused.changes)["pause_reason"] == ["", "In hospital"]

    with pytest.raises(ValidationError, match="paused: resume it"):
        interventions.session_record(
            intervention=course,
            by=cw,
            held_on=TODAY,
            duration_minutes=30,
            attendance="attended",
            facilitator="F",
        )

    with pytest.raises(InvalidStatusChange):
        _change(course, cw, InterventionStatus.ACTIVE)  # resumed, not started again
    course = interventions.intervention_resume(intervention=course, by=cw)
    (resumed,) = audit_events(AuditAction.INTERVENTION_RESUMED)
    assert resumed.changes["status"] == ["paused", "active"]

    with pytest.raises(ValidationError, match="its outcome"):
        _change(course, cw, InterventionStatus.COMPLETED)
    course = _change(
        course, cw, InterventionStatus.COMPLETED, outcome="partly", outcome_note="Reads well"
    )
    course.refresh_from_db()
    assert (course.status, course.outcome, course.outcome_note) == (
        "completed",
        "partly",
        "Reads well",
    )
    (completed,) = audit_events(AuditAction.INTERVENTION_COMPLETED)
    assert completed.changes["outcome"] == ["", "partly"]


def test_an_unknown_outcome_is_refused(status_world):
    course = build_in_status(Intervention, InterventionStatus.ACTIVE, status_world)
    with pytest.raises(ValidationError, match="listed outcomes"):
        _change(course, status_world["cw"], InterventionStatus.COMPLETED, outcome="great")
    course.refresh_from_db()
    assert course.status == "active"
    assert not AuditEvent.objects.exists()


def test_a_paused_intervention_can_be_stopped_with_a_reason_and_outcome(status_world):
    course = build_in_status(Intervention, InterventionStatus.PAUSED, status_world)
    with pytest.raises(ValidationError, match="stopped"):
        _change(course, status_world["cw"], InterventionStatus.STOPPED)
    course = _change(
        course, status_world["cw"], InterventionStatus.STOPPED, reason="Moved", outcome="not_met"
    )
    assert (course.stop_reason, course.outcome) == ("Moved", "not_met")


def test_a_stopped_intervention_does_not_pause(status_world):
    course = build_in_status(Intervention, InterventionStatus.STOPPED, status_world)
    with pytest.raises(InvalidStatusChange):
        _change(course, status_world["cw"], InterventionStatus.PAUSED, reason="r")


def test_a_dialogue_session_names_its_topic(status_world):
    cw = status_world["cw"]
    dialogue = build_in_status(Intervention, InterventionStatus.ACTIVE, status_world)
    Intervention.objects.filter(pk=dialogue.pk).update(kind="narrative")
    dialogue.refresh_from_db()
    base = {
        "intervention": dialogue,
        "by": cw,
        "held_on": TODAY,
        "duration_minutes": 60,
        "facilitator": "Maulana R.",
    }
    with pytest.raises(ValidationError) as exc:
        interventions.session_record(**base, attendance="attended", progress_note="Open")
    assert "topic" in exc.value.message_dict
    assert not Session.objects.exists()

    session = interventions.session_record(
        **base,
        attendance="attended",
        topic="Jihad in the classical sources",
        progress_note="Questioned the recruiter's reading; asked for more texts.",
    )
    session.refresh_from_db()
    assert session.topic == "Jihad in the classical sources"
    assert session.progress_note.startswith("Questioned")
    # A missed session has nothing discussed.
    interventions.session_record(**base, attendance="missed")


def test_only_dialogue_sessions_keep_a_topic(status_world):
    course = build_in_status(Intervention, InterventionStatus.ACTIVE, status_world)
    session = interventions.session_record(
        intervention=course,
        by=status_world["cw"],
        held_on=TODAY,
        duration_minutes=60,
        attendance="attended",
        facilitator="T",
        topic="ignored",
    )
    assert session.topic == ""
