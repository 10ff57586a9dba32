"""Regressions from a security review: class checks on actions, stale assignments,
emergency access limits, leaks through copies of text."""

import datetime

import pytest
from django.urls import reverse

from casemgmt import access, factories, scoring, workflow
from casemgmt.errors import NotPermitted
from casemgmt.models import AgencyKind, CaseTeamMember, Escalation
from casemgmt.services import (
    assessments,
    escalations,
    evidence,
    interventions,
    monitoring,
    notes,
    people,
    restriction,
    sharing,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture
def team(programme, stages):
    prison = factories.AgencyFactory(kind=AgencyKind.PRISON)
    education = factories.AgencyFactory(kind=AgencyKind.EDUCATION)
    case = factories.CaseFactory(
        programme=programme, current_stage=stages["released"], lead_agency=prison
    )
    officer = factories.CaseworkerFactory(agency=prison)
    sharing.sharing_record(
        case=case,
        by=officer,
        basis="consent",
        agency_kinds=["education"],
        purpose="reintegration",
        given_on=TODAY,
    )
    CaseTeamMember.objects.create(case=case, agency=education, role="support")
    return {
        "case": case,
        "officer": officer,
        "officer2": factories.CaseworkerFactory(agency=prison),
        "prison_supervisor": factories.SupervisorFactory(agency=prison),
        "teacher": factories.CaseworkerFactory(agency=education),
        "head_teacher": factories.SupervisorFactory(agency=education),
    }


def test_actions_on_records_follow_the_information_class(client, team):
    case = team["case"]
    assessment = assessments.assessment_record_overall(
        case=case,
        by=team["officer"],
        kind="review",
        assessed_on=TODAY,
        overall_concern="low",
        rationale="r",
    )
    escalation = escalations.escalation_raise(
        case=case,
        by=team["officer"],
        trigger="security_information",
        description="Seen with a recruiter",
    )
    entry = case.sharing_consents.get()
    eligibility = evidence.eligibility_record(
        case=case, by=team["officer"], decision="eligible", rationale="ok", decided_on=TODAY
    )
    for user, action, pk in [
        (team["teacher"], "second_review", assessment.pk),
        (team["head_teacher"], "resolve_escalation", escalation.pk),
        (team["head_teacher"], "acknowledge_escalation", escalation.pk),
        (team["teacher"], "end_sharing", entry.pk),
        (team["head_teacher"], "revoke_eligibility", eligibility.pk),
    ]:
        client.force_login(user)
        url = reverse("record_action", args=[case.reference, action, pk])
        assert client.get(url).status_code == 404, action
        assert client.post(url, {"reason": "x", "resolution": "x"}).status_code == 404, action
    assessment.refresh_from_db()
    escalation.refresh_from_db()
    entry.refresh_from_db()
    assert (
        not assessment.is_second_reviewed and escalation.status == "open" and entry.ended_at is None
    )


def test_an_assignment_does_not_outlive_the_agency_on_the_team(client, team):
    case, teacher = team["case"], team["teacher"]
    case.assigned_caseworker = teacher
    case.save()
    CaseTeamMember.objects.filter(case=case, agency=teacher.agency).update(left_on=TODAY)
    client.force_login(teacher)
    assert client.get(reverse("case_detail", args=[case.reference])).status_code == 404
    assert not access.can_write_case(teacher, case)


def test_emergency_access_cannot_change_person_records(team):
    case = team["case"]
    stranger = factories.SupervisorFactory(agency=factories.AgencyFactory(kind=AgencyKind.POLICE))
    restriction.break_glass_open(
        by=stranger, reference=case.reference, reason="Urgent: arrested at a checkpoint"
    )
    with pytest.raises(NotPermitted):
        people.person_verify_identity(person=case.person, by=stranger, document_reference="fake")
    own = factories.CaseFactory(lead_agency=stranger.agency)
    with pytest.raises(NotPermitted):
        people.person_merge(by=stranger, survivor=own.person, duplicate=case.person, reason="same")


def test_identity_is_verified_once_and_only_by_identity_readers(team):
    case = team["case"]
    with pytest.raises(NotPermitted):
        people.person_verify_identity(
            person=case.person, by=team["teacher"], document_reference="x"
        )
    people.person_verify_identity(person=case.person, by=team["officer"], document_reference="CNIC")
    case.person.refresh_from_db()
    with pytest.raises(Exception, match="already been verified"):
        people.person_verify_identity(
            person=case.person, by=team["officer"], document_reference="other"
        )


def test_security_note_text_is_not_copied_into_the_escalation(team):
    note = notes.note_add(
        case=team["case"],
        by=team["officer"],
        category="security_concern",
        visibility="supervisors",
        body="SECRET detail",
        raise_escalation=True,
    )
    escalation = Escalation.objects.get(case=team["case"])
    assert "SECRET" not in escalation.description
    assert str(note.pk) in escalation.description


def test_a_supervisor_without_legal_and_risk_cannot_decide_moves(team, stages):
    case = factories.CaseFactory(current_stage=stages["intake"], lead_agency=team["officer"].agency)
    CaseTeamMember.objects.create(case=case, agency=team["head_teacher"].agency, role="support")
    sharing.sharing_record(
        case=case,
        by=team["officer"],
        basis="consent",
        agency_kinds=["education"],
        purpose="reintegration",
        given_on=TODAY,
    )
    move = workflow.request_transition(
        case=case, to_stage=stages["exited"], by=team["officer"], reason="x"
    )
    with pytest.raises(NotPermitted):
        workflow.approve_transition(stage_transition=move, by=team["head_teacher"])
    with pytest.raises(NotPermitted):
        workflow.reject_transition(stage_transition=move, by=team["head_teacher"], reason="no")


def test_check_in_concerns_are_hidden_without_risk(client, team):
    case = team["case"]
    monitoring.monitoring_plan_record(
        case=case,
        by=team["officer"],
        responsible_agency=team["officer"].agency,
        residence="Home",
        starts_on=TODAY,
    )
    monitoring.check_in_record(
        case=case,
        by=team["officer"],
        held_on=TODAY,
        kind="phone",
        outcome="concern",
        concerns="MET-FORMER-COMMANDER",
    )
    client.force_login(team["teacher"])
    assert (
        "MET-FORMER-COMMANDER"
        not in client.get(reverse("case_detail", args=[case.reference])).content.decode()
    )


def test_clinical_intervention_goals_are_hidden(client, team):
    case = team["case"]
    course = interventions.intervention_start(
        case=case,
        by=team["officer"],
        kind="counselling",
        provider=team["officer"].agency,
        goals="TREAT-PTSD",
        starts_on=TODAY,
    )
    client.force_login(team["teacher"])
    body = client.get(
        reverse("intervention_detail", args=[case.reference, course.pk])
    ).content.decode()
    assert "TREAT-PTSD" not in body


def test_far_future_plan_start_is_refused(team):
    with pytest.raises(Exception, match="within the next year"):
        monitoring.monitoring_plan_record(
            case=team["case"],
            by=team["officer"],
            responsible_agency=team["officer"].agency,
            residence="Home",
            starts_on=datetime.date(9999, 12, 30),
        )


def test_bad_allow_list_grant_id_is_404(client, team):
    client.force_login(team["prison_supervisor"])
    url = reverse("case_access", args=[team["case"].reference])
    assert client.post(url, {"action": "remove", "grant": "abc"}).status_code == 404


def test_halves_round_up():
    assert scoring.half_up(12.5) == 13 and scoring.half_up(37.5) == 38
    assert (
        scoring.track_score([("moderate", False), ("low", False), ("low", False), ("low", False)])
        == 13
    )


def test_a_revoked_referral_is_gone_for_the_receiving_agency(client, team):
    from casemgmt.services import referrals

    case = team["case"]
    health = factories.AgencyFactory(kind=AgencyKind.HEALTH)
    entry = sharing.sharing_record(
        case=case,
        by=team["officer"],
        basis="consent",
        agency_kinds=["health"],
        purpose="health",
        given_on=TODAY,
    )
    referral = referrals.referral_send(
        case=case, by=team["officer"], to_agency=health, service="health", reason="PRIVATE reason"
    )
    nurse = factories.CaseworkerFactory(agency=health)
    client.force_login(nurse)
    assert client.get(reverse("referral_respond", args=[referral.pk])).status_code == 200
    sharing.sharing_end(entry=entry, by=team["officer"], reason="Consent withdrawn")
    assert client.get(reverse("referral_respond", args=[referral.pk])).status_code == 404
