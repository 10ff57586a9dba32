"""The stage engine: moves, refusals, approvals, terminal stages, stale forms."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from casemgmt import factories, workflow
from casemgmt.errors import GatesNotMet, NotPermitted, StaleCase, TransitionNotAllowed
from casemgmt.models import (
    AuditEvent,
    CaseStatus,
    CaseTeamMember,
    EligibilityDecision,
    LegalAuthorityKind,
    Programme,
    StageTransition,
    TransitionStatus,
)
from casemgmt.services import escalations, evidence, people, sharing
from tests.audit_values import revealed

TODAY = datetime.date.today
# Queries of workflow.available_moves for a screened case, whatever its evidence.
MOVES_QUERIES = 15


@pytest.fixture
def screened_case(make_case, caseworker):
    """A referral whose screening gates are all met."""
    case = make_case("referral")
    people.person_verify_identity(person=case.person, by=caseworker, document_reference="CNIC")
    evidence.legal_authority_record(
        case=case,
        by=caseworker,
        kind=LegalAuthorityKind.COURT_ORDER,
        reference="ATC-1/2026",
        issued_on=TODAY(),
        issuing_body="Anti-Terrorism Court Swat",
    )
    evidence.eligibility_record(
        case=case,
        by=caseworker,
        decision=EligibilityDecision.ELIGIBLE,
        rationale="ok",
        decided_on=TODAY(),
    )
    case.refresh_from_db()
    return case


class TestRequestApplied:
    def test_move_applies_at_once_when_no_approval_needed(self, screened_case, caseworker, stages):
        before = AuditEvent.objects.count()
        move = workflow.request_transition(
            case=screened_case, to_stage=stages["intake"], by=caseworker, reason="Screened."
        )
        screened_case.refresh_from_db()
        assert move.status == TransitionStatus.APPLIED
        assert screened_case.current_stage == stages["intake"]
        assert screened_case.version == 2
        assert [r["met"] for r in move.gate_results] == [True, True, True, True]
        assert AuditEvent.objects.count() == before + 1
        event = AuditEvent.objects.latest("id")
        assert event.action == "case.transition_applied"
        assert event.changes["current_stage"] == [stages["referral"].pk, stages["intake"].pk]

    def test_unmet_gates_refuse_with_every_reason_and_write_nothing(
        self, make_case, caseworker, stages
    ):
        case = make_case("referral")
        before = AuditEvent.objects.count()
        with pytest.raises(GatesNotMet) as excinfo:
            workflow.request_transition(
                case=case, to_stage=stages["intake"], by=caseworker, reason="Go."
            )
        reasons = [r.reason for r in excinfo.value.unmet]
        assert "Identity not yet verified." in reasons
        assert any(r.startswith("No legal authority") for r in reasons)
        assert "Eligibility under No blood on hands not yet decided." in reasons
        assert "Identity not yet verified." in str(excinfo.value)
        case.refresh_from_db()
        assert case.current_stage == stages["referral"] and case.version == 1
        assert not StageTransition.objects.filter(case=case).exists()
        assert AuditEvent.objects.count() == before

    def test_reason_is_required(self, screened_case, caseworker, stages):
        with pytest.raises(ValidationError, match="Give a reason"):
            workflow.request_transition(
                case=screened_case, to_stage=stages["intake"], by=caseworker, reason="  "
            )


class TestRefusals:
    def test_move_not_allowed_from_current_stage(self, screened_case, caseworker, stages):
        with pytest.raises(
            TransitionNotAllowed, match="no move from “Referral & screening” to “Released"
        ):
            workflow.request_transition(
                case=screened_case, to_stage=stages["released"], by=caseworker, reason="Skip ahead."
            )

    def test_stage_of_another_programme(self, screened_case, caseworker):
        other = Programme.objects.create(name="Other", code="other", legal_framework="Act")
        stage = other.stages.create(
            key="start", name="Start", order=1, kind="intake", is_start=True
        )
        with pytest.raises(TransitionNotAllowed, match="not part of the programme"):
            workflow.request_transition(
                case=screened_case, to_stage=stage, by=caseworker, reason="x"
            )

    def test_role_not_allowed_to_request(self, screened_case, caseworker, stages):
        transition = screened_case.current_stage.exits.get(to_stage=stages["intake"])
        transition.allowed_roles = ["supervisor"]
        transition.save()
        with pytest.raises(
            NotPermitted, match=r"Your role \(Caseworker\) may not request this move"
        ):
            workflow.request_transition(
                case=screened_case, to_stage=stages["intake"], by=caseworker, reason="x"
            )

    def test_auditor_cannot_move_a_case(self, screened_case, auditor, stages):
        with pytest.raises(NotPermitted):
            workflow.request_transition(
                case=screened_case, to_stage=stages["intake"], by=auditor, reason="x"
            )
        screened_case.refresh_from_db()
        assert screened_case.current_stage == stages["referral"]

    def test_caseworker_of_an_agency_not_on_the_team(self, screened_case, stages):
        outsider = factories.CaseworkerFactory()
        with pytest.raises(NotPermitted, match="not on this case's team"):
            workflow.request_transition(
                case=screened_case, to_stage=stages["intake"], by=outsider, reason="x"
            )

    def test_terminal_stage_has_no_moves(self, make_case, caseworker, stages):
        case = make_case("completed")
        assert workflow.available_moves(case, caseworker) == []
        with pytest.raises(TransitionNotAllowed):
            workflow.request_transition(
                case=case, to_stage=stages["released"], by=caseworker, reason="x"
            )

    def test_stale_version_is_refused(self, screened_case, caseworker, stages):
        with pytest.raises(StaleCase, match="changed by someone else"):
            workflow.request_transition(
                case=screened_case,
                to_stage=stages["intake"],
                by=caseworker,
                reason="Screened.",
                expected_version=screened_case.version - 1 if screened_case.version > 1 else 99,
            )
        assert not StageTransition.objects.filter(case=screened_case).exists()


class TestApproval:
    @pytest.fixture
    def pending(self, make_case, caseworker, stages):
        case = make_case("intake")
        move = workflow.request_transition(
            case=case,
            reason_kind="withdrawn",
            to_stage=stages["exited"],
            by=caseworker,
            reason="Transferred.",
        )
        return move

    def test_request_needing_approval_stays_pending(self, pending, stages):
        case = pending.case
        case.refresh_from_db()
        assert pending.status == TransitionStatus.PENDING
        assert case.current_stage == stages["intake"]
        assert case.version == 2, "a pending request makes open forms stale"
        assert workflow.pending_move(case) == pending

    def test_second_request_while_pending_is_refused(self, pending, caseworker, stages):
        with pytest.raises(TransitionNotAllowed, match="already waiting for approval"):
            workflow.request_transition(
                case=pending.case,
                reason_kind="withdrawn",
                to_stage=stages["exited"],
                by=caseworker,
                reason="x",
            )

    def test_supervisor_approves_and_the_case_moves(self, pending, supervisor, stages):
        before = AuditEvent.objects.count()
        move = workflow.approve_transition(
            stage_transition=pending, by=supervisor, reason="Confirmed."
        )
        case = move.case
        case.refresh_from_db()
        assert move.status == TransitionStatus.APPLIED
        assert move.decided_by == supervisor
        assert case.current_stage == stages["exited"]
        assert case.status == CaseStatus.CLOSED
        assert case.closed_on == TODAY()
        assert AuditEvent.objects.count() == before + 1
        assert AuditEvent.objects.latest("id").action == "case.transition_approved"

    def test_caseworker_cannot_approve(self, pending, other_caseworker):
        with pytest.raises(NotPermitted, match="Only a supervisor"):
            workflow.approve_transition(stage_transition=pending, by=other_caseworker)

    def test_supervisor_cannot_approve_own_request(self, make_case, supervisor, stages):
        case = make_case("intake")
        move = workflow.request_transition(
            case=case, reason_kind="withdrawn", to_stage=stages["exited"], by=supervisor, reason="x"
        )
        with pytest.raises(NotPermitted, match="requested yourself"):
            workflow.approve_transition(stage_transition=move, by=supervisor)

    def test_reject_needs_a_reason_and_leaves_the_case(self, pending, supervisor, stages):
        with pytest.raises(ValidationError, match="reason for rejecting"):
            workflow.reject_transition(stage_transition=pending, by=supervisor, reason="")
        move = workflow.reject_transition(
            stage_transition=pending, by=supervisor, reason="Not transferred yet."
        )
        move.case.refresh_from_db()
        assert move.status == TransitionStatus.REJECTED
        assert move.case.current_stage == stages["intake"]
        with pytest.raises(TransitionNotAllowed, match="already been decided"):
            workflow.approve_transition(stage_transition=move, by=supervisor)

    def test_gates_are_checked_again_at_approval(
        self, make_case, caseworker, other_caseworker, supervisor, stages
    ):
        case = make_case("counselling")
        factories.record_assessment(
            case=case,
            by=caseworker,
            kind="review",
            assessed_on=TODAY(),
            overall_concern="low",
            rationale="r",
            clinical_by=factories.counsellor_on_team(case),
        )
        move = workflow.request_transition(
            case=case, to_stage=stages["release_preparation"], by=caseworker, reason="Ready."
        )
        assert move.status == TransitionStatus.PENDING
        escalations.escalation_raise(
            case=case, by=other_caseworker, trigger="threat", description="Threat reported."
        )
        with pytest.raises(GatesNotMet, match="open escalation"):
            workflow.approve_transition(stage_transition=move, by=supervisor)
        move.refresh_from_db()
        assert move.status == TransitionStatus.PENDING

    def test_requester_can_withdraw(self, pending, caseworker, other_caseworker):
        with pytest.raises(NotPermitted):
            workflow.withdraw_transition(
                stage_transition=pending, by=other_caseworker, reason="Not mine"
            )
        move = workflow.withdraw_transition(
            stage_transition=pending, by=caseworker, reason="  Filed on the wrong case. "
        )
        assert move.status == TransitionStatus.WITHDRAWN
        assert (move.decided_by, move.decision_reason) == (caseworker, "Filed on the wrong case.")
        event = AuditEvent.objects.filter(action="case.transition_withdrawn").get()
        assert event.actor == caseworker
        assert revealed(event.metadata) == {
            "move": move.pk,
            "requested_by": caseworker.pk,
            "reason": "Filed on the wrong case.",
        }

    def test_a_supervisor_who_may_decide_withdraws_someone_elses_request(
        self, pending, supervisor, caseworker, stages
    ):
        version = pending.case.version
        move = workflow.withdraw_transition(
            stage_transition=pending,
            by=supervisor,
            reason="Duplicate request",
            expected_version=version,
        )
        assert (move.status, move.decided_by) == (TransitionStatus.WITHDRAWN, supervisor)
        case = move.case
        case.refresh_from_db()
        assert case.version == version + 1 and case.current_stage == stages["intake"]
        # Other moves are possible again: the case is not held by a pending one.
        again = workflow.request_transition(
            case=case, reason_kind="withdrawn", to_stage=stages["exited"], by=caseworker, reason="y"
        )
        assert again.status == TransitionStatus.PENDING

    def test_withdrawal_needs_a_reason_and_writes_nothing_without_one(self, pending, caseworker):
        version = pending.case.version
        for reason in ("", "   "):
            with pytest.raises(ValidationError):
                workflow.withdraw_transition(stage_transition=pending, by=caseworker, reason=reason)
        pending.refresh_from_db()
        pending.case.refresh_from_db()
        assert pending.status == TransitionStatus.PENDING and pending.case.version == version
        assert not AuditEvent.objects.filter(action="case.transition_withdrawn").exists()

    def test_others_may_not_withdraw_and_nothing_changes(
        self, pending, other_caseworker, auditor, stages
    ):
        version = pending.case.version
        elsewhere = factories.SupervisorFactory(agency=factories.AgencyFactory())
        for user in (other_caseworker, auditor, elsewhere):
            with pytest.raises(NotPermitted):
                workflow.withdraw_transition(stage_transition=pending, by=user, reason="Mine now")
        pending.refresh_from_db()
        pending.case.refresh_from_db()
        assert pending.status == TransitionStatus.PENDING and pending.decision_reason == ""
        assert pending.case.version == version
        assert not AuditEvent.objects.filter(action="case.transition_withdrawn").exists()

    def test_a_stale_withdrawal_is_refused(self, pending, caseworker):
        with pytest.raises(StaleCase):
            workflow.withdraw_transition(
                stage_transition=pending,
                by=caseworker,
                reason="Old form",
                expected_version=pending.case.version - 1,
            )
        pending.refresh_from_db()
        assert pending.status == TransitionStatus.PENDING

    def test_a_decided_move_cannot_be_withdrawn(self, pending, caseworker, supervisor):
        workflow.reject_transition(stage_transition=pending, by=supervisor, reason="No")
        with pytest.raises(TransitionNotAllowed, match="already been decided"):
            workflow.withdraw_transition(stage_transition=pending, by=caseworker, reason="Late")


class TestEligibilityRevocation:
    def test_revoked_eligibility_blocks_forward_but_not_exit(
        self, screened_case, caseworker, supervisor, stages
    ):
        decision = screened_case.eligibility_decisions.get()
        workflow.request_transition(
            case=screened_case, to_stage=stages["intake"], by=caseworker, reason="ok"
        )
        evidence.eligibility_revoke(
            eligibility=decision, by=supervisor, reason="Evidence of killing."
        )
        moves = {
            m.transition.to_stage.key: m
            for m in workflow.available_moves(screened_case, caseworker)
        }
        forward = moves["case_conference"]
        assert not forward.all_met
        assert any("revoked" in r.reason for r in forward.unmet)
        # The exit asks only for its reason, chosen on the form.
        assert [r.gate for r in moves["exited"].unmet] == ["move_reason"]
        workflow.request_transition(
            case=screened_case,
            reason_kind="withdrawn",
            to_stage=stages["exited"],
            by=caseworker,
            reason="Ineligible.",
        )


class TestAvailableMoves:
    def test_lists_every_gate_with_met_and_reason(self, screened_case, caseworker):
        moves = workflow.available_moves(screened_case, caseworker)
        by_key = {m.transition.to_stage.key: m for m in moves}
        assert set(by_key) == {"intake", "exited"}
        assert by_key["intake"].all_met and by_key["intake"].may_request
        assert [r.gate for r in by_key["intake"].results] == [
            "eligibility_not_revoked",
            "identity_verified",
            "legal_authority_recorded",
            "eligible",
        ]

    def test_auditor_sees_moves_but_may_not_request(self, screened_case, auditor):
        moves = workflow.available_moves(screened_case, auditor)
        assert moves and not any(m.may_request for m in moves)

    def test_query_count_does_not_grow_with_evidence(
        self, screened_case, caseworker, django_assert_num_queries
    ):
        with django_assert_num_queries(MOVES_QUERIES):
            workflow.available_moves(screened_case, caseworker)
        for i in range(10):
            evidence.legal_authority_record(
                case=screened_case,
                by=caseworker,
                kind="court_order",
                reference=f"X-{i}",
                issued_on=TODAY(),
                issuing_body="Court",
            )
        with django_assert_num_queries(MOVES_QUERIES):
            workflow.available_moves(screened_case, caseworker)


def test_unknown_stage_key_is_refused(screened_case, caseworker):
    with pytest.raises(TransitionNotAllowed, match="Unknown stage “paradise”"):
        workflow.request_transition(
            case=screened_case, to_stage="paradise", by=caseworker, reason="x"
        )
    move = workflow.request_transition(
        case=screened_case, to_stage="intake", by=caseworker, reason="ok"
    )
    assert move.to_stage.key == "intake"


def test_a_supervisor_without_legal_and_risk_cannot_decide_moves(prison_school_team, stages):
    case = factories.CaseFactory(
        current_stage=stages["intake"], lead_agency=prison_school_team["officer"].agency
    )
    CaseTeamMember.objects.create(
        case=case, agency=prison_school_team["head_teacher"].agency, role="support"
    )
    sharing.sharing_record(
        case=case,
        by=prison_school_team["officer"],
        basis="consent",
        agency_kinds=["education"],
        purpose="reintegration",
        given_on=TODAY(),
    )
    move = workflow.request_transition(
        case=case,
        reason_kind="withdrawn",
        to_stage=stages["exited"],
        by=prison_school_team["officer"],
        reason="x",
    )
    with pytest.raises(NotPermitted):
        workflow.approve_transition(stage_transition=move, by=prison_school_team["head_teacher"])
    with pytest.raises(NotPermitted):
        workflow.reject_transition(
            stage_transition=move, by=prison_school_team["head_teacher"], reason="no"
        )


class TestStoredGateResults:
    def test_a_move_requested_in_english_shows_its_gate_reasons_in_urdu_to_an_urdu_reader(
        self, screened_case, caseworker, supervisor, stages
    ):
        from django.utils import translation

        from casemgmt.gates.render import render_stored
        from casemgmt.gates.text import local_date

        with translation.override("en"):
            move = workflow.request_transition(
                case=screened_case, to_stage=stages["intake"], by=caseworker, reason="Screened."
            )
            english = {r.gate: r.reason for r in render_stored(move.gate_results, caseworker)}
        move.refresh_from_db()
        # Stored as codes with their parameters, no text in the requester's language.
        assert all(r["code"] and "reason" not in r for r in move.gate_results)
        verified_at = screened_case.person.identity_verified_at
        assert english["identity_verified"] == f"Identity verified on {local_date(verified_at)}."
        # The viewer's language is the active one (the middleware activates their choice).
        with translation.override("ur"):
            urdu = {r.gate: r for r in render_stored(move.gate_results, supervisor)}
            verified_on = local_date(verified_at)
        assert urdu["identity_verified"].reason == f"شناخت کی تصدیق {verified_on} کو ہوئی۔"
        assert urdu["identity_verified"].label != "Identity verified"
        assert all(urdu[gate].reason != english[gate] for gate in english)
