"""A small programme for the dashboard's tests: figures are hand-computed from it."""

import datetime

import pytest
from django.utils import timezone

from casemgmt import factories
from casemgmt.models import Escalation, MultiAgencyReview, ReviewAction, StageTransition
from casemgmt.services.escalations import escalation_raise

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def move(case, stages, from_key, to_key, *, by, applied_at, status="applied"):
    return StageTransition.objects.create(
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
