"""Programmes are data: a different programme, built only through the models, works."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from casemgmt import factories, workflow
from casemgmt.errors import GatesNotMet
from casemgmt.models import Programme, Stage, Transition, TransitionGate
from casemgmt.services import cases, evidence, people


@pytest.fixture
def community_programme(db):
    """A short community-only programme: no custody, an undertaking, a waiting time."""
    programme = Programme.objects.create(
        name="Community Disengagement Programme",
        code="community",
        legal_framework="Provincial Reintegration Ordinance 2024, s. 7",
        exclusion_rule="No conviction for a violent offence",
        uses_undertaking=True,
    )
    s = {}
    for order, (key, kind, start, terminal) in enumerate(
        [
            ("assessment", "assessment", True, False),
            ("mentoring", "community", False, False),
            ("graduated", "completed", False, True),
        ],
        start=1,
    ):
        s[key] = Stage.objects.create(
            programme=programme,
            key=key,
            name=key.title(),
            order=order,
            kind=kind,
            is_start=start,
            is_terminal=terminal,
        )
    t1 = Transition.objects.create(
        programme=programme,
        from_stage=s["assessment"],
        to_stage=s["mentoring"],
        allowed_roles=["caseworker"],
    )
    TransitionGate.objects.create(transition=t1, gate="undertaking_recorded")
    TransitionGate.objects.create(transition=t1, gate="renunciation_violence_verified")
    t2 = Transition.objects.create(
        programme=programme,
        from_stage=s["mentoring"],
        to_stage=s["graduated"],
        requires_approval=True,
        allowed_roles=["caseworker", "supervisor"],
    )
    TransitionGate.objects.create(transition=t2, gate="min_time_in_stage", params={"days": 0})
    return programme, s


def test_a_case_moves_through_another_programme(
    community_programme, agency, caseworker, other_caseworker, supervisor
):
    programme, s = community_programme
    person = people.person_register(
        by=caseworker, full_name="Gul Rahim", date_of_birth=datetime.date(1994, 3, 2), sex="male"
    )
    case = cases.case_open(by=caseworker, person=person, programme=programme, lead_agency=agency)
    assert case.current_stage == s["assessment"]
    with pytest.raises(GatesNotMet) as excinfo:
        workflow.request_transition(
            case=case, to_stage=s["mentoring"], by=caseworker, reason="Start"
        )
    assert {r.gate for r in excinfo.value.unmet} == {
        "undertaking_recorded",
        "renunciation_violence_verified",
    }

    evidence.undertaking_record(
        case=case,
        by=caseworker,
        kind="guarantor",
        guarantor_name="Rahim Khan (father)",
        terms="Weekly reporting",
        signed_on=datetime.date.today(),
    )
    r = evidence.renunciation_record(
        case=case,
        by=caseworker,
        kind="violence",
        declared_on=datetime.date.today(),
        witness_name="Imam",
    )
    evidence.renunciation_verify(renunciation=r, by=other_caseworker)
    workflow.request_transition(case=case, to_stage=s["mentoring"], by=caseworker, reason="Start")
    move = workflow.request_transition(
        case=case, to_stage=s["graduated"], by=caseworker, reason="Done"
    )
    workflow.approve_transition(stage_transition=move, by=supervisor)
    case.refresh_from_db()
    assert case.current_stage == s["graduated"]
    assert case.status == "closed"
    # The default programme's gates (e.g. identity) never applied here.
    assert all(g["gate"] != "identity_verified" for g in move.gate_results)


class TestConfigurationValidation:
    def test_transition_stage_from_another_programme(self, community_programme, programme):
        other, s = community_programme
        default_stage = programme.stages.get(key="intake")
        t = Transition(programme=other, from_stage=s["assessment"], to_stage=default_stage)
        with pytest.raises(ValidationError) as excinfo:
            t.full_clean()
        assert "This stage belongs to another programme." in excinfo.value.message_dict["to_stage"]

    def test_no_transition_out_of_a_terminal_stage_unless_reopen(self, community_programme):
        programme, s = community_programme
        t = Transition(programme=programme, from_stage=s["graduated"], to_stage=s["mentoring"])
        with pytest.raises(ValidationError, match="re-open"):
            t.full_clean()
        t.is_reopen = True
        t.full_clean()

    def test_unknown_role(self, community_programme):
        programme, s = community_programme
        t = Transition(
            programme=programme,
            from_stage=s["mentoring"],
            to_stage=s["assessment"],
            allowed_roles=["janitor"],
        )
        with pytest.raises(ValidationError, match="Unknown role: janitor"):
            t.full_clean()

    def test_only_one_start_stage(self, community_programme):
        programme, _s = community_programme
        extra = Stage(
            programme=programme, key="second", name="Second", order=9, kind="intake", is_start=True
        )
        with pytest.raises(ValidationError):
            extra.full_clean()

    def test_programme_reports_missing_start(self, db):
        programme = Programme.objects.create(name="Empty", code="empty", legal_framework="x")
        assert programme.configuration_errors() == [
            "A programme needs exactly one start stage (it has 0)."
        ]

    def test_programme_checks_the_stages_about_to_be_saved(self, community_programme):
        programme, s = community_programme
        second = Stage(programme=programme, key="x", name="X", order=9, kind="intake")
        assert programme.configuration_errors(stages=[*s.values(), second]) == []
        second.is_start = True
        assert programme.configuration_errors(stages=[*s.values(), second]) == [
            "A programme needs exactly one start stage (it has 2)."
        ]

    def test_gate_params_are_validated(self, community_programme):
        programme, s = community_programme
        tg = TransitionGate(
            transition=programme.transitions.first(),
            gate="assessment_recent",
            params={"max_age_days": -3},
        )
        with pytest.raises(ValidationError, match="whole number"):
            tg.full_clean()


@pytest.mark.django_db
def test_default_programme_exists_after_migrate():
    programme = Programme.objects.get(code="default")
    keys = list(programme.stages.order_by("order").values_list("key", flat=True))
    assert keys == [
        "referral",
        "intake",
        "case_conference",
        "prison_rehabilitation",
        "counselling",
        "release_preparation",
        "released",
        "completed",
        "exited",
        "suspended",
    ]
    assert programme.start_stage.key == "referral"
    assert programme.configuration_errors() == []
    release = programme.transitions.get(
        from_stage__key="release_preparation", to_stage__key="released"
    )
    assert release.requires_approval
    assert set(release.gates.values_list("gate", flat=True)) >= {
        "renunciation_violence_verified",
        "renunciation_ideology_verified",
        "multi_agency_review",
        "release_decision_recorded",
        "receiving_agency_accepted",
        "monitoring_plan_exists",
    }
    for transition in programme.transitions.select_related("from_stage", "to_stage"):
        transition.full_clean()
    assert factories.default_programme() == programme
