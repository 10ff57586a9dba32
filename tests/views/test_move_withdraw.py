"""Withdrawing a pending move from its page: the requester, or a supervisor who may decide
it, with a reason; anyone else gets "not found" and nothing changes (issue 14, point 6)."""

import pytest
from django.urls import reverse

from casemgmt import factories, workflow
from casemgmt.models import AuditEvent, StageTransition, TransitionStatus
from tests.audit_values import revealed

pytestmark = pytest.mark.django_db

WITHDRAW_BUTTON = "Withdraw this request…"


@pytest.fixture
def pending(make_case, caseworker, stages):
    case = make_case("intake")
    return workflow.request_transition(
        case=case, reason_kind="withdrawn", to_stage=stages["exited"], by=caseworker, reason="x"
    )


def _url(move):
    return reverse("move_withdraw", args=[move.pk])


def _unchanged(move, version):
    move.refresh_from_db()
    move.case.refresh_from_db()
    assert move.status == TransitionStatus.PENDING and move.decision_reason == ""
    assert move.case.version == version
    assert not AuditEvent.objects.filter(action="case.transition_withdrawn").exists()


def test_the_requester_withdraws_with_a_reason_from_the_case_page(client, pending, caseworker):
    client.force_login(caseworker)
    case_page = client.get(reverse("case_detail", args=[pending.case.reference])).content.decode()
    assert WITHDRAW_BUTTON in case_page and _url(pending) in case_page
    form_page = client.get(_url(pending))
    assert form_page.status_code == 200
    assert "Exited" in form_page.content.decode()
    version = pending.case.version
    # No reason: the form says so, nothing is written.
    response = client.post(_url(pending), {"version": version, "reason": "  "})
    assert response.status_code == 200
    assert "Give a reason for withdrawing this request." in response.content.decode()
    _unchanged(pending, version)
    response = client.post(_url(pending), {"version": version, "reason": "Wrong case"})
    assert response.status_code == 302
    assert response.url == reverse("case_detail", args=[pending.case.reference])
    pending.refresh_from_db()
    assert (pending.status, pending.decision_reason) == (TransitionStatus.WITHDRAWN, "Wrong case")
    event = AuditEvent.objects.get(action="case.transition_withdrawn")
    assert revealed(event.metadata)["reason"] == "Wrong case"
    # The case page no longer shows the request, and a move may be asked for again.
    page = client.get(reverse("case_detail", args=[pending.case.reference])).content.decode()
    assert WITHDRAW_BUTTON not in page and "pending-move" not in page


def test_a_supervisor_withdraws_from_the_approvals_list(client, pending, supervisor):
    client.force_login(supervisor)
    approvals = client.get(reverse("approvals")).content.decode()
    assert WITHDRAW_BUTTON in approvals and _url(pending) in approvals
    case_page = client.get(reverse("case_detail", args=[pending.case.reference])).content.decode()
    assert _url(pending) in case_page
    response = client.post(
        _url(pending), {"version": pending.case.version, "reason": "Duplicate of another"}
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert (pending.status, pending.decided_by) == (TransitionStatus.WITHDRAWN, supervisor)


def test_a_stale_form_is_refused_with_a_clear_error(client, pending, caseworker):
    client.force_login(caseworker)
    version = pending.case.version
    response = client.post(_url(pending), {"version": version - 1, "reason": "Old form"})
    assert response.status_code == 200
    assert "changed by someone else" in response.content.decode()
    _unchanged(pending, version)


def test_a_decided_move_sends_back_to_the_case(client, pending, caseworker, supervisor):
    workflow.reject_transition(stage_transition=pending, by=supervisor, reason="No")
    client.force_login(caseworker)
    response = client.get(_url(pending))
    assert response.status_code == 302
    response = client.post(_url(pending), {"version": pending.case.version, "reason": "Late"})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == TransitionStatus.REJECTED and pending.decision_reason == "No"


@pytest.mark.parametrize("who", ["other_caseworker", "auditor", "outsider", "head_teacher"])
def test_others_are_refused_and_nothing_changes(client, pending, who, request, assert_refused):
    """Another caseworker of the agency, the auditor, a supervisor of another agency, and a
    supervisor on the team without legal and risk: no button, "not found", nothing written."""
    from casemgmt.models import AgencyKind, CaseTeamMember

    if who == "outsider":
        user = factories.SupervisorFactory(agency=factories.AgencyFactory())
    elif who == "head_teacher":
        school = factories.AgencyFactory(kind=AgencyKind.EDUCATION)
        CaseTeamMember.objects.create(case=pending.case, agency=school, role="support")
        user = factories.SupervisorFactory(agency=school)
    else:
        user = request.getfixturevalue(who)
    version = pending.case.version
    client.force_login(user)
    page = client.get(reverse("case_detail", args=[pending.case.reference]))
    assert WITHDRAW_BUTTON not in page.content.decode()
    if who == "head_teacher":
        assert WITHDRAW_BUTTON not in client.get(reverse("approvals")).content.decode()
    assert_refused(lambda: client.get(_url(pending)), "casemgmt.stagetransition")
    assert_refused(
        lambda: client.post(_url(pending), {"version": version, "reason": "Mine now"}),
        "casemgmt.stagetransition",
    )
    _unchanged(pending, version)
    assert StageTransition.objects.filter(status=TransitionStatus.WITHDRAWN).count() == 0
