"""The supervisor's dashboard: hand-computed figures, each equal to the list it opens."""

import html
import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _dashboard(client, user, query=""):
    client.force_login(user)
    response = client.get(reverse("dashboard") + query)
    assert response.status_code == 200
    return response


def _figures(response) -> dict:
    return {f.key: f.count for f in response.context["action"]["cases"]}


def test_action_figures_by_hand(client, world, supervisor):
    figures = _figures(_dashboard(client, supervisor))
    assert figures["reviews_overdue"] == 1
    assert figures["contacts_overdue"] == 2
    assert figures["contacts_missed"] == 1  # 10 days late, past the 3 days' grace
    assert figures["escalations_new"] == 1
    assert figures["escalations_days"] == 1
    assert figures["escalations_old"] == 1
    assert figures["review_actions_overdue"] == 1
    assert figures["pending_moves"] == 1
    # a5 was opened 90 days ago, then a move was asked for today: activity. a1 and a2
    # had their escalations and moves recorded long ago... but escalations are not
    # activity, moves are: a1's and a2's moves were 196-198 days ago.
    assert figures["no_activity"] == 2


def test_caseload_figures_by_hand(client, world, supervisor, caseworker, other_caseworker):
    caseload = _dashboard(client, supervisor).context["caseload"]
    by_stage = {r["stage"].key: r["count"] for r in caseload["by_stage"]["rows"]}
    assert by_stage == {"counselling": 2, "released": 2, "referral": 1}
    flow = {(r["from"].key, r["to"].key): r["count"] for r in caseload["flow"]}
    assert flow == {("referral", "intake"): 3, ("intake", "counselling"): 1}
    workers = {r["name"]: r["count"] for r in caseload["caseworkers"]["rows"]}
    assert workers == {caseworker.display_name: 4, other_caseworker.display_name: 1}
    times = {r["stage"].key: r for r in caseload["stage_times"]}
    # Stays in referral of 2, 4 and 10 days: median 4; p90 at rank 0.9*2 = 1.8,
    # 4 + 0.8 * (10 - 4) = 8.8. One stay in intake of 30 days.
    assert (times["referral"]["stays"], times["referral"]["median"]) == (3, 4.0)
    assert times["referral"]["p90"] == 8.8
    assert (times["intake"]["median"], times["intake"]["p90"]) == (30.0, 30.0)


def test_idle_caseworkers_are_listed_with_their_empty_list(client, world, supervisor, agency):
    from casemgmt import factories

    idle = factories.CaseworkerFactory(agency=agency, first_name="Idle", last_name="Worker")
    rows = _dashboard(client, supervisor).context["caseload"]["caseworkers"]["rows"]
    row = next(r for r in rows if r["name"] == idle.display_name)
    assert (row["count"], row["capacity"]) == (0, agency.caseworker_capacity)
    assert client.get(row["url"]).context["page"].count == 0


def test_over_capacity_is_flagged(client, world, supervisor, agency, caseworker):
    type(agency).objects.filter(pk=agency.pk).update(caseworker_capacity=3)
    rows = _dashboard(client, supervisor).context["caseload"]["caseworkers"]["rows"]
    over = {r["name"]: r["over"] for r in rows}
    assert over[caseworker.display_name] is True  # 4 active cases, capacity 3
    assert "over capacity" in client.get(reverse("dashboard")).content.decode()


def test_many_caseworkers_show_the_most_and_the_least_loaded(
    client, world, supervisor, agency, make_case
):
    """A programme's hundreds of caseworkers: the table keeps the most loaded and the least
    loaded, says how many there are and how many are over capacity; each row still opens
    its exact list."""
    from casemgmt import factories
    from casemgmt.selectors.dashboard.caseload import LEAST_LOADED, MOST_LOADED

    type(agency).objects.filter(pk=agency.pk).update(caseworker_capacity=2)
    for n in range(MOST_LOADED + LEAST_LOADED):
        worker = factories.CaseworkerFactory(
            agency=agency, first_name="Worker", last_name=f"{n:02d}"
        )
        for _ in range(n % 4):
            make_case("counselling", assigned_caseworker=worker)
    response = _dashboard(client, supervisor)
    chart = response.context["caseload"]["caseworkers"]
    counts = [r["count"] for r in chart["rows"]]
    # Over capacity (2): three new caseworkers with three cases, world's caseworker with four.
    assert chart["total"] == MOST_LOADED + LEAST_LOADED + 2
    assert chart["over"] == sum(1 for n in range(MOST_LOADED + LEAST_LOADED) if n % 4 == 3) + 1
    assert len(counts) == MOST_LOADED + LEAST_LOADED
    assert counts == sorted(counts, reverse=True)
    assert counts[0] == 4 and counts[-1] == 0
    shown = response.content.decode()
    assert f"of {chart['total']} caseworkers, {chart['over']} of them over capacity" in shown
    for row in chart["rows"][:2] + chart["rows"][-1:]:
        assert client.get(row["url"]).context["page"].count == row["count"]


def _links(content: str) -> dict[str, set[int]]:
    """Every link to the caseload on the page -> the counts shown with it."""
    links = {}
    for tag in re.findall(r"<a\b[^>]*>", content):
        href = re.search(r'href="([^"]*)"', tag)
        # The menu's plain link to the caseload is not a figure's.
        if not href or not html.unescape(href.group(1)).startswith(reverse("caseload") + "?"):
            continue
        count = re.search(r'data-count="(\d+)"', tag)
        counts = links.setdefault(html.unescape(href.group(1)), set())
        if count:
            counts.add(int(count.group(1)))
    return links


@pytest.mark.parametrize("query", ["", "?district=Nowhere", "?sex=male"])
def test_every_figure_equals_the_list_it_links_to(client, world, supervisor, query):
    content = _dashboard(client, supervisor, query).content.decode()
    links = _links(content)
    # Nine action figures, three stages and two caseworkers (fewer when filtered out).
    assert len(links) >= (14 if not query else 9)
    for url, counts in links.items():
        # A bar links where its table row does: every link has its number on the page.
        assert len(counts) == 1, url
        parts = urlsplit(url)
        assert "exact=on" in parts.query
        page = client.get(f"{parts.path}?{parts.query}").context["page"]
        assert not page.count_capped
        assert page.count == counts.pop(), url


def test_the_lists_say_which_filters_made_them(client, world, supervisor):
    response = _dashboard(client, supervisor)
    url = next(f.url for f in response.context["action"]["cases"] if f.key == "escalations_days")
    content = client.get(url).content.decode()
    assert 'data-filter="escalation_age_max"' in content
    assert 'data-filter="exact"' in content


def test_no_figure_from_cases_the_supervisor_may_not_see(client, world, supervisor):
    response = _dashboard(client, supervisor)
    caseload = response.context["caseload"]
    assert sum(r["count"] for r in caseload["by_stage"]["rows"]) == 5
    names = {r["name"] for r in caseload["caseworkers"]["rows"]}
    assert world["b_worker"].display_name not in names
    times = {r["stage"].key: r["stays"] for r in caseload["stage_times"]}
    assert times["referral"] == 3  # b1's stay is not counted
    assert _figures(response)["escalations_old"] == 1  # a3, not b1


def test_the_filters_narrow_every_figure(client, world, supervisor, agency):
    response = _dashboard(client, supervisor, "?district=Nowhere")
    assert set(_figures(response).values()) == {0}
    assert response.context["caseload"]["by_stage"]["rows"] == []
    response = _dashboard(client, supervisor, f"?agency={agency.pk}")
    assert sum(r["count"] for r in response.context["caseload"]["by_stage"]["rows"]) == 5


@pytest.mark.parametrize("who", ["caseworker", "auditor"])
def test_others_are_refused(client, world, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("dashboard")).status_code == 404


def test_the_supervisor_finds_it_from_the_menu_and_home(client, world, supervisor, caseworker):
    content = _dashboard(client, supervisor).content.decode()
    home = client.get(reverse("home")).content.decode()
    assert 'data-link="dashboard"' in home
    assert f'href="{reverse("dashboard")}"' in content
    client.force_login(caseworker)
    assert f'href="{reverse("dashboard")}"' not in client.get(reverse("home")).content.decode()
