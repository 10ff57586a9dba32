"""The stage move page: gates before submitting, refusals, stale forms, approvals."""

import datetime

import pytest
from django.urls import reverse

from casemgmt import factories, workflow
from casemgmt.models import StageTransition
from casemgmt.services import evidence, people
from tests.case_page import every_tab

pytestmark = pytest.mark.django_db


def test_gates_are_listed_with_reasons_before_submitting(client, caseworker, make_case):
    case = make_case("referral")
    client.force_login(caseworker)
    body = client.get(reverse("stage_move", args=[case.reference])).content.decode()
    assert "Identity not yet verified." in body
    assert "Eligibility under No blood on hands not yet decided." in body
    assert "conditions not met" in body
    assert "Needs supervisor approval" in body  # the exit move


def test_unmet_gate_refuses_with_reason_and_saves_nothing(client, caseworker, make_case, stages):
    case = make_case("referral")
    client.force_login(caseworker)
    response = client.post(
        reverse("stage_move", args=[case.reference]),
        {"version": case.version, "to_stage": stages["intake"].pk, "reason": "Screened"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "This move is not possible yet" in body
    assert "Identity not yet verified." in body
    assert "Screened" in body, "what was typed is kept"
    case.refresh_from_db()
    assert case.current_stage == stages["referral"]
    assert not StageTransition.objects.exists()


def test_missing_reason_is_a_field_error(client, caseworker, make_case, stages):
    case = make_case("referral")
    client.force_login(caseworker)
    response = client.post(
        reverse("stage_move", args=[case.reference]),
        {"version": case.version, "to_stage": stages["intake"].pk, "reason": ""},
    )
    assert "Reason for this move: This field is required." in response.content.decode()
    assert not StageTransition.objects.exists()


@pytest.mark.parametrize("to_stage", ["99999", "abc", ""])
def test_unknown_or_garbage_stage_is_a_clear_error(client, caseworker, make_case, to_stage):
    case = make_case("referral")
    client.force_login(caseworker)
    response = client.post(
        reverse("stage_move", args=[case.reference]),
        {"version": case.version, "to_stage": to_stage, "reason": "x"},
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not StageTransition.objects.exists()


def test_stage_of_another_programme_is_refused(client, caseworker, make_case):
    from casemgmt.models import Programme

    other = Programme.objects.create(name="Other", code="other", legal_framework="x")
    stage = other.stages.create(key="s", name="Elsewhere", order=1, kind="intake", is_start=True)
    case = make_case("referral")
    client.force_login(caseworker)
    response = client.post(
        reverse("stage_move", args=[case.reference]),
        {"version": case.version, "to_stage": stage.pk, "reason": "x"},
    )
    assert "That stage is not part of this case&#x27;s programme." in response.content.decode()


def _screen(case, caseworker):
    people.person_verify_identity(person=case.person, by=caseworker, document_reference="CNIC")
    evidence.legal_authority_record(
        case=case,
        by=caseworker,
        kind="court_order",
        reference="C1",
        issued_on=datetime.date.today(),
        issuing_body="ATC",
    )
    evidence.eligibility_record(
        case=case,
        by=caseworker,
        decision="eligible",
        rationale="ok",
        decided_on=datetime.date.today(),
    )


def test_met_gates_move_the_case(client, caseworker, make_case, stages):
    case = make_case("referral")
    _screen(case, caseworker)
    client.force_login(caseworker)
    response = client.post(
        reverse("stage_move", args=[case.reference]),
        {"version": case.version, "to_stage": stages["intake"].pk, "reason": "Screened"},
        follow=True,
    )
    assert "The case moved to “Intake &amp; initial assessment”." in response.content.decode()
    case.refresh_from_db()
    assert case.current_stage == stages["intake"]


def test_stale_form_says_so_and_shows_the_current_state(
    client, caseworker, other_caseworker, make_case, stages
):
    case = make_case("referral")
    _screen(case, caseworker)
    seen_version = case.version
    workflow.request_transition(
        case=case, to_stage=stages["intake"], by=other_caseworker, reason="First"
    )
    client.force_login(caseworker)
    response = client.post(
        reverse("stage_move", args=[case.reference]),
        {"version": seen_version, "to_stage": stages["intake"].pk, "reason": "Second"},
    )
    body = response.content.decode()
    assert "changed by someone else" in body
    assert "it is now in stage “Intake &amp; initial assessment”" in body
    assert "Ready for case conference" in body, "the moves from the current stage are shown"
    assert StageTransition.objects.count() == 1


def test_pending_move_is_shown_and_a_supervisor_decides(
    client, caseworker, supervisor, make_case, stages
):
    case = make_case("intake")
    client.force_login(caseworker)
    client.post(
        reverse("stage_move", args=[case.reference]),
        {
            "version": case.version,
            "to_stage": stages["exited"].pk,
            "reason": "Transferred",
            "reason_kind": "withdrawn",
        },
    )
    move = StageTransition.objects.get()
    assert move.status == "pending"
    body = every_tab(client, case.reference)
    assert "waits for a supervisor&#x27;s approval" in body
    assert reverse("decide_move", args=[move.pk, "approve"]) not in body, (
        "caseworkers do not approve"
    )
    # A caseworker posting the decision anyway is refused.
    case.refresh_from_db()
    client.post(reverse("decide_move", args=[move.pk, "approve"]), {"version": case.version})
    move.refresh_from_db()
    assert move.status == "pending"

    client.force_login(supervisor)
    assert move.case.reference in client.get(reverse("approvals")).content.decode()
    body = every_tab(client, case.reference)
    assert reverse("decide_move", args=[move.pk, "approve"]) in body
    response = client.post(
        reverse("decide_move", args=[move.pk, "reject"]),
        {"version": case.version, "reason": ""},
        follow=True,
    )
    assert "Give a reason for rejecting this move." in response.content.decode()
    response = client.post(
        reverse("decide_move", args=[move.pk, "approve"]),
        {"version": case.version, "reason": "ok"},
        follow=True,
    )
    assert "Approved: the case moved to “Exited”." in response.content.decode()
    case.refresh_from_db()
    assert case.current_stage == stages["exited"]


def test_decision_on_a_move_of_another_agency_is_404(client, supervisor, stages):
    other_case = factories.CaseFactory(current_stage=stages["intake"])
    worker = factories.CaseworkerFactory(agency=other_case.lead_agency)
    move = workflow.request_transition(
        case=other_case, reason_kind="withdrawn", to_stage=stages["exited"], by=worker, reason="x"
    )
    client.force_login(supervisor)
    response = client.post(reverse("decide_move", args=[move.pk, "approve"]), {"version": 2})
    assert response.status_code == 404
    assert (
        client.post(reverse("decide_move", args=[move.pk, "explode"]), {"version": 2}).status_code
        == 404
    )


def test_approvals_page_is_for_supervisors(client, caseworker, auditor):
    for user in [caseworker, auditor]:
        client.force_login(user)
        assert client.get(reverse("approvals")).status_code == 404


def test_a_counsellor_moving_a_case_is_not_told_about_escalations_they_cannot_read(
    client, programme, stages
):
    """The attack of issue 10 #13: a counsellor on the team opens the move page to learn
    how many security escalations are open on the case."""
    from casemgmt.models import AgencyKind, CaseTeamMember, EscalationTrigger
    from casemgmt.services import escalations

    prison = factories.AgencyFactory(kind=AgencyKind.PRISON)
    counselling = factories.AgencyFactory(kind=AgencyKind.COUNSELLING)
    case = factories.CaseFactory(
        programme=programme, current_stage=stages["released"], lead_agency=prison
    )
    CaseTeamMember.objects.create(case=case, agency=counselling, role="support")
    officer = factories.CaseworkerFactory(agency=prison)
    for _ in range(3):
        escalations.escalation_raise(
            case=case, by=officer, trigger=EscalationTrigger.SECURITY_INFORMATION, description="x"
        )
    counsellor = factories.CaseworkerFactory(agency=counselling)
    client.force_login(counsellor)
    body = client.get(reverse("stage_move", args=[case.reference])).content.decode()
    assert "open escalation(s)" not in body
    assert "may not read also blocks this move" in body
    client.force_login(officer)
    body = client.get(reverse("stage_move", args=[case.reference])).content.decode()
    assert "may not read also blocks this move" in body  # prisons do not read security either
