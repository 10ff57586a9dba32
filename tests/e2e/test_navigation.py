"""The header at 1280 and 360 pixels, in English and Urdu: one line on a wide screen for
the role with the most pages (a supervisor who administers), and a menu that opens with
the keyboard on a phone, with JavaScript off as well."""

import pytest
from playwright.sync_api import expect

from casemgmt import factories
from casemgmt.models import AgencyKind
from tests.e2e.conftest import assert_accessible, screenshot, sign_in


@pytest.fixture
def busy_supervisor():
    agency = factories.AgencyFactory(
        name="Central Prison Peshawar", short_name="CP Peshawar", kind=AgencyKind.PRISON
    )
    return factories.SupervisorFactory(
        username="asad", first_name="Asad", last_name="Mehmood", agency=agency, is_staff=True
    )


def _to_urdu(page):
    page.click("#account-menu")
    page.select_option("#language-select", "ur")
    page.click("#language-select + button")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")


@pytest.mark.parametrize("language", ["en", "ur"])
def test_the_wide_header_is_one_line(new_page, live_server, busy_supervisor, language):
    page = new_page(viewport={"width": 1280, "height": 800})
    sign_in(page, live_server, "asad")
    if language == "ur":
        _to_urdu(page)
    page.goto(live_server.url + "/")
    tops = page.eval_on_selector_all(
        "nav .main-menu > li, nav .user-menu > summary",
        "els => els.map(e => Math.round(e.getBoundingClientRect().top))",
    )
    assert len(tops) >= 6 and max(tops) - min(tops) < 12, tops
    height = page.eval_on_selector("nav.navbar", "e => e.offsetHeight")
    assert height < 72, height
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    page.click("#account-menu")
    expect(page.locator("#language-select")).to_be_visible()
    screenshot(page, f"nav-1280-{language}")
    assert_accessible(page, f"nav-1280-{language}")


@pytest.mark.parametrize("language", ["en", "ur"])
@pytest.mark.parametrize("javascript", [True, False])
def test_the_phone_menu_opens_with_the_keyboard(
    new_page, live_server, busy_supervisor, language, javascript
):
    page = new_page(viewport={"width": 360, "height": 740}, java_script_enabled=javascript)
    sign_in(page, live_server, "asad")
    if language == "ur":
        _to_urdu(page)
    page.goto(live_server.url + "/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    expect(page.locator(".menu-disclosure a[href='/cases/']")).to_be_hidden()
    page.focus(".menu-disclosure > summary")
    page.keyboard.press("Enter")
    link = page.locator(".menu-disclosure a[href='/cases/']")
    expect(link).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    if javascript:
        screenshot(page, f"nav-360-{language}")
    link.click()
    expect(page).to_have_url(live_server.url + "/cases/")
