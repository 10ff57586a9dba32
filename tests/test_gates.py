"""Every gate, met and unmet, with the reason a person reads."""

import datetime

import pytest
from django.utils import timezone

from casemgmt import factories, gates
from casemgmt.models import (
    AgencyKind,
    AssessmentKind,
    CaseTeamMember,
    EligibilityDecision,
    EscalationTrigger,
    LegalAuthorityKind,
    Position,
    RenunciationKind,
    ReviewKind,
    TeamRole,
)
from casemgmt.services import assessments, escalations, evidence, monitoring, people
from casemgmt.services import cases as case_services
from tests.conftest import transition_between

TODAY = datetime.date.today


def run(key, case, transition, params=None, now=None):
    """One gate on its own, as ``gates.evaluate`` runs each gate of a transition."""
    ctx = gates.GateContext(case=case, transition=transition, now=now or timezone.now())
    return gates.result_of(key, ctx, params or {})


@pytest.fixture
def case(make_case):
    return make_case("referral")


@pytest.fixture
def to_intake(stages):
    return transition_between(stages, "referral", "intake")


def test_identity_verified(case, to_intake, caseworker):
    result = run("identity_verified", case, to_intake)
    assert not result.met
    assert result.reason == "Identity not yet verified."
    people.person_verify_identity(person=case.person, by=caseworker, document_reference="CNIC card")
    case.person.refresh_from_db()
    result = run("identity_verified", case, to_intake)
    assert result.met
    assert result.reason.startswith("Identity verified on ")


def test_legal_authority_recorded_of_the_required_kind(case, to_intake, caseworker):
    params = {"kinds": [LegalAuthorityKind.COURT_ORDER, LegalAuthorityKind.DETENTION_ORDER]}
    result = run("legal_authority_recorded", case, to_intake, params)
    assert not result.met
    assert result.reason == (
        "No legal authority of the kind Court order or Detention order recorded."
    )
    evidence.legal_authority_record(
        case=case,
        by=caseworker,
        kind=LegalAuthorityKind.VOLUNTARY_REFERRAL,
        reference="VR-1",
        issued_on=TODAY(),
        issuing_body="District office",
    )
    assert not run("legal_authority_recorded", case, to_intake, params).met
    evidence.legal_authority_record(
        case=case,
        by=caseworker,
        kind=LegalAuthorityKind.DETENTION_ORDER,
        reference="DO-77/2026",
        issued_on=TODAY(),
        issuing_body="Home Department",
    )
    result = run("legal_authority_recorded", case, to_intake, params)
    assert result.met
    assert "Detention order DO-77/2026 issued by Home Department" in result.reason


def test_eligible_undecided_decided_and_revoked(case, to_intake, caseworker, supervisor):
    result = run("eligible", case, to_intake)
    assert not result.met
    assert result.reason == "Eligibility under No blood on hands not yet decided."
    decision = evidence.eligibility_record(
        case=case,
        by=caseworker,
        decision=EligibilityDecision.ELIGIBLE,
        rationale="No involvement in killing found in the court record.",
        decided_on=TODAY(),
    )
    assert run("eligible", case, to_intake).met
    evidence.eligibility_revoke(
        eligibility=decision, by=supervisor, reason="New evidence of a killing."
    )
    result = run("eligible", case, to_intake)
    assert not result.met
    assert "Eligibility was revoked on" in result.reason
    assert "New evidence of a killing." in result.reason


def test_not_eligible_decision(case, to_intake, caseworker):
    evidence.eligibility_record(
        case=case,
        by=caseworker,
        decision=EligibilityDecision.NOT_ELIGIBLE,
        rationale="Convicted of murder.",
        decided_on=TODAY(),
    )
    result = run("eligible", case, to_intake)
    assert not result.met
    assert result.reason == "Decided not eligible under No blood on hands."


def test_consent_signed(case, to_intake, caseworker):
    result = run("consent_signed", case, to_intake)
    assert result.reason == "Participation terms and privacy notice not yet signed."
    evidence.consent_record(
        case=case,
        by=caseworker,
        terms_version="T-2026.1",
        privacy_notice_version="P-2026.1",
        signed_on=TODAY(),
        witness_name="Jail superintendent",
    )
    result = run("consent_signed", case, to_intake)
    assert result.met
    assert "Terms T-2026.1 and privacy notice P-2026.1 signed" in result.reason


def test_consent_of_juvenile_needs_a_guardian(make_case, to_intake, caseworker):
    juvenile = factories.PersonFactory(date_of_birth=TODAY().replace(year=TODAY().year - 16))
    case = make_case("referral", person=juvenile)
    with pytest.raises(Exception, match="guardian"):
        evidence.consent_record(
            case=case,
            by=caseworker,
            terms_version="T1",
            privacy_notice_version="P1",
            signed_on=TODAY(),
            witness_name="W",
        )
    # A consent without guardian recorded before the rule (e.g. imported) still fails the gate.
    case.consents.create(
        terms_version="T1",
        privacy_notice_version="P1",
        signed_on=TODAY(),
        witness_name="W",
        recorded_by=caseworker,
    )
    result = run("consent_signed", case, to_intake)
    assert not result.met
    assert result.reason == "The person is under 18: a guardian's consent is required."


def test_juvenile_safeguards(make_case, to_intake, caseworker, agency):
    adult_case = make_case("referral")
    assert run("juvenile_safeguards", adult_case, to_intake).reason == "Not a juvenile."
    juvenile = factories.PersonFactory(date_of_birth=TODAY().replace(year=TODAY().year - 15))
    case = make_case("referral", person=juvenile)
    result = run("juvenile_safeguards", case, to_intake)
    assert not result.met
    assert result.reason == "The person is under 18: assign a juvenile-trained caseworker."
    trained = factories.CaseworkerFactory(agency=agency, juvenile_trained=True)
    case.assigned_caseworker = trained
    assert run("juvenile_safeguards", case, to_intake).met


def test_initial_assessment_reviewed(case, to_intake, caseworker, other_caseworker):
    assert (
        run("initial_assessment_reviewed", case, to_intake).reason
        == "No initial assessment recorded."
    )
    assessment = factories.record_assessment(
        case=case,
        by=caseworker,
        kind=AssessmentKind.INITIAL,
        assessed_on=TODAY(),
        overall_concern="moderate",
        rationale="Baseline.",
        clinical_by=factories.counsellor_on_team(case),
    )
    result = run("initial_assessment_reviewed", case, to_intake)
    assert not result.met
    assert "not yet checked by a second reviewer" in result.reason
    assessments.assessment_second_review(assessment=assessment, by=other_caseworker)
    assert run("initial_assessment_reviewed", case, to_intake).met


def test_assessment_recent(case, to_intake, caseworker):
    params = {"max_age_days": 30}
    result = run("assessment_recent", case, to_intake, params)
    assert result.reason == "No assessment recorded; this move needs one no older than 30 days."
    factories.record_assessment(
        case=case,
        by=caseworker,
        kind=AssessmentKind.REVIEW,
        assessed_on=TODAY() - datetime.timedelta(days=45),
        overall_concern="low",
        rationale="Six-monthly review.",
        clinical_by=factories.counsellor_on_team(case),
    )
    result = run("assessment_recent", case, to_intake, params)
    assert not result.met
    assert (
        result.reason
        == "Latest assessment is 45 days old; this move needs one no older than 30 days."
    )
    factories.record_assessment(
        case=case,
        by=caseworker,
        kind=AssessmentKind.PRE_RELEASE,
        assessed_on=TODAY() - datetime.timedelta(days=3),
        overall_concern="low",
        rationale="Pre-release.",
        clinical_by=factories.counsellor_on_team(case),
    )
    assert run("assessment_recent", case, to_intake, params).met
    # Restricted to a kind that is stale: unmet again.
    assert not run(
        "assessment_recent", case, to_intake, {"max_age_days": 30, "kinds": ["review"]}
    ).met


@pytest.mark.parametrize(
    ("gate", "kind", "words"),
    [
        ("renunciation_violence_verified", RenunciationKind.VIOLENCE, "violence"),
        ("renunciation_ideology_verified", RenunciationKind.VIOLENT_IDEOLOGY, "violent ideology"),
    ],
)
def test_renunciations_are_two_separate_verified_facts(
    case, to_intake, caseworker, other_caseworker, gate, kind, words
):
    assert run(gate, case, to_intake).reason == f"Renunciation of {words} not yet recorded."
    other_kind = (
        RenunciationKind.VIOLENT_IDEOLOGY
        if kind == RenunciationKind.VIOLENCE
        else RenunciationKind.VIOLENCE
    )
    other = evidence.renunciation_record(
        case=case, by=caseworker, kind=other_kind, declared_on=TODAY(), witness_name="Elder"
    )
    evidence.renunciation_verify(renunciation=other, by=other_caseworker)
    assert not run(gate, case, to_intake).met, "the other renunciation must not count"
    record = evidence.renunciation_record(
        case=case, by=caseworker, kind=kind, declared_on=TODAY(), witness_name="Elder"
    )
    result = run(gate, case, to_intake)
    assert not result.met
    assert result.reason.endswith("but not yet verified.")
    evidence.renunciation_verify(renunciation=record, by=other_caseworker)
    result = run(gate, case, to_intake)
    assert result.met
    assert f"Renunciation of {words} verified by" in result.reason


def test_multi_agency_review_quorum(make_case, stages, caseworker, agency):
    case = make_case("release_preparation")
    release = transition_between(stages, "release_preparation", "released")
    params = {
        "review_kind": ReviewKind.RELEASE_REVIEW,
        "required_agency_kinds": ["prison", "police"],
    }
    result = run("multi_agency_review", case, release, params)
    assert (
        result.reason
        == "No release review recommending “Released: reintegration & monitoring” recorded."
    )
    prison = factories.AgencyFactory(kind=AgencyKind.PRISON)
    police = factories.AgencyFactory(kind=AgencyKind.POLICE)
    for other in (prison, police):
        CaseTeamMember.objects.create(case=case, agency=other, role="support")
    evidence.review_record(
        case=case,
        by=caseworker,
        kind=ReviewKind.RELEASE_REVIEW,
        held_on=TODAY(),
        decision="Release recommended by majority.",
        recommended_stage=stages["released"],
        positions=[(prison, Position.AGREE, "", "P. Warden"), (agency, Position.AGREE, "")],
    )
    result = run("multi_agency_review", case, release, params)
    assert not result.met
    assert "no police agency present" in result.reason
    evidence.review_record(
        case=case,
        by=caseworker,
        kind=ReviewKind.RELEASE_REVIEW,
        held_on=TODAY(),
        decision="Police dissent.",
        recommended_stage=stages["released"],
        positions=[
            (prison, Position.AGREE, "", "P. Warden"),
            (police, Position.DISAGREE, "Recent contact with the group reported.", "Insp. K"),
        ],
    )
    _confirm_all(case)
    result = run("multi_agency_review", case, release, params)
    assert not result.met
    assert "the police agency did not agree" in result.reason
    evidence.review_record(
        case=case,
        by=caseworker,
        kind=ReviewKind.RELEASE_REVIEW,
        held_on=TODAY(),
        decision="Release recommended unanimously.",
        recommended_stage=stages["released"],
        positions=[(prison, Position.AGREE, "", "P. Warden"), (police, Position.AGREE, "", "K")],
    )
    result = run("multi_agency_review", case, release, params)
    assert not result.met
    assert "position was recorded on its behalf and awaits its confirmation" in result.reason
    _confirm_all(case)
    result = run("multi_agency_review", case, release, params)
    assert result.met
    assert "(2 agencies present)" in result.reason


def _confirm_all(case):
    """Each agency's own staff confirm the positions the chair recorded for it."""
    from casemgmt.models import ReviewPosition
    from casemgmt.services import reviews

    for position in ReviewPosition.objects.filter(review__case=case, confirmed_at__isnull=True):
        if position.on_behalf:
            user = factories.CaseworkerFactory(agency=position.agency)
            reviews.review_position_confirm(position=position, by=user)


def test_review_recommending_another_stage_does_not_count(make_case, stages, caseworker, agency):
    case = make_case("release_preparation")
    release = transition_between(stages, "release_preparation", "released")
    evidence.review_record(
        case=case,
        by=caseworker,
        kind=ReviewKind.RELEASE_REVIEW,
        held_on=TODAY(),
        decision="Not yet: return to prison programme.",
        recommended_stage=stages["prison_rehabilitation"],
        positions=[(agency, Position.AGREE, "")],
    )
    assert not run("multi_agency_review", case, release, {"review_kind": "release_review"}).met


def test_release_decision_recorded(make_case, stages, caseworker):
    case = make_case("release_preparation")
    release = transition_between(stages, "release_preparation", "released")
    result = run("release_decision_recorded", case, release)
    assert result.reason == "The release authority's decision (release order) is not yet recorded."
    evidence.legal_authority_record(
        case=case,
        by=caseworker,
        kind=LegalAuthorityKind.RELEASE_ORDER,
        reference="RO-12",
        issued_on=TODAY(),
        issuing_body="Review Board",
    )
    assert (
        run("release_decision_recorded", case, release).reason
        == "Release order RO-12 by Review Board."
    )


def test_receiving_agency_accepted(make_case, stages, caseworker):
    case = make_case("release_preparation")
    release = transition_between(stages, "release_preparation", "released")
    assert run("receiving_agency_accepted", case, release).reason == (
        "No receiving (monitoring) agency on the case team."
    )
    probation = factories.AgencyFactory(kind=AgencyKind.PROBATION, name="Probation Dir")
    case_services.team_member_add(
        case=case, by=caseworker, agency=probation, role=TeamRole.MONITORING
    )
    result = run("receiving_agency_accepted", case, release)
    assert result.reason == "Probation Dir has not yet accepted the case."
    officer = factories.CaseworkerFactory(agency=probation)
    case_services.team_member_accept_case(member=case.team.get(agency=officer.agency), by=officer)
    assert run("receiving_agency_accepted", case, release).met


def test_undertaking_recorded_and_programme_without_undertakings(
    make_case, stages, caseworker, programme
):
    case = make_case("release_preparation")
    release = transition_between(stages, "release_preparation", "released")
    assert run("undertaking_recorded", case, release).reason == (
        "No guarantor's or elders' undertaking recorded."
    )
    evidence.undertaking_record(
        case=case,
        by=caseworker,
        kind="elders",
        guarantor_name="Jirga of Mingora",
        terms="Report any contact with the group.",
        signed_on=TODAY(),
    )
    assert run("undertaking_recorded", case, release).met
    other = make_case("release_preparation")
    programme.uses_undertaking = False
    assert run("undertaking_recorded", other, release).reason == (
        "This programme does not use undertakings."
    )


def test_monitoring_plan_exists(make_case, stages, caseworker, agency):
    case = make_case("release_preparation")
    release = transition_between(stages, "release_preparation", "released")
    assert run("monitoring_plan_exists", case, release).reason == "No monitoring plan recorded."
    monitoring.monitoring_plan_record(
        case=case,
        by=caseworker,
        responsible_agency=agency,
        contact_frequency="weekly",
        residence="With family in Mingora",
        starts_on=TODAY(),
    )
    assert "weekly contact" in run("monitoring_plan_exists", case, release).reason


def test_no_open_escalation(make_case, stages, caseworker, supervisor):
    case = make_case("released")
    complete = transition_between(stages, "released", "completed")
    assert run("no_open_escalation", case, complete).met
    escalation = escalations.escalation_raise(
        case=case,
        by=caseworker,
        trigger=EscalationTrigger.MISSED_CONTACT,
        description="Missed two visits.",
    )
    result = run("no_open_escalation", case, complete)
    assert not result.met
    assert result.reason == "1 open escalation(s) must be resolved first."
    # Acknowledging takes it in hand; it stays open until resolved.
    escalation = escalations.escalation_acknowledge(escalation=escalation, by=supervisor)
    assert not run("no_open_escalation", case, complete).met
    escalations.escalation_resolve(
        escalation=escalation, by=supervisor, resolution="Contact re-established."
    )
    assert run("no_open_escalation", case, complete).met


def test_min_time_in_stage(make_case, stages):
    case = make_case("prison_rehabilitation")
    transition = transition_between(stages, "prison_rehabilitation", "counselling")
    result = run("min_time_in_stage", case, transition, {"days": 30})
    assert result.reason == "In this stage for 0 days; at least 30 are required."
    later = timezone.now() + datetime.timedelta(days=31)
    assert run("min_time_in_stage", case, transition, {"days": 30}, now=later).met


def test_eligibility_not_revoked_blocks_forward_moves_only(
    make_case, stages, caseworker, supervisor
):
    case = make_case("intake")
    decision = evidence.eligibility_record(
        case=case, by=caseworker, decision="eligible", rationale="ok", decided_on=TODAY()
    )
    forward = transition_between(stages, "intake", "case_conference")
    exit_ = transition_between(stages, "intake", "exited")
    assert forward.is_forward and not exit_.is_forward
    evidence.eligibility_revoke(eligibility=decision, by=supervisor, reason="Found ineligible.")
    results = gates.evaluate(case, forward)
    assert results[0].gate == "eligibility_not_revoked"
    assert not results[0].met
    assert all(r.gate != "eligibility_not_revoked" for r in gates.evaluate(case, exit_))


def test_unknown_gate_is_reported_not_crashed(case, to_intake):
    # A gate removed from the code while a programme still names it.
    to_intake.gates.create(gate="no_such_gate", params={})
    (result,) = [r for r in gates.evaluate(case, to_intake) if r.gate == "no_such_gate"]
    assert not result.met
    assert "Unknown gate" in result.reason


class TestParams:
    def test_unknown_gate(self):
        with pytest.raises(gates.GateConfigError, match="Unknown gate"):
            gates.validate_params("nope", {})

    def test_missing_required(self):
        with pytest.raises(gates.GateConfigError, match="needs the parameter “max_age_days”"):
            gates.validate_params("assessment_recent", {})

    def test_wrong_type(self):
        with pytest.raises(gates.GateConfigError, match="whole number"):
            gates.validate_params("min_time_in_stage", {"days": "ten"})

    def test_unknown_choice(self):
        with pytest.raises(gates.GateConfigError, match="unknown values: parking_ticket"):
            gates.validate_params("legal_authority_recorded", {"kinds": ["parking_ticket"]})

    def test_unknown_param(self):
        with pytest.raises(gates.GateConfigError, match="has no parameter colour"):
            gates.validate_params("identity_verified", {"colour": 1})

    @pytest.mark.django_db
    def test_every_shipped_gate_configuration_is_valid(self):
        from casemgmt.models import TransitionGate

        configured = list(TransitionGate.objects.all())
        assert configured
        for tg in configured:
            gates.validate_params(tg.gate, tg.params)


# --- a reason names only what its reader may read (issue 10, #13) ---------------------


COUNSELLOR = frozenset({"case", "legal", "risk", "clinical", "intervention"})
PRISON = frozenset({"case", "identity", "location", "legal", "risk", "intervention"})


def read_as(key, case, transition, readable, params=None):
    ctx = gates.GateContext(case=case, transition=transition, readable=readable)
    return gates.result_of(key, ctx, params or {})


def test_escalations_a_reader_may_not_read_are_not_counted_but_said_to_block(
    make_case, stages, caseworker
):
    case = make_case("released")
    complete = transition_between(stages, "released", "completed")
    for trigger in [
        EscalationTrigger.MISSED_CONTACT,
        EscalationTrigger.SECURITY_INFORMATION,
        EscalationTrigger.MENTAL_HEALTH,
    ]:
        escalations.escalation_raise(case=case, by=caseworker, trigger=trigger, description="x")
    counsellor = read_as("no_open_escalation", case, complete, COUNSELLOR)
    assert not counsellor.met
    assert counsellor.reason.startswith("2 open escalation(s) must be resolved first.")
    assert "3" not in counsellor.reason
    assert "may not read also blocks this move: staff of Police on the case" in counsellor.reason
    prison = read_as("no_open_escalation", case, complete, PRISON)
    assert prison.reason.startswith("1 open escalation(s) must be resolved first.")
    assert "Police" in prison.reason and "Health" in prison.reason
    # Only hidden ones open: no count at all, still blocked.
    only_hidden = make_case("released")
    escalations.escalation_raise(
        case=only_hidden,
        by=caseworker,
        trigger=EscalationTrigger.SECURITY_INFORMATION,
        description="x",
    )
    result = read_as("no_open_escalation", only_hidden, complete, COUNSELLOR)
    assert not result.met and "open escalation(s)" not in result.reason
    # With every class (no reader), the full count.
    assert run("no_open_escalation", case, complete).reason.startswith("3 open")


def test_identity_and_monitoring_plan_reasons_are_hidden_without_their_class(
    make_case, stages, caseworker, agency
):
    case = make_case("release_preparation")
    release = transition_between(stages, "release_preparation", "released")
    people.person_verify_identity(person=case.person, by=caseworker, document_reference="CNIC")
    monitoring.monitoring_plan_record(
        case=case,
        by=caseworker,
        responsible_agency=agency,
        contact_frequency="weekly",
        residence="With family in Mingora",
        starts_on=TODAY(),
    )
    case.person.refresh_from_db()
    for key in ["identity_verified", "monitoring_plan_exists"]:
        full = run(key, case, release)
        hidden = read_as(key, case, release, COUNSELLOR)
        assert hidden.met == full.met is True
        assert hidden.reason == "Met; the record it checks is one you may not read."
        assert read_as(key, case, release, PRISON).reason == full.reason
    fresh = make_case("release_preparation")
    unmet = read_as("monitoring_plan_exists", fresh, release, COUNSELLOR)
    assert not unmet.met
    assert unmet.reason.startswith("Not met, on a record you may not read: staff of Prison")


def test_every_gate_declares_the_class_its_reason_cites():
    from casemgmt.info_classes import InfoClass

    assert {spec.key: spec.info_class in set(InfoClass) for spec in gates.REGISTRY.values()} == {
        key: True for key in gates.REGISTRY
    }
    assert gates.REGISTRY["identity_verified"].info_class == InfoClass.IDENTITY
    assert gates.REGISTRY["monitoring_plan_exists"].info_class == InfoClass.LOCATION


def test_results_stored_on_a_move_are_shown_to_a_later_reader_under_the_same_rule():
    from casemgmt.gates.render import stored_for_reader

    stored = [
        {
            "gate": "identity_verified",
            "label": "Identity verified",
            "met": True,
            "reason": "Identity verified on 1 May 2026.",
            "info_class": "identity",
        },
        # Stored before results kept their class: the gate's class now.
        {
            "gate": "monitoring_plan_exists",
            "label": "Monitoring plan exists",
            "met": True,
            "reason": "Monitoring plan from 1 May 2026 (weekly contact).",
        },
        {"gate": "gone", "label": "Gone", "met": True, "reason": "secret"},
        {
            "gate": "min_time_in_stage",
            "label": "Minimum time",
            "met": True,
            "reason": "In this stage for 40 days.",
            "info_class": "case",
        },
    ]
    shown = stored_for_reader(stored, COUNSELLOR)
    assert [r.reason for r in shown][:3] == [
        "Met; the record it checks is one you may not read."
    ] * 3
    assert shown[3].reason == "In this stage for 40 days."


# --- results stored on a move: codes worded for each later reader ---


def test_a_stored_result_the_viewer_may_not_read_is_shown_without_details(make_case):
    from casemgmt.gates.render import hidden_blocker, render_stored, stored_for_reader

    counsellor = factories.CaseworkerFactory(
        agency=factories.AgencyFactory(kind=AgencyKind.COUNSELLING)
    )
    prison = factories.CaseworkerFactory(agency=factories.AgencyFactory(kind=AgencyKind.PRISON))
    stored = [
        {
            "gate": "identity_verified",
            "met": True,
            "info_class": "identity",
            "code": "identity.verified",
            "params": {"date": "2026-05-01"},
        },
        {
            "gate": "no_open_escalation",
            "met": False,
            "info_class": "risk",
            "code": "escalation.open",
            "params": {"classes": ["risk", "security", "risk"]},
        },
    ]
    shown = render_stored(stored, counsellor)
    assert shown[0].reason == "Met; the record it checks is one you may not read."
    assert "2026" not in shown[0].reason
    # Counted only where the viewer may read the escalation; the rest named as a blocker.
    assert shown[1].reason == (
        "2 open escalation(s) must be resolved first. " + hidden_blocker("security")
    )
    assert render_stored(stored, prison)[0].reason == "Identity verified on 1 May 2026."
    everything = stored_for_reader(stored, frozenset({"identity", "risk", "security"}))
    assert everything[1].reason == "3 open escalation(s) must be resolved first."


def test_a_result_stored_before_codes_still_renders(caseworker):
    from django.utils import translation

    from casemgmt.gates.render import render_stored

    stored = [
        {
            "gate": "min_time_in_stage",
            "label": "Minimum time in stage",
            "met": True,
            "reason": "In this stage for 40 days.",
            "info_class": "case",
        },
        {
            "gate": "gone",
            "label": "Gone",
            "met": False,
            "reason": "Old text.",
            "info_class": "case",
        },
    ]
    (old, gone) = render_stored(stored, caseworker)
    assert (old.label, old.met, old.reason) == (
        "Minimum time in stage",
        True,
        "In this stage for 40 days.",
    )
    assert (gone.label, gone.reason) == ("Gone", "Old text.")
    with translation.override("ur"):
        (old_ur, _gone) = render_stored(stored, caseworker)
    # The label is worded now; the stored text is all there is of the reason.
    assert old_ur.label != "Minimum time in stage"
    assert old_ur.reason == "In this stage for 40 days."


def test_every_gate_result_carries_a_code_that_words_it_the_same(make_case, stages):
    from casemgmt.gates.reasons import render_reason

    case = make_case("referral")
    forward = transition_between(stages, "referral", "intake")
    for result in gates.evaluate(case, forward):
        assert result.code, result.gate
        assert render_reason(result.code, result.params) == result.reason
        assert "reason" not in result.as_dict()
