"""Reading the case page in tests: it is split into tabs (record_kinds.CASE_TABS), each a
page of its own, so a test that looks for a section asks for its tab, or reads them all."""

from django.urls import reverse

from casemgmt.record_kinds import CASE_TABS, SECTIONS_BY_KEY


def case_page(client, reference: str, *, tab: str | None = None, section: str | None = None):
    """One tab of the case page: named, or the one a section is on (default: the first)."""
    if section is not None:
        tab = SECTIONS_BY_KEY[section].tab
    url = reverse("case_detail", args=[reference])
    return client.get(url, {"tab": tab} if tab else {})


def every_tab(client, reference: str) -> str:
    """The bodies of every tab the user sees, one after the other ("" when refused)."""
    bodies = []
    for tab in CASE_TABS:
        response = case_page(client, reference, tab=tab.key)
        if response.status_code != 200:
            return ""
        body = response.content.decode()
        # A tab the user does not see shows the first instead: read it once.
        if f'aria-current="page">{tab.title}<' in body:
            bodies.append(body)
    return "\n".join(bodies)
