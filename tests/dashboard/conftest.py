"""Small worlds for the dashboard's tests, built with the factories; figures are
hand-computed from them. Agency B's cases must never count for agency A's supervisor."""

import datetime

import pytest
from django.utils import timezone

from casemgmt import factories
from casemgmt.models import (
    AgencyKind,
    Assessment,
    Escalation,
    MultiAgencyReview,
    ReviewAction,
    StageTransition,
)
from casemgmt.services.escalations import escalation_raise
from casemgmt.services.stored_figures import refresh_stored_figures

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def move(case, stages, from_key, to_key, *, by, applied_at, status="applied"):
    """A move written directly, with the stay it ended stored as the engine would."""
    created = StageTransition.objects.create(
        case=case,
        from_stage=stages[from_key],
        to_stage=stages[to_key],
        requested_by=by,
        requested_at=applied_at,
        reason="Moved",
        status=status,
        decided_at=applied_at if status == "applied" else None,
        applied_at=applied_at if status == "applied" else None,
    )
    refresh_stored_figures([case.pk])
    return created


def escalate(case, days_ago: int):
    escalation = escalation_raise(case=case, by=None, trigger="breach", description="Breach")
    Escalation.objects.filter(pk=escalation.pk).update(
        raised_at=timezone.now() - datetime.timedelta(days=days_ago, hours=1)
    )
    return escalation


@pytest.fixture
def world(agency, caseworker, other_caseworker, supervisor, make_case, stages):
    """Agency A's cases with work of every kind; agency B's case is not shared with A."""
    now = timezone.now()
    old = TODAY - 90 * DAY
    a1 = make_case("counselling", opened_on=old)
    a2 = make_case("counselling", assigned_caseworker=other_caseworker, opened_on=old)
    a3 = make_case("released")
    a4 = make_case("released")
    a5 = make_case("referral", opened_on=old)
    escalate(a1, 0)
    escalate(a2, 3)
    escalate(a3, 10)
    escalate(a3, 1)  # a3's oldest is 10 days: in the oldest band only
    review = MultiAgencyReview.objects.create(
        case=a4, kind="progress", held_on=TODAY - 5 * DAY, decision="Go on", recorded_by=caseworker
    )
    refresh_stored_figures([a4.pk])
    ReviewAction.objects.create(
        review=review, description="Call", owner=caseworker, due_on=TODAY - DAY
    )
    move(a5, stages, "referral", "intake", by=caseworker, applied_at=now, status="pending")
    # Stays in "referral" that ended in the last year: 2, 4, 10 days.
    created = now - 200 * DAY
    for case, days in ((a1, 2), (a2, 4), (a3, 10)):
        type(case).objects.filter(pk=case.pk).update(created_at=created)
        move(case, stages, "referral", "intake", by=caseworker, applied_at=created + days * DAY)
    # a3 then spent 30 days in intake.
    move(a3, stages, "intake", "counselling", by=caseworker, applied_at=created + 40 * DAY)
    # Escalations recompute the due dates: set them as the figures want them.
    due = {a1: {"next_review_due": TODAY - 2 * DAY}, a3: {"next_contact_due": TODAY - 10 * DAY}}
    due[a4] = {"next_contact_due": TODAY - DAY}
    for case, dates in due.items():
        type(case).objects.filter(pk=case.pk).update(**dates)
    other = factories.AgencyFactory(name="Agency B")
    b_worker = factories.CaseworkerFactory(agency=other)
    b1 = make_case("counselling", lead_agency=other, assigned_caseworker=b_worker)
    escalate(b1, 10)
    type(b1).objects.filter(pk=b1.pk).update(created_at=created)
    move(b1, stages, "referral", "intake", by=b_worker, applied_at=created + 100 * DAY)
    return {"a": [a1, a2, a3, a4, a5], "b": [b1], "b_worker": b_worker}


# The sections' tests pass their own day (each section takes ``today``).
SECTION_DAY = datetime.date(2026, 12, 4)


@pytest.fixture
def agency_b(db):
    return factories.AgencyFactory(kind=AgencyKind.PRISON, name="Agency B")


@pytest.fixture
def hidden_case(programme, stages, agency_b):
    """A case of agency B only: invisible to the supervisor of agency A."""
    return factories.CaseFactory(
        programme=programme,
        current_stage=stages["counselling"],
        lead_agency=agency_b,
        opened_on=datetime.date(2026, 1, 1),
    )


@pytest.fixture
def score(caseworker):
    """A structured assessment with these track scores on that day."""

    from casemgmt.selectors.assessments import instrument_for

    def scored(case, on, *, dis=None, derad=None):
        return Assessment.objects.create(
            case=case,
            instrument=instrument_for(case),
            kind="review",
            assessed_on=on,
            assessor=caseworker,
            agency=caseworker.agency,
            overall_concern="low",
            rationale="r",
            disengagement_score=dis,
            deradicalisation_score=derad,
        )

    return scored


@pytest.fixture
def release(caseworker, stages):
    """The case's first release (an applied move into the community stage) on ``on``."""

    def released(case, on):
        return StageTransition.objects.create(
            case=case,
            from_stage=stages["release_preparation"],
            to_stage=stages["released"],
            requested_by=caseworker,
            reason="r",
            status="applied",
            applied_at=datetime.datetime.combine(on, datetime.time(12), tzinfo=datetime.UTC),
        )

    return released


@pytest.fixture
def list_count(client, supervisor):
    """The count the caseload shows for a figure's link (its exact, uncapped count)."""
    client.force_login(supervisor)

    def count(url):
        response = client.get(url)
        assert response.status_code == 200
        page = response.context["page"]
        assert not page.count_capped
        return page.count

    return count
