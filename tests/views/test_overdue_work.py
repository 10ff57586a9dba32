"""Issue 13, point 12: overdue contacts are selected in SQL on ``Case.next_contact_due``,
at any size; no inbox list stops silently at its limit."""

import datetime

import pytest
from django.urls import reverse

from casemgmt.models import Case, Escalation
from casemgmt.selectors.inbox import LIMIT
from casemgmt.services import monitoring

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


@pytest.fixture
def released_late(make_case, caseworker, agency):
    """``add(n)``: n released cases whose weekly contact was due a month ago."""

    def add(n):
        for _ in range(n):
            case = make_case("released")
            monitoring.monitoring_plan_record(
                case=case,
                by=caseworker,
                responsible_agency=agency,
                contact_frequency="weekly",
                residence="Home",
                starts_on=TODAY - datetime.timedelta(days=40),
            )

    return add


def test_250_overdue_contacts_all_reach_the_inbox_and_the_daily_check(
    client, caseworker, released_late
):
    """Before: the inbox looked at an unordered slice of 200 released cases, so 50 of these
    never reached it; the daily check scanned every released case in Python."""
    released_late(250)
    assert Case.objects.filter(next_contact_due=TODAY - datetime.timedelta(days=33)).count() == 250
    client.force_login(caseworker)
    response = client.get(reverse("inbox"))
    shown = response.context["overdue_check_ins"]
    assert (len(shown), shown.total, shown.more) == (LIMIT, 250, 250 - LIMIT)
    page = response.content.decode()
    assert 'data-testid="check-ins-overdue">250<' in page
    assert "200 more: see all" in page
    assert reverse("caseload") + "?contact_overdue=on" in page
    # The link leads to all 250.
    listing = client.get(reverse("caseload"), {"contact_overdue": "on"})
    assert listing.context["page"].count == 250

    assert monitoring.monitoring_check_overdue()["escalations_raised"] == 250
    assert monitoring.monitoring_check_overdue()["escalations_raised"] == 0
    assert Escalation.objects.filter(trigger="missed_contact").count() == 250


def test_the_daily_check_waits_for_the_programmes_grace(released_late, programme):
    released_late(1)
    due = Case.objects.get().next_contact_due
    programme.missed_contact_grace_days = 40
    programme.save()
    assert monitoring.monitoring_check_overdue(today=due + datetime.timedelta(days=40)) == {
        "escalations_raised": 0,
        "reassessments_overdue": 0,
        "meetings_overdue": 1,  # the plan's monthly review (no tier: as high), never held
    }
    assert (
        monitoring.monitoring_check_overdue(today=due + datetime.timedelta(days=41))[
            "escalations_raised"
        ]
        == 1
    )


def test_a_check_in_a_move_and_a_new_plan_keep_the_stored_date_current(
    released_late, caseworker, agency, supervisor, stages
):
    from casemgmt import workflow

    released_late(1)
    case = Case.objects.get()
    monitoring.check_in_record(case=case, by=caseworker, held_on=TODAY, kind="phone", outcome="met")
    case.refresh_from_db()
    assert case.next_contact_due == TODAY + datetime.timedelta(days=7)
    monitoring.monitoring_plan_record(
        case=case,
        by=caseworker,
        responsible_agency=agency,
        contact_frequency="monthly",
        residence="Home",
        starts_on=TODAY,
    )
    case.refresh_from_db()
    assert case.next_contact_due == TODAY + datetime.timedelta(days=30)
    move = workflow.request_transition(
        case=case, to_stage=stages["exited"], by=caseworker, reason="x", reason_kind="withdrawn"
    )
    workflow.approve_transition(stage_transition=move, by=supervisor)
    case.refresh_from_db()
    assert case.current_stage == stages["exited"]
    assert case.next_contact_due is None, "no contact is due outside the community"


# Overdue check-ins past the limit add one query (their count); so do the multi-agency
# reviews overdue (the same cases: their monthly review was due 10 days ago). Pinned at
# two sizes.
INBOX_WITH_A_FULL_LIST = 16  # + the review positions awaiting the agency


@pytest.mark.parametrize("size", [LIMIT + 1, 3 * LIMIT])
def test_inbox_queries_with_a_full_list(
    client, caseworker, released_late, size, django_assert_num_queries
):
    released_late(size)
    client.force_login(caseworker)
    client.get(reverse("inbox"))
    with django_assert_num_queries(INBOX_WITH_A_FULL_LIST):
        response = client.get(reverse("inbox"))
    assert response.context["overdue_check_ins"].total == size
    assert response.context["overdue_meetings"].total == size
