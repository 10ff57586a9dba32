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
            i.pk: ("unknown", "", "", "")
            for i in Item.objects.filter(domain__is_mandatory=True, domain__is_clinical=False)
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


TODAY = datetime.date.today().isoformat()


FUTURE = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()


def test_assessment_form_valid_and_invalid(client, caseworker, make_case):
    from casemgmt.models import Assessment, Item

    case = make_case("counselling")
    client.force_login(caseworker)
    url = reverse("assessment_new", args=[case.reference])
    form = client.get(url).context["form"]
    data = {name: "unknown" for name in form.fields if name.startswith("rating_")}
    data.update(
        {"kind": "review", "assessed_on": TODAY, "overall_concern": "low", "rationale": "r"}
    )
    item = Item.objects.filter(domain__key="disengagement").first()
    for bad, message in [
        ({f"rating_{item.pk}": "extreme"}, "Select a valid choice."),
        ({"rationale": ""}, "This field is required."),
        ({"assessed_on": FUTURE}, "This date cannot be in the future."),
    ]:
        response = client.post(url, {**data, **bad})
        assert message in response.content.decode()
        assert Assessment.objects.count() == 0
    response = client.post(url, data)
    assert response.status_code == 302
    assert Assessment.objects.get().instrument is not None


def test_session_form_valid_and_invalid(client, caseworker, make_case, agency):
    from casemgmt.services import interventions

    case = make_case("counselling")
    course = interventions.intervention_start(
        case=case,
        by=caseworker,
        kind="education",
        provider=agency,
        goals="g",
        starts_on=datetime.date.today(),
    )
    client.force_login(caseworker)
    url = reverse("intervention_detail", args=[case.reference, course.pk])
    base = {
        "held_on": TODAY,
        "duration_minutes": "60",
        "attendance": "attended",
        "facilitator": "T",
    }
    for bad, message in [
        ({"duration_minutes": "0"}, "Ensure this value is greater than or equal to 1."),
        ({"attendance": "asleep"}, "Select a valid choice."),
        ({"facilitator": ""}, "This field is required."),
    ]:
        assert message in client.post(url, {**base, **bad}).content.decode()
    assert course.sessions.count() == 0
    assert client.post(url, base).status_code == 302
    assert course.sessions.count() == 1
