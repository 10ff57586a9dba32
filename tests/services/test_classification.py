"""Classification: set at the case conference, changed with a reason, kept as history,
and read only by staff with the risk class (tests from the attacker's side)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from casemgmt import factories
from casemgmt.errors import NotPermitted
from casemgmt.models import (
    AgencyKind,
    AuditAction,
    AuditEvent,
    Case,
    CaseTeamMember,
    ClassificationBand,
    ClassificationChange,
    MultiAgencyReview,
    Position,
    Programme,
    ReviewKind,
)
from casemgmt.selectors.classification import plan_proposal
from casemgmt.selectors.timeline import case_timeline
from casemgmt.services import classification, monitoring, reviews

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def bands(programme):
    return {band.code: band for band in programme.classification_bands.all()}


@pytest.fixture
def conference_case(make_case):
    case = make_case("case_conference")
    police = factories.AgencyFactory(kind=AgencyKind.POLICE, name="Police")
    CaseTeamMember.objects.create(case=case, agency=police, role="support")
    return case


def _positions(case, by, position=Position.AGREE):
    """The recorder's agency and every other team agency (on its behalf), all agreeing."""
    rows = [(by.agency, Position.AGREE, "")]
    for member in case.team.exclude(agency=by.agency).select_related("agency"):
        rows.append((member.agency, position, "Reason" if position == "disagree" else "", "Rep"))
    return rows


def _conference(case, by, band, reason="Combat experience; weak family ties.", **kwargs):
    return reviews.review_record(
        case=case,
        by=by,
        kind=kwargs.pop("kind", ReviewKind.CASE_CONFERENCE),
        held_on=kwargs.pop("held_on", TODAY - datetime.timedelta(days=2)),
        decision="Plan agreed.",
        positions=kwargs.pop("positions", None) or _positions(case, by),
        classification=band,
        classification_reason=reason,
    )


def test_the_default_programme_ships_three_bands_with_their_monitoring(bands):
    assert {
        code: (b.rank, b.contact_frequency, b.review_frequency) for code, b in bands.items()
    } == {
        "low": (1, "monthly", "six_monthly"),
        "moderate": (2, "fortnightly", "quarterly"),
        "high": (3, "weekly", "monthly"),
    }


def test_the_case_conference_sets_the_classification_with_its_reason(
    conference_case, caseworker, bands
):
    version = conference_case.version
    review = _conference(conference_case, caseworker, bands["high"])
    conference_case.refresh_from_db()
    assert conference_case.classification == bands["high"]
    assert conference_case.version == version + 1
    change = ClassificationChange.objects.get(case=conference_case)
    assert (change.band, change.previous_band, change.review) == (bands["high"], None, review)
    assert change.decided_on == review.held_on
    assert change.reason == "Combat experience; weak family ties."
    event = AuditEvent.objects.get(action=AuditAction.CASE_CLASSIFIED)
    assert event.case_id == conference_case.pk
    assert event.changes == {"classification": [None, "high"]}


def test_a_supervisor_changes_it_between_reviews_and_the_history_keeps_both(
    conference_case, caseworker, supervisor, bands
):
    _conference(conference_case, caseworker, bands["high"])
    classification.case_classify(
        case=conference_case,
        by=supervisor,
        band=bands["moderate"],
        reason="Cut contact with the commander; stable work.",
    )
    conference_case.refresh_from_db()
    assert conference_case.classification == bands["moderate"]
    history = list(conference_case.classification_changes.order_by("id"))
    assert [(c.previous_band, c.band) for c in history] == [
        (None, bands["high"]),
        (bands["high"], bands["moderate"]),
    ]
    assert history[1].review is None and history[1].changed_by == supervisor


def test_a_later_review_changes_it(conference_case, caseworker, bands):
    _conference(conference_case, caseworker, bands["high"])
    _conference(
        conference_case,
        caseworker,
        bands["low"],
        "A year without concern.",
        kind=ReviewKind.MONITORING_REVIEW,
        held_on=TODAY,
    )
    conference_case.refresh_from_db()
    assert conference_case.classification == bands["low"]


def test_one_agency_alone_cannot_reclassify_at_a_review(conference_case, caseworker, bands):
    """Found by the attacker-side review: a caseworker's one-agency "review" changed the
    band a supervisor alone may change between reviews."""
    _conference(conference_case, caseworker, bands["high"])
    with pytest.raises(ValidationError) as refused:
        _conference(
            conference_case,
            caseworker,
            bands["low"],
            "Alone.",
            kind=ReviewKind.MONITORING_REVIEW,
            held_on=TODAY,
            positions=[(caseworker.agency, Position.AGREE, "")],
        )
    assert "at least 2 agencies" in str(refused.value)
    conference_case.refresh_from_db()
    assert conference_case.classification == bands["high"]
    assert MultiAgencyReview.objects.count() == 1


def test_a_dissenting_agency_blocks_the_classification(conference_case, caseworker, bands):
    with pytest.raises(ValidationError) as refused:
        _conference(
            conference_case,
            caseworker,
            bands["low"],
            positions=_positions(conference_case, caseworker, Position.DISAGREE),
        )
    assert "needs the agreement of every agency present" in str(refused.value)
    assert not ClassificationChange.objects.exists()


def test_a_review_dated_before_the_last_decision_cannot_change_it(
    conference_case, caseworker, bands
):
    _conference(conference_case, caseworker, bands["high"])
    with pytest.raises(ValidationError) as refused:
        _conference(
            conference_case,
            caseworker,
            bands["low"],
            kind=ReviewKind.MONITORING_REVIEW,
            held_on=TODAY - datetime.timedelta(days=400),
        )
    assert "a review held before that cannot change it" in str(refused.value)


def test_a_caseworker_cannot_change_it_outside_a_review(conference_case, caseworker, bands):
    with pytest.raises(NotPermitted):
        classification.case_classify(
            case=conference_case, by=caseworker, band=bands["low"], reason="I think so."
        )
    assert not ClassificationChange.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.CASE_CLASSIFIED).exists()


def test_a_band_of_another_programme_is_refused_and_nothing_is_saved(
    conference_case, caseworker, bands
):
    other = Programme.objects.create(name="Other", code="other", legal_framework="Act")
    foreign = ClassificationBand.objects.create(
        programme=other,
        code="red",
        name="Red",
        rank=1,
        contact_frequency="weekly",
        review_frequency="monthly",
    )
    with pytest.raises(ValidationError) as refused:
        _conference(conference_case, caseworker, foreign)
    assert "is not a band of this case's programme" in str(refused.value.message_dict)
    assert "classification" in refused.value.message_dict
    assert not MultiAgencyReview.objects.exists()
    assert not ClassificationChange.objects.exists()
    conference_case.refresh_from_db()
    assert conference_case.classification is None


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_classification_without_a_reason_is_refused(conference_case, caseworker, bands, reason):
    with pytest.raises(ValidationError) as refused:
        _conference(conference_case, caseworker, bands["high"], reason=reason)
    assert "classification_reason" in refused.value.message_dict
    assert not MultiAgencyReview.objects.exists()


def test_the_same_band_again_is_refused(conference_case, caseworker, supervisor, bands):
    _conference(conference_case, caseworker, bands["high"])
    with pytest.raises(ValidationError) as refused:
        classification.case_classify(
            case=conference_case, by=supervisor, band=bands["high"], reason="Still high."
        )
    assert "already classified" in str(refused.value)


def test_an_inactive_band_is_refused(conference_case, supervisor, bands):
    ClassificationBand.objects.filter(pk=bands["low"].pk).update(is_active=False)
    bands["low"].refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        classification.case_classify(
            case=conference_case, by=supervisor, band=bands["low"], reason="Low."
        )
    assert "no longer in use" in str(refused.value)


def test_staff_without_the_risk_class_cannot_classify_even_at_a_review(conference_case, bands):
    school = factories.AgencyFactory(kind=AgencyKind.EDUCATION, name="School")
    CaseTeamMember.objects.create(case=conference_case, agency=school, role="support")
    teacher = factories.CaseworkerFactory(agency=school)
    assert len(_positions(conference_case, teacher)) >= 2
    with pytest.raises(NotPermitted):
        _conference(conference_case, teacher, bands["low"])
    assert not MultiAgencyReview.objects.exists()
    assert not ClassificationChange.objects.exists()


def test_the_timeline_shows_the_change_only_to_readers_of_risk(conference_case, caseworker, bands):
    school = factories.AgencyFactory(kind=AgencyKind.EDUCATION, name="School")
    CaseTeamMember.objects.create(case=conference_case, agency=school, role="support")
    teacher = factories.CaseworkerFactory(agency=school)
    _conference(conference_case, caseworker, bands["high"])
    mine = [e.text for e in case_timeline(conference_case, caseworker)]
    theirs = [e.text for e in case_timeline(conference_case, teacher)]
    assert "Classified as High concern" in mine
    assert not any("High concern" in text for text in theirs)


def test_a_new_band_after_the_plan_proposes_a_new_plan(
    conference_case, caseworker, supervisor, bands, stages
):
    case = conference_case
    Case.objects.filter(pk=case.pk).update(current_stage=stages["released"])
    case.refresh_from_db()
    _conference(case, caseworker, bands["low"])
    case.refresh_from_db()
    monitoring.monitoring_plan_record(
        case=case,
        by=caseworker,
        responsible_agency=caseworker.agency,
        residence="Home",
        starts_on=TODAY,
    )
    assert plan_proposal(case, caseworker) is None  # the plan follows the band
    classification.case_classify(
        case=case, by=supervisor, band=bands["high"], reason="Threat reported by police."
    )
    case = Case.objects.get(pk=case.pk)
    proposal = plan_proposal(case, caseworker)
    assert proposal["band"] == bands["high"]
    assert (proposal["plan"].contact_frequency, proposal["band"].contact_frequency) == (
        "monthly",
        "weekly",
    )
    monitoring.monitoring_plan_record(
        case=case,
        by=caseworker,
        responsible_agency=caseworker.agency,
        residence="Home",
        starts_on=TODAY,
    )
    assert plan_proposal(case, caseworker) is None  # the new plan took the band's defaults


def test_an_administrator_edits_a_band_in_the_admin_and_new_plans_follow_it(
    admin_client, programme, bands, make_case, caseworker
):
    from tests.admin_forms import post_change

    index = list(programme.classification_bands.order_by("rank")).index(bands["high"])
    response = post_change(
        admin_client,
        "programme",
        programme,
        {
            f"classification_bands-{index}-contact_frequency": "fortnightly",
            f"classification_bands-{index}-name": "Serious concern",
        },
    )
    assert response.status_code == 200
    bands["high"].refresh_from_db()
    assert (bands["high"].name, bands["high"].contact_frequency) == (
        "Serious concern",
        "fortnightly",
    )
    assert AuditEvent.objects.filter(
        action=AuditAction.CONFIG_CHANGED, target_type="casemgmt.classificationband"
    ).exists()
    case = make_case("release_preparation", classification=bands["high"])
    plan = monitoring.monitoring_plan_record(
        case=case,
        by=caseworker,
        responsible_agency=caseworker.agency,
        residence="Home",
        starts_on=TODAY,
    )
    assert plan.contact_frequency == "fortnightly"


def test_a_user_who_may_not_read_the_band_chooses_the_plan_frequencies(make_case, bands):
    """Found by the attacker-side review: a default plan would show them the band."""
    case = make_case("release_preparation", classification=bands["high"])
    liaison = factories.CaseworkerFactory(
        agency=factories.AgencyFactory(kind=AgencyKind.FAMILY_LIAISON, name="Elders")
    )
    CaseTeamMember.objects.create(case=case, agency=liaison.agency, role="support")
    with pytest.raises(ValidationError) as refused:
        monitoring.monitoring_plan_record(
            case=case,
            by=liaison,
            responsible_agency=liaison.agency,
            residence="Home",
            starts_on=TODAY,
        )
    assert set(refused.value.message_dict) == {"contact_frequency", "review_frequency"}
    plan = monitoring.monitoring_plan_record(
        case=case,
        by=liaison,
        responsible_agency=liaison.agency,
        residence="Home",
        starts_on=TODAY,
        contact_frequency="monthly",
        review_frequency="quarterly",
    )
    assert (plan.contact_frequency, plan.review_frequency) == ("monthly", "quarterly")
    from casemgmt.forms.evidence import MonitoringPlanForm

    offered = dict(MonitoringPlanForm(user=liaison).fields["contact_frequency"].choices)
    assert "" not in offered


def test_without_an_active_band_the_programme_warns(programme):
    assert programme.cadence_warnings() == []
    programme.classification_bands.update(is_active=False)
    assert any("no active classification band" in str(w) for w in programme.cadence_warnings())
