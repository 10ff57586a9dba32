"""Each agency speaks for itself in a multi-agency review (P3), from the attacker's side."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from casemgmt import factories
from casemgmt.errors import NotPermitted
from casemgmt.gates import evaluate
from casemgmt.models import (
    AgencyKind,
    AuditAction,
    AuditEvent,
    CaseTeamMember,
    MultiAgencyReview,
    Position,
    ReviewKind,
    ReviewPosition,
    TransitionGate,
)
from casemgmt.services import reviews
from tests.conftest import transition_between

PARAMS = {"review_kind": "release_review", "required_agency_kinds": ["prison", "police"]}


@pytest.fixture
def setting(make_case, stages, caseworker):
    case = make_case("release_preparation")
    prison = factories.AgencyFactory(kind=AgencyKind.PRISON, name="Prison")
    police = factories.AgencyFactory(kind=AgencyKind.POLICE, name="Police")
    for other in (prison, police):
        CaseTeamMember.objects.create(case=case, agency=other, role="support")
    release = transition_between(stages, "release_preparation", "released")
    return case, prison, police, release


def _record(case, by, stages, positions, held_on=None):
    return reviews.review_record(
        case=case,
        by=by,
        kind=ReviewKind.RELEASE_REVIEW,
        held_on=held_on or timezone.localdate(),
        decision="Release recommended.",
        recommended_stage=stages["released"],
        positions=positions,
    )


def _gate(case, release, params=PARAMS):
    TransitionGate.objects.filter(transition=release, gate="multi_agency_review").update(
        params=params
    )
    release.refresh_from_db()
    results = {r.gate: r for r in evaluate(case, release)}
    return results["multi_agency_review"]


def test_chair_types_every_position_quorum_waits_for_the_agencies(setting, caseworker, stages):
    case, prison, police, release = setting
    review = _record(
        case,
        caseworker,
        stages,
        [
            (caseworker.agency, Position.AGREE, ""),
            (prison, Position.AGREE, "", "Governor Aslam"),
            (police, Position.AGREE, "", "Inspector Khan"),
        ],
    )
    result = _gate(case, release)
    assert not result.met
    assert "awaits its confirmation" in result.reason
    behalf = review.positions.get(agency=prison)
    assert behalf.on_behalf and behalf.attended_by == "Governor Aslam"
    assert set(review.attendees.values_list("name", flat=True)) >= {"Governor Aslam"}
    # The prison's own staff confirm; the police's confirmation is still missing.
    reviews.review_position_confirm(position=behalf, by=factories.CaseworkerFactory(agency=prison))
    assert "police" in _gate(case, release).reason
    reviews.review_position_confirm(
        position=review.positions.get(agency=police), by=factories.CaseworkerFactory(agency=police)
    )
    assert _gate(case, release).met
    assert AuditEvent.objects.filter(action=AuditAction.REVIEW_POSITION_CONFIRMED).count() == 2


def test_another_agency_cannot_confirm_for_the_police(setting, caseworker, stages):
    case, prison, police, release = setting
    review = _record(case, caseworker, stages, [(police, Position.AGREE, "", "Insp. Khan")])
    position = review.positions.get()
    with pytest.raises(NotPermitted):
        reviews.review_position_confirm(
            position=position, by=factories.CaseworkerFactory(agency=prison)
        )
    position.refresh_from_db()
    assert position.confirmed_at is None


def test_positions_of_agencies_no_longer_on_the_team_are_ignored(setting, caseworker, stages):
    case, prison, police, release = setting
    review = _record(
        case,
        caseworker,
        stages,
        [(prison, Position.AGREE, "", "G"), (police, Position.AGREE, "", "K")],
    )
    for position in review.positions.all():
        reviews.review_position_confirm(
            position=position, by=factories.CaseworkerFactory(agency=position.agency)
        )
    assert _gate(case, release).met
    CaseTeamMember.objects.filter(case=case, agency=police).update(left_on=timezone.localdate())
    result = _gate(case, release)
    assert not result.met
    assert "no police agency present" in result.reason


def test_user_of_an_agency_not_on_the_team_cannot_record_positions(setting, stages, agency):
    case, prison, police, release = setting
    outsider_agency = factories.AgencyFactory(kind=AgencyKind.POLICE)
    outsider = factories.SupervisorFactory(agency=outsider_agency)
    case.programme.supervisors.add(outsider)  # may write to the case, but is not on its team
    with pytest.raises(ValidationError, match="is not on this case's team"):
        _record(case, outsider, stages, [(outsider_agency, Position.AGREE, "")])
    assert not MultiAgencyReview.objects.filter(case=case).exists()
    assert not ReviewPosition.objects.exists()


def test_position_for_an_agency_off_the_team_is_refused(setting, caseworker, stages):
    case, *_rest = setting
    stranger = factories.AgencyFactory(kind=AgencyKind.POLICE, name="Stranger Police")
    with pytest.raises(ValidationError, match="Stranger Police is not on this case's team"):
        _record(case, caseworker, stages, [(stranger, Position.AGREE, "", "X")])
    assert not MultiAgencyReview.objects.filter(case=case).exists()


def test_on_behalf_needs_the_attendees_name(setting, caseworker, stages):
    case, prison, *_rest = setting
    with pytest.raises(ValidationError, match="name who attended for it"):
        _record(case, caseworker, stages, [(prison, Position.AGREE, "")])
    assert not MultiAgencyReview.objects.filter(case=case).exists()


def test_dissent_stays_recorded_when_confirmed(setting, caseworker, stages):
    case, prison, police, release = setting
    review = _record(
        case,
        caseworker,
        stages,
        [(prison, Position.AGREE, "", "G"), (police, Position.DISAGREE, "Recent contact.", "K")],
    )
    for position in review.positions.all():
        reviews.review_position_confirm(
            position=position, by=factories.CaseworkerFactory(agency=position.agency)
        )
    assert review.positions.get(agency=police).dissent == "Recent contact."
    assert "the police agency did not agree" in _gate(case, release).reason


def test_release_review_older_than_the_limit_fails_naming_it(setting, caseworker, stages):
    case, prison, police, release = setting
    old = timezone.localdate() - datetime.timedelta(days=61)
    review = _record(
        case, caseworker, stages, [(prison, "agree", "", "G"), (police, "agree", "", "K")], old
    )
    for position in review.positions.all():
        reviews.review_position_confirm(
            position=position, by=factories.CaseworkerFactory(agency=position.agency)
        )
    assert _gate(case, release).met  # no limit set: nothing changes
    result = _gate(case, release, {**PARAMS, "max_age_days": 60})
    assert not result.met
    assert "is older than 60 days" in result.reason
