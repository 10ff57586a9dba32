"""Deciding a stage move: a move outside the user's cases answers 404 and is recorded."""

import pytest
from django.urls import reverse

from casemgmt import factories, workflow
from casemgmt.models import TransitionStatus

pytestmark = pytest.mark.django_db


def test_deciding_a_move_on_a_case_out_of_scope_is_not_found_and_recorded(
    client, caseworker, make_case, stages, assert_refused
):
    case = make_case("intake")
    move = workflow.request_transition(
        case=case, reason_kind="withdrawn", to_stage=stages["exited"], by=caseworker, reason="x"
    )
    outsider = factories.SupervisorFactory(agency=factories.AgencyFactory())
    client.force_login(outsider)
    url = reverse("decide_move", args=[move.pk, "approve"])
    event = assert_refused(
        lambda: client.post(url, {"version": move.case.version, "reason": "ok"}),
        "casemgmt.stagetransition",
    )
    assert event.target_id == str(move.pk)
    move.refresh_from_db()
    assert move.status == TransitionStatus.PENDING


# --- the approvals queue (issue 10, #6) -----------------------------------------------


@pytest.fixture
def pending_on_prison_case(programme, stages):
    """A prison case with an education agency on its team, and a move waiting for approval
    whose reason cites police information."""
    from casemgmt.models import AgencyKind, CaseTeamMember

    prison = factories.AgencyFactory(kind=AgencyKind.PRISON)
    education = factories.AgencyFactory(kind=AgencyKind.EDUCATION)
    case = factories.CaseFactory(
        programme=programme, current_stage=stages["intake"], lead_agency=prison
    )
    CaseTeamMember.objects.create(case=case, agency=education, role="support")
    officer = factories.CaseworkerFactory(agency=prison)
    move = workflow.request_transition(
        case=case,
        reason_kind="withdrawn",
        to_stage=stages["exited"],
        by=officer,
        reason="Police report SECRET-417",
    )
    assert move.status == TransitionStatus.PENDING
    return {
        "case": case,
        "move": move,
        "prison_supervisor": factories.SupervisorFactory(agency=prison),
        "head_teacher": factories.SupervisorFactory(agency=education),
    }


def test_approvals_hide_the_reason_from_a_supervisor_without_legal_and_risk(
    client, pending_on_prison_case
):
    """The attack: an education supervisor on the team opens /approvals/ to read the
    police reason the case page hides from them."""
    w = pending_on_prison_case
    client.force_login(w["head_teacher"])
    body = client.get(reverse("approvals")).content.decode()
    assert w["case"].reference in body
    assert "SECRET-417" not in body
    # The prison supervisor, who may move the case, reads it.
    client.force_login(w["prison_supervisor"])
    assert "SECRET-417" in client.get(reverse("approvals")).content.decode()


def test_approvals_never_list_a_case_opened_through_emergency_access(
    client, pending_on_prison_case
):
    """The suspected leak: a supervisor outside the team opens emergency access to the case,
    then reads its pending move in /approvals/ and in the inbox."""
    from casemgmt.models import AgencyKind
    from casemgmt.services import restriction

    w = pending_on_prison_case
    police_supervisor = factories.SupervisorFactory(
        agency=factories.AgencyFactory(kind=AgencyKind.POLICE)
    )
    restriction.break_glass_open(
        by=police_supervisor, reference=w["case"].reference, reason="Threat reported tonight"
    )
    client.force_login(police_supervisor)
    for url in [reverse("approvals"), reverse("inbox")]:
        body = client.get(url).content.decode()
        assert w["case"].reference not in body, url
        assert "SECRET-417" not in body, url


# --- identifiers past 999 (found when the seeder's reserved keys reached 70,830) --------


def test_a_move_numbered_past_999_keeps_its_form_ids_and_values_unformatted(
    client, pending_on_prison_case
):
    """Thousand separators in ids and hidden values broke the approve form (and would
    post "1,234" as a key) once a table passed 999 rows."""
    from casemgmt.models import StageTransition

    move = pending_on_prison_case["move"]
    StageTransition.objects.filter(pk=move.pk).update(id=70830)
    client.force_login(pending_on_prison_case["prison_supervisor"])
    for language in ["en", "ur"]:
        client.cookies["django_language"] = language
        page = client.get(reverse("case_detail", args=[move.case.reference])).content.decode()
        assert 'id="approve-reason-70830"' in page
        assert "70,830" not in page
