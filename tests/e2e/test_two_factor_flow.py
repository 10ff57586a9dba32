"""Two-factor sign-in in a real browser: password then a TOTP computed here, enrolment of an
authenticator app and of a passkey (Chromium's virtual authenticator), and the passkey as
the second step of the next sign-in. axe on the sign-in, two-factor and enrolment pages."""

import re

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from casemgmt import factories
from casemgmt.models import AgencyKind
from tests.e2e.conftest import (
    PASSWORD,
    assert_accessible,
    fresh_totp_code,
    sign_in_with_password,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def probation(db):
    agency = factories.AgencyFactory(kind=AgencyKind.PROBATION, name="Probation Swat")
    return {
        "supervisor": factories.SupervisorFactory(username="imran", agency=agency),
        "officer": factories.CaseworkerFactory(username="sana", agency=agency),
        "case": factories.CaseFactory(lead_agency=agency),
    }


def test_sign_in_with_password_and_authenticator_code(page, live_server, probation):
    from tests.conftest import enrol_totp

    app = enrol_totp(probation["supervisor"])
    page.goto(live_server.url + "/accounts/login/")
    assert_accessible(page, "mfa-01-sign-in")
    sign_in_with_password(page, live_server, "imran")
    page.wait_for_url(live_server.url + "/accounts/2fa/authenticate/")
    assert_accessible(page, "mfa-02-second-step")

    # Nothing else opens before the second step.
    page.goto(live_server.url + "/cases/")
    expect(page).not_to_have_url(live_server.url + "/cases/")
    page.goto(live_server.url + "/accounts/2fa/authenticate/")

    page.fill("#id_code", fresh_totp_code(app))
    page.click("main form button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    page.goto(live_server.url + "/cases/")
    expect(page.locator("main")).to_contain_text(probation["case"].reference)


def test_enrol_an_app_then_a_passkey_and_sign_in_with_it(page, live_server, probation):
    assert live_server.url.startswith("http://localhost:"), "WebAuthn needs a host name"
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )

    # A required user without a factor is held at enrolment.
    sign_in_with_password(page, live_server, "sana")
    page.wait_for_url(live_server.url + "/accounts/2fa/")
    page.goto(live_server.url + "/cases/")
    page.wait_for_url(live_server.url + "/accounts/2fa/")
    expect(page.locator("main")).to_contain_text("Set up an authenticator app or a passkey")
    assert_accessible(page, "mfa-03-enrolment")

    # The authenticator app: the password again (step-up), then the secret and a code.
    page.goto(live_server.url + "/accounts/2fa/totp/activate/")
    page.wait_for_url(re.compile(r"/accounts/reauthenticate/"))
    assert_accessible(page, "mfa-04-step-up")
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(live_server.url + "/accounts/2fa/totp/activate/")
    assert_accessible(page, "mfa-05-activate-app")
    secret = page.input_value("#authenticator_secret")
    app = Authenticator(data={"secret": secret})
    page.fill("#id_code", fresh_totp_code(app))
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/accounts/2fa/"))
    page.goto(live_server.url + "/cases/")
    expect(page).to_have_url(live_server.url + "/cases/")

    # A passkey, made by Chromium's virtual authenticator.
    page.goto(live_server.url + "/accounts/2fa/webauthn/add/")
    assert_accessible(page, "mfa-06-add-passkey")
    page.fill("#id_name", "Office laptop")
    page.click("#mfa_webauthn_add")
    page.wait_for_url(re.compile(r"/accounts/2fa/"))
    expect(page.locator("main")).to_contain_text("You have added 1 security key")
    assert Authenticator.objects.filter(user=probation["officer"], type="webauthn").exists()

    # The next sign-in: password, then the passkey as the second step.
    page.goto(live_server.url + "/accounts/logout/")
    page.click("main form button[type=submit]")
    sign_in_with_password(page, live_server, "sana")
    page.wait_for_url(live_server.url + "/accounts/2fa/authenticate/")
    page.click("#mfa_webauthn_authenticate")
    page.wait_for_url(live_server.url + "/")
    page.goto(live_server.url + "/cases/")
    expect(page.locator("main")).to_contain_text(probation["case"].reference)
