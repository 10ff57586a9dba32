"""A caseworker's morning: home → the overdue reassessment → record it → home again,
with the count one lower."""

import datetime

import pytest
from playwright.sync_api import expect

from casemgmt import factories
from casemgmt.models import AgencyKind
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)
TODAY = datetime.date.today()


def test_a_caseworkers_morning(page, live_server, programme, stages):
    agency = factories.AgencyFactory(name="Sabaoon", kind=AgencyKind.COUNSELLING)
    nadia = factories.CaseworkerFactory(username="nadia", first_name="Nadia", agency=agency)
    for days in (3, 10):
        factories.CaseFactory(
            programme=programme,
            current_stage=stages["counselling"],
            lead_agency=agency,
            assigned_caseworker=nadia,
            next_review_due=TODAY - datetime.timedelta(days=days),
        )
    sign_in(page, live_server, "nadia")
    page.goto(live_server.url + "/")
    overdue = page.locator("[data-count=my_reviews_overdue]")
    expect(overdue).to_contain_text("2")
    assert_accessible(page, "01-home")  # the guide's picture of the home page

    overdue.click()
    expect(page.locator("#caseload-results")).to_contain_text("2")
    page.locator("#caseload-results tbody a").first.click()
    expect(page.locator("#h-next")).to_be_visible()
    reference = page.url.rstrip("/").split("/")[-1]

    page.goto(f"{live_server.url}/cases/{reference}/assessments/new/")
    form = page.locator("form.assessment-form")
    for select in form.locator("select[id^=id_rating_]").all():
        select.select_option("moderate")
    form.locator("#id_kind").select_option("review")
    form.locator("#id_assessed_on").fill(TODAY.isoformat())
    form.locator("#id_overall_concern").select_option("moderate")
    form.locator("#id_rationale").fill("Steady progress in counselling.")
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("Assessment recorded.")

    page.goto(live_server.url + "/")
    expect(page.locator("[data-count=my_reviews_overdue]")).to_contain_text("1")


def test_the_print_view(page, live_server, programme, stages):
    agency = factories.AgencyFactory(name="Sabaoon", kind=AgencyKind.COUNSELLING)
    factories.CaseworkerFactory(username="nadia", first_name="Nadia", agency=agency)
    case = factories.CaseFactory(
        programme=programme, current_stage=stages["counselling"], lead_agency=agency
    )
    sign_in(page, live_server, "nadia")
    page.goto(f"{live_server.url}/cases/{case.reference}/")
    page.click("text=Print a summary")
    expect(page.locator(".print-banner")).to_contain_text("Printed by Nadia")
    assert_accessible(page, "09-print-summary")
    page.emulate_media(media="print")
    expect(page.locator("header nav")).to_be_hidden()
    expect(page.locator(".no-print")).to_be_hidden()
    expect(page.locator("h1")).to_contain_text(case.reference)
