"""The forms added with need-to-know and monitoring: a valid submission and each kind of
invalid input, which shows the error and saves nothing."""

import datetime

import pytest
from django.urls import reverse

from casemgmt import factories
from casemgmt.models import (
    AgencyKind,
    CheckIn,
    Intervention,
    Note,
    ReengagementEvent,
    Referral,
    SharingConsent,
    StageTransition,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today().isoformat()
FUTURE = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()


def _p(prefix, data):
    return {f"{prefix}-{k}": v for k, v in data.items()}


@pytest.fixture
def released(make_case, caseworker, stages):
    case = make_case("released")
    StageTransition.objects.create(
        case=case,
        from_stage=stages["release_preparation"],
        to_stage=stages["released"],
        requested_by=caseworker,
        reason="r",
        status="applied",
        applied_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=30),
    )
    return case


def cases_for(kind, make_case, released, agency):
    return released if kind in ("check_in", "reengagement") else make_case("counselling")


VALID = {
    "note": (Note, {"category": "general", "visibility": "case_team", "body": "Calm week."}),
    "referral": (Referral, {"service": "monitoring", "reason": "Local monitoring"}),
    "sharing_consent": (
        SharingConsent,
        {"basis": "consent", "agency_kinds": ["health"], "purpose": "health", "given_on": TODAY},
    ),
    "intervention": (Intervention, {"kind": "education", "goals": "Literacy", "starts_on": TODAY}),
    "check_in": (CheckIn, {"held_on": TODAY, "kind": "phone", "outcome": "met"}),
    "reengagement": (ReengagementEvent, {"kind": "arrest", "occurred_on": TODAY}),
}

INVALID = [
    ("note", "body", "", "This field is required."),
    ("note", "raise_escalation", "on", "Only a security concern note raises an escalation."),
    ("note", "visibility", "everyone", "Select a valid choice."),
    ("referral", "reason", "", "This field is required."),
    ("referral", "service", "magic", "Select a valid choice."),
    ("sharing_consent", "agency_kinds", "", "Select a valid choice."),
    (
        "sharing_consent",
        "basis",
        "legal_authority",
        "Cite the legal authority that allows sharing.",
    ),
    ("sharing_consent", "given_on", FUTURE, "This date cannot be in the future."),
    ("intervention", "goals", "", "This field is required."),
    ("intervention", "starts_on", "soon", "Enter a valid date."),
    ("check_in", "outcome", "concern", "Describe the concern."),
    ("check_in", "held_on", FUTURE, "This date cannot be in the future."),
    ("reengagement", "kind", "rumour", "Select a valid choice."),
    ("reengagement", "occurred_on", "2000-01-01", "The event cannot be before the release"),
]


def _data(kind, agency, extra=None):
    model, data = VALID[kind]
    data = dict(data)
    if kind == "referral":
        data["to_agency"] = factories.AgencyFactory(kind=AgencyKind.POLICE).pk
    if kind == "intervention":
        data["provider"] = agency.pk
    data.update(extra or {})
    return model, data


@pytest.mark.parametrize("kind", sorted(VALID))
def test_valid(client, caseworker, make_case, released, agency, kind):
    case = cases_for(kind, make_case, released, agency)
    model, data = _data(kind, agency)
    client.force_login(caseworker)
    response = client.post(reverse("record_add", args=[case.reference, kind]), _p(kind, data))
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert model.objects.count() >= 1


@pytest.mark.parametrize(("kind", "field", "value", "message"), INVALID)
def test_invalid(client, caseworker, make_case, released, agency, kind, field, value, message):
    case = cases_for(kind, make_case, released, agency)
    model, data = _data(kind, agency, {field: value})
    before = model.objects.count()
    client.force_login(caseworker)
    response = client.post(reverse("record_add", args=[case.reference, kind]), _p(kind, data))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert model.objects.count() == before


def test_check_in_before_release_is_refused(client, caseworker, make_case):
    case = make_case("counselling")
    client.force_login(caseworker)
    response = client.get(reverse("case_detail", args=[case.reference]))
    assert "Add: Check-in" not in response.content.decode()
    response = client.post(
        reverse("record_add", args=[case.reference, "check_in"]),
        _p("check_in", {"held_on": TODAY, "kind": "phone", "outcome": "met"}),
    )
    assert "only for cases released" in response.content.decode()
    assert CheckIn.objects.count() == 0


def test_assessment_form_valid_and_invalid(client, caseworker, make_case):
    from casemgmt.models import Assessment, Item

    case = make_case("counselling")
    client.force_login(caseworker)
    url = reverse("assessment_new", args=[case.reference])
    form = client.get(url).context["form"]
    data = {name: "unknown" for name in form.fields if name.startswith("rating_")}
    data.update(
        {"kind": "review", "assessed_on": TODAY, "overall_concern": "low", "rationale": "r"}
    )
    item = Item.objects.filter(domain__key="disengagement").first()
    for bad, message in [
        ({f"rating_{item.pk}": "extreme"}, "Select a valid choice."),
        ({"rationale": ""}, "This field is required."),
        ({"assessed_on": FUTURE}, "This date cannot be in the future."),
    ]:
        response = client.post(url, {**data, **bad})
        assert message in response.content.decode()
        assert Assessment.objects.count() == 0
    response = client.post(url, data)
    assert response.status_code == 302
    assert Assessment.objects.get().instrument is not None


def test_session_form_valid_and_invalid(client, caseworker, make_case, agency):
    from casemgmt.services import interventions

    case = make_case("counselling")
    course = interventions.intervention_start(
        case=case,
        by=caseworker,
        kind="education",
        provider=agency,
        goals="g",
        starts_on=datetime.date.today(),
    )
    client.force_login(caseworker)
    url = reverse("intervention_detail", args=[case.reference, course.pk])
    base = {
        "held_on": TODAY,
        "duration_minutes": "60",
        "attendance": "attended",
        "facilitator": "T",
    }
    for bad, message in [
        ({"duration_minutes": "0"}, "Ensure this value is greater than or equal to 1."),
        ({"attendance": "asleep"}, "Select a valid choice."),
        ({"facilitator": ""}, "This field is required."),
    ]:
        assert message in client.post(url, {**base, **bad}).content.decode()
    assert course.sessions.count() == 0
    assert client.post(url, base).status_code == 302
    assert course.sessions.count() == 1


def test_break_glass_and_note_correction_forms(client, caseworker, make_case):
    from casemgmt.services import notes

    case = make_case()
    note = notes.note_add(
        case=case, by=caseworker, category="general", visibility="case_team", body="a"
    )
    client.force_login(caseworker)
    url = reverse("note_history", args=[case.reference, note.pk])
    assert "This field is required." in client.post(url, {"body": ""}).content.decode()
    assert client.post(url, {"body": "b"}).status_code == 302
    response = client.post(
        reverse("break_glass"), {"reference": "CS-1900-000000", "reason": "long enough reason"}
    )
    assert "No case has this reference." in response.content.decode()
    response = client.post(reverse("break_glass"), {"reference": case.reference, "reason": "short"})
    assert "State the emergency in a sentence" in response.content.decode()
