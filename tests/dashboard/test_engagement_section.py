"""The engagement section: the last review's completeness, single-agency teams and
referrals waiting, each equal to a hand-computed value and to the list it links to."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from casemgmt import factories
from casemgmt.models import AgencyKind, CaseTeamMember, Referral
from casemgmt.selectors.dashboard import engagement
from casemgmt.selectors.dashboard.scope import DashboardFilters
from casemgmt.services.cases import case_refresh_last_review

pytestmark = pytest.mark.django_db

D = datetime.date
SCOPE = DashboardFilters()


@pytest.fixture
def kinds(agency):
    """An agency of each kind the default programme's case conference and release need
    (``agency``, the supervisor's, is the prison)."""
    return {
        "prison": agency,
        "counselling": factories.AgencyFactory(kind=AgencyKind.COUNSELLING, name="Counsel"),
        "probation": factories.AgencyFactory(kind=AgencyKind.PROBATION, name="Probation"),
    }


def review(case, held_on, kind, positions, by):
    """A review with (agency, recorded by agency, confirmed) positions."""
    r = case.reviews.create(kind=kind, held_on=held_on, decision="d", recorded_by=by)
    case_refresh_last_review(case)  # as services.reviews does
    for agency, recorded_for, confirmed in positions:
        r.positions.create(
            agency=agency,
            position="agree",
            recorded_by_agency=recorded_for,
            confirmed_at=timezone.now() if confirmed else None,
        )
    return r


@pytest.fixture
def world(make_case, kinds, hidden_case, agency_b, caseworker):
    prison, counselling, probation = kinds["prison"], kinds["counselling"], kinds["probation"]
    team = [(counselling, "support")]
    one, two = make_case("counselling", team=team), make_case("counselling", team=team)
    three, four = make_case("counselling"), make_case("counselling")
    closed = make_case("completed")
    conference = "case_conference"  # needs prison and counselling (default programme)
    # One: both kinds speak for themselves: complete.
    review(
        one,
        D(2026, 5, 1),
        conference,
        [(prison, prison, False), (counselling, counselling, False)],
        caseworker,
    )
    # Two: complete before, but at the last review counselling was recorded by the prison
    # and never confirmed: incomplete.
    review(
        two,
        D(2026, 1, 1),
        conference,
        [(prison, prison, False), (counselling, counselling, False)],
        caseworker,
    )
    review(
        two,
        D(2026, 6, 1),
        conference,
        [(prison, prison, False), (counselling, prison, False)],
        caseworker,
    )
    # Three: counselling's position typed by the prison, then confirmed: complete.
    review(
        three,
        D(2026, 6, 1),
        conference,
        [(prison, prison, False), (counselling, prison, True)],
        caseworker,
    )
    # Four: no review (not counted); closed: not active; hidden: not visible.
    review(closed, D(2026, 6, 1), conference, [], caseworker)
    review(hidden_case, D(2026, 6, 1), conference, [], caseworker)
    # A member who left does not make a second agency.
    CaseTeamMember.objects.create(
        case=three, agency=probation, role="support", left_on=D(2026, 2, 1)
    )
    now = timezone.now()

    def refer(case, to, days, status="sent"):
        Referral.objects.create(
            case=case,
            from_agency=prison,
            to_agency=to,
            service="counselling",
            reason="r",
            sent_by=caseworker,
            sent_at=now - datetime.timedelta(days=days),
            status=status,
        )

    refer(one, counselling, 2)
    refer(two, counselling, 10)
    refer(three, probation, 40)
    refer(four, counselling, 50, status="accepted")
    refer(hidden_case, counselling, 1)
    return {"cases": (one, two, three, four, closed)}


def test_last_review_share_by_hand(world, supervisor, list_count):
    r = engagement.section(supervisor, SCOPE)["reviews"]
    assert (r["complete"].count, r["incomplete"].count, r["reviewed"], r["share"]) == (2, 1, 3, 67)
    assert list_count(r["complete"].url) == 2
    assert list_count(r["incomplete"].url) == 1


def test_single_agency_teams_by_hand(world, supervisor, list_count):
    s = engagement.section(supervisor, SCOPE)["single_agency"]
    assert (s["single"].count, s["active"].count) == (2, 4)  # three and four, of four active
    assert list_count(s["single"].url) == 2
    assert list_count(s["active"].url) == 4


def test_referrals_waiting_by_agency_and_age(world, supervisor, kinds, list_count):
    f = engagement.section(supervisor, SCOPE)["referrals"]
    table = {
        row["agency"].label: ([c.count for c in row["cells"]], row["agency"].count)
        for row in f["rows"]
    }
    assert table == {"Counsel": ([1, 1, 0], 2), "Probation": ([0, 0, 1], 1)}
    for row in f["rows"]:
        assert list_count(row["agency"].url) == row["agency"].count
        for cell in row["cells"]:
            assert list_count(cell.url) == cell.count


def test_a_supervisor_of_agency_b_sees_only_agency_b(world, agency_b):
    other = factories.SupervisorFactory(agency=agency_b)
    section = engagement.section(other, SCOPE)
    assert (section["reviews"]["reviewed"], section["reviews"]["incomplete"].count) == (1, 1)
    assert (section["single_agency"]["single"].count, section["single_agency"]["active"].count) == (
        1,
        1,
    )
    assert [(r["agency"].label, r["agency"].count) for r in section["referrals"]["rows"]] == [
        ("Counsel", 1)
    ]


@pytest.mark.parametrize("language", ["en", "ur"])
def test_the_partial_renders_under_the_csp(world, supervisor, language):
    """Charts and tables, no style attribute or script (strict CSP), in Urdu too."""
    with translation.override(language):
        html = render_to_string(
            "casemgmt/dashboard/_engagement.html",
            {"engagement": engagement.section(supervisor, SCOPE)},
        )
    assert "<svg" in html and "<table" in html
    assert "style=" not in html and "<script" not in html


# The gates' requirements and both review counts (2); single-agency and active (1); the
# referrals and their agencies' names (2).
QUERIES = 5


def test_query_count_is_the_same_at_two_sizes(
    world, supervisor, make_case, kinds, caseworker, django_assert_num_queries
):
    with django_assert_num_queries(QUERIES):
        engagement.section(supervisor, SCOPE)
    for i in range(5):
        case = make_case("counselling")
        review(
            case,
            D(2026, 7, 1),
            "case_conference",
            [(kinds["prison"], kinds["prison"], False)],
            caseworker,
        )
        Referral.objects.create(
            case=case,
            from_agency=kinds["prison"],
            to_agency=kinds["probation"],
            service="counselling",
            reason="r",
            sent_by=caseworker,
            sent_at=timezone.now() - datetime.timedelta(days=8 * i),
        )
    with django_assert_num_queries(QUERIES):
        engagement.section(supervisor, SCOPE)


def test_the_list_shows_the_figures_filter_and_keeps_it(world, client, supervisor):
    """A list reached from a figure shows its filter (so a later change keeps it)."""
    client.force_login(supervisor)
    figure = engagement.section(supervisor, SCOPE)["reviews"]["incomplete"]
    body = client.get(figure.url).content.decode()
    assert 'name="last_review"' in body
    assert 'name="last_review"' not in client.get(reverse("caseload")).content.decode()
