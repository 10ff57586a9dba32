"""Issue 13, point 10: multi-agency reviews overdue after release reach the inbox (selected
in SQL on ``Case.next_meeting_due``) and the caseload filter; the case page shows the
release plan in full to those who read its class, and the next review due."""

import datetime

import pytest
from django.urls import reverse

from casemgmt import factories
from casemgmt.models import AgencyKind, Case, TeamRole
from casemgmt.selectors.inbox import LIMIT
from casemgmt.services import monitoring
from tests.conftest import get_as

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def released_with_plan(make_case, caseworker, agency, *, starts_ago=100, **kwargs):
    case = make_case("released", **kwargs)
    monitoring.monitoring_plan_record(
        case=case,
        by=caseworker,
        responsible_agency=agency,
        residence="Mohalla Qazi Khel, house 14",
        family_arrangements="Lives with his mother and two brothers.",
        work_arrangements="Apprentice electrician, vocational centre.",
        conditions="No travel outside the district without permission.",
        contact_frequency="monthly",
        review_frequency="monthly",
        starts_on=TODAY - datetime.timedelta(days=starts_ago),
    )
    return case


def test_30_overdue_reviews_all_reach_the_inbox_and_the_caseload(
    client, caseworker, agency, make_case, monkeypatch
):
    """With the inbox limit below 30, the list says how many in all and links to the
    filtered caseload, which lists every one of them."""
    from casemgmt.selectors import inbox

    for _ in range(30):
        released_with_plan(make_case, caseworker, agency)
    # Not overdue: a review is due in the future, or the case is not released yet.
    released_with_plan(make_case, caseworker, agency, starts_ago=5)
    preparing = make_case("release_preparation")
    monitoring.monitoring_plan_record(
        case=preparing,
        by=caseworker,
        responsible_agency=agency,
        residence="Home",
        review_frequency="monthly",
        starts_on=TODAY - datetime.timedelta(days=100),
    )
    # At the real limit, all 30 are listed.
    assert get_as(client, caseworker, reverse("inbox")).context["overdue_meetings"].total == 30
    assert LIMIT > 30
    monkeypatch.setattr(inbox, "LIMIT", 20)
    response = get_as(client, caseworker, reverse("inbox"))
    shown = response.context["overdue_meetings"]
    assert (len(shown), shown.total, shown.more) == (20, 30, 10)
    assert [c.next_meeting_due for c in shown] == sorted(c.next_meeting_due for c in shown)
    page = response.content.decode()
    assert 'data-testid="meetings-overdue">30<' in page
    assert "10 more: see all" in page
    assert reverse("caseload") + "?meeting_overdue=on" in page

    listing = client.get(reverse("caseload"), {"meeting_overdue": "on"})
    assert listing.context["page"].count == 30
    assert listing.context["form"]["meeting_overdue"].value() is True


def test_another_agencys_case_never_counts(client, caseworker, agency, make_case):
    """The attacker's side: a case led by another agency, whose review is long overdue,
    is neither in the caseworker's inbox count nor in the filtered caseload."""
    other = factories.AgencyFactory(kind=AgencyKind.POLICE)
    other_worker = factories.CaseworkerFactory(agency=other)
    theirs = released_with_plan(
        make_case, other_worker, other, lead_agency=other, assigned_caseworker=other_worker
    )
    mine = released_with_plan(make_case, caseworker, agency)
    assert Case.objects.filter(next_meeting_due__lt=TODAY).count() == 2

    response = get_as(client, caseworker, reverse("inbox"))
    assert [c.pk for c in response.context["overdue_meetings"]] == [mine.pk]
    assert response.context["overdue_meetings"].total == 1
    assert theirs.reference not in response.content.decode()
    listing = client.get(reverse("caseload"), {"meeting_overdue": "on"})
    assert [c.pk for c in listing.context["page"].cases] == [mine.pk]
    assert listing.context["page"].count == 1

    # Their own caseworker sees theirs.
    response = get_as(client, other_worker, reverse("inbox"))
    assert [c.pk for c in response.context["overdue_meetings"]] == [theirs.pk]


def test_the_case_page_shows_the_whole_plan_and_the_overdue_review(
    client, caseworker, agency, make_case
):
    case = released_with_plan(make_case, caseworker, agency)
    page = get_as(
        client, caseworker, reverse("case_detail", args=[case.reference]) + "?tab=support"
    ).content
    page = page.decode()
    for text in (
        "Mohalla Qazi Khel, house 14",
        "Lives with his mother and two brothers.",
        "Apprentice electrician, vocational centre.",
        "No travel outside the district without permission.",
        "Work or training",
    ):
        assert text in page, text
    assert "Next multi-agency review due:" in page
    due = case.next_meeting_due
    assert due == TODAY - datetime.timedelta(days=70)
    assert 'class="badge text-bg-danger">overdue<' in page


def test_a_review_not_yet_due_has_no_overdue_marker(client, caseworker, agency, make_case):
    case = released_with_plan(make_case, caseworker, agency, starts_ago=5)
    page = get_as(
        client, caseworker, reverse("case_detail", args=[case.reference]) + "?tab=support"
    )
    page = page.content.decode()
    assert "Next multi-agency review due:" in page
    assert "text-bg-danger" not in page


def test_a_counsellor_sees_the_review_due_but_not_the_plan(client, caseworker, agency, make_case):
    """The plan is location information (residence): a counselling agency on the team
    reads neither it nor its other fields, but sees when the next review is due (the
    reviews are intervention information, which it reads)."""
    counselling = factories.AgencyFactory(kind=AgencyKind.COUNSELLING)
    counsellor = factories.CaseworkerFactory(agency=counselling)
    case = released_with_plan(make_case, caseworker, agency, team=[(counselling, TeamRole.SUPPORT)])
    page = get_as(
        client, counsellor, reverse("case_detail", args=[case.reference]) + "?tab=support"
    )
    assert page.status_code == 200
    page = page.content.decode()
    for text in ("Mohalla Qazi Khel", "Lives with his mother", "Apprentice electrician"):
        assert text not in page, text
    assert "Next multi-agency review due:" in page
    # The probation/prison caseworker reads it.
    page = get_as(
        client, caseworker, reverse("case_detail", args=[case.reference]) + "?tab=support"
    )
    assert "Mohalla Qazi Khel" in page.content.decode()


def test_the_daily_check_counts_overdue_reviews(caseworker, agency, make_case):
    released_with_plan(make_case, caseworker, agency)
    released_with_plan(make_case, caseworker, agency, starts_ago=5)
    assert monitoring.monitoring_check_overdue()["meetings_overdue"] == 1
