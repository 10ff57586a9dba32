"""Issue 13, point 10 (P11, P3): the monitoring plan's review frequency sets when the next
multi-agency review is due, stored as ``Case.next_meeting_due`` and kept current by the
services that change its inputs (a plan, a review, a move, the programme recompute job)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from casemgmt import workflow
from casemgmt.models import AuditEvent, Case
from casemgmt.models.monitoring import REVIEW_DAYS
from casemgmt.services import monitoring, programme_settings, reviews
from tests.case_page import every_tab

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


@pytest.fixture
def plan_for(caseworker, agency):
    def record(case, *, frequency="quarterly", starts_on=None):
        return monitoring.monitoring_plan_record(
            case=case,
            by=caseworker,
            responsible_agency=agency,
            residence="With his family in the home district",
            contact_frequency="monthly",
            review_frequency=frequency,
            starts_on=starts_on or TODAY - days(10),
        )

    return record


@pytest.fixture
def review_on(caseworker, agency):
    def record(case, held_on, kind="monitoring_review"):
        return reviews.review_record(
            case=case,
            by=caseworker,
            kind=kind,
            held_on=held_on,
            decision="Continue monitoring.",
            positions=[(agency, "agree", "")],
        )

    return record


def stored(case) -> datetime.date | None:
    return Case.objects.values_list("next_meeting_due", flat=True).get(pk=case.pk)


def test_the_frequencies_are_declared_once_beside_the_contact_days():
    assert REVIEW_DAYS == {"monthly": 30, "quarterly": 90, "six_monthly": 180}


@pytest.mark.parametrize(
    ("frequency", "interval"), [("monthly", 30), ("quarterly", 90), ("six_monthly", 180)]
)
def test_without_a_review_since_the_plan_started_it_is_due_from_the_start(
    make_case, plan_for, frequency, interval
):
    case = make_case("released")
    plan = plan_for(case, frequency=frequency, starts_on=TODAY - days(10))
    assert stored(case) == plan.starts_on + days(interval)
    assert case.next_meeting_due == plan.starts_on + days(interval), "the caller's copy too"


def test_a_later_review_of_any_kind_moves_it(make_case, plan_for, review_on):
    case = make_case("released")
    plan_for(case, frequency="monthly", starts_on=TODAY - days(40))
    assert stored(case) == TODAY - days(10)
    version = Case.objects.get(pk=case.pk).version
    review_on(case, TODAY - days(3), kind="case_conference")
    assert stored(case) == TODAY - days(3) + days(30)
    # An earlier review does not bring it back.
    review_on(case, TODAY - days(20))
    assert stored(case) == TODAY + days(27)
    assert Case.objects.get(pk=case.pk).version == version, "a derived date: no version bump"


def test_a_review_before_the_current_plan_started_does_not_count(make_case, plan_for, review_on):
    case = make_case("released")
    review_on(case, TODAY - days(30), kind="release_review")
    plan_for(case, frequency="monthly", starts_on=TODAY - days(20))
    assert stored(case) == TODAY + days(10)


def test_a_new_plan_moves_it(make_case, plan_for, review_on):
    case = make_case("released")
    plan_for(case, frequency="six_monthly", starts_on=TODAY - days(100))
    review_on(case, TODAY - days(50))
    assert stored(case) == TODAY + days(130)
    # Stricter monitoring from today: monthly, and the old review predates the plan.
    plan_for(case, frequency="monthly", starts_on=TODAY)
    assert stored(case) == TODAY + days(30)


def test_none_outside_the_community_stage(make_case, plan_for, review_on):
    """A plan made during release preparation sets nothing until the person is released."""
    case = make_case("release_preparation")
    plan_for(case, starts_on=TODAY + days(5))
    review_on(case, TODAY)
    assert stored(case) is None


def test_leaving_the_community_stage_clears_it(make_case, plan_for, caseworker, supervisor, stages):
    case = make_case("released")
    plan_for(case)
    assert stored(case) is not None
    move = workflow.request_transition(
        case=case, to_stage=stages["exited"], by=caseworker, reason="x", reason_kind="withdrawn"
    )
    workflow.approve_transition(stage_transition=move, by=supervisor)
    assert stored(case) is None


def test_recording_a_review_leaves_the_reassessment_date_alone(make_case, plan_for, review_on):
    """A review is not an assessment: only the meeting date follows it."""
    case = make_case("released", next_review_due=TODAY + days(44))
    plan_for(case)
    before = Case.objects.values_list("next_review_due", "next_contact_due").get(pk=case.pk)
    review_on(case, TODAY)
    after = Case.objects.values_list("next_review_due", "next_contact_due").get(pk=case.pk)
    assert before == after


def test_a_refused_review_changes_nothing(make_case, plan_for, review_on):
    case = make_case("released")
    plan_for(case, frequency="monthly", starts_on=TODAY - days(40))
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        review_on(case, TODAY + days(1))
    assert stored(case) == TODAY - days(10)
    assert AuditEvent.objects.count() == events


def test_the_programme_recompute_job_repairs_a_stale_date(make_case, plan_for, programme):
    case = make_case("released")
    plan_for(case, frequency="quarterly", starts_on=TODAY - days(10))
    Case.objects.filter(pk=case.pk).update(next_meeting_due=None)
    changed = programme_settings.programme_recompute_due_dates(programme_id=programme.pk)
    assert changed >= 1
    assert stored(case) == TODAY + days(80)


def test_a_plan_that_starts_later_does_not_hide_an_overdue_review(make_case, plan_for):
    """Found by the attacker-side review: a six-monthly plan recorded to start in 300 days
    replaced the monthly plan in force at once, and the overdue review left the inbox."""
    case = make_case("released")
    plan_for(case, frequency="monthly", starts_on=TODAY - days(100))
    assert stored(case) == TODAY - days(70)
    plan_for(case, frequency="six_monthly", starts_on=TODAY + days(300))
    assert stored(case) == TODAY - days(70), "the plan in force is still the monthly one"


def test_the_due_date_is_risk_information(client, make_case, plan_for, review_on):
    """Found by the attacker-side review: the interval from the last review to the due date
    (30, 90 or 180 days by default) tells the classification band."""
    from django.urls import reverse

    from casemgmt import factories
    from casemgmt.models import AgencyKind, CaseTeamMember

    case = make_case("released")
    plan_for(case, frequency="monthly", starts_on=TODAY - days(100))
    school = factories.AgencyFactory(kind=AgencyKind.EDUCATION, name="School")
    CaseTeamMember.objects.create(case=case, agency=school, role="support")
    teacher = factories.CaseworkerFactory(agency=school)
    client.force_login(teacher)
    page = every_tab(client, case.reference)
    assert "Next multi-agency review due" not in page
    inbox = client.get(reverse("inbox"))
    assert inbox.context["overdue_meetings"] == []
    listing = client.get(reverse("caseload"), {"meeting_overdue": "on"})
    assert "meeting_overdue" not in listing.context["form"].fields
