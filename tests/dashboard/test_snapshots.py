"""The pre-aggregated dashboard (selectors.dashboard.stored, services.dashboard_snapshots):
the stored page is the live page of its time, every figure still equals the list it opens
after the cases change, and only a reader of the same view ever reads a snapshot."""

import datetime
import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from casemgmt import factories
from casemgmt.models import (
    BreakGlassGrant,
    Case,
    CaseAccessGrant,
    DashboardFigureCase,
    DashboardFigureList,
    DashboardSnapshot,
)
from casemgmt.selectors.dashboard import stored
from casemgmt.services.dashboard_snapshots import (
    KEEP,
    prune_snapshots,
    take_dashboard_snapshots,
    take_snapshot,
)

from .conftest import DAY, TODAY

pytestmark = pytest.mark.django_db


def _get(client, user, query=""):
    client.force_login(user)
    response = client.get(reverse("dashboard") + query)
    assert response.status_code == 200
    return response


def _snapshot(user):
    return take_snapshot(stored.view_of(user), [user])


def _links(content: str) -> dict[str, int]:
    """Every figure's link to the caseload -> its count on the page."""
    links = {}
    for tag in re.findall(r"<a\b[^>]*>", content):
        href = re.search(r'href="([^"]*)"', tag)
        count = re.search(r'data-count="(\d+)"', tag)
        if href and count and html.unescape(href.group(1)).startswith(reverse("caseload") + "?"):
            links[html.unescape(href.group(1))] = int(count.group(1))
    return links


def _sections(content: str) -> str:
    """The page's figures (its main part), without what says where they come from."""
    content = content[content.index("<main") : content.index("</main>")]
    content = re.sub(r'nonce="[^"]*"', "", content)
    content = re.sub(r"&amp;counted=\d+", "", content)
    content = re.sub(r'<p class="alert[^>]*data-as-of.*?</p>', "", content, flags=re.S)
    return re.sub(r"<p[^>]*data-live>.*?</p>", "", content, flags=re.S)


@pytest.fixture
def outcomes(world, score, release):
    """Scores and a release on agency A's cases, so both tracks and survival have figures."""
    a1, _a2, a3, a4, _a5 = world["a"]
    score(a1, TODAY - 100 * DAY, dis=3, derad=1)
    score(a1, TODAY - 10 * DAY, dis=8, derad=2)
    score(a3, TODAY - 20 * DAY, dis=5)
    release(a4, TODAY - 400 * DAY)
    return world


def test_the_stored_page_is_the_live_page_of_its_time(client, outcomes, supervisor):
    snapshot = _snapshot(supervisor)
    stored_page = _get(client, supervisor)
    assert stored_page.context["as_of"] == snapshot.taken_at
    live_page = _get(client, supervisor, "?live=1")
    assert live_page.context["as_of"] is None
    assert _sections(stored_page.content.decode()) == _sections(live_page.content.decode())
    # Every section had something to keep: the comparison is not of empty pages.
    assert {"count:no_activity", "by_stage", "year_of_moves", "scored_counts", "survival"} <= set(
        snapshot.figures
    )
    tracks = stored_page.context["outcomes"]["tracks"]
    assert sum(total for _q, _cells, total in tracks[0].rows) > 0


def test_every_figure_equals_its_counted_list_after_the_cases_change(
    client, world, supervisor, caseworker, make_case, stages
):
    _snapshot(supervisor)
    a1, a2, a3, _a4, a5 = world["a"]
    # After the snapshot: a1 reassessed, a5 moved on, a new overdue case, a3 closed.
    Case.objects.filter(pk=a1.pk).update(next_review_due=TODAY + 30 * DAY)
    Case.objects.filter(pk=a5.pk).update(current_stage=stages["counselling"])
    make_case("counselling", next_review_due=TODAY - 3 * DAY)
    Case.objects.filter(pk=a3.pk).update(status="closed")

    response = _get(client, supervisor)
    assert response.context["as_of"] is not None
    figures = {f.key: f for f in response.context["action"]["cases"]}
    assert figures["reviews_overdue"].count == 1  # as of the snapshot: a1
    links = _links(response.content.decode())
    assert len(links) >= 14
    for url, count in links.items():
        query = parse_qs(urlsplit(url).query)
        assert "counted" in query, url
        page = client.get(url).context["page"]
        assert page.counted is not None and page.count == count, url
    overdue = client.get(figures["reviews_overdue"].url)
    assert [c.pk for c in overdue.context["page"].cases] == [a1.pk]
    assert b'data-counted="' in overdue.content
    # The live list of the same filters is a click away, without the counted list.
    live_list = client.get(reverse("caseload") + "?" + overdue.context["live_query"])
    assert live_list.context["page"].counted is None
    assert [c.pk for c in live_list.context["page"].cases] != [a1.pk]


def test_a_reader_of_another_view_never_reads_the_snapshot_or_its_lists(
    client, world, supervisor, caseworker, agency
):
    _snapshot(supervisor)
    a1 = world["a"][0]
    figure_list = DashboardFigureList.objects.get(query__startswith="overdue=on")
    Case.objects.filter(pk=a1.pk).update(next_review_due=TODAY + 30 * DAY)
    url = f"{reverse('caseload')}?{figure_list.query}&counted={figure_list.pk}"
    # The counted list holds a1; for its own reader it still does.
    client.force_login(supervisor)
    assert [c.pk for c in client.get(url).context["page"].cases] == [a1.pk]
    # Same agency, other views: a juvenile-trained supervisor, a caseworker, agency B's
    # supervisor. None reads the snapshot; each gets the live list of the filters.
    trained = factories.SupervisorFactory(agency=agency, juvenile_trained=True)
    other_agency = factories.SupervisorFactory(agency=factories.AgencyFactory(name="B"))
    for reader in (trained, caseworker, other_agency):
        client.force_login(reader)
        page = client.get(url)
        assert page.context["page"].counted is None, reader
        assert a1.pk not in [c.pk for c in page.context["page"].cases], reader
        assert b"data-counted-gone" in page.content
    assert stored.latest_snapshot(trained, stored_scope()) is None
    assert _get(client, trained).context["as_of"] is None


def stored_scope():
    from casemgmt.selectors.dashboard.scope import DashboardFilters

    return DashboardFilters()


def test_a_supervisor_with_cases_of_their_own_gets_live_figures(
    client, world, supervisor, hidden_case
):
    _snapshot(supervisor)
    assert _get(client, supervisor).context["as_of"] is not None
    # An allow-list place, then emergency access: both show a case the view does not.
    grant = CaseAccessGrant.objects.create(case=hidden_case, user=supervisor, granted_by=supervisor)
    assert stored.view_of(supervisor) is None
    assert _get(client, supervisor).context["as_of"] is None
    grant.delete()
    BreakGlassGrant.objects.create(
        case=hidden_case,
        user=supervisor,
        reason="Emergency",
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    assert _get(client, supervisor).context["as_of"] is None


def test_an_old_snapshot_and_a_filtered_page_are_live(client, world, supervisor):
    snapshot = _snapshot(supervisor)
    assert _get(client, supervisor, "?district=Nowhere").context["as_of"] is None
    content = _get(client, supervisor, "?live=1").content.decode()
    assert "data-live" in content and "at your request" in content
    DashboardSnapshot.objects.filter(pk=snapshot.pk).update(
        taken_at=timezone.now() - stored.FRESH_FOR - datetime.timedelta(minutes=1)
    )
    assert _get(client, supervisor).context["as_of"] is None
    # A list of a snapshot too old to serve is not served either.
    figure_list = snapshot.lists.first()
    client.force_login(supervisor)
    page = client.get(f"{reverse('caseload')}?{figure_list.query}&counted={figure_list.pk}")
    assert page.context["page"].counted is None


def test_snapshots_for_every_view_and_pruning(world, supervisor, agency):
    factories.SupervisorFactory(agency=agency)  # the same view: no second snapshot
    factories.SupervisorFactory(agency=factories.AgencyFactory(name="B"))
    for _i in range(KEEP + 1):
        result = take_dashboard_snapshots()
    assert result["views"] == 2
    assert DashboardSnapshot.objects.count() == 2 * KEEP
    kept = DashboardSnapshot.objects.values("pk")
    assert not DashboardFigureList.objects.exclude(snapshot__in=kept).exists()
    assert not DashboardFigureCase.objects.exclude(figure_list__snapshot__in=kept).exists()
    DashboardSnapshot.objects.update(taken_at=timezone.now() - datetime.timedelta(days=1))
    prune_snapshots()
    assert not DashboardSnapshot.objects.exists() and not DashboardFigureCase.objects.exists()


def test_the_command_and_the_job(world, supervisor, capsys, settings):
    from casemgmt.jobs.dashboards import dashboard_snapshots

    settings.JOBS_EAGER = True  # each view's job runs at once, here
    call_command("take_dashboard_snapshots")
    assert "Dashboard snapshots taken for 1 view(s)" in capsys.readouterr().out
    assert dashboard_snapshots(timestamp=0)["views"] == 1
    assert DashboardSnapshot.objects.count() == KEEP


@pytest.mark.postgres
def test_the_job_queues_one_job_per_view_for_the_workers_to_share(world, supervisor, settings):
    from procrastinate.contrib.django.models import ProcrastinateJob

    from casemgmt.jobs.dashboards import VIEW_JOB, dashboard_snapshot, dashboard_snapshots

    settings.JOBS_EAGER = False
    factories.SupervisorFactory(agency=factories.AgencyFactory(name="B"))
    assert dashboard_snapshots(timestamp=0)["views"] == 2
    dashboard_snapshots(timestamp=0)  # each view's job is still waiting: not queued again
    jobs = ProcrastinateJob.objects.filter(task_name=VIEW_JOB)
    assert jobs.count() == 2
    assert {j.lock for j in jobs} == {j.queueing_lock for j in jobs} and len(
        {j.lock for j in jobs}
    ) == 2
    # A worker runs each with its arguments: the view's snapshot.
    job = jobs.filter(args__agency_id=supervisor.agency_id).get()
    assert dashboard_snapshot(**job.args) is True
    assert DashboardSnapshot.objects.filter(agency=supervisor.agency).count() == 1


QUERIES = 19  # the stored page: see test_queries for the live one


@pytest.mark.parametrize("size", [1, 6])
def test_the_stored_page_reads_a_constant_number_of_queries(
    client, world, supervisor, make_case, size, django_assert_num_queries
):
    for _i in range(size):
        make_case("counselling", next_review_due=TODAY - 3 * DAY)
    _snapshot(supervisor)
    client.force_login(supervisor)
    with django_assert_num_queries(QUERIES):
        response = client.get(reverse("dashboard"))
    assert response.context["as_of"] is not None


def test_kept_results_decode_to_equal_values():
    from casemgmt.selectors.dashboard.stage_time import YearOfMoves
    from casemgmt.selectors.outcomes import SurvivalCurve, SurvivalPoint

    values = [
        {(1, 2): 3, (None, "x"): {"a": [1, 2.5, None]}},
        YearOfMoves({(4, 5): 6}, {4: {"stays": 1, "median": 2.0, "p90": 2.0}}),
        [SurvivalCurve(2025, 3, [SurvivalPoint(1, 0.5, 2)])],
        (datetime.date(2026, 1, 2), datetime.datetime(2026, 1, 2, 3, 4, tzinfo=datetime.UTC)),
        {"~t": "a key like a tag"},
    ]
    for value in values:
        assert stored.decode(stored.encode(value)) == value
    with pytest.raises(TypeError):
        stored.encode(object())


def test_a_snapshot_missing_a_result_is_not_served(client, world, supervisor):
    """Taken by an earlier version of the page (a result it did not keep, or in a shape it
    no longer reads): the page is computed live, not a server error."""
    snapshot = _snapshot(supervisor)
    figures = dict(snapshot.figures)
    del figures["by_stage"]
    DashboardSnapshot.objects.filter(pk=snapshot.pk).update(figures=figures)
    assert _get(client, supervisor).context["as_of"] is None
    figures["by_stage"] = {"~c": "Gone", "f": {}}
    DashboardSnapshot.objects.filter(pk=snapshot.pk).update(figures=figures)
    assert _get(client, supervisor).context["as_of"] is None


@pytest.mark.parametrize("value", ["abc", "-1", "0", "99999999999999999999"])
def test_a_counted_list_that_is_not_one_is_the_live_list(client, world, supervisor, value):
    client.force_login(supervisor)
    response = client.get(f"{reverse('caseload')}?overdue=on&exact=on&counted={value}")
    assert response.status_code == 200
    assert response.context["page"].counted is None
    assert response.context["page"].count == 1


def test_a_reader_who_gained_access_since_the_views_were_listed_is_not_the_reader(
    world, supervisor, agency, hidden_case
):
    """The view is checked again inside the snapshot's transaction: a grant (or a
    programme) given meanwhile would put cases other supervisors may not see in theirs."""
    view = stored.view_of(supervisor)
    colleague = factories.SupervisorFactory(agency=agency)
    CaseAccessGrant.objects.create(case=hidden_case, user=supervisor, granted_by=supervisor)
    assert take_snapshot(view, [supervisor]) is None
    assert not DashboardSnapshot.objects.exists()
    snapshot = take_snapshot(view, [supervisor, colleague])
    assert snapshot is not None
    assert not DashboardFigureCase.objects.filter(case=hidden_case).exists()


def test_a_snapshot_of_other_code_is_not_served(client, world, supervisor):
    snapshot = _snapshot(supervisor)
    figure_list = snapshot.lists.get(query__startswith="overdue=on")
    DashboardSnapshot.objects.filter(pk=snapshot.pk).update(version="0123456789abcdef")
    assert _get(client, supervisor).context["as_of"] is None
    page = client.get(f"{reverse('caseload')}?{figure_list.query}&counted={figure_list.pk}")
    assert page.context["page"].counted is None


def test_restricting_a_case_stops_every_snapshot_taken_before(client, world, supervisor, make_case):
    from casemgmt.services.restriction import case_set_restricted

    snapshot = _snapshot(supervisor)
    figure_list = snapshot.lists.get(query__startswith="overdue=on")
    a1 = world["a"][0]
    case_set_restricted(case=a1, by=supervisor, restricted=True)
    # The restricting supervisor is on its allow-list (live anyway); a colleague of the
    # same view reads live figures too, and the list as live.
    colleague = factories.SupervisorFactory(agency=supervisor.agency)
    assert stored.view_of(colleague) is not None
    assert _get(client, colleague).context["as_of"] is None
    page = client.get(f"{reverse('caseload')}?{figure_list.query}&counted={figure_list.pk}")
    assert page.context["page"].counted is None
    assert a1.pk not in [c.pk for c in page.context["page"].cases]
    # The next snapshot includes the change, and serves.
    assert _snapshot(colleague) is not None
    assert _get(client, colleague).context["as_of"] is not None


def test_an_agency_leaving_a_team_stops_the_snapshots(client, world, supervisor, caseworker):
    from casemgmt.models import CaseTeamMember
    from casemgmt.services.cases import team_member_remove

    _snapshot(supervisor)
    a4 = world["a"][3]
    partner = factories.AgencyFactory(name="Partner")
    member = CaseTeamMember.objects.create(case=a4, agency=partner, role="support")
    team_member_remove(member=member, by=caseworker, reason="Work done")
    assert _get(client, supervisor).context["as_of"] is None


def test_a_counted_list_asked_for_with_other_filters_is_the_live_list(client, world, supervisor):
    snapshot = _snapshot(supervisor)
    figure_list = snapshot.lists.get(query__startswith="overdue=on")
    client.force_login(supervisor)
    url = f"{reverse('caseload')}?{figure_list.query}&counted={figure_list.pk}"
    assert client.get(url).context["page"].counted is not None
    page = client.get(url + "&status=closed").context["page"]
    assert page.counted is None and page.count == 0


COUNTED_QUERIES = 14  # the caseload's first page (12) and the list's look-up: the view, the list


@pytest.mark.parametrize("size", [1, 30])
def test_a_counted_list_reads_a_constant_number_of_queries(
    client, world, supervisor, make_case, size, django_assert_num_queries
):
    for _i in range(size):
        make_case("counselling", next_review_due=TODAY - 3 * DAY)
    figure_list = _snapshot(supervisor).lists.get(query__startswith="overdue=on")
    client.force_login(supervisor)
    url = f"{reverse('caseload')}?{figure_list.query}&counted={figure_list.pk}"
    client.get(url)  # warm: the session's first read
    with django_assert_num_queries(COUNTED_QUERIES):
        page = client.get(url).context["page"]
    assert page.counted is not None and page.count == size + 1
