"""Structured assessments: scores per track, validation, instrument versions, staleness."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from casemgmt import workflow
from casemgmt.errors import GatesNotMet
from casemgmt.models import Assessment, AuditEvent, Instrument, Item, ItemRating
from casemgmt.services import assessments

pytestmark = pytest.mark.django_db


TODAY = datetime.date.today()


@pytest.fixture
def instrument(programme):
    return Instrument.objects.get(name="Individual Reintegration Assessment", version=1)


def _items(instrument, domain_key):
    return list(Item.objects.filter(domain__instrument=instrument, domain__key=domain_key))


def _mandatory(instrument):
    """Every item a caseworker without the clinical class rates, left unknown."""
    items = Item.objects.filter(
        domain__instrument=instrument, domain__is_mandatory=True, domain__is_clinical=False
    )
    return {i.pk: ("unknown", "", "", "") for i in items}


class TestScores:
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


def test_the_due_date_follows_the_stored_stage_not_a_stale_copy(
    make_case, caseworker, stages, instrument
):
    """A caller holding the case from before a move (a form opened earlier, a story
    walking a case) must not leave the old stage's cadence behind."""
    from casemgmt.models import Case

    case = make_case("counselling")
    stale = Case.objects.get(pk=case.pk)
    Case.objects.filter(pk=case.pk).update(current_stage=stages["release_preparation"])
    assessed_on = timezone.localdate() - datetime.timedelta(days=2)
    assessments.assessment_record(
        case=stale,
        by=caseworker,
        instrument=instrument,
        kind="review",
        assessed_on=assessed_on,
        overall_concern="low",
        rationale="Reviewed.",
        ratings=_mandatory(instrument),
    )
    case.refresh_from_db()
    # Release preparation reassesses every 30 days; counselling every 183.
    assert case.next_review_due == assessed_on + datetime.timedelta(days=30)
