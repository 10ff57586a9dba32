"""Assessment and intervention pages: a refused look-up answers 404 and is recorded."""

import datetime

import pytest
from django.urls import reverse

from casemgmt import factories
from casemgmt.models import AgencyKind, Instrument, Item
from casemgmt.services import assessments, interventions

pytestmark = pytest.mark.django_db


def _assessment(case, by):
    return assessments.assessment_record(
        case=case,
        by=by,
        instrument=Instrument.objects.get(version=1),
        kind="review",
        assessed_on=datetime.date.today(),
        overall_concern="low",
        rationale="r",
        ratings={
            i.pk: ("unknown", "", "", "") for i in Item.objects.filter(domain__is_mandatory=True)
        },
    )


def _teacher_on(case):
    """Staff of an education agency on the team: they read interventions, not risk."""
    school = factories.AgencyFactory(kind=AgencyKind.EDUCATION)
    case.team.create(agency=school, role="support")
    return factories.CaseworkerFactory(agency=school)


class TestAssessmentDetail:
    def test_an_assessment_of_another_case_is_not_found_and_recorded(
        self, client, caseworker, make_case, assert_refused
    ):
        mine, theirs = make_case("released"), make_case("released")
        assessment = _assessment(theirs, caseworker)
        client.force_login(caseworker)
        url = reverse("assessment_detail", args=[mine.reference, assessment.pk])
        event = assert_refused(lambda: client.get(url), "casemgmt.assessment")
        assert event.target_id == str(assessment.pk)
        url = reverse("assessment_detail", args=[theirs.reference, assessment.pk])
        assert client.get(url).status_code == 200

    def test_staff_who_may_not_read_risk_are_refused_the_same_way(
        self, client, caseworker, make_case, assert_refused
    ):
        case = make_case("released")
        assessment = _assessment(case, caseworker)
        client.force_login(_teacher_on(case))
        url = reverse("assessment_detail", args=[case.reference, assessment.pk])
        assert_refused(lambda: client.get(url), "casemgmt.assessment")


class TestInterventionDetail:
    def _intervention(self, case, by):
        return interventions.intervention_start(
            case=case,
            by=by,
            kind="education",
            provider=case.lead_agency,
            goals="Literacy",
            starts_on=datetime.date.today(),
        )

    def test_an_intervention_of_another_case_is_not_found_and_recorded(
        self, client, caseworker, make_case, assert_refused
    ):
        mine, theirs = make_case("released"), make_case("released")
        intervention = self._intervention(theirs, caseworker)
        client.force_login(caseworker)
        url = reverse("intervention_detail", args=[mine.reference, intervention.pk])
        assert_refused(lambda: client.get(url), "casemgmt.intervention")
        assert_refused(
            lambda: client.post(url, {"held_on": datetime.date.today(), "attended": "on"}),
            "casemgmt.intervention",
        )
        assert not intervention.sessions.exists()
