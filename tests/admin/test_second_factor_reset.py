"""An administrator resets a user's lost second factor; from the attacker's side: a
supervisor, an administrator who has not stepped up, one resetting their own factor (to
take over with a stolen password) or a superuser's without being one."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.test import Client
from django.urls import reverse

from casemgmt import factories
from casemgmt.models import AgencyKind, AuditAction, AuditEvent
from casemgmt.roles import Role
from tests.auth.conftest import PASSWORD, signed_in
from tests.auth.test_step_up import two_hours_later
from tests.conftest import enrol_totp

pytestmark = pytest.mark.django_db

REASON = "Phone stolen on 3 December; identity checked in person by the head of unit."


def reset_url(user):
    return reverse("admin:casemgmt_user_second_factor_reset", args=[user.pk])


def give_factors(user, passkeys=1):
    enrol_totp(user)
    RecoveryCodes.activate(user)
    for n in range(passkeys):
        Authenticator.objects.create(user=user, type=Authenticator.Type.WEBAUTHN, data={"n": n})


def resets():
    return list(AuditEvent.objects.filter(action=AuditAction.AUTH_SECOND_FACTOR_RESET))


@pytest.fixture
def officer():
    """A police caseworker: reads identity, so must use a second factor."""
    user = factories.CaseworkerFactory(agency=factories.AgencyFactory(kind=AgencyKind.POLICE))
    give_factors(user)
    return user


@pytest.fixture
def superuser(agency):
    user = factories.UserFactory(
        agency=agency, role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True
    )
    give_factors(user)
    return user


def test_the_reset_removes_every_factor_ends_the_sessions_and_the_user_enrols_again(
    client, administrator, officer
):
    officer_session = Client()
    officer_session.force_login(officer)
    client.force_login(administrator)
    page = client.get(reset_url(officer)).content.decode()
    assert "TOTP Authenticator" in page and "Recovery codes" in page and "WebAuthn" in page
    response = client.post(reset_url(officer), {"reason": REASON})
    assert response.url == reverse("admin:casemgmt_user_change", args=[officer.pk])
    assert not Authenticator.objects.filter(user=officer).exists()
    [event] = resets()
    assert (event.actor, event.target_id) == (administrator, str(officer.pk))
    assert event.metadata["reason"] == REASON
    assert event.metadata["removed"] == ["recovery_codes", "totp", "webauthn"]
    assert event.metadata["sessions_ended"] == 1
    # The officer's open session ended ...
    officer_session.get(reverse("home"))
    assert not signed_in(officer_session)
    # ... and the password alone leads to enrolment, not to the application.
    again = Client()
    response = again.post(
        reverse("account_login"), {"login": officer.username, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("mfa_index")
    assert again.get(reverse("caseload")).url == reverse("mfa_index")
    # The administrator's own session is untouched.
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_user_page_offers_the_reset_to_another_administrator_only(
    client, administrator, officer
):
    client.force_login(administrator)
    assert (
        reset_url(officer)
        in client.get(reverse("admin:casemgmt_user_change", args=[officer.pk])).content.decode()
    )
    own = client.get(reverse("admin:casemgmt_user_change", args=[administrator.pk]))
    assert reset_url(administrator) not in own.content.decode()


def test_a_reason_is_required(client, administrator, officer):
    client.force_login(administrator)
    response = client.post(reset_url(officer), {"reason": "  "})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert Authenticator.objects.filter(user=officer).count() == 3
    assert not resets()


def test_a_supervisor_cannot_reset(client, supervisor, officer):
    client.force_login(supervisor)
    assert client.get(reset_url(officer)).status_code == 403
    assert client.post(reset_url(officer), {"reason": REASON}).status_code == 403
    assert Authenticator.objects.filter(user=officer).count() == 3
    assert not resets()


def test_an_administrator_who_has_not_stepped_up_cannot_reset(client, administrator, officer):
    client.force_login(administrator)
    with two_hours_later():
        page = client.get(reset_url(officer))
        posted = client.post(reset_url(officer), {"reason": REASON})
    assert page.url.startswith(reverse("mfa_reauthenticate"))
    assert posted.url.startswith(reverse("mfa_reauthenticate"))
    assert Authenticator.objects.filter(user=officer).count() == 3
    assert not resets()


def test_an_administrator_cannot_reset_their_own(client, administrator):
    give_factors(administrator)
    client.force_login(administrator)
    assert client.post(reset_url(administrator), {"reason": REASON}).status_code == 403
    assert Authenticator.objects.filter(user=administrator).count() == 3
    assert not resets()


def test_only_a_superuser_resets_a_superusers(client, administrator, superuser, agency):
    client.force_login(administrator)
    assert client.post(reset_url(superuser), {"reason": REASON}).status_code == 403
    assert Authenticator.objects.filter(user=superuser).count() == 3
    other_superuser = factories.UserFactory(
        agency=agency, role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True
    )
    client.force_login(other_superuser)
    assert client.post(reset_url(superuser), {"reason": REASON}).status_code == 302
    assert not Authenticator.objects.filter(user=superuser).exists()


@pytest.mark.parametrize("passkeys", [0, 5])
def test_the_reset_page_queries(client, administrator, django_assert_num_queries, passkeys):
    # The session, the administrator and their permissions, the user, the factors listed,
    # and whether this administrator set the user's password since their last sign-in.
    user = factories.CaseworkerFactory(agency=factories.AgencyFactory(kind=AgencyKind.POLICE))
    give_factors(user, passkeys=passkeys)
    client.force_login(administrator)
    client.get(reverse("admin:index"))  # the session's first request writes its clocks
    with django_assert_num_queries(9):
        assert client.get(reset_url(user)).status_code == 200


class TestOneAdministratorCannotHoldBothHalves:
    """Resetting a factor and setting the password are each harmless alone; one
    administrator doing both would hold the account (their password, their own factor)."""

    NEW = "chosen-by-the-administrator-26"

    def set_password(self, client, user):
        return client.post(
            reverse("admin:auth_user_password_change", args=[user.pk]),
            {"password1": self.NEW, "password2": self.NEW, "usable_password": "true"},
        )

    def test_reset_then_password_by_the_same_administrator_is_refused(
        self, client, administrator, officer
    ):
        client.force_login(administrator)
        assert client.post(reset_url(officer), {"reason": REASON}).status_code == 302
        response = self.set_password(client, officer)
        assert response.url == reverse("admin:casemgmt_user_change", args=[officer.pk])
        officer.refresh_from_db()
        assert officer.check_password(PASSWORD)
        assert not AuditEvent.objects.filter(action=AuditAction.CONFIG_USER_PASSWORD_SET).exists()

    def test_password_then_reset_by_the_same_administrator_is_refused(
        self, client, administrator, officer
    ):
        client.force_login(administrator)
        assert self.set_password(client, officer).status_code == 302
        assert client.post(reset_url(officer), {"reason": REASON}).status_code == 403
        assert Authenticator.objects.filter(user=officer).exists()
        page = client.get(reverse("admin:casemgmt_user_change", args=[officer.pk]))
        assert "Reset second factor" not in page.content.decode()

    def test_a_second_administrator_may_do_the_other_half(
        self, client, administrator, officer, agency
    ):
        client.force_login(administrator)
        self.set_password(client, officer)
        other = Client()
        other.force_login(factories.AdministratorFactory(agency=agency))
        assert other.post(reset_url(officer), {"reason": REASON}).status_code == 302
        assert not Authenticator.objects.filter(user=officer).exists()

    def test_once_the_user_has_signed_in_the_administrator_may_again(
        self, client, administrator, officer
    ):
        client.force_login(administrator)
        self.set_password(client, officer)
        AuditEvent.objects.create(
            action=AuditAction.AUTH_SIGNED_IN,
            target_type="casemgmt.user",
            target_id=str(officer.pk),
            actor=officer,
        )
        assert client.post(reset_url(officer), {"reason": REASON}).status_code == 302
