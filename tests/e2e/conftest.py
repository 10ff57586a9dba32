"""Browser tests: pytest-django's live_server driven by Playwright with Debian's Chromium.

Later features add their flows here. Every page visited can be checked with
``assert_accessible`` (axe-core, vendored from npm); any Content-Security-Policy
violation reported in the browser fails the test.
"""

import os
import shutil
import time
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from casemgmt import factories
from tests.conftest import enrol_totp, ensure_shipped_configuration, totp_code

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_JS = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
SCREENSHOTS = Path(settings.TEST_ARTIFACTS_DIR) / "screenshots"
DOC_IMAGES = Path(settings.BASE_DIR) / "docs" / "images"
PASSWORD = factories.DEMO_PASSWORD


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    # CI sets CASEMGMT_REQUIRE_BROWSER so a missing browser fails instead of skipping.
    if os.environ.get("CASEMGMT_REQUIRE_BROWSER"):
        raise pytest.UsageError(f"{CHROMIUM} is missing: apt-get install chromium")
    skip = pytest.mark.skip(reason=f"browser tests need {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if "tests/e2e" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def shipped_configuration(request):
    """Live-server tests run in transactional databases flushed after each test."""
    if "live_server" in request.fixturenames:
        request.getfixturevalue("transactional_db")
        ensure_shipped_configuration()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # No CSS transitions: axe must not measure a colour half-way through a hover fade.
    return {**browser_context_args, "reduced_motion": "reduce"}


@pytest.fixture
def csp_violations():
    return []


CSP_LISTENER = """
document.addEventListener('securitypolicyviolation', function (e) {
  console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI);
});
"""


def _watch(page, violations):
    page.add_init_script(CSP_LISTENER)

    def on_console(message):
        text = message.text
        if "Content Security Policy" in text or "CSP violation" in text:
            violations.append(text)

    page.on("console", on_console)
    return page


@pytest.fixture
def page(page, csp_violations):
    """pytest-playwright's page, watched for CSP violations (checked after the test)."""
    _watch(page, csp_violations)
    page.set_default_timeout(10_000)
    yield page
    assert csp_violations == [], f"Content-Security-Policy violations: {csp_violations}"


@pytest.fixture
def new_page(browser, csp_violations):
    """Pages in fresh contexts (another user, JavaScript off, a phone), also CSP-watched."""
    contexts = []

    def make(**context_args):
        context = browser.new_context(**{"reduced_motion": "reduce", **context_args})
        contexts.append(context)
        p = context.new_page()
        p.set_default_timeout(10_000)
        return _watch(p, csp_violations)

    yield make
    for context in contexts:
        context.close()
    assert csp_violations == [], f"Content-Security-Policy violations: {csp_violations}"


def sign_in(page, live_server, username):
    """Both steps, as the user does: password, then (for a user who must use a second
    factor) the code their authenticator app shows now, computed here from its secret."""
    from casemgmt.auth.mfa_policy import mfa_required
    from casemgmt.models import User

    user = User.objects.get(username=username)
    app = enrol_totp(user) if mfa_required(user) else None
    sign_in_with_password(page, live_server, username)
    if app is not None:
        page.wait_for_url(live_server.url + "/accounts/2fa/authenticate/")
        # A code typed at the very end of its period can expire on the way: one more try
        # with the next code, as a person would.
        for last_try in (False, True):
            page.fill("#id_code", fresh_totp_code(app))
            page.click("main form button[type=submit]")
            try:
                page.wait_for_url(live_server.url + "/", timeout=5_000)
                return
            except PlaywrightTimeoutError:
                if last_try:
                    raise
    page.wait_for_url(live_server.url + "/")


def sign_in_with_password(page, live_server, username):
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_login", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")


_last_counter: dict[str, int] = {}


def fresh_totp_code(app) -> str:
    """A code not used yet: a second sign-in in the same 30 s waits for the next code,
    since the first one is refused as replayed."""
    from allauth.mfa.app_settings import TOTP_PERIOD

    counter = int(time.time()) // TOTP_PERIOD
    secret = app.data["secret"]
    if _last_counter.get(secret) == counter:
        time.sleep((counter + 1) * TOTP_PERIOD - time.time() + 0.1)
        counter += 1
    _last_counter[secret] = counter
    return totp_code(app, at=counter * TOTP_PERIOD)


# WCAG 2.0, 2.1 and 2.2 A and AA, with axe's best practices (its default run) and target
# size (2.5.8, off unless asked for by its wcag22aa tag).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def accessibility_violations(page) -> list[str]:
    """The serious and critical axe-core violations on the current page."""
    page.mouse.move(0, 0)  # nothing hovered while colours are measured
    page.evaluate(AXE_JS)
    return page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {
              runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            return r.violations
              .filter(v => v.impact === 'serious' || v.impact === 'critical')
              .map(v => v.id + ': ' + v.help + ' (' + v.nodes.length + ') ' +
                   v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
        }""",
        AXE_TAGS,
    )


def assert_accessible(page, name: str):
    """No serious or critical axe-core violation on the current page; saves a screenshot."""
    result = accessibility_violations(page)
    screenshot(page, name)
    assert result == [], f"{name}: accessibility violations: {result}"


def screenshot(page, name: str, *, full_page: bool = True):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    # `UPDATE_DOC_SCREENSHOTS=1 make test` refreshes the guide's pictures.
    if os.environ.get("UPDATE_DOC_SCREENSHOTS"):
        DOC_IMAGES.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, DOC_IMAGES / path.name)


def show_section(page, key: str):
    """The case page section ``key``: its tab opened first (a plain link) unless showing."""
    from casemgmt.record_kinds import SECTIONS_BY_KEY

    if page.locator(f"#section-{key}").count() == 0:
        page.click(f'.case-tabs a[href="?tab={SECTIONS_BY_KEY[key].tab}"]')
        page.locator(f"#section-{key}").wait_for()
    return page.locator(f"#section-{key}")
