"""Acting from the approvals queue (issue 17): beside each move its recorded gates, the
latest assessment and review (each under the class rules of the case page), and a form to
approve or reject it that comes back to the queue; refusals when the gates no longer hold
or someone else decided first, and a constant number of queries."""

import datetime

import pytest
from django.urls import reverse

from casemgmt import factories, workflow
from casemgmt.models import (
    AgencyKind,
    AuditAction,
    AuditEvent,
    CaseTeamMember,
    StageTransition,
    TransitionStatus,
)
from casemgmt.services import escalations, reviews
from tests.audit_values import revealed

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
QUEUE = reverse("approvals")


def _assess_and_review(case, by):
    """A scored assessment and a multi-agency review of ``case``, by ``by``."""
    assessment = factories.record_assessment(
        case=case,
        by=by,
        kind="review",
        assessed_on=TODAY,
        clinical_by=factories.counsellor_on_team(case),
    )
    review = reviews.review_record(
        case=case,
        by=by,
        kind="case_conference",
        held_on=TODAY,
        decision="Ready for the next stage",
        positions=[(case.lead_agency, "agree", "")],
    )
    return assessment, review


@pytest.fixture
def ready(make_case, caseworker, stages):
    """A counselling case with an assessment and a review, and a move to release
    preparation waiting for approval (its gates met when asked for)."""
    case = make_case("counselling")
    assessment, review = _assess_and_review(case, caseworker)
    move = workflow.request_transition(
        case=case, to_stage=stages["release_preparation"], by=caseworker, reason="Ready."
    )
    assert move.status == TransitionStatus.PENDING
    case.refresh_from_db()
    return {"case": case, "move": move, "assessment": assessment, "review": review}


def _decide(client, move, decision, reason="", version=None, next_url=QUEUE):
    data = {"version": version or move.case.version, "reason": reason}
    if next_url is not None:
        data["next"] = next_url
    return client.post(reverse("decide_move", args=[move.pk, decision]), data)


def _messages(response):
    return [str(m) for m in response.context["messages"]]


def test_the_queue_shows_gates_assessment_and_review_beside_each_move(client, supervisor, ready):
    client.force_login(supervisor)
    response = client.get(QUEUE)
    body = response.content.decode()
    [move] = response.context["moves"]
    assert move.pk == ready["move"].pk
    # The gate snapshot recorded with the move, worded for the reader.
    assert move.gates and all(g.met for g in move.gates)
    assert "gate-met" in body
    # The latest assessment: its date and both tracks' scores, never combined.
    assessment = ready["assessment"]
    assert move.latest_assessment == assessment
    assert f"{assessment.disengagement_score}/100" in body
    assert f"{assessment.deradicalisation_score}/100" in body
    # The latest review, with each agency's position.
    assert move.latest_review == ready["review"]
    assert "Ready for the next stage" in body
    # The forms decide right here and come back to the queue.
    assert reverse("decide_move", args=[move.pk, "approve"]) in body
    assert reverse("decide_move", args=[move.pk, "reject"]) in body
    assert f'name="next" value="{QUEUE}"' in body
    event = AuditEvent.objects.get(action=AuditAction.READ_APPROVALS)
    assert event.metadata["cases"] == [ready["case"].pk]
    # Assessments and gates (risk, legal), reviews (intervention), the case.
    assert {"case", "legal", "risk", "intervention"} <= set(event.metadata["classes"])


def test_the_latest_assessment_and_review_are_the_latest(client, supervisor, caseworker, ready):
    case = ready["case"]
    newer = reviews.review_record(
        case=case,
        by=caseworker,
        kind="release_review",
        held_on=TODAY,
        decision="Second look",
        positions=[(case.lead_agency, "agree", "")],
    )
    client.force_login(supervisor)
    [move] = client.get(QUEUE).context["moves"]
    assert move.latest_review == newer
    assert move.latest_assessment == ready["assessment"]


def test_a_supervisor_reading_neither_legal_nor_risk_sees_no_gate_score_or_form(
    client, programme, stages
):
    """An education supervisor on the team: the case and the review (intervention), but
    not the gates or the scores (risk), and no form to decide."""
    prison = factories.AgencyFactory(kind=AgencyKind.PRISON)
    education = factories.AgencyFactory(kind=AgencyKind.EDUCATION)
    case = factories.CaseFactory(
        programme=programme, current_stage=stages["counselling"], lead_agency=prison
    )
    CaseTeamMember.objects.create(case=case, agency=education, role="support")
    officer = factories.CaseworkerFactory(agency=prison)
    assessment, _review = _assess_and_review(case, officer)
    move = workflow.request_transition(
        case=case, to_stage=stages["release_preparation"], by=officer, reason="Ready."
    )
    client.force_login(factories.SupervisorFactory(agency=education))
    response = client.get(QUEUE)
    body = response.content.decode()
    [shown] = response.context["moves"]
    assert shown.pk == move.pk
    assert shown.gates == [] and "gate-met" not in body
    assert shown.latest_assessment is None
    assert f"{assessment.disengagement_score}/100" not in body
    assert shown.latest_review is not None, "reviews are intervention records: readable"
    assert reverse("decide_move", args=[move.pk, "approve"]) not in body
    event = AuditEvent.objects.get(action=AuditAction.READ_APPROVALS)
    assert set(event.metadata["classes"]) == {"case", "intervention"}


def test_approving_from_the_queue_moves_the_case_and_records_it(client, supervisor, ready, stages):
    client.force_login(supervisor)
    client.get(QUEUE)
    response = _decide(client, ready["move"], "approve", reason="Seen the review")
    assert response.status_code == 302 and response["Location"] == QUEUE
    case = ready["case"]
    case.refresh_from_db()
    assert case.current_stage == stages["release_preparation"]
    event = AuditEvent.objects.get(action=AuditAction.CASE_TRANSITION_APPROVED)
    assert (event.actor, event.case) == (supervisor, case)
    assert revealed(event.metadata["reason"]) == "Seen the review"
    page = client.get(QUEUE)
    assert page.context["moves"] == []
    assert any("Approved" in m for m in _messages(page))


def test_rejecting_from_the_queue_needs_a_reason_and_keeps_the_case(
    client, supervisor, ready, stages
):
    client.force_login(supervisor)
    response = _decide(client, ready["move"], "reject", reason="")
    assert response["Location"] == QUEUE
    page = client.get(QUEUE)
    assert any("Give a reason for rejecting this move." in m for m in _messages(page))
    assert _decide(client, ready["move"], "reject", reason="Not yet")["Location"] == QUEUE
    ready["move"].refresh_from_db()
    assert ready["move"].status == TransitionStatus.REJECTED
    ready["case"].refresh_from_db()
    assert ready["case"].current_stage == stages["counselling"]
    assert AuditEvent.objects.filter(action=AuditAction.CASE_TRANSITION_REJECTED).count() == 1


def test_approval_is_refused_when_a_gate_no_longer_holds(
    client, supervisor, other_caseworker, ready, stages
):
    """A threat is reported after the request: the queue's approval is refused with the
    unmet gate named, and nothing changes."""
    escalations.escalation_raise(
        case=ready["case"], by=other_caseworker, trigger="threat", description="Threat reported."
    )
    client.force_login(supervisor)
    [shown] = client.get(QUEUE).context["moves"]
    before = AuditEvent.objects.exclude(action__startswith="read.").count()
    response = _decide(client, ready["move"], "approve", version=shown.case.version)
    assert response["Location"] == QUEUE
    messages = _messages(client.get(QUEUE))
    assert any(
        ready["case"].reference in m and "nothing was changed" in m and "open escalation" in m
        for m in messages
    ), messages
    ready["move"].refresh_from_db()
    assert ready["move"].status == TransitionStatus.PENDING
    ready["case"].refresh_from_db()
    assert ready["case"].current_stage == stages["counselling"]
    assert AuditEvent.objects.exclude(action__startswith="read.").count() == before


def test_a_second_supervisors_stale_form_is_refused(client, supervisor, agency, ready, stages):
    """Two supervisors open the queue; the first approves; the second's approval (and
    rejection) finds the move decided: a clear message and nothing changes."""
    second = factories.SupervisorFactory(agency=agency)
    client.force_login(second)
    [stale] = client.get(QUEUE).context["moves"]
    client.force_login(supervisor)
    assert _decide(client, ready["move"], "approve", version=stale.case.version).status_code == 302
    client.force_login(second)
    for decision in ["approve", "reject"]:
        response = _decide(client, stale, decision, reason="No", version=stale.case.version)
        assert response["Location"] == QUEUE
        messages = _messages(client.get(QUEUE))
        already = f"already applied by {supervisor.display_name}; nothing was changed"
        assert any(already in m for m in messages), messages
    move = StageTransition.objects.get(pk=ready["move"].pk)
    assert (move.status, move.decided_by) == (TransitionStatus.APPLIED, supervisor)
    assert AuditEvent.objects.filter(action=AuditAction.CASE_TRANSITION_APPROVED).count() == 1
    assert not AuditEvent.objects.filter(action=AuditAction.CASE_TRANSITION_REJECTED).exists()


def test_a_form_older_than_the_case_is_refused(client, supervisor, caseworker, agency, ready):
    """The case changed after the queue was shown (here: reassigned): the version the form
    carries is stale, and the decision is refused with the case named."""
    from casemgmt.services.cases import case_assign_caseworker

    client.force_login(supervisor)
    [shown] = client.get(QUEUE).context["moves"]
    case_assign_caseworker(
        case=ready["case"], by=supervisor, caseworker=factories.CaseworkerFactory(agency=agency)
    )
    response = _decide(client, ready["move"], "approve", version=shown.case.version)
    assert response["Location"] == QUEUE
    messages = _messages(client.get(QUEUE))
    assert any("changed by someone else" in m for m in messages), messages
    ready["move"].refresh_from_db()
    assert ready["move"].status == TransitionStatus.PENDING


def test_a_supervisor_of_another_agency_cannot_decide_from_a_crafted_form(
    client, ready, assert_refused
):
    outsider = factories.SupervisorFactory(agency=factories.AgencyFactory(name="Elsewhere"))
    client.force_login(outsider)
    assert client.get(QUEUE).context["moves"] == []
    assert_refused(
        lambda: _decide(client, ready["move"], "approve", reason="ok"), "casemgmt.stagetransition"
    )
    ready["move"].refresh_from_db()
    assert ready["move"].status == TransitionStatus.PENDING


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/approvals/", "//evil.example/", "javascript:alert(1)", ""]
)
def test_a_next_page_off_the_site_goes_back_to_the_case(client, supervisor, ready, next_url):
    client.force_login(supervisor)
    response = _decide(client, ready["move"], "reject", reason="No", next_url=next_url)
    assert response["Location"] == reverse("case_detail", args=[ready["case"].reference])


def test_the_queue_is_pinned_at_two_sizes(
    client, supervisor, caseworker, make_case, stages, django_assert_num_queries
):
    client.force_login(supervisor)

    def add(n):
        for _ in range(n):
            case = make_case("counselling")
            _assess_and_review(case, caseworker)
            workflow.request_transition(
                case=case, to_stage=stages["release_preparation"], by=caseworker, reason="Ready."
            )

    def pinned():
        client.get(QUEUE)  # warm up the session
        with django_assert_num_queries(QUERIES):
            return client.get(QUEUE)

    add(1)
    small = pinned()
    add(5)
    large = pinned()
    assert len(large.context["moves"]) == len(small.context["moves"]) + 5
    assert all(m.latest_assessment and m.latest_review for m in large.context["moves"])


# The page's 9 (tests/views/test_query_counts.py) plus the latest assessments (one query)
# and the latest reviews with their positions (two).
QUERIES = 12
