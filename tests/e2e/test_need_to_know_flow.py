"""Multi-agency work in a real browser: consent, referral, notes by class, emergency access."""

import datetime

import pytest
from playwright.sync_api import expect

from casemgmt import factories
from casemgmt.models import AgencyKind, CaseTeamMember
from tests.e2e.conftest import assert_accessible, show_section, sign_in

pytestmark = pytest.mark.django_db(transaction=True)
TODAY = datetime.date.today().isoformat()


@pytest.fixture
def agencies(programme, stages):
    prison = factories.AgencyFactory(
        name="Central Prison", short_name="Prison", kind=AgencyKind.PRISON
    )
    counselling = factories.AgencyFactory(
        name="Counselling Centre", short_name="Counselling", kind=AgencyKind.COUNSELLING
    )
    police = factories.AgencyFactory(
        name="District Police", short_name="Police", kind=AgencyKind.POLICE
    )
    factories.CaseworkerFactory(username="officer", agency=prison)
    factories.SupervisorFactory(username="warden", agency=prison)
    factories.CaseworkerFactory(username="counsellor", agency=counselling)
    factories.CaseworkerFactory(username="constable", agency=police)
    factories.CaseworkerFactory(
        username="outsider",
        agency=factories.AgencyFactory(name="Other Police", kind=AgencyKind.POLICE),
    )
    case = factories.CaseFactory(
        programme=programme, current_stage=stages["prison_rehabilitation"], lead_agency=prison
    )
    CaseTeamMember.objects.create(case=case, agency=police, role="support")
    return {"case": case, "counselling": counselling}


def test_referral_notes_by_class_and_emergency_access(page, new_page, live_server, agencies):
    case = agencies["case"]
    url = f"{live_server.url}/cases/{case.reference}/"
    sign_in(page, live_server, "officer")
    page.goto(url)

    # Without consent the referral to a counselling provider is refused.
    box = show_section(page, "referrals")
    box.locator("summary").click()
    box.locator("#id_referral-to_agency").select_option(label="Counselling Centre")
    box.locator("#id_referral-service").select_option("counselling")
    box.locator("#id_referral-reason").fill("Nightmares and anger; needs counselling.")
    box.locator("details[open] button[type=submit]").click()
    expect(page.locator("#section-referrals .error-summary")).to_contain_text(
        "needs the person's consent"
    )

    # Record the person's consent to share with counselling providers, then refer.
    sharing = show_section(page, "sharing")
    sharing.locator("summary").click()
    sharing.locator("input[value=counselling]").check()
    sharing.locator("#id_sharing_consent-purpose").select_option("rehabilitation")
    sharing.locator("#id_sharing_consent-given_on").fill(TODAY)
    sharing.locator("details[open] button[type=submit]").click()
    expect(page.locator("#section-sharing [role=status]")).to_contain_text(
        "Consent to share recorded."
    )
    page.goto(url)
    box = show_section(page, "referrals")
    box.locator("summary").click()
    box.locator("#id_referral-to_agency").select_option(label="Counselling Centre")
    box.locator("#id_referral-service").select_option("counselling")
    box.locator("#id_referral-reason").fill("Nightmares and anger; needs counselling.")
    box.locator("details[open] button[type=submit]").click()
    expect(page.locator("#section-referrals [role=status]")).to_contain_text("Referral recorded.")

    # A note for the prison only.
    notes = show_section(page, "notes")
    notes.locator("summary").click()
    notes.locator("#id_note-category").select_option("custody_conduct")
    notes.locator("#id_note-visibility").select_option("my_agency")
    notes.locator("#id_note-body").fill("Internal: cell search found nothing.")
    notes.locator("details[open] button[type=submit]").click()
    expect(page.locator("#section-notes [role=status]")).to_contain_text("Note recorded.")

    # The counselling provider accepts from its inbox and joins the team.
    counsellor = new_page()
    sign_in(counsellor, live_server, "counsellor")
    counsellor.goto(live_server.url + "/inbox/")
    assert_accessible(counsellor, "nk-01-inbox")
    counsellor.click(f"text={case.reference}: Psychological counselling")
    assert_accessible(counsellor, "nk-02-referral")
    counsellor.click("button[value=accept]")
    expect(counsellor.locator(".alert-success")).to_contain_text("Referral accepted")
    expect(counsellor.locator("#section-notes")).not_to_contain_text("cell search")
    notes = counsellor.locator("#section-notes")
    notes.locator("summary").click()
    notes.locator("#id_note-category").select_option("counselling")
    notes.locator("#id_note-body").fill("Session 1: grief over his brother's death.")
    notes.locator("details[open] button[type=submit]").click()
    expect(counsellor.locator("#section-notes [role=status]")).to_contain_text("Note recorded.")

    # Police on the team see that a counselling note exists, not what it says.
    constable = new_page()
    sign_in(constable, live_server, "constable")
    constable.goto(url + "notes/")
    expect(constable.locator(".notes")).to_contain_text("content is restricted")
    expect(constable.locator(".notes")).not_to_contain_text("grief")
    assert_accessible(constable, "nk-03-notes-restricted")

    # An officer outside the case breaks the glass: a reason first, then read-only access.
    outsider = new_page()
    sign_in(outsider, live_server, "outsider")
    outsider.goto(url)
    expect(outsider.locator("h1")).to_contain_text("Page not found")  # our 404 page
    outsider.goto(live_server.url + "/break-glass/")
    assert_accessible(outsider, "nk-04-break-glass")
    outsider.fill("#id_reference", case.reference)
    outsider.click("main form button[type=submit]")
    expect(outsider.locator(".error-summary")).to_be_visible()
    outsider.fill("#id_reason", "Arrested tonight at a checkpoint; need his history.")
    outsider.click("main form button[type=submit]")
    expect(outsider.locator(".alert-warning").first).to_contain_text("Emergency access")
    expect(outsider.locator("#section-notes")).not_to_contain_text("Add: Note")

    # The supervisor sees the alert and manages who may open the case.
    warden = new_page()
    sign_in(warden, live_server, "warden")
    warden.goto(live_server.url + "/inbox/")
    expect(warden.locator("main")).to_contain_text("used emergency access")
    warden.goto(url + "access/")
    assert_accessible(warden, "nk-05-case-access")
