"""Two-factor sign-in, from the attacker's side first (issue 12): the stolen password,
the user who never enrolled, the replayed code, the admin without a second factor."""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, hotp_value
from django.urls import reverse

from casemgmt import factories
from casemgmt.auth.adapter import StaffMFAAdapter
from casemgmt.auth.mfa_policy import mfa_required
from casemgmt.models import AgencyKind
from casemgmt.roles import Role
from tests.auth.conftest import PASSWORD, sign_in, sign_in_with_password
from tests.conftest import enrol_totp, totp_code

pytestmark = pytest.mark.django_db


def pages(case):
    return [reverse("home"), reverse("caseload"), case_url(case), reverse("admin:index")]


def case_url(case):
    return reverse("case_detail", kwargs={"reference": case.reference})


@pytest.fixture
def police_case(make_case, police_officer):
    return make_case(lead_agency=police_officer.agency, assigned_caseworker=police_officer)


class TestStolenPassword:
    def test_the_password_alone_reaches_only_the_second_step(
        self, client, police_officer, police_case
    ):
        enrol_totp(police_officer)
        response = sign_in_with_password(client, police_officer)
        assert response.status_code == 302
        assert response.url == reverse("mfa_authenticate")
        for url in pages(police_case):
            response = client.get(url, follow=True)
            final = response.redirect_chain[-1][0]
            # Back to the password form, or to the second step it left pending.
            assert final.startswith((reverse("login"), reverse("mfa_authenticate"))), url
        assert (
            police_case.person.full_name not in client.get(case_url(police_case)).content.decode()
        )

    def test_a_wrong_code_signs_nobody_in(self, client, police_officer, police_case):
        authenticator = enrol_totp(police_officer)
        wrong = f"{(int(totp_code(authenticator)) + 1) % 1_000_000:06d}"
        response = sign_in(client, police_officer, code=wrong)
        assert response.status_code == 200
        assert "Incorrect code" in response.content.decode()
        assert client.get(case_url(police_case)).status_code == 302

    def test_password_and_code_open_the_case(self, client, police_officer, police_case):
        response = sign_in(client, police_officer)
        assert response.status_code == 302
        assert client.get(case_url(police_case)).status_code == 200

    def test_a_password_only_session_of_a_user_with_a_factor_is_signed_out(
        self, client, police_officer, police_case
    ):
        """A sign-in by any other path than allauth's two steps counts for nothing."""
        enrol_totp(police_officer)
        client.force_login_password_only(police_officer)
        response = client.get(case_url(police_case))
        assert response.status_code == 302
        assert response.url == reverse("login")
        assert "_auth_user_id" not in client.session


class TestCodeGuessing:
    """A stolen password, then guesses at the six-digit code: django-axes never sees
    them (only passwords go through authenticate), so the second step counts them."""

    def test_after_five_wrong_codes_even_the_right_code_is_refused(
        self, client, police_officer, police_case
    ):
        from casemgmt.models import AuditAction, AuditEvent

        authenticator = enrol_totp(police_officer)
        assert sign_in_with_password(client, police_officer).url == reverse("mfa_authenticate")
        right = totp_code(authenticator)
        wrong = f"{(int(right) + 1) % 1_000_000:06d}"
        for _ in range(5):
            client.post(reverse("mfa_authenticate"), {"code": wrong})
        response = client.post(reverse("mfa_authenticate"), {"code": right})
        assert response.status_code == 200
        assert "Too many wrong codes" in response.content.decode()
        assert client.get(case_url(police_case)).status_code == 302
        failures = AuditEvent.objects.filter(
            action=AuditAction.AUTH_SIGN_IN_FAILED, target_id=str(police_officer.pk)
        )
        assert failures.count() == 5
        assert failures.first().metadata["step"] == "second factor"

    def test_an_administrator_unlock_clears_the_wrong_codes(
        self, client, police_officer, police_case, administrator
    ):
        from casemgmt.services import authentication

        authenticator = enrol_totp(police_officer)
        sign_in_with_password(client, police_officer)
        right = totp_code(authenticator)
        wrong = f"{(int(right) + 1) % 1_000_000:06d}"
        for _ in range(5):
            client.post(reverse("mfa_authenticate"), {"code": wrong})
        authentication.unlock_user(user=police_officer, by=administrator)
        assert client.post(reverse("mfa_authenticate"), {"code": right}).status_code == 302
        assert client.get(case_url(police_case)).status_code == 200


class TestReplay:
    def test_a_code_is_refused_the_second_time(self, client, police_officer, police_case):
        code = totp_code(enrol_totp(police_officer))
        assert sign_in(client, police_officer, code=code).status_code == 302
        client.post(reverse("logout"))
        assert client.get(case_url(police_case)).status_code == 302

        response = sign_in(client, police_officer, code=code)
        assert response.status_code == 200, "the same code is refused"
        assert "Incorrect code" in response.content.decode()
        assert client.get(case_url(police_case)).status_code == 302

    def test_each_recovery_code_works_once(self, client, police_officer, police_case):
        enrol_totp(police_officer)
        first, second = RecoveryCodes.activate(police_officer).generate_codes()[:2]
        assert sign_in(client, police_officer, code=first).status_code == 302
        assert client.get(case_url(police_case)).status_code == 200
        client.post(reverse("logout"))

        assert sign_in(client, police_officer, code=first).status_code == 200, "used"
        client.post(reverse("logout"))
        assert sign_in(client, police_officer, code=second).status_code == 302
        assert client.get(case_url(police_case)).status_code == 200


class TestEnrolment:
    def test_a_required_user_without_a_factor_reaches_only_enrolment(
        self, client, police_officer, police_case
    ):
        response = sign_in_with_password(client, police_officer)
        assert response.status_code == 302
        for url in pages(police_case):
            response = client.get(url)
            assert (response.status_code, response.url) == (302, reverse("mfa_index")), url
        htmx = client.get(reverse("caseload"), HTTP_HX_REQUEST="true")
        assert htmx["HX-Redirect"] == reverse("mfa_index")
        enrolment = client.get(reverse("mfa_index"))
        assert enrolment.status_code == 200
        assert "Set up an authenticator app or a passkey to continue" in (
            enrolment.content.decode()
        )
        assert client.get(reverse("healthz")).status_code == 200
        assert client.post(reverse("logout")).status_code == 302
        assert "_auth_user_id" not in client.session

    def test_enrolling_an_app_opens_the_site(self, client, police_officer, police_case):
        sign_in_with_password(client, police_officer)
        # Changing factors asks for the password again (step-up), then shows the secret.
        response = client.get(reverse("mfa_activate_totp"))
        assert response.url.startswith(reverse("account_reauthenticate"))
        client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        assert client.get(reverse("mfa_activate_totp")).status_code == 200
        secret = client.session[SECRET_SESSION_KEY]
        code = f"{hotp_value(secret, int(time.time()) // 30):06d}"

        response = client.post(reverse("mfa_activate_totp"), {"code": code})
        assert response.status_code == 302
        assert Authenticator.objects.filter(user=police_officer, type="totp").exists()
        assert client.get(case_url(police_case)).status_code == 200

    def test_a_required_user_keeps_one_sign_in_factor(self, police_officer, counsellor):
        app = enrol_totp(police_officer)
        assert not StaffMFAAdapter().can_delete_authenticator(app)
        assert StaffMFAAdapter().can_delete_authenticator(enrol_totp(counsellor))


class TestAdmin:
    @pytest.fixture
    def superuser(self, db):
        return factories.UserFactory(role=Role.CASEWORKER, is_staff=True, is_superuser=True)

    def test_a_superuser_signed_in_with_a_password_alone_is_refused(
        self, client, superuser, settings
    ):
        # Even where enrolment is relaxed (the local demo), the admin wants the factor.
        settings.CASEMGMT_MFA_ENFORCED = False
        client.force_login_password_only(superuser)
        response = client.get(reverse("admin:index"), follow=True)
        assert response.redirect_chain[-1][0] == reverse("mfa_index")
        assert "The admin opens only after signing in with a second factor" in (
            response.content.decode()
        )
        assert client.get(reverse("home")).status_code == 200, "the rest is relaxed"

    def test_a_non_staff_user_with_a_second_factor_is_refused(self, client, police_officer):
        client.force_login(police_officer)
        assert client.get(reverse("admin:index"), follow=True).status_code == 403

    def test_the_admin_offers_no_password_form(self, client):
        response = client.get(reverse("admin:login"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    def test_a_superuser_with_a_second_factor_gets_in(self, client, superuser):
        assert sign_in(client, superuser).status_code == 302
        assert client.get(reverse("admin:index")).status_code == 200


class TestWhoMustEnrol:
    def test_a_counsellor_is_not_forced(self, client, counsellor):
        assert not mfa_required(counsellor)
        response = sign_in_with_password(client, counsellor)
        assert response.url == reverse("home")
        assert client.get(reverse("caseload")).status_code == 200

    def test_required_for_all_forces_everyone(self, client, counsellor, settings):
        settings.CASEMGMT_MFA_REQUIRED_FOR_ALL = True
        sign_in_with_password(client, counsellor)
        response = client.get(reverse("caseload"))
        assert (response.status_code, response.url) == (302, reverse("mfa_index"))

    @pytest.mark.parametrize(
        ("role", "kind", "required"),
        [
            (Role.SUPERVISOR, AgencyKind.EDUCATION, True),
            (Role.AUDITOR, AgencyKind.EDUCATION, True),
            (Role.ADMINISTRATOR, AgencyKind.EDUCATION, True),
            (Role.CASEWORKER, AgencyKind.PRISON, True),
            (Role.CASEWORKER, AgencyKind.PROBATION, True),
            (Role.CASEWORKER, AgencyKind.LEGAL, True),  # identity
            (Role.CASEWORKER, AgencyKind.SOCIAL_WELFARE, True),  # location
            (Role.CASEWORKER, AgencyKind.COUNSELLING, False),
            (Role.CASEWORKER, AgencyKind.HEALTH, False),
            (Role.CASEWORKER, AgencyKind.EDUCATION, False),
        ],
    )
    def test_the_rule(self, role, kind, required):
        user = factories.UserFactory(role=role, agency=factories.AgencyFactory(kind=kind))
        assert mfa_required(user) is required

    def test_the_relaxed_demo_invites_instead_of_blocking(self, client, police_officer, settings):
        settings.CASEMGMT_MFA_ENFORCED = False
        sign_in_with_password(client, police_officer)
        response = client.get(reverse("caseload"))
        assert response.status_code == 200
        assert reverse("mfa_index") in response.content.decode()
        assert "This demo lets you continue without one" in response.content.decode()
