"""The dashboard from the attacker's side: each test failed on the code before its fix."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from casemgmt import access, factories
from casemgmt.models import AgencyKind, Case, CaseStatus, ReengagementEvent, StageTransition
from casemgmt.selectors.dashboard import outcomes
from casemgmt.selectors.dashboard.scope import DashboardFilters
from casemgmt.services.stored_figures import refresh_stored_figures

pytestmark = pytest.mark.django_db


def test_caseload_caseworker_param_names_any_user(client, caseworker):
    """?caseworker=<id> offers that user as the selected choice, whoever they are."""
    elsewhere = factories.AgencyFactory(kind=AgencyKind.POLICE, name="Police CTD")
    officer = factories.CaseworkerFactory(agency=elsewhere, username="ctd.officer.khan")
    admin = factories.AdministratorFactory(agency=elsewhere, username="root.admin")
    client.force_login(caseworker)
    for user in (officer, admin):
        body = client.get(reverse("caseload"), {"caseworker": user.pk}).content.decode()
        assert user.username not in body, f"{user.username} named on the caseload"


def test_reassignment_takes_a_case_of_another_agencys_caseworker(
    client, programme, stages, agency, supervisor, caseworker, other_caseworker
):
    """The page is 'between caseworkers of an agency'; a posted id of a case assigned to
    another agency's caseworker (the supervisor's agency is on its team) is accepted."""
    lead = factories.AgencyFactory(kind=AgencyKind.POLICE)
    theirs = factories.CaseworkerFactory(agency=lead)
    case = factories.CaseFactory(
        programme=programme,
        current_stage=stages["counselling"],
        lead_agency=lead,
        assigned_caseworker=theirs,
        team=[(agency, "support")],
    )
    client.force_login(supervisor)
    client.post(
        reverse("reassign_cases"),
        {
            "caseworker": caseworker.pk,
            "to_caseworker": other_caseworker.pk,
            "step": "apply",
            "cases": [case.pk],
            f"version-{case.pk}": case.version,
        },
    )
    case.refresh_from_db()
    assert case.assigned_caseworker_id == theirs.pk


def test_reassignment_reassigns_a_closed_case(
    client, make_case, supervisor, caseworker, other_caseworker
):
    """The page lists open cases only; a posted closed case id is reassigned anyway."""
    case = make_case("counselling")
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED)
    case.refresh_from_db()
    client.force_login(supervisor)
    client.post(
        reverse("reassign_cases"),
        {
            "caseworker": caseworker.pk,
            "to_caseworker": other_caseworker.pk,
            "step": "apply",
            "cases": [case.pk],
            f"version-{case.pk}": case.version,
        },
    )
    case.refresh_from_db()
    assert case.assigned_caseworker_id == caseworker.pk


@pytest.fixture
def grown_up_case(make_case, stages, caseworker):
    """A person 18 two years ago, released (and re-engaged) while still a juvenile."""
    today = timezone.localdate()
    person = factories.PersonFactory(date_of_birth=today.replace(year=today.year - 20))
    case = make_case("released", person=person, opened_on=today.replace(year=today.year - 5))
    released_at = timezone.now() - datetime.timedelta(days=3 * 365)
    move = StageTransition.objects.create(
        case=case,
        from_stage=stages["release_preparation"],
        to_stage=stages["released"],
        requested_by=caseworker,
        reason="r",
        status="applied",
        applied_at=released_at,
        requested_at=released_at,
    )
    event = ReengagementEvent.objects.create(
        case=case,
        kind="arrest",
        occurred_on=(released_at + datetime.timedelta(days=100)).date(),
        recorded_by=caseworker,
    )
    # Recorded then too (the juvenile rule dates a re-engagement by recorded_at).
    ReengagementEvent.objects.filter(pk=event.pk).update(
        recorded_at=released_at + datetime.timedelta(days=100)
    )
    return case, move, event


def test_released_in_tells_the_year_of_a_juvenile_era_move(client, caseworker, grown_up_case):
    case, move, _event = grown_up_case
    assert not caseworker.juvenile_trained
    hidden = StageTransition.objects.filter(access.record_rows_filter("stage_move", caseworker))
    assert move not in hidden  # the move is under the juvenile rule for this user
    client.force_login(caseworker)
    year = timezone.localdate(move.applied_at).year
    page = client.get(reverse("caseload"), {"released_in": year}).context["page"]
    assert case not in page.cases


def test_dashboard_survival_counts_juvenile_era_records(grown_up_case, agency):
    """A supervisor of an agency on the team (not of the programme, not trained)."""
    case, move, event = grown_up_case
    boss = factories.SupervisorFactory(agency=agency)
    assert not access.supervises_programme(boss, case.programme_id)
    hidden = ReengagementEvent.objects.filter(access.record_rows_filter("reengagement", boss))
    assert event not in hidden
    survival = outcomes.survival(boss, DashboardFilters(), timezone.localdate())
    # Neither the juvenile-era release nor the juvenile-era event may count.
    assert survival is None or survival["rows"] == [], survival["rows"]


def test_time_in_stage_does_not_date_a_juvenile_era_move(make_case, stages, caseworker, agency):
    """A stay that began with a move recorded while the person was a juvenile is not
    counted for staff who may not know of that move: its length would date it."""
    from casemgmt.selectors.dashboard.stage_time import time_in_stage

    today = timezone.localdate()
    person = factories.PersonFactory(date_of_birth=today.replace(year=today.year - 20))
    case = make_case("released", person=person, opened_on=today.replace(year=today.year - 5))
    began = timezone.now() - datetime.timedelta(days=3 * 365)
    ended = timezone.now() - datetime.timedelta(days=10)
    for from_key, to_key, at in (
        ("counselling", "release_preparation", began),
        ("release_preparation", "released", ended),
    ):
        StageTransition.objects.create(
            case=case,
            from_stage=stages[from_key],
            to_stage=stages[to_key],
            requested_by=caseworker,
            reason="r",
            status="applied",
            applied_at=at,
            requested_at=at,
        )
    refresh_stored_figures([case.pk])  # the stays, as the engine stores them
    boss = factories.SupervisorFactory(agency=agency)
    readable = StageTransition.objects.filter(access.record_rows_filter("stage_move", boss))
    assert readable.filter(case=case).count() == 1  # only the adult-era move
    since = timezone.now() - datetime.timedelta(days=365)
    stays = time_in_stage(boss, Case.objects.filter(pk=case.pk), since)
    assert stages["release_preparation"].pk not in stays
    trained = factories.SupervisorFactory(agency=agency, juvenile_trained=True)
    stays = time_in_stage(trained, Case.objects.filter(pk=case.pk), since)
    assert stays[stages["release_preparation"].pk]["stays"] == 1


def test_last_review_is_the_latest_the_reader_may_know_of(make_case, caseworker, agency):
    """The stored latest review was recorded while the person was a juvenile: a supervisor
    who may not know of it judges the case by the latest review they may know of (here a
    complete one), not by the hidden one (incomplete), nor counts it as reviewed by it."""
    from casemgmt.selectors import caseload_figures as cf
    from casemgmt.services.cases import case_refresh_last_review

    today = timezone.localdate()
    adult_on = today - datetime.timedelta(days=10)
    person = factories.PersonFactory(date_of_birth=adult_on.replace(year=adult_on.year - 18))
    case = make_case("counselling", person=person, opened_on=today - datetime.timedelta(days=400))
    probation = factories.AgencyFactory(kind=AgencyKind.PROBATION)
    # Held earlier, recorded (late) after the 18th birthday, probation speaking: complete.
    known = case.reviews.create(
        kind="closure_review",
        held_on=today - datetime.timedelta(days=30),
        decision="d",
        recorded_by=caseworker,
    )
    known.positions.create(agency=probation, position="agree", recorded_by_agency=probation)
    # Held later, recorded before the 18th birthday, no probation: incomplete, and hidden.
    hidden_at = timezone.now() - datetime.timedelta(days=20)
    case.reviews.create(
        kind="closure_review",
        held_on=today - datetime.timedelta(days=20),
        decision="d",
        recorded_by=caseworker,
        recorded_at=hidden_at,
    )
    case_refresh_last_review(case)
    cases = Case.objects.filter(pk=case.pk)
    boss = factories.SupervisorFactory(agency=agency)
    assert case.last_review.held_on == today - datetime.timedelta(days=20)
    assert (
        cf.last_review(cases, boss, "complete").count(),
        cf.last_review(cases, boss, "incomplete").count(),
    ) == (1, 0)
    trained = factories.SupervisorFactory(agency=agency, juvenile_trained=True)
    assert (
        cf.last_review(cases, trained, "complete").count(),
        cf.last_review(cases, trained, "incomplete").count(),
    ) == (0, 1)
