"""Assessments, interventions, monitoring after release, re-engagement survival."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from casemgmt import factories, scoring, workflow
from casemgmt.errors import GatesNotMet
from casemgmt.models import (
    Assessment,
    AuditEvent,
    CheckIn,
    Escalation,
    Instrument,
    Item,
    ItemRating,
    MonitoringPlan,
    Session,
    StageTransition,
)
from casemgmt.models.monitoring import TIER_DEFAULTS
from casemgmt.selectors import facilities
from casemgmt.selectors.outcomes import Follow, kaplan_meier, survival
from casemgmt.services import (
    assessments,
    escalations,
    evidence,
    interventions,
    monitoring,
    outcomes,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture
def instrument(programme):
    return Instrument.objects.get(name="Individual Reintegration Assessment", version=1)


def _items(instrument, domain_key):
    return list(Item.objects.filter(domain__instrument=instrument, domain__key=domain_key))


def _mandatory(instrument):
    return {i.pk: ("unknown", "", "", "") for i in _items(instrument, "protective")}


class TestScores:
    def test_risk_and_protective_items_and_unknowns(self):
        assert scoring.track_score([("high", False), ("low", False)]) == 50
        # A strong protective factor (high) contributes no concern; a weak one (low) full concern.
        assert scoring.track_score([("high", True)]) == 0
        assert scoring.track_score([("low", True)]) == 100
        assert scoring.track_score([("moderate", False), ("unknown", False)]) == 50
        assert scoring.track_score([("unknown", False)]) is None

    def test_tracks_are_never_merged(self, case_in_custody, caseworker, instrument):
        ratings = _mandatory(instrument)
        for item in _items(instrument, "disengagement"):
            ratings[item.pk] = ("high", "met a recruiter", "", "prison log")
        ideology = _items(instrument, "ideology")
        ratings[ideology[0].pk] = ("low", "", "", "")
        ratings[ideology[2].pk] = ("high", "", "", "")  # openness: protective
        a = assessments.assessment_record(
            case=case_in_custody,
            by=caseworker,
            instrument=instrument,
            kind="review",
            assessed_on=TODAY,
            overall_concern="high",
            rationale="Contact with the group.",
            ratings=ratings,
        )
        assert a.disengagement_score == 100
        assert a.deradicalisation_score == 0
        assert (
            ItemRating.objects.filter(assessment=a).count()
            == Item.objects.filter(domain__instrument=instrument).count()
        ), "every item has a row; unrated ones stay unknown"
        assert ItemRating.objects.filter(assessment=a, rating="unknown").exists()


@pytest.fixture
def case_in_custody(make_case):
    return make_case("prison_rehabilitation")


class TestAssessmentValidation:
    def test_out_of_scale_rating_is_refused_and_nothing_saved(
        self, case_in_custody, caseworker, instrument
    ):
        item = _items(instrument, "ideology")[0]
        ratings = {**_mandatory(instrument), item.pk: ("extreme", "", "", "")}
        with pytest.raises(ValidationError) as excinfo:
            assessments.assessment_record(
                case=case_in_custody,
                by=caseworker,
                instrument=instrument,
                kind="review",
                assessed_on=TODAY,
                overall_concern="low",
                rationale="r",
                ratings=ratings,
            )
        assert "is not on the scale" in str(excinfo.value.message_dict[f"rating_{item.pk}"])
        assert Assessment.objects.count() == 0 and AuditEvent.objects.count() == 0

    def test_mandatory_protective_domain(self, case_in_custody, caseworker, instrument):
        with pytest.raises(ValidationError, match="This domain is mandatory"):
            assessments.assessment_record(
                case=case_in_custody,
                by=caseworker,
                instrument=instrument,
                kind="review",
                assessed_on=TODAY,
                overall_concern="low",
                rationale="r",
                ratings={},
            )

    def test_a_new_instrument_version_leaves_past_assessments_intact(
        self, case_in_custody, caseworker, instrument
    ):
        old = assessments.assessment_record(
            case=case_in_custody,
            by=caseworker,
            instrument=instrument,
            kind="review",
            assessed_on=TODAY,
            overall_concern="low",
            rationale="r",
            ratings=_mandatory(instrument),
        )
        v2 = Instrument.objects.create(name=instrument.name, version=2)
        domain = v2.domains.create(
            key="protective", name="Protective", track="needs", is_mandatory=True
        )
        new_item = domain.items.create(key="new", prompt="A new question", is_protective=True)
        assessments.assessment_record(
            case=case_in_custody,
            by=caseworker,
            instrument=v2,
            kind="review",
            assessed_on=TODAY,
            overall_concern="low",
            rationale="r",
            ratings={new_item.pk: ("high", "", "", "")},
        )
        old.refresh_from_db()
        assert old.instrument == instrument
        assert set(old.ratings.values_list("item__domain__instrument", flat=True)) == {
            instrument.pk
        }
        assert old.ratings.count() == Item.objects.filter(domain__instrument=instrument).count()
        with pytest.raises(ValidationError, match="does not belong"):
            assessments.assessment_record(
                case=case_in_custody,
                by=caseworker,
                instrument=v2,
                kind="review",
                assessed_on=TODAY,
                overall_concern="low",
                rationale="r",
                ratings={
                    new_item.pk: ("high", "", "", ""),
                    _items(instrument, "ideology")[0].pk: ("low", "", "", ""),
                },
            )


class TestInterventions:
    def test_attendance_rate_ignores_cancelled_sessions(self, case_in_custody, caseworker, agency):
        i = interventions.intervention_start(
            case=case_in_custody,
            by=caseworker,
            kind="counselling",
            provider=agency,
            goals="Anger and grief",
            starts_on=TODAY - datetime.timedelta(days=30),
        )
        for attendance in ["attended", "attended", "missed", "cancelled"]:
            interventions.session_record(
                intervention=i,
                by=caseworker,
                held_on=TODAY,
                duration_minutes=50,
                attendance=attendance,
                facilitator="Dr Hina",
            )
        assert scoring.attendance_rate(i.sessions.all()) == 67
        assert scoring.attendance_rate([]) is None

    def test_session_before_the_intervention_started_is_refused(
        self, case_in_custody, caseworker, agency
    ):
        i = interventions.intervention_start(
            case=case_in_custody,
            by=caseworker,
            kind="education",
            provider=agency,
            goals="Literacy",
            starts_on=TODAY,
        )
        with pytest.raises(ValidationError) as excinfo:
            interventions.session_record(
                intervention=i,
                by=caseworker,
                held_on=TODAY - datetime.timedelta(days=1),
                duration_minutes=60,
                attendance="attended",
                facilitator="Teacher",
            )
        assert "cannot be before the intervention started" in str(
            excinfo.value.message_dict["held_on"]
        )
        assert Session.objects.count() == 0

    def test_provider_must_be_on_the_team(self, case_in_custody, caseworker):
        with pytest.raises(ValidationError, match="on the case team"):
            interventions.intervention_start(
                case=case_in_custody,
                by=caseworker,
                kind="education",
                provider=factories.AgencyFactory(),
                goals="x",
                starts_on=TODAY,
            )


class TestFacilities:
    def test_capacity_warning(self, make_case, agency):
        facility = factories.FacilityFactory(agency=agency, capacity=2)
        assert facilities.capacity_warning(facility) == ""
        make_case("prison_rehabilitation", facility=facility)
        make_case("prison_rehabilitation", facility=facility)
        make_case("released", facility=facility)  # not in custody: not counted
        assert facilities.occupancy(facility) == 2
        assert "would hold 3 people for 2 places" in facilities.capacity_warning(facility)


@pytest.fixture
def released(make_case, caseworker, agency):
    case = make_case("released")
    monitoring.monitoring_plan_record(
        case=case,
        by=caseworker,
        responsible_agency=agency,
        contact_frequency="weekly",
        residence="Home",
        starts_on=TODAY - datetime.timedelta(days=20),
    )
    return case


class TestMonitoring:
    def test_next_due_by_concern_tier(self, released):
        assert TIER_DEFAULTS["high"] == ("weekly", "monthly")
        assert TIER_DEFAULTS["moderate"] == ("fortnightly", "quarterly")
        assert TIER_DEFAULTS["low"] == ("monthly", "six_monthly")
        plan = MonitoringPlan.objects.get(case=released)
        assert monitoring.next_check_in_due(released) == plan.starts_on + datetime.timedelta(days=7)
        for frequency, days in [("fortnightly", 14), ("monthly", 30)]:
            plan.contact_frequency = frequency
            assert monitoring.next_check_in_due(
                released, plan=plan
            ) == plan.starts_on + datetime.timedelta(days=days)

    def test_missed_check_in_raises_exactly_one_escalation_even_when_run_twice(self, released):
        first = monitoring.monitoring_check_overdue()
        second = monitoring.monitoring_check_overdue()
        assert first["escalations_raised"] == 1 and second["escalations_raised"] == 0
        escalation = Escalation.objects.get(case=released)
        assert escalation.trigger == "missed_contact"
        released.refresh_from_db()
        assert released.next_review_due == TODAY, "an escalation makes a reassessment due at once"

    def test_command_runs(self, released, capsys):
        call_command("check_overdue")
        call_command("check_overdue")
        out = capsys.readouterr().out.splitlines()
        assert out[0].startswith("1 escalation(s) raised") and out[1].startswith(
            "0 escalation(s) raised"
        )

    def test_a_reported_concern_raises_one_escalation(self, released, caseworker):
        monitoring.check_in_record(
            case=released,
            by=caseworker,
            held_on=TODAY,
            kind="home_visit",
            outcome="concern",
            concerns="Left the district without permission",
        )
        assert Escalation.objects.filter(case=released, trigger="breach").count() == 1
        with pytest.raises(ValidationError, match="Describe the concern"):
            monitoring.check_in_record(
                case=released, by=caseworker, held_on=TODAY, kind="phone", outcome="concern"
            )

    def test_a_check_in_after_contact_moves_the_due_date(self, released, caseworker):
        monitoring.check_in_record(
            case=released, by=caseworker, held_on=TODAY, kind="phone", outcome="met"
        )
        assert monitoring.next_check_in_due(released) == TODAY + datetime.timedelta(days=7)
        assert monitoring.monitoring_check_overdue()["escalations_raised"] == 0

    def test_check_in_on_a_case_not_yet_released_is_refused(self, case_in_custody, caseworker):
        with pytest.raises(ValidationError, match="only for cases released"):
            monitoring.check_in_record(
                case=case_in_custody, by=caseworker, held_on=TODAY, kind="phone", outcome="met"
            )
        assert CheckIn.objects.count() == 0

    def test_resolve_needs_a_reason_and_a_supervisor(self, released, caseworker, supervisor):
        escalation = escalations.escalation_raise(
            case=released, by=caseworker, trigger="threat", description="d"
        )
        escalations.escalation_acknowledge(escalation=escalation, by=supervisor)
        with pytest.raises(ValidationError, match="Say how the escalation was resolved"):
            escalations.escalation_resolve(escalation=escalation, by=supervisor, resolution=" ")
        escalations.escalation_resolve(
            escalation=escalation, by=supervisor, resolution="Visited; resolved"
        )


class TestGatesEndToEnd:
    def test_no_release_preparation_with_a_stale_assessment(
        self, case_in_custody, caseworker, instrument
    ):
        assessments.assessment_record(
            case=case_in_custody,
            by=caseworker,
            instrument=instrument,
            kind="review",
            assessed_on=TODAY - datetime.timedelta(days=200),
            overall_concern="low",
            rationale="old",
            ratings=_mandatory(instrument),
        )
        with pytest.raises(GatesNotMet, match="200 days old"):
            workflow.request_transition(
                case=case_in_custody, to_stage="release_preparation", by=caseworker, reason="Ready"
            )

    def test_no_completion_with_an_open_escalation(
        self, released, caseworker, supervisor, stages, agency
    ):
        monitoring.monitoring_check_overdue()
        evidence.review_record(
            case=released,
            by=caseworker,
            kind="closure_review",
            held_on=TODAY,
            decision="Close",
            recommended_stage=stages["completed"],
            positions=[(factories.AgencyFactory(kind="probation"), "agree", "")],
        )
        with pytest.raises(GatesNotMet, match="open escalation"):
            workflow.request_transition(
                case=released, to_stage="completed", by=caseworker, reason="Term ended"
            )


class TestSurvival:
    def test_kaplan_meier_matches_a_hand_computed_example(self):
        # Six people: events at days 100 and 300; censored at 200, 400, 400 and 800.
        follows = [
            Follow(100, True),
            Follow(200, False),
            Follow(300, True),
            Follow(400, False),
            Follow(400, False),
            Follow(800, False),
        ]
        result = kaplan_meier(follows, [150, 350, 500, 1000])
        # S(100) = 5/6; at 300 four are at risk, one event: S = 5/6 * 3/4 = 0.625.
        assert result[0] == (pytest.approx(5 / 6), 5)
        assert result[1] == (pytest.approx(0.625), 3)
        assert result[2] == (pytest.approx(0.625), 1)
        assert result[3] == (None, 0), "nobody followed 1,000 days: no figure"

    def test_survival_from_cases_with_censoring(self, make_case, caseworker, stages):
        today = datetime.date(2030, 1, 1)

        def released_on(days_ago, event_after=None):
            case = make_case("released")
            at = datetime.datetime.combine(
                today - datetime.timedelta(days=days_ago), datetime.time(12)
            )
            StageTransition.objects.create(
                case=case,
                from_stage=stages["release_preparation"],
                to_stage=stages["released"],
                requested_by=caseworker,
                reason="r",
                status="applied",
                applied_at=at.replace(tzinfo=datetime.UTC),
            )
            if event_after is not None:
                case.reengagement_events.create(
                    kind="arrest",
                    occurred_on=today - datetime.timedelta(days=days_ago - event_after),
                    recorded_by=caseworker,
                )
            return case

        released_on(800, event_after=200)  # event in year 1
        released_on(800)  # followed 800 days, no event
        released_on(500)  # censored at 500 days (still followed)
        released_on(100)  # followed only 100 days
        from casemgmt.models import Case

        points = survival(Case.objects.all(), today=today, years=(1, 2))
        assert points[0].share_without_event == pytest.approx(2 / 3)
        assert points[0].at_risk == 2
        assert points[1].share_without_event == pytest.approx(2 / 3)

    def test_reengagement_only_after_release(self, make_case, caseworker, released):
        with pytest.raises(ValidationError, match="only for released cases"):
            outcomes.reengagement_record(
                case=make_case("prison_rehabilitation"),
                by=caseworker,
                kind="arrest",
                occurred_on=TODAY,
            )
        # The fixture's case was placed in "released" without a recorded release move.
        with pytest.raises(ValidationError):
            outcomes.reengagement_record(
                case=released, by=caseworker, kind="arrest", occurred_on=TODAY
            )


@pytest.mark.parametrize(
    ("tier", "contact", "review"),
    [
        ("high", "weekly", "monthly"),
        ("moderate", "fortnightly", "quarterly"),
        ("low", "monthly", "six_monthly"),
    ],
)
def test_plan_frequencies_default_by_concern_tier(
    make_case, caseworker, agency, tier, contact, review
):
    case = make_case("release_preparation", concern_level=tier)
    plan = monitoring.monitoring_plan_record(
        case=case, by=caseworker, responsible_agency=agency, residence="Home", starts_on=TODAY
    )
    assert (plan.contact_frequency, plan.review_frequency) == (contact, review)
