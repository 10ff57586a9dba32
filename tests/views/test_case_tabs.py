"""The case page's tabs: each a plain link to a page with its own sections only, chosen by
``?tab=``; a tab shows only when the user may read one of its sections."""

import pytest
from django.urls import reverse

from casemgmt.permissions import case_permissions
from casemgmt.record_kinds import CASE_TABS, SECTIONS, TIMELINE_TAB
from casemgmt.selectors.cases import case_tabs
from tests.case_page import case_page

pytestmark = pytest.mark.django_db

TAB_KEYS = [tab.key for tab in CASE_TABS]


def test_every_section_is_on_a_declared_tab_and_every_tab_has_sections():
    assert {s.tab for s in SECTIONS} == set(TAB_KEYS) - {TIMELINE_TAB}
    assert len(TAB_KEYS) == len(set(TAB_KEYS))


@pytest.mark.parametrize("tab", TAB_KEYS)
def test_a_tab_shows_its_sections_and_no_other(client, caseworker, make_case, tab):
    case = make_case("released")
    client.force_login(caseworker)
    response = case_page(client, case.reference, tab=tab)
    body = response.content.decode()
    assert response.context["tab"].key == tab
    assert f'href="?tab={tab}" aria-current="page"' in body
    for section in SECTIONS:
        assert (f'id="section-{section.key}"' in body) == (section.tab == tab), section.key
    assert ('id="section-timeline"' in body) == (tab == TIMELINE_TAB)
    # Every other tab is a plain link.
    for other in set(TAB_KEYS) - {tab}:
        assert f'<a class="nav-link" href="?tab={other}">' in body


@pytest.mark.parametrize("value", ["", "nonsense", "<script>", "timeline&x=1"])
def test_an_unknown_tab_shows_the_first(client, caseworker, make_case, value):
    case = make_case()
    client.force_login(caseworker)
    response = client.get(reverse("case_detail", args=[case.reference]), {"tab": value})
    assert response.status_code == 200
    assert response.context["tab"].key == TAB_KEYS[0]
    assert "<script>" not in response.content.decode().split("<main", 1)[1].split("</main>")[0]


def test_a_tab_without_a_readable_section_is_not_offered(client, prison_school_team):
    """The teacher reads education-relevant sections only: no legal-status tab, and asking
    for it shows the first tab rather than an empty page."""
    case, teacher = prison_school_team["case"], prison_school_team["teacher"]
    perms = case_permissions(teacher, case)
    offered = [t.key for t in case_tabs(perms)]
    hidden = [s.tab for s in SECTIONS if not perms.shows(s)]
    assert offered and TIMELINE_TAB in offered
    assert len(offered) < len(TAB_KEYS), offered
    for tab in set(TAB_KEYS) - set(offered):
        assert tab in hidden
        client.force_login(teacher)
        response = case_page(client, case.reference, tab=tab)
        assert response.context["tab"].key == offered[0]
        assert f'href="?tab={tab}"' not in response.content.decode()
    # Whatever is offered, no section the teacher may not read is on any tab.
    client.force_login(teacher)
    for tab in offered:
        body = case_page(client, case.reference, tab=tab).content.decode()
        for section in SECTIONS:
            if not perms.shows(section):
                assert f'id="section-{section.key}"' not in body


def test_after_adding_a_record_the_page_opens_on_its_section_tab(client, caseworker, make_case):
    case = make_case()
    client.force_login(caseworker)
    response = client.post(
        reverse("record_add", args=[case.reference, "legal_authority"]),
        {
            "legal_authority-kind": "court_order",
            "legal_authority-reference": "ATC-1",
            "legal_authority-issued_on": "2026-01-05",
            "legal_authority-issuing_body": "ATC Swat",
        },
    )
    assert response.status_code == 302
    assert response.url.endswith("?tab=legal#section-legal")
    assert "ATC-1" in client.get(response.url).content.decode()
