"""A caseworker's day in a real browser: register, record evidence, move, approve."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from casemgmt import factories
from casemgmt.models import AgencyKind, Case, StageTransition, User
from tests.e2e.conftest import assert_accessible, screenshot, show_section, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = datetime.date.today().isoformat()


@pytest.fixture
def team():
    agency = factories.AgencyFactory(
        name="Probation and Reclamation Department Swat",
        short_name="Probation Swat",
        kind=AgencyKind.PROBATION,
    )
    return {
        "agency": agency,
        "caseworker": factories.CaseworkerFactory(
            username="ayesha", first_name="Ayesha", agency=agency
        ),
        "supervisor": factories.SupervisorFactory(
            username="imran", first_name="Imran", agency=agency
        ),
    }


def register(page, live_server, name, *, confirm_duplicate=False):
    page.goto(live_server.url + "/people/register/")
    page.fill("#id_full_name", name)
    page.fill("#id_date_of_birth", "1992-03-14")
    page.fill("#id_cnic", "")
    page.fill("#id_district", "Swat")
    page.click("main form button[type=submit]")


def add_record(page, section, summary_text, fields, selects=None):
    """Open an "Add" form in a case-page section, fill it and save (htmx swaps the section)."""
    box = show_section(page, section)
    box.locator("summary", has_text=summary_text).click()
    form = box.locator("details[open] form")
    for selector, value in (selects or {}).items():
        form.locator(selector).select_option(value)
    for selector, value in fields.items():
        form.locator(selector).fill(value)
    form.locator("button[type=submit]").click()


def test_caseworker_registers_records_evidence_and_moves_a_case(page, new_page, live_server, team):
    # Someone with a similar name and the same birth date is already registered, on a
    # closed case of Ayesha's agency (a match elsewhere would be held for review instead).
    earlier = factories.PersonFactory(
        full_name="Muhammad Gul Khan", date_of_birth=datetime.date(1992, 3, 14)
    )
    factories.CaseFactory(
        person=earlier,
        lead_agency=team["agency"],
        current_stage=factories.default_programme().stages.get(key="exited"),
    )

    page.goto(live_server.url + "/accounts/login/")
    assert_accessible(page, "00-sign-in")
    sign_in(page, live_server, "ayesha")
    assert_accessible(page, "01-home-new-user")
    page.goto(live_server.url + "/cases/")
    assert_accessible(page, "02-caseload-empty")

    # Register: the duplicate warning appears once, then the caseworker confirms.
    register(page, live_server, "Mohammad Gul Khan")
    expect(page.locator(".duplicate-warning")).to_contain_text(earlier.reference)
    expect(page.locator(".duplicate-warning")).to_contain_text(
        "similar name and same date of birth"
    )
    assert_accessible(page, "03-register-duplicate-warning")
    page.check("#id_confirm_not_duplicate")
    page.click("main form.register-form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Mohammad Gul Khan")
    case = Case.objects.get(person__full_name="Mohammad Gul Khan")
    assert_accessible(page, "04-case-page")

    # A move whose gates are unmet shows every reason and changes nothing.
    page.click("text=Move this case…")
    expect(page.locator(".move-card").first).to_contain_text("Identity not yet verified.")
    assert_accessible(page, "05-stage-move-unmet")
    first_move = page.locator(".move-card").filter(has_text="Accept after screening")
    first_move.locator("textarea").fill("Screening complete")
    first_move.locator("button[type=submit]").click()
    expect(page.locator(".error-summary")).to_contain_text("This move is not possible yet")
    expect(page.locator(".error-summary")).to_be_focused()
    case.refresh_from_db()
    assert case.current_stage.key == "referral"

    # Record the evidence the gates need: identity, legal authority, eligibility.
    page.goto(live_server.url + f"/people/{case.person.reference}/")
    assert_accessible(page, "05b-person-page")
    page.fill("#id_document_reference", "CNIC original seen")
    page.click("text=Record identity as verified")
    expect(page.locator(".alert-success")).to_contain_text("Identity verified.")

    page.goto(live_server.url + f"/cases/{case.reference}/")
    add_record(
        page,
        "legal",
        "Add: Legal authority",
        {
            "#id_legal_authority-reference": "ATC-SWT-41/2026",
            "#id_legal_authority-issued_on": TODAY,
            "#id_legal_authority-issuing_body": "Anti-Terrorism Court, Swat",
        },
        {"#id_legal_authority-kind": "court_order"},
    )
    expect(page.locator("#section-legal [role=status]")).to_contain_text(
        "Legal authority recorded."
    )
    # A mistake in the eligibility form is shown next to the field and keeps what was typed.
    add_record(
        page,
        "legal",
        "Add: Eligibility decision",
        {
            "#id_eligibility-rationale": "No involvement in killing in the court record.",
            "#id_eligibility-decided_on": "2999-01-01",
        },
        {"#id_eligibility-decision": "eligible"},
    )
    expect(page.locator("#section-legal .error-summary")).to_contain_text("cannot be in the future")
    expect(page.locator("#id_eligibility-rationale")).to_have_value(
        "No involvement in killing in the court record."
    )
    page.locator("#id_eligibility-decided_on").fill(TODAY)
    page.locator("#section-legal details[open] form button[type=submit]").click()
    expect(page.locator("#section-legal [role=status]")).to_contain_text(
        "Eligibility decision recorded."
    )
    assert_accessible(page, "06-case-page-evidence")

    # Now the move goes through.
    page.click("text=Move this case…")
    first_move = page.locator(".move-card").filter(has_text="Accept after screening")
    expect(first_move).to_contain_text("All conditions met")
    first_move.locator("textarea").fill("Screening complete")
    first_move.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("The case moved to")
    case.refresh_from_db()
    assert case.current_stage.key == "intake"

    # A move that needs approval stays pending.
    page.click("text=Move this case…")
    exit_move = page.locator(".move-card").filter(
        has_text="Exit (withdrawn, transferred, deceased)"
    )
    exit_move.locator("textarea").fill("Withdrew consent in writing after the family moved")
    # The programme asks why a case exits (the move_reason gate): a withdrawal needs no order.
    exit_move.locator("select[name=reason_kind]").select_option("withdrawn")
    exit_move.locator("button[type=submit]").click()
    expect(page.locator(".pending-move")).to_contain_text("waits for a supervisor's approval")

    # The supervisor approves it from the approvals queue.
    supervisor = new_page()
    sign_in(supervisor, live_server, "imran")
    supervisor.goto(live_server.url + "/approvals/")
    expect(supervisor.locator("table")).to_contain_text(case.reference)
    assert_accessible(supervisor, "07-approvals")
    supervisor.click(f"text={case.reference}")
    supervisor.fill(
        f"#approve-reason-{StageTransition.objects.get(status='pending').pk}", "Court order seen"
    )
    supervisor.click("button:has-text('Approve')")
    expect(supervisor.locator(".alert-success")).to_contain_text(
        "Approved: the case moved to “Exited”."
    )
    case.refresh_from_db()
    assert case.current_stage.key == "exited" and case.status == "closed"
    screenshot(supervisor, "08-approved")


def test_the_same_flow_in_urdu(page, live_server, team):
    sign_in(page, live_server, "ayesha")
    page.click("#account-menu")  # the language is in the user menu
    page.select_option("#language-select", "ur")
    page.click("#language-select + button")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ur")

    page.goto(live_server.url + "/people/register/")
    expect(page.locator("label[for=id_full_name]")).to_contain_text("پورا نام")
    assert_accessible(page, "ur-01-register")
    register(page, live_server, "Shah Wali")
    expect(page).to_have_url(re.compile(r"/cases/CS-\d{4}-\d{6}/$"))
    case = Case.objects.get(person__full_name="Shah Wali")
    assert_accessible(page, "ur-02-case-page")
    page.goto(live_server.url + f"/cases/{case.reference}/move/")
    expect(page.locator(".move-card").first).to_contain_text("شناخت کی ابھی تصدیق نہیں ہوئی۔")
    first_move = page.locator(".move-card").first
    first_move.locator("textarea").fill("جانچ مکمل")
    first_move.locator("button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page, "ur-03-stage-move")
    # The choice is remembered on the user.
    team["caseworker"].refresh_from_db()
    assert team["caseworker"].preferred_language == "ur"


def test_core_forms_work_without_javascript(new_page, live_server, team):
    page = new_page(java_script_enabled=False)
    sign_in(page, live_server, "ayesha")
    register(page, live_server, "Karim Dad")
    expect(page.locator("h1")).to_contain_text("Karim Dad")
    case = Case.objects.get(person__full_name="Karim Dad")

    # Tabs are plain links; "Add" buttons open as native <details> with a link to the
    # form's own page, which posts as an ordinary form and comes back to the case page.
    show_section(page, "legal")
    page.locator("#section-legal summary", has_text="Add: Legal authority").click()
    page.click("#section-legal details[open] a:has-text('Open the form')")
    form = page.locator("main form").first
    form.locator("#id_legal_authority-kind").select_option("voluntary_referral")
    form.locator("#id_legal_authority-reference").fill("")
    form.locator("button[type=submit]").click()
    expect(page.locator(".error-summary")).to_contain_text("This field is required.")
    page.fill("#id_legal_authority-reference", "VR-7")
    page.fill("#id_legal_authority-issued_on", TODAY)
    page.fill("#id_legal_authority-issuing_body", "District Coordination Office")
    page.click("main form button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("Legal authority recorded.")
    expect(page.locator("#section-legal")).to_contain_text("VR-7")
    assert case.legal_authorities.count() == 1

    # Caseload filters work as a plain GET form.
    page.goto(live_server.url + "/cases/")
    page.fill("#id_q", "Karim")
    page.click("form[role=search] button[type=submit]")
    expect(page.locator(".caseload-table")).to_contain_text(case.reference)

    # The stage move form posts without JavaScript and shows the reasons.
    page.goto(live_server.url + f"/cases/{case.reference}/move/")
    move = page.locator(".move-card").first
    move.locator("textarea").fill("Screened")
    move.locator("button[type=submit]").click()
    expect(page.locator(".move-card").first).to_contain_text("Identity not yet verified.")


def test_small_screen_and_keyboard(new_page, live_server, team):
    # A long name (the demo's are random) must not widen the header either.
    User.objects.filter(username="ayesha").update(last_name="Montgomery-Fitzwilliam-Khan")
    phone = new_page(viewport={"width": 360, "height": 740})
    sign_in(phone, live_server, "ayesha")
    phone.goto(live_server.url + "/cases/")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the caseload scrolls sideways at 360 px ({width}px)"
    screenshot(phone, "09-caseload-360px")

    # Keyboard: the first Tab reaches the skip link, which moves focus to the main content.
    phone.goto(live_server.url + "/cases/")
    phone.keyboard.press("Tab")
    expect(phone.locator(".skip-link")).to_be_focused()
    phone.keyboard.press("Enter")
    expect(phone).to_have_url(re.compile(r"#main$"))


def test_a_csp_violation_is_caught(page, live_server, csp_violations):
    """The guard every browser test relies on: an inline script is blocked and reported."""
    page.goto(live_server.url + "/accounts/login/")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.x = 1';"
        " document.body.appendChild(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("window.x") is None, "the inline script must not run"
    assert any("script-src" in v for v in csp_violations), csp_violations
    csp_violations.clear()


def test_full_page_record_form_is_accessible(page, live_server, team):
    case = factories.CaseFactory(lead_agency=team["agency"])
    sign_in(page, live_server, "ayesha")
    page.goto(live_server.url + f"/cases/{case.reference}/add/review/")
    page.click("main form button[type=submit]")
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page, "10-record-form-errors")
