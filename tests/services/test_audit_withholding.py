"""Diffs follow the information classes: a clinical or security value (a note's body of a
clinical or security category, a clinical intervention's goals, reasons and session notes,
a clinical rating, its evidence and summary, an escalation's details of a clinical or
security trigger) never reaches the audit trail, only the fact and the field name. The
fields are those the personal-data inventory classes so (``casemgmt/personal_data``)."""

import datetime
import json

import pytest
from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder

from casemgmt import factories
from casemgmt.demo.bulk import events as bulk_events
from casemgmt.models import (
    AuditAction,
    AuditEvent,
    AuditPersonalValue,
    Domain,
    DomainSummary,
    Escalation,
    Intervention,
    InterventionStatus,
    Item,
    ItemRating,
    Note,
    Session,
)
from casemgmt.personal_data import never_in_trail, trail_withholds
from casemgmt.services import assessments, audit, escalations, interventions, notes

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
SECRET = "Qx7-nightmares-since-the-raid"


def trail_text() -> str:
    """Every audit event's label, changes and details, as the database holds them."""
    rows = AuditEvent.objects.values_list("target_label", "changes", "metadata")
    return json.dumps(list(rows), cls=DjangoJSONEncoder)


def assert_never_in_trail(*secrets: str) -> None:
    text = trail_text()
    assert AuditEvent.objects.exists()
    for secret in secrets:
        assert secret not in text


def redacted(info_class: str) -> dict:
    return {"redacted": info_class}


@pytest.fixture
def world(make_case, caseworker):
    case = make_case("prison_rehabilitation")
    counsellor = factories.counsellor_on_team(case)
    return {"case": case, "cw": caseworker, "counsellor": counsellor}


def _start(world, kind="counselling", goals="Goals"):
    by = world["counsellor"]
    return interventions.intervention_start(
        case=world["case"],
        by=by,
        kind=kind,
        provider=by.agency,
        goals=goals,
        starts_on=TODAY - datetime.timedelta(days=10),
    )


# --- the real services ---------------------------------------------------------------


@pytest.mark.parametrize("category", ["counselling", "health", "security_concern"])
def test_a_clinical_or_security_notes_body_and_its_correction(world, category):
    note = notes.note_add(
        case=world["case"], by=world["cw"], category=category, visibility="case_team", body=SECRET
    )
    notes.note_correct(note=note, by=world["cw"], body=SECRET + " (corrected)")
    assert_never_in_trail(SECRET)
    added = AuditEvent.objects.get(action=AuditAction.NOTE_ADDED)
    assert added.changes["category"] == [None, category]


def test_a_clinical_interventions_goals_session_notes_reasons_and_outcome(world):
    counsellor = world["counsellor"]
    course = _start(world, goals=f"{SECRET} goals")
    interventions.session_record(
        intervention=course,
        by=counsellor,
        held_on=TODAY,
        duration_minutes=50,
        attendance="attended",
        facilitator="Dr Afridi",
        progress_note=f"{SECRET} session",
    )
    interventions.intervention_change_status(
        intervention=course, by=counsellor, status="paused", reason=f"{SECRET} pause"
    )
    interventions.intervention_resume(intervention=course, by=counsellor)
    interventions.intervention_change_status(
        intervention=course,
        by=counsellor,
        status="stopped",
        reason=f"{SECRET} stop",
        outcome="not_met",
        outcome_note=f"{SECRET} outcome",
    )
    assert_never_in_trail(SECRET, "not_met")
    paused = AuditEvent.objects.get(action=AuditAction.INTERVENTION_PAUSED)
    assert paused.changes["pause_reason"] == ["", redacted("clinical")]
    stopped = AuditEvent.objects.get(action=AuditAction.INTERVENTION_STOPPED)
    assert stopped.changes == {
        "status": ["active", "stopped"],
        "stop_reason": ["", redacted("clinical")],
        "outcome": ["", redacted("clinical")],
        "outcome_note": ["", redacted("clinical")],
    }


def test_a_completed_clinical_interventions_outcome(world):
    course = _start(world)
    interventions.intervention_change_status(
        intervention=course,
        by=world["counsellor"],
        status="completed",
        outcome="met",
        outcome_note=SECRET,
    )
    assert_never_in_trail(SECRET)
    (done,) = AuditEvent.objects.filter(action=AuditAction.INTERVENTION_COMPLETED)
    assert done.changes["outcome_note"] == ["", redacted("clinical")]


def _held(value):
    """The value behind a personal value's marker (the trail's side table)."""
    return AuditPersonalValue.objects.get(digest=value["personal"]).value


def test_an_education_interventions_reasons_are_copied(world):
    """The class follows the row: an education course's pause reason is intervention
    information, kept for the trail (hashed, in the side table retention erases)."""
    course = _start(world, kind="education")
    interventions.intervention_change_status(
        intervention=course, by=world["counsellor"], status="paused", reason="Exams"
    )
    paused = AuditEvent.objects.get(action=AuditAction.INTERVENTION_PAUSED)
    before, after = paused.changes["pause_reason"]
    assert before == "" and after["class"] == "intervention" and _held(after) == "Exams"


@pytest.mark.parametrize(
    ("trigger", "info_class"),
    [
        ("mental_health", "clinical"),
        ("security_information", "security"),
        ("listed_contact", "security"),
    ],
)
def test_an_escalations_details_of_a_clinical_or_security_trigger(
    world, supervisor, trigger, info_class
):
    escalation = escalations.escalation_raise(
        case=world["case"], by=world["cw"], trigger=trigger, description=SECRET
    )
    escalations.escalation_acknowledge(escalation=escalation, by=supervisor)
    escalations.escalation_resolve(
        escalation=escalation, by=supervisor, resolution=f"{SECRET} resolved"
    )
    display = Escalation(trigger=trigger).get_trigger_display()
    assert_never_in_trail(SECRET, trigger, display)
    raised = AuditEvent.objects.get(action=AuditAction.MONITORING_ESCALATION_RAISED)
    assert raised.changes["description"] == [None, redacted(info_class)]
    assert raised.changes["trigger"] == [None, redacted(info_class)]
    assert raised.target_label == f"escalation {escalation.pk}"
    resolved = AuditEvent.objects.get(action=AuditAction.MONITORING_ESCALATION_RESOLVED)
    assert resolved.changes["resolution"] == ["", redacted(info_class)]
    assert resolved.changes["status"] == ["acknowledged", "resolved"]


def test_an_escalations_details_of_a_risk_trigger_are_copied(world):
    escalations.escalation_raise(
        case=world["case"], by=world["cw"], trigger="threat", description="Threatened a guard"
    )
    raised = AuditEvent.objects.get(action=AuditAction.MONITORING_ESCALATION_RAISED)
    before, after = raised.changes["description"]
    assert before is None and after["class"] == "risk" and _held(after) == "Threatened a guard"
    assert raised.changes["trigger"] == [None, "threat"]


def test_clinical_ratings_their_evidence_and_summaries(world):
    """Recorded by a counsellor at once, or as the clinical part afterwards."""
    from casemgmt.selectors.assessments import instrument_for

    case, counsellor = world["case"], world["counsellor"]
    instrument = instrument_for(case)
    clinical = list(Domain.objects.filter(instrument=instrument, is_clinical=True))
    assert clinical
    items = [i for d in clinical for i in d.items.all()]
    ratings = {i.pk: ("high", f"{SECRET} for", f"{SECRET} against", f"{SECRET} src") for i in items}
    others = {
        i.pk: ("low", "", "", "")
        for i in Item.objects.filter(domain__instrument=instrument, domain__is_clinical=False)
    }
    summaries = {d.pk: f"{SECRET} summary" for d in clinical}
    assessments.assessment_record(
        case=case,
        by=counsellor,
        instrument=instrument,
        kind="initial",
        assessed_on=TODAY,
        overall_concern="moderate",
        rationale="Baseline.",
        ratings={**others, **ratings},
        summaries=summaries,
    )
    pending = assessments.assessment_record(
        case=case,
        by=world["cw"],
        instrument=instrument,
        kind="review",
        assessed_on=TODAY,
        overall_concern="moderate",
        rationale="Review.",
        ratings=others,
    )
    assessments.assessment_record_clinical(
        assessment=pending, by=counsellor, ratings=ratings, summaries=summaries
    )
    assert ItemRating.objects.filter(evidence_for__startswith=SECRET).count() == 2 * len(items)
    assert_never_in_trail(SECRET)


# --- every field the inventory withholds, one by one ---------------------------------


@pytest.fixture
def rows(world):
    """A row in a clinical or security state for each field the trail may withhold, and
    the value that field holds there."""
    case, counsellor = world["case"], world["counsellor"]
    course = Intervention.objects.create(
        case=case,
        kind="counselling",
        provider=counsellor.agency,
        goals=SECRET,
        starts_on=TODAY,
        stop_reason=SECRET,
        pause_reason=SECRET,
        outcome="met",
        outcome_note=SECRET,
        status=InterventionStatus.STOPPED,
        recorded_by=counsellor,
    )
    session = Session.objects.create(
        intervention=course,
        held_on=TODAY,
        duration_minutes=50,
        attendance="attended",
        facilitator="F",
        progress_note=SECRET,
        recorded_by=counsellor,
    )
    note = Note.objects.create(
        case=case,
        author=world["cw"],
        agency=world["cw"].agency,
        category="security_concern",
        visibility="case_team",
        body=SECRET,
    )
    assessment = factories.record_assessment(
        case=case, by=counsellor, kind="initial", assessed_on=TODAY, rating="high"
    )
    assessment.clinical_unrated = True
    rating = ItemRating.objects.filter(assessment=assessment, item__domain__is_clinical=True)[0]
    rating.evidence_for = rating.evidence_against = rating.sources = SECRET
    rating.save()
    summary = DomainSummary.objects.create(
        assessment=assessment, domain=rating.item.domain, summary=SECRET
    )
    escalation = Escalation.objects.create(
        case=case,
        trigger="mental_health",
        description=SECRET,
        resolution=SECRET,
        raised_by=world["cw"],
    )
    return {
        "casemgmt.Note.body": (note, SECRET),
        "casemgmt.Intervention.goals": (course, SECRET),
        "casemgmt.Intervention.stop_reason": (course, SECRET),
        "casemgmt.Intervention.pause_reason": (course, SECRET),
        "casemgmt.Intervention.outcome_note": (course, SECRET),
        "casemgmt.Intervention.outcome": (course, "met"),
        "casemgmt.Session.progress_note": (session, SECRET),
        "casemgmt.Assessment.clinical_unrated": (assessment, True),
        "casemgmt.ItemRating.evidence_for": (rating, SECRET),
        "casemgmt.ItemRating.evidence_against": (rating, SECRET),
        "casemgmt.ItemRating.sources": (rating, SECRET),
        "casemgmt.ItemRating.rating": (rating, "high"),
        "casemgmt.DomainSummary.summary": (summary, SECRET),
        "casemgmt.Escalation.description": (escalation, SECRET),
        "casemgmt.Escalation.resolution": (escalation, SECRET),
        "casemgmt.Escalation.trigger": (escalation, "mental_health"),
    }


def test_every_field_the_inventory_withholds_is_tested_here(rows):
    assert set(rows) == set(never_in_trail())


@pytest.mark.parametrize("key", sorted(never_in_trail()))
def test_snapshot_created_and_diff_keep_the_fact_not_the_value(rows, key):
    row, value = rows[key]
    name = key.rsplit(".", 1)[1]
    info_class = trail_withholds(row, name, row)
    assert info_class in {"clinical", "security"}
    assert getattr(row, name) == value

    snap = audit.snapshot(row, [name])
    assert snap == {name: redacted(info_class)}
    assert audit.created(row, [name]) == {name: [None, redacted(info_class)]}
    # A change is still seen, and recorded as the fact alone.
    before = audit.snapshot(row, [name])
    empty = "" if isinstance(value, str) else None
    setattr(row, name, empty)
    assert audit.diff(before, audit.snapshot(row, [name])) == {name: [redacted(info_class), empty]}
    setattr(row, name, value)
    assert audit.diff(before, audit.snapshot(row, [name])) == {}
    if isinstance(value, str):
        assert value not in json.dumps(snap) + repr(snap)


@pytest.mark.parametrize("key", sorted(never_in_trail()))
def test_a_hand_built_change_is_withheld_by_record(rows, caseworker, key):
    """Whatever builds the changes, ``record`` writes the fact only; nor does the event's
    label show the value."""
    row, value = rows[key]
    name = key.rsplit(".", 1)[1]
    event = audit.record(
        actor=caseworker,
        action=AuditAction.CONFIG_CHANGED,
        target=row,
        changes={name: [None, value]},
    )
    event.refresh_from_db()
    info_class = trail_withholds(row, name, row)
    assert event.changes == {name: [None, redacted(info_class)]}
    assert SECRET not in event.target_label
    field = row._meta.get_field(name)
    if field.choices:
        assert str(getattr(row, f"get_{name}_display")()) not in event.target_label


def test_without_the_row_a_field_that_may_be_clinical_is_withheld():
    """Fail closed: the bulk seeder writes events without the row at hand."""
    assert audit.withhold(Note, {"body": [None, SECRET]}) == {"body": [None, redacted("clinical")]}
    assert audit.withhold(Note, {"category": [None, "general"]}) == {"category": [None, "general"]}


def test_the_bulk_seeder_writes_events_the_same_way():
    written = {}

    class Writer:
        def add(self, model, **values):
            written.update(values)
            return 1

    bulk_events.event(
        Writer(),
        action=AuditAction.NOTE_ADDED,
        target="note",
        target_id=1,
        label="CS-1",
        at=None,
        actor_id=None,
        case_id=None,
        changes={"category": [None, "health"], "body": [None, SECRET]},
    )
    assert written["changes"] == {
        "category": [None, "health"],
        "body": [None, redacted("clinical")],
    }
    assert apps.get_model("casemgmt", "note") is Note


def test_a_general_notes_body_is_intervention_information_and_not_withheld(world):
    note = Note(case=world["case"], category="general", body="Visited by his brother")
    assert audit.snapshot(note, ["body"]) == {"body": "Visited by his brother"}


def test_events_with_withheld_values_seal_and_verify(world):
    """The marker is plain JSON: the chain hashes it as it reads back, like any value."""
    from casemgmt.audit_trail.sealer import seal_pending
    from casemgmt.audit_trail.signing import trusted_keys
    from casemgmt.audit_trail.verification import verify_chain

    escalations.escalation_raise(
        case=world["case"], by=world["cw"], trigger="mental_health", description=SECRET
    )
    seal_pending()
    result = verify_chain(keys=trusted_keys()[0])
    assert result.ok and result.checked == AuditEvent.objects.count()
    assert_never_in_trail(SECRET)
