"""In a real browser: a structured assessment, a counselling session, a missed check-in."""

import datetime

import pytest
from playwright.sync_api import expect

from casemgmt import factories
from casemgmt.models import AgencyKind, Assessment, Escalation, Session
from casemgmt.services import interventions, monitoring
from casemgmt.services.monitoring import monitoring_check_overdue
from tests.e2e.conftest import assert_accessible, show_section, sign_in

pytestmark = pytest.mark.django_db(transaction=True)
TODAY = datetime.date.today()


def test_assessment_session_and_missed_check_in(page, live_server, programme, stages):
    agency = factories.AgencyFactory(name="Sabaoon", kind=AgencyKind.COUNSELLING)
    counsellor = factories.CaseworkerFactory(username="nadia", agency=agency)
    case = factories.CaseFactory(
        programme=programme, current_stage=stages["counselling"], lead_agency=agency
    )
    course = interventions.intervention_start(
        case=case,
        by=counsellor,
        kind="counselling",
        provider=agency,
        goals="Grief and anger",
        starts_on=TODAY - datetime.timedelta(days=10),
    )
    sign_in(page, live_server, "nadia")

    # A structured assessment generated from the instrument.
    page.goto(f"{live_server.url}/cases/{case.reference}/assessments/new/")
    assert_accessible(page, "a6-01-assessment-form")
    form = page.locator("form.assessment-form")
    form.locator("select[id^=id_rating_]").first.select_option("high")
    form.locator("#id_kind").select_option("review")
    form.locator("#id_assessed_on").fill(TODAY.isoformat())
    form.locator("#id_overall_concern").select_option("moderate")
    form.locator("#id_rationale").fill("Still in touch with old friends from the group.")
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("Assessment recorded.")
    assessment = Assessment.objects.get(case=case)
    assert assessment.disengagement_score == 100
    assert_accessible(page, "a6-02-assessment-page")
    page.goto(f"{live_server.url}/cases/{case.reference}/")
    expect(page.locator("#section-progress svg")).to_be_visible()

    # A counselling session; a date before the intervention started is refused first.
    page.goto(f"{live_server.url}/cases/{case.reference}/interventions/{course.pk}/")
    page.fill("#id_held_on", (TODAY - datetime.timedelta(days=30)).isoformat())
    page.fill("#id_duration_minutes", "50")
    page.select_option("#id_attendance", "attended")
    page.fill("#id_facilitator", "Nadia")
    page.fill("#id_progress_note", "Talked about his brother.")
    page.click("main form button[type=submit]")
    expect(page.locator(".error-summary")).to_contain_text(
        "cannot be before the intervention started"
    )
    page.fill("#id_held_on", TODAY.isoformat())
    page.click("main form button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("Session recorded.")
    assert Session.objects.filter(intervention=course).count() == 1
    assert_accessible(page, "a6-03-intervention")

    # A released case whose weekly contact lapsed: the daily job raises an escalation.
    released = factories.CaseFactory(
        programme=programme, current_stage=stages["released"], lead_agency=agency
    )
    monitoring.monitoring_plan_record(
        case=released,
        by=counsellor,
        responsible_agency=agency,
        contact_frequency="weekly",
        residence="Home village",
        starts_on=TODAY - datetime.timedelta(days=15),
    )
    monitoring_check_overdue()
    assert Escalation.objects.filter(case=released, trigger="missed_contact").count() == 1
    page.goto(f"{live_server.url}/cases/{released.reference}/")
    expect(page.locator("#section-escalations")).to_contain_text("Missed contact")
    expect(show_section(page, "monitoring")).to_contain_text("overdue")
    page.goto(f"{live_server.url}/inbox/")
    expect(page.locator("main")).to_contain_text(released.reference)
