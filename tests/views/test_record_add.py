"""Adding a record from the case page (views.cases.record_add): each kind's form valid and
invalid (the error shown, nothing saved), full page and htmx, and who may add."""

import datetime

import pytest
from django.urls import reverse

from casemgmt import factories
from casemgmt.models import (
    AgencyKind,
    AuditEvent,
    CaseTeamMember,
    CheckIn,
    Consent,
    Eligibility,
    Escalation,
    Intervention,
    LegalAuthority,
    MonitoringPlan,
    MultiAgencyReview,
    Note,
    ReengagementEvent,
    Referral,
    Renunciation,
    SharingConsent,
    StageTransition,
    Undertaking,
)
from tests.case_page import every_tab

pytestmark = pytest.mark.django_db


TODAY = datetime.date.today().isoformat()


FUTURE = (datetime.date.today() + datetime.timedelta(days=5)).isoformat()


def _prefixed(prefix, data):
    return {f"{prefix}-{k}": v for k, v in data.items()}


VALID = {
    "legal_authority": (
        LegalAuthority,
        {
            "kind": "court_order",
            "reference": "ATC-9/2026",
            "issued_on": TODAY,
            "issuing_body": "ATC Swat",
        },
    ),
    "eligibility": (
        Eligibility,
        {"decision": "eligible", "rationale": "No blood on hands.", "decided_on": TODAY},
    ),
    "consent": (
        Consent,
        {
            "terms_version": "T1",
            "privacy_notice_version": "P1",
            "signed_on": TODAY,
            "witness_name": "W",
        },
    ),
    "renunciation": (
        Renunciation,
        {"kind": "violence", "declared_on": TODAY, "witness_name": "Imam"},
    ),
    "undertaking": (
        Undertaking,
        {
            "kind": "elders",
            "guarantor_name": "Jirga",
            "terms": "Weekly report",
            "signed_on": TODAY,
        },
    ),
    "escalation": (Escalation, {"trigger": "threat", "description": "Threat reported"}),
}


# (kind, field, bad value, message)
INVALID = [
    ("legal_authority", "reference", "", "This field is required."),
    ("legal_authority", "kind", "parking_ticket", "Select a valid choice."),
    ("legal_authority", "issued_on", FUTURE, "This date cannot be in the future."),
    ("legal_authority", "issued_on", "yesterday", "Enter a valid date."),
    ("eligibility", "decision", "maybe", "Select a valid choice."),
    ("eligibility", "rationale", "", "This field is required."),
    ("consent", "witness_name", "", "This field is required."),
    ("consent", "signed_on", FUTURE, "This date cannot be in the future."),
    ("renunciation", "kind", "everything", "Select a valid choice."),
    ("renunciation", "declared_on", "", "This field is required."),
    ("undertaking", "terms", "", "This field is required."),
    ("escalation", "trigger", "rumour", "Select a valid choice."),
    ("escalation", "description", "", "This field is required."),
]


@pytest.mark.parametrize("kind", sorted(VALID))
def test_valid_record_is_saved_and_audited(client, caseworker, make_case, kind):
    case = make_case()
    model, data = VALID[kind]
    client.force_login(caseworker)
    response = client.post(
        reverse("record_add", args=[case.reference, kind]), _prefixed(kind, data)
    )
    assert response.status_code == 302
    assert "#section-" in response.url
    assert model.objects.filter(case=case).count() == 1
    assert AuditEvent.objects.filter(case=case).count() == 1


@pytest.mark.parametrize(("kind", "field", "value", "message"), INVALID)
def test_invalid_record_shows_the_error_and_saves_nothing(
    client, caseworker, make_case, kind, field, value, message
):
    case = make_case()
    model, data = VALID[kind]
    client.force_login(caseworker)
    response = client.post(
        reverse("record_add", args=[case.reference, kind]), _prefixed(kind, {**data, field: value})
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert f'href="#id_{kind}-{field}"' in body
    assert model.objects.count() == 0
    # Nothing written; the form shown again (case and person name) is recorded as a read.
    assert list(
        AuditEvent.objects.exclude(action__startswith="auth.").values_list("action", flat=True)
    ) == ["read.case"]


@pytest.mark.parametrize("kind", sorted(VALID))
def test_htmx_add_returns_the_updated_section(client, caseworker, make_case, kind):
    case = make_case()
    model, data = VALID[kind]
    client.force_login(caseworker)
    response = client.post(
        reverse("record_add", args=[case.reference, kind]),
        _prefixed(kind, data),
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="section-')
    assert "recorded." in body
    assert model.objects.count() == 1


def test_htmx_add_with_errors_returns_the_section_with_the_form_open(client, caseworker, make_case):
    case = make_case()
    client.force_login(caseworker)
    response = client.post(
        reverse("record_add", args=[case.reference, "legal_authority"]),
        _prefixed("legal_authority", {"kind": "court_order"}),
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert '<details class="add-record mt-2" open>' in body
    assert "There is a problem" in body
    assert LegalAuthority.objects.count() == 0


def test_case_page_offers_each_add_form_behind_its_button_without_rendering_it(
    client, caseworker, make_case
):
    """The page stays small: each "Add" button loads its form when opened (htmx) and links
    to the form's own page without JavaScript; no empty form is rendered on the page."""
    case = make_case()
    client.force_login(caseworker)
    body = every_tab(client, case.reference)
    add_url = reverse("record_add", args=[case.reference, "legal_authority"])
    assert f'hx-get="{add_url}" hx-trigger="toggle once"' in body
    assert f'<a href="{add_url}">Open the form: Legal authority</a>' in body
    assert 'name="legal_authority-issuing_body"' not in body


@pytest.mark.parametrize("kind", sorted(VALID))
def test_htmx_get_returns_the_empty_form_alone_recorded_as_a_read(
    client, caseworker, make_case, kind
):
    case = make_case()
    client.force_login(caseworker)
    add_url = reverse("record_add", args=[case.reference, kind])
    response = client.get(add_url, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith(f'<form method="post" action="{add_url}"')
    assert f'hx-post="{add_url}"' in body
    assert "<html" not in body
    assert list(
        AuditEvent.objects.exclude(action__startswith="auth.").values_list("action", flat=True)
    ) == ["read.case"]


def test_htmx_get_of_a_form_is_refused_to_the_auditor_and_the_other_agency(
    client, auditor, make_case
):
    case = make_case()
    add_url = reverse("record_add", args=[case.reference, "note"])
    for user in [auditor, factories.CaseworkerFactory()]:
        client.force_login(user)
        response = client.get(add_url, HTTP_HX_REQUEST="true")
        assert response.status_code == 404
        assert "form" not in response.content.decode()
    assert set(
        AuditEvent.objects.exclude(action__startswith="auth.").values_list("action", flat=True)
    ) == {"access.denied"}


def test_unknown_record_kind_is_404(client, caseworker, make_case):
    case = make_case()
    client.force_login(caseworker)
    assert client.get(reverse("record_add", args=[case.reference, "spaceship"])).status_code == 404


@pytest.mark.parametrize("kind", sorted(VALID))
def test_other_agency_and_auditor_cannot_add(client, auditor, make_case, kind):
    case = make_case()
    model, data = VALID[kind]
    for user in [auditor, factories.CaseworkerFactory()]:
        client.force_login(user)
        response = client.post(
            reverse("record_add", args=[case.reference, kind]), _prefixed(kind, data)
        )
        assert response.status_code == 404
    assert model.objects.count() == 0
    # Nothing written, only the refused look-up recorded.
    assert set(
        AuditEvent.objects.exclude(action__startswith="auth.").values_list("action", flat=True)
    ) <= {"access.denied"}


def test_review_with_positions_and_dissent(client, caseworker, make_case, agency, stages):
    case = make_case("release_preparation")
    police = factories.AgencyFactory(kind="police")
    CaseTeamMember.objects.create(case=case, agency=police, role="support")
    client.force_login(caseworker)
    url = reverse("record_add", args=[case.reference, "review"])
    base = {
        "kind": "release_review",
        "held_on": TODAY,
        "decision": "Release",
        "recommended_stage": stages["released"].pk,
    }
    # No agency present.
    response = client.post(url, _prefixed("review", base))
    assert "Record at least one agency present" in response.content.decode()
    # Disagreement without a reason.
    response = client.post(url, _prefixed("review", {**base, f"position_{police.pk}": "disagree"}))
    assert "disagrees: record the reason for its dissent" in response.content.decode()
    assert MultiAgencyReview.objects.count() == 0
    response = client.post(
        url,
        _prefixed(
            "review",
            {
                **base,
                f"position_{agency.pk}": "agree",
                f"position_{police.pk}": "disagree",
                f"dissent_{police.pk}": "Recent contact with the group",
            },
        ),
    )
    # The police's position, typed by another agency's caseworker, names who attended.
    assert "name who attended for it" in response.content.decode()
    response = client.post(
        url,
        _prefixed(
            "review",
            {
                **base,
                f"position_{agency.pk}": "agree",
                f"position_{police.pk}": "disagree",
                f"dissent_{police.pk}": "Recent contact with the group",
                f"attended_by_{police.pk}": "Inspector Khan",
            },
        ),
    )
    assert response.status_code == 302
    review = MultiAgencyReview.objects.get()
    assert {(p.agency_id, p.position, p.dissent) for p in review.positions.all()} == {
        (agency.pk, "agree", ""),
        (police.pk, "disagree", "Recent contact with the group"),
    }


def test_review_with_agenda_attendees_and_actions(client, caseworker, make_case, agency, stages):
    case = make_case("release_preparation")
    client.force_login(caseworker)
    url = reverse("record_add", args=[case.reference, "review"])
    base = {
        "kind": "release_review",
        "held_on": TODAY,
        "decision": "Release recommended",
        "agenda": "1. Conduct 2. Family 3. Plan",
        f"position_{agency.pk}": "agree",
    }
    # An action without owner or due date is refused, with errors next to the fields.
    response = client.post(url, _prefixed("review", {**base, "action_text_0": "Visit family"}))
    body = response.content.decode()
    assert "Choose who owns the action." in body and "Give a due date." in body
    assert MultiAgencyReview.objects.count() == 0
    response = client.post(url, _prefixed("review", {**base, "attendee_name_0": "Dr Hina"}))
    assert "Choose the attendee&#x27;s agency." in response.content.decode()
    due = (datetime.date.today() + datetime.timedelta(days=7)).isoformat()
    response = client.post(
        url,
        _prefixed(
            "review",
            {
                **base,
                "attendee_name_0": "Tariq Shah",
                "attendee_agency_0": agency.pk,
                "action_text_0": "Visit the family",
                "action_owner_0": caseworker.pk,
                "action_due_0": due,
            },
        ),
    )
    assert response.status_code == 302
    review = MultiAgencyReview.objects.get()
    assert review.agenda == "1. Conduct 2. Family 3. Plan"
    assert [(a.name, a.agency_id) for a in review.attendees.all()] == [("Tariq Shah", agency.pk)]
    action = review.actions.get()
    assert (action.owner, action.due_on.isoformat()) == (caseworker, due)
    inbox = client.get(reverse("inbox")).content.decode()
    assert "Visit the family" in inbox
    client.post(reverse("record_action", args=[case.reference, "review_action_done", action.pk]))
    action.refresh_from_db()
    assert action.done_at is not None


def test_monitoring_plan_and_team_member(client, caseworker, make_case, agency):
    case = make_case("release_preparation")
    probation = factories.AgencyFactory(kind="probation")
    client.force_login(caseworker)
    client.post(
        reverse("record_add", args=[case.reference, "team_member"]),
        _prefixed("team_member", {"agency": probation.pk, "role": "monitoring"}),
    )
    assert CaseTeamMember.objects.filter(case=case, agency=probation, role="monitoring").exists()
    response = client.post(
        reverse("record_add", args=[case.reference, "team_member"]),
        _prefixed("team_member", {"agency": probation.pk, "role": "monitoring"}),
    )
    assert "is already on the team" in response.content.decode()
    response = client.post(
        reverse("record_add", args=[case.reference, "monitoring_plan"]),
        _prefixed(
            "monitoring_plan",
            {
                "responsible_agency": probation.pk,
                "contact_frequency": "weekly",
                "residence": "",
                "starts_on": TODAY,
            },
        ),
    )
    assert "This field is required." in response.content.decode()
    client.post(
        reverse("record_add", args=[case.reference, "monitoring_plan"]),
        _prefixed(
            "monitoring_plan",
            {
                "responsible_agency": probation.pk,
                "contact_frequency": "weekly",
                "residence": "Home village",
                "starts_on": TODAY,
            },
        ),
    )
    assert MonitoringPlan.objects.filter(case=case).count() == 1
    officer = factories.CaseworkerFactory(agency=probation)
    client.force_login(officer)
    member = CaseTeamMember.objects.get(case=case, agency=probation)
    client.post(reverse("record_action", args=[case.reference, "accept_case", member.pk]))
    assert CaseTeamMember.objects.get(case=case, agency=probation).accepted_at is not None


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


VALID_COLLABORATION = {
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


INVALID_COLLABORATION = [
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
    model, data = VALID_COLLABORATION[kind]
    data = dict(data)
    if kind == "referral":
        data["to_agency"] = factories.AgencyFactory(kind=AgencyKind.POLICE).pk
    if kind == "intervention":
        data["provider"] = agency.pk
    data.update(extra or {})
    return model, data


@pytest.mark.parametrize("kind", sorted(VALID_COLLABORATION))
def test_valid_collaboration_record(client, caseworker, make_case, released, agency, kind):
    case = cases_for(kind, make_case, released, agency)
    model, data = _data(kind, agency)
    client.force_login(caseworker)
    response = client.post(
        reverse("record_add", args=[case.reference, kind]), _prefixed(kind, data)
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert model.objects.count() >= 1


@pytest.mark.parametrize(("kind", "field", "value", "message"), INVALID_COLLABORATION)
def test_invalid_collaboration_record(
    client, caseworker, make_case, released, agency, kind, field, value, message
):
    case = cases_for(kind, make_case, released, agency)
    model, data = _data(kind, agency, {field: value})
    before = model.objects.count()
    client.force_login(caseworker)
    response = client.post(
        reverse("record_add", args=[case.reference, kind]), _prefixed(kind, data)
    )
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
        _prefixed("check_in", {"held_on": TODAY, "kind": "phone", "outcome": "met"}),
    )
    assert "only for cases released" in response.content.decode()
    assert CheckIn.objects.count() == 0
