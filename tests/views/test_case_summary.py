"""The top of the case page says what is next: the next move's unmet gates in words the
reader may read, the due dates and open escalations by class."""

import datetime

import pytest
from django.urls import reverse

from casemgmt import factories
from casemgmt.models import AgencyKind, CaseTeamMember
from casemgmt.permissions import case_permissions
from casemgmt.selectors.case_summary import case_summary
from casemgmt.services.escalations import escalation_raise
from tests.case_page import case_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def intake_case(make_case):
    """At intake with nothing recorded: the move to the case conference is far off."""
    case = make_case("intake")
    school = factories.AgencyFactory(kind=AgencyKind.EDUCATION, name="School")
    CaseTeamMember.objects.create(case=case, agency=school, role="support")
    return case, factories.CaseworkerFactory(agency=school)


def test_the_caseworker_reads_each_unmet_gate_of_the_next_move(intake_case, caseworker):
    case, _teacher = intake_case
    summary = case_summary(case, case_permissions(caseworker, case))
    assert summary.next_move.to_stage.key == "case_conference"
    assert summary.unmet, "nothing is recorded yet"
    assert all("you may not read" not in r.reason for r in summary.unmet)


def test_a_reader_without_the_class_sees_only_that_a_gate_is_unmet(intake_case, caseworker):
    case, teacher = intake_case
    theirs = case_summary(case, case_permissions(teacher, case))
    mine = case_summary(case, case_permissions(caseworker, case))
    assert [r.gate for r in theirs.unmet] == [r.gate for r in mine.unmet]
    hidden = [r for r in theirs.unmet if r.info_class not in {"case", "intervention"}]
    assert hidden, "at least one gate cites legal or risk records"
    for result in hidden:
        assert "you may not read" in result.reason
        mine_reason = next(r.reason for r in mine.unmet if r.gate == result.gate)
        assert mine_reason != result.reason


def test_the_page_shows_the_summary_by_class(client, intake_case, caseworker):
    case, teacher = intake_case
    escalation_raise(case=case, by=None, trigger="breach", description="Missed curfew")
    url = reverse("case_detail", args=[case.reference])
    client.force_login(caseworker)
    page = client.get(url).content.decode()
    assert "Next move: Case conference" in page
    assert f'href="{url}?tab=overview#section-escalations">1</a>' in page
    client.force_login(teacher)
    page = client.get(url).content.decode()
    assert "Next move: Case conference" in page
    assert "Open escalations" not in page and "Classification" not in page


def test_a_terminal_stage_has_no_next_move(make_case, caseworker):
    case = make_case("completed")
    assert case_summary(case, case_permissions(caseworker, case)).next_move is None


def test_days_in_stage(make_case, caseworker):
    from django.utils import timezone

    case = make_case("counselling", stage_entered_at=timezone.now() - datetime.timedelta(days=43))
    assert case_summary(case, case_permissions(caseworker, case)).days_in_stage == 43


def test_a_long_list_shows_its_latest_and_links_to_all(client, make_case, caseworker):
    from casemgmt.models import CheckIn

    case = make_case("released")
    CheckIn.objects.bulk_create(
        CheckIn(
            case=case,
            held_on=datetime.date.today() - datetime.timedelta(days=i),
            kind="phone",
            outcome="met",
        )
        for i in range(25)
    )
    client.force_login(caseworker)
    page = case_page(client, case.reference, section="monitoring").content.decode()
    link = reverse("case_timeline", args=[case.reference]) + "?kind=check_in"
    assert link in page
    timeline = client.get(link)
    assert timeline.status_code == 200
