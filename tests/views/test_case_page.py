"""The case page and every record form on it: valid, invalid, htmx, access."""

import datetime

import pytest
from django.urls import reverse

from casemgmt import factories
from casemgmt.models import (
    Assessment,
    AuditEvent,
    CaseTeamMember,
    Consent,
    Eligibility,
    Escalation,
    LegalAuthority,
    MonitoringPlan,
    MultiAgencyReview,
    Renunciation,
    Undertaking,
)
from casemgmt.services import escalations, evidence

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today().isoformat()
FUTURE = (datetime.date.today() + datetime.timedelta(days=5)).isoformat()


def test_case_page_of_another_agency_is_404(client, caseworker):
    other = factories.CaseFactory()
    client.force_login(caseworker)
    assert client.get(reverse("case_detail", args=[other.reference])).status_code == 404
    assert client.get(reverse("case_detail", args=["CS-1999-999999"])).status_code == 404


def test_case_page_shows_header_and_sections(client, caseworker, make_case):
    case = make_case("intake")
    client.force_login(caseworker)
    body = client.get(reverse("case_detail", args=[case.reference])).content.decode()
    for text in [
        case.reference,
        case.person.full_name,
        "Intake &amp; initial assessment",
        "Lead agency",
        "Next review due",
        "Timeline",
        "Add: Legal authority",
        'id="section-legal"',
    ]:
        assert text in body, text


def test_auditor_sees_the_case_but_no_forms(client, auditor, make_case):
    case = make_case()
    client.force_login(auditor)
    body = client.get(reverse("case_detail", args=[case.reference])).content.decode()
    assert case.reference in body
    assert "Add: Legal authority" not in body
    assert "Move this case" not in body


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
    "assessment": (
        Assessment,
        {
            "kind": "initial",
            "assessed_on": TODAY,
            "overall_concern": "moderate",
            "rationale": "Baseline",
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
    ("assessment", "overall_concern", "extreme", "Select a valid choice."),
    ("assessment", "assessed_on", FUTURE, "This date cannot be in the future."),
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
    assert AuditEvent.objects.count() == 0


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


def test_review_with_positions_and_dissent(client, caseworker, make_case, agency, stages):
    case = make_case("release_preparation")
    police = factories.AgencyFactory(kind="police")
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
    assert response.status_code == 302
    review = MultiAgencyReview.objects.get()
    assert {(p.agency_id, p.position, p.dissent) for p in review.positions.all()} == {
        (agency.pk, "agree", ""),
        (police.pk, "disagree", "Recent contact with the group"),
    }


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
    assert set(AuditEvent.objects.values_list("action", flat=True)) <= {"access.denied"}


class TestRecordActions:
    def test_verify_renunciation_by_someone_else(
        self, client, caseworker, other_caseworker, make_case
    ):
        case = make_case()
        r = evidence.renunciation_record(
            case=case,
            by=caseworker,
            kind="violence",
            declared_on=datetime.date.today(),
            witness_name="W",
        )
        url = reverse("record_action", args=[case.reference, "verify_renunciation", r.pk])
        client.force_login(caseworker)
        response = client.post(url, follow=True)
        assert "must be verified by someone other than who recorded it" in response.content.decode()
        client.force_login(other_caseworker)
        client.post(url)
        r.refresh_from_db()
        assert r.verified_by == other_caseworker

    def test_revoke_eligibility_needs_a_reason_and_a_supervisor(
        self, client, caseworker, supervisor, make_case
    ):
        case = make_case()
        e = evidence.eligibility_record(
            case=case,
            by=caseworker,
            decision="eligible",
            rationale="ok",
            decided_on=datetime.date.today(),
        )
        url = reverse("record_action", args=[case.reference, "revoke_eligibility", e.pk])
        client.force_login(caseworker)
        response = client.post(url, {"reason": "x"})
        assert "Only a supervisor can revoke eligibility." in response.content.decode()
        client.force_login(supervisor)
        response = client.post(url, {"reason": ""})
        assert "This field is required." in response.content.decode()
        e.refresh_from_db()
        assert not e.is_revoked
        client.post(url, {"reason": "New evidence"})
        e.refresh_from_db()
        assert e.revocation_reason == "New evidence"

    def test_record_of_another_case_is_404(self, client, caseworker, make_case):
        case = make_case()
        other = factories.CaseFactory()
        r = evidence.renunciation_record(
            case=other,
            by=factories.CaseworkerFactory(agency=other.lead_agency),
            kind="violence",
            declared_on=datetime.date.today(),
            witness_name="W",
        )
        client.force_login(caseworker)
        url = reverse("record_action", args=[case.reference, "verify_renunciation", r.pk])
        assert client.post(url).status_code == 404


def test_case_page_query_count_is_constant(
    client,
    caseworker,
    other_caseworker,
    make_case,
    django_assert_num_queries,
    django_assert_max_num_queries,
):
    case = make_case("released")
    client.force_login(caseworker)
    url = reverse("case_detail", args=[case.reference])

    def add(n):
        for i in range(n):
            evidence.legal_authority_record(
                case=case,
                by=caseworker,
                kind="court_order",
                reference=f"R{i}",
                issued_on=datetime.date.today(),
                issuing_body="ATC",
            )
            r = evidence.renunciation_record(
                case=case,
                by=caseworker,
                kind="violence",
                declared_on=datetime.date.today(),
                witness_name="W",
            )
            evidence.renunciation_verify(renunciation=r, by=other_caseworker)
            evidence.review_record(
                case=case,
                by=caseworker,
                kind="monitoring_review",
                held_on=datetime.date.today(),
                decision="ok",
                positions=[(caseworker.agency, "agree", "")],
            )
            escalations.escalation_raise(
                case=case, by=caseworker, trigger="threat", description="d"
            )

    add(1)
    client.get(url)
    with django_assert_max_num_queries(200) as small:
        client.get(url)
    add(15)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(url)


class TestSupervisorForms:
    def test_resolve_escalation_valid_and_invalid(self, client, caseworker, supervisor, make_case):
        case = make_case("released")
        esc = escalations.escalation_raise(
            case=case, by=caseworker, trigger="threat", description="d"
        )
        url = reverse("record_action", args=[case.reference, "resolve_escalation", esc.pk])
        client.force_login(supervisor)
        response = client.post(url, {"resolution": ""})
        assert "This field is required." in response.content.decode()
        esc.refresh_from_db()
        assert esc.status == "open"
        client.post(url, {"resolution": "Visit made; family reassured"})
        esc.refresh_from_db()
        assert esc.status == "resolved"

    def test_assign_caseworker_valid_and_invalid(
        self, client, supervisor, other_caseworker, make_case
    ):
        case = make_case()
        client.force_login(supervisor)
        url = reverse("assign_caseworker", args=[case.reference])
        outsider = factories.CaseworkerFactory()
        response = client.post(
            url, {"caseworker": outsider.pk, "version": case.version}, follow=True
        )
        assert "Choose a caseworker from an agency on the team." in response.content.decode()
        response = client.post(
            url, {"caseworker": other_caseworker.pk, "version": case.version + 5}, follow=True
        )
        assert "changed by someone else" in response.content.decode()
        client.post(url, {"caseworker": other_caseworker.pk, "version": case.version})
        case.refresh_from_db()
        assert case.assigned_caseworker == other_caseworker

    def test_unmerge_needs_a_reason(self, client, supervisor, make_case):
        from casemgmt.services import people as people_services

        keep = make_case()
        dup = make_case("exited").person
        merge = people_services.person_merge(
            by=supervisor, survivor=keep.person, duplicate=dup, reason="same"
        )
        client.force_login(supervisor)
        response = client.post(
            reverse("person_unmerge", args=[keep.person.reference, merge.pk]),
            {f"unmerge-{merge.pk}-reason": ""},
            follow=True,
        )
        assert "This field is required." in response.content.decode()
        merge.refresh_from_db()
        assert merge.reversed_at is None


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
