"""The case page: header, sections by role, and actions on records."""

import datetime

import pytest
from django.urls import reverse

from casemgmt import factories
from casemgmt.services import escalations, evidence
from tests.case_page import every_tab

pytestmark = pytest.mark.django_db


def test_case_page_of_another_agency_is_404(client, caseworker):
    other = factories.CaseFactory()
    client.force_login(caseworker)
    assert client.get(reverse("case_detail", args=[other.reference])).status_code == 404
    assert client.get(reverse("case_detail", args=["CS-1999-999999"])).status_code == 404


def test_case_page_shows_header_and_sections(client, caseworker, make_case):
    case = make_case("intake")
    client.force_login(caseworker)
    body = every_tab(client, case.reference)
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
    body = every_tab(client, case.reference)
    assert case.reference in body and 'id="section-legal"' in body
    assert "Add: Legal authority" not in body
    assert "Move this case" not in body


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
