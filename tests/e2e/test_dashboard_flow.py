"""A supervisor's dashboard in a real browser: open it, filter by district, follow a
figure to its cases, approve a move from there; axe in English and Urdu."""

import pytest
from playwright.sync_api import expect

from casemgmt import factories, workflow
from casemgmt.models import AgencyKind
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_supervisor_acts_from_the_dashboard(page, live_server, programme, stages):
    agency = factories.AgencyFactory(name="Probation Swat", kind=AgencyKind.PROBATION)
    worker = factories.CaseworkerFactory(username="ayesha", first_name="Ayesha", agency=agency)
    factories.SupervisorFactory(username="imran", first_name="Imran", agency=agency)

    def case(district):
        person = factories.PersonFactory(district=district)
        return factories.CaseFactory(
            programme=programme,
            current_stage=stages["intake"],
            lead_agency=agency,
            assigned_caseworker=worker,
            person=person,
        )

    swat, mardan = case("Swat"), case("Mardan")
    for c in (swat, mardan):
        workflow.request_transition(
            case=c,
            to_stage=stages["exited"],
            by=worker,
            reason="Moved away.",
            reason_kind="withdrawn",
        )

    sign_in(page, live_server, "imran")
    page.goto(live_server.url + "/")
    page.click("[data-link=dashboard]")
    pending = page.locator("[data-figure=pending_moves]")
    expect(pending).to_have_attribute("data-count", "2")
    assert_accessible(page, "dashboard-en")

    page.fill("#id_district", "Swat")
    page.click(".dashboard-filters button[type=submit]")
    expect(pending).to_have_attribute("data-count", "1")
    pending.click()
    results = page.locator("#caseload-results")
    expect(results).to_contain_text("1 case matches.")
    expect(results).to_contain_text(swat.reference)
    expect(results).not_to_contain_text(mardan.reference)
    expect(page.locator("[data-filter=pending_move]")).to_be_visible()

    page.click(f"text={swat.reference}")
    move = swat.stage_transitions.get(status="pending")
    page.fill(f"#approve-reason-{move.pk}", "Transfer confirmed")
    page.click("button:has-text('Approve')")
    expect(page.locator(".alert-success")).to_contain_text("Approved")

    page.goto(live_server.url + "/dashboard/?district=Swat")
    expect(page.locator("[data-figure=pending_moves]")).to_have_attribute("data-count", "0")
    page.click("#account-menu")
    page.select_option("#language-select", "ur")
    page.click("#language-select + button")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.goto(live_server.url + "/dashboard/")
    assert_accessible(page, "dashboard-ur")


def test_the_dashboard_as_of_its_snapshot_and_the_lists_it_counted(
    page, live_server, programme, stages
):
    from casemgmt.selectors.dashboard.stored import view_of
    from casemgmt.services.dashboard_snapshots import take_snapshot

    agency = factories.AgencyFactory(name="Probation Swat", kind=AgencyKind.PROBATION)
    worker = factories.CaseworkerFactory(username="ayesha", first_name="Ayesha", agency=agency)
    supervisor = factories.SupervisorFactory(username="imran", first_name="Imran", agency=agency)
    cases = [
        factories.CaseFactory(
            programme=programme,
            current_stage=stages["intake"],
            lead_agency=agency,
            assigned_caseworker=worker,
        )
        for _i in range(2)
    ]
    for c in cases:
        workflow.request_transition(
            case=c, to_stage=stages["exited"], by=worker, reason="Moved.", reason_kind="withdrawn"
        )
    take_snapshot(view_of(supervisor), [supervisor])
    # After the snapshot, one move is withdrawn: live, one waits; as of the snapshot, two.
    move = cases[0].stage_transitions.get(status="pending")
    workflow.withdraw_transition(stage_transition=move, by=worker, reason="Not yet.")

    sign_in(page, live_server, "imran")
    page.goto(live_server.url + "/dashboard/")
    expect(page.locator("[data-as-of]")).to_be_visible()
    pending = page.locator("[data-figure=pending_moves]")
    expect(pending).to_have_attribute("data-count", "2")
    assert_accessible(page, "dashboard-as-of-en")
    pending.click()
    expect(page.locator("[data-counted]")).to_be_visible()
    expect(page.locator("#caseload-results")).to_contain_text("2 cases match.")
    page.click("text=Show the live list")
    expect(page.locator("#caseload-results")).to_contain_text("1 case matches.")
    expect(page.locator("[data-counted]")).to_have_count(0)

    page.goto(live_server.url + "/dashboard/")
    page.click("text=Compute them now")
    expect(page.locator("[data-live]")).to_be_visible()
    expect(page.locator("[data-figure=pending_moves]")).to_have_attribute("data-count", "1")

    page.click("#account-menu")
    page.select_option("#language-select", "ur")
    page.click("#language-select + button")
    page.goto(live_server.url + "/dashboard/")
    expect(page.locator("[data-as-of]")).to_be_visible()
    assert_accessible(page, "dashboard-as-of-ur")
