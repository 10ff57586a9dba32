"""A user's own password, a password an administrator set, second factors added and
removed, and what changed since the last sign-in: each audited and each shown to the user."""

import json
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, hotp_value
from django.test import Client
from django.urls import reverse

from casemgmt.auth import notices
from casemgmt.models import AuditAction, AuditEvent, User
from casemgmt.selectors import account_changes
from tests.auth.conftest import PASSWORD, WRONG, attempt_sign_in, sign_in, signed_in

pytestmark = pytest.mark.django_db

NEW = "a-new-long-passphrase-2026"


def events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def change_password(client, old=PASSWORD, new=NEW, again=None):
    return client.post(
        reverse("account_change_password"),
        {"oldpassword": old, "password1": new, "password2": again or new},
    )


class TestOwnPasswordChange:
    def test_a_wrong_current_password_changes_nothing(self, client, counsellor):
        client.force_login(counsellor)
        response = change_password(client, old=WRONG)
        assert response.status_code == 200
        counsellor.refresh_from_db()
        assert counsellor.check_password(PASSWORD)
        assert not events(AuditAction.AUTH_PASSWORD_CHANGED)

    @pytest.mark.parametrize(
        ("new", "error"),
        [
            (PASSWORD, "different from your current one"),
            ("short", "too short"),
            ("password1234", "too common"),
        ],
    )
    def test_the_same_validators_refuse_a_weak_or_unchanged_password(
        self, client, counsellor, new, error
    ):
        client.force_login(counsellor)
        response = change_password(client, new=new)
        assert response.status_code == 200
        assert error in response.content.decode()
        counsellor.refresh_from_db()
        assert counsellor.check_password(PASSWORD)

    @pytest.mark.parametrize(
        "new", ["x7" * 64, "کوئی لمبا پاس فریز 🔑 ٢٠٢٦", "  spaces inside and around  "]
    )
    def test_long_unicode_and_spaced_passwords_are_kept_whole(self, client, counsellor, new):
        """ASVS 2.1.2-2.1.4: 128 characters, any Unicode, no truncation or trimming."""
        client.force_login(counsellor)
        assert change_password(client, new=new).status_code == 302
        counsellor.refresh_from_db()
        assert counsellor.check_password(new)
        assert not counsellor.check_password(new[:-1])

    def test_mismatched_new_passwords_change_nothing(self, client, counsellor):
        client.force_login(counsellor)
        assert change_password(client, again=NEW + "x").status_code == 200
        counsellor.refresh_from_db()
        assert counsellor.check_password(PASSWORD)

    def test_a_change_is_audited_keeps_this_session_and_ends_the_others(self, client, counsellor):
        elsewhere = Client()
        elsewhere.force_login(counsellor)
        client.force_login(counsellor)
        response = change_password(client)
        assert (response.status_code, response.url) == (302, reverse("home"))
        counsellor.refresh_from_db()
        assert counsellor.check_password(NEW)
        [event] = events(AuditAction.AUTH_PASSWORD_CHANGED)
        assert event.actor == counsellor
        assert NEW not in json.dumps([event.metadata, event.changes])
        assert client.get(reverse("home")).status_code == 200
        # The other browser's session was made with the old password: it is signed out.
        assert elsewhere.get(reverse("home")).status_code == 302
        assert "_auth_user_id" not in elsewhere.session

    def test_the_page_needs_a_signed_in_user(self, client):
        response = client.get(reverse("account_change_password"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


class TestPasswordSetByAdministrator:
    def set_in_admin(self, client, administrator, user, password=NEW):
        client.force_login(administrator)
        return client.post(
            reverse("admin:auth_user_password_change", args=[user.pk]),
            {"password1": password, "password2": password, "usable_password": "true"},
        )

    def test_the_user_must_choose_their_own_before_anything_else(
        self, client, administrator, counsellor
    ):
        self.set_in_admin(client, administrator, counsellor)
        counsellor.refresh_from_db()
        assert counsellor.password_change_required
        [event] = events(AuditAction.CONFIG_USER_PASSWORD_SET)
        assert event.metadata["change_required"] is True

        user = Client()
        attempt_sign_in(user, counsellor.username, NEW)
        assert signed_in(user)
        for url in (reverse("home"), reverse("caseload"), reverse("inbox")):
            response = user.get(url)
            assert (response.status_code, response.url) == (
                302,
                reverse("account_change_password"),
            ), url
        htmx = user.get(reverse("caseload"), HTTP_HX_REQUEST="true")
        assert htmx["HX-Redirect"] == reverse("account_change_password")
        page = user.get(reverse("account_change_password")).content.decode()
        assert "An administrator set your password" in page

        response = change_password(user, old=NEW, new="my-own-secret-phrase-99")
        assert response.url == reverse("home")
        counsellor.refresh_from_db()
        assert not counsellor.password_change_required
        assert user.get(reverse("home")).status_code == 200

    def test_a_posted_form_elsewhere_is_not_saved_while_held(
        self, client, administrator, counsellor
    ):
        self.set_in_admin(client, administrator, counsellor)
        user = Client()
        attempt_sign_in(user, counsellor.username, NEW)
        before = AuditEvent.objects.count()
        response = user.post(reverse("person_register"), {"first_name": "X"})
        assert response.url == reverse("account_change_password")
        assert AuditEvent.objects.count() == before

    def test_an_administrator_setting_their_own_password_is_not_held(self, client, administrator):
        self.set_in_admin(client, administrator, administrator)
        administrator.refresh_from_db()
        assert not administrator.password_change_required

    def test_a_user_created_with_a_password_chooses_their_own(self, client, administrator, agency):
        client.force_login(administrator)
        client.post(
            reverse("admin:casemgmt_user_add"),
            {
                "username": "new.caseworker",
                "agency": agency.pk,
                "role": "caseworker",
                "password1": NEW,
                "password2": NEW,
            },
        )
        assert User.objects.get(username="new.caseworker").password_change_required

    def test_a_required_user_enrols_and_changes_in_either_order(
        self, client, administrator, police_officer
    ):
        """Both holds together never loop: the two-factor pages stay open."""
        self.set_in_admin(client, administrator, police_officer)
        user = Client()
        attempt_sign_in(user, police_officer.username, NEW)
        assert user.get(reverse("home")).url == reverse("mfa_index")
        assert user.get(reverse("mfa_index")).status_code == 200
        assert user.get(reverse("account_change_password")).status_code == 200


class TestFactorAudit:
    def test_enrolling_and_removing_an_app_is_recorded_without_its_secret(self, client, counsellor):
        client.force_login(counsellor)
        client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        client.get(reverse("mfa_activate_totp"))
        secret = client.session[SECRET_SESSION_KEY]
        code = f"{hotp_value(secret, int(time.time()) // 30):06d}"
        client.post(reverse("mfa_activate_totp"), {"code": code}, REMOTE_ADDR="10.9.9.9")

        added = events(AuditAction.AUTH_FACTOR_ADDED)
        assert sorted(e.metadata["type"] for e in added) == ["recovery_codes", "totp"]
        assert all(e.actor == counsellor and e.target_id == str(counsellor.pk) for e in added)
        assert added[0].metadata["address"] == "10.9.9.9"
        assert secret not in json.dumps([e.metadata for e in added])

        client.post(reverse("mfa_deactivate_totp"))
        removed = events(AuditAction.AUTH_FACTOR_REMOVED)
        assert sorted(e.metadata["type"] for e in removed) == ["recovery_codes", "totp"]
        assert not Authenticator.objects.filter(user=counsellor).exists()

    def test_a_factor_deleted_outside_allauth_is_recorded_too(self, police_officer):
        from tests.conftest import enrol_totp

        enrol_totp(police_officer).delete()
        [event] = events(AuditAction.AUTH_FACTOR_REMOVED)
        assert event.actor == police_officer  # no request: the account's own row
        assert event.metadata["type"] == "totp"


class TestShownAtNextSignIn:
    def test_changes_since_the_last_sign_in_are_shown_once(
        self, client, administrator, police_officer
    ):
        sign_in(client, police_officer)
        client.post(reverse("logout"))
        admin = Client()
        admin.force_login(administrator)
        admin.post(
            reverse("admin:auth_user_password_change", args=[police_officer.pk]),
            {"password1": NEW, "password2": NEW, "usable_password": "true"},
        )
        attempt_sign_in(Client(), police_officer.username, WRONG)
        attempt_sign_in(Client(), police_officer.username, WRONG)

        from tests.auth.conftest import sign_in_with_password

        sign_in_with_password(client, police_officer, password=NEW)
        # The app's code of this minute was used by the first sign-in: use recovery codes.
        codes = RecoveryCodes.activate(police_officer).get_unused_codes()
        client.post(reverse("mfa_authenticate"), {"code": codes[0]})
        page = client.get(reverse("account_change_password")).content.decode()
        assert "Since you last signed in" in page
        assert "2 failed sign-in attempts on your account" in page
        assert f"your password was set by administrator {administrator.display_name}" in page

        client.post(reverse("logout"))
        sign_in_with_password(client, police_officer, password=NEW)
        client.post(reverse("mfa_authenticate"), {"code": codes[1]})
        page = client.get(reverse("account_change_password")).content.decode()
        assert "Change your password" in page  # signed in again
        assert "Since you last signed in" not in page

    def test_a_first_sign_in_has_nothing_to_show(self, client, counsellor):
        attempt_sign_in(client, counsellor.username, PASSWORD)
        assert "Since you last signed in" not in client.get(reverse("home")).content.decode()

    def test_only_the_users_own_account_is_described(self, counsellor, caseworker):
        since = AuditEvent.objects.create(
            action=AuditAction.AUTH_SIGNED_IN,
            target_type="casemgmt.user",
            target_id=str(counsellor.pk),
        ).at
        attempt_sign_in(Client(), caseworker.username, WRONG)
        assert not account_changes.changes_since(counsellor, since)


def test_being_signed_out_everywhere_is_shown_at_the_next_sign_in(administrator, counsellor):
    from casemgmt.services.user_sessions import user_sessions_end

    since = AuditEvent.objects.create(
        action=AuditAction.AUTH_SIGNED_IN, target_type="casemgmt.user", target_id=str(counsellor.pk)
    ).at
    user_sessions_end(user=counsellor, by=administrator)
    user_sessions_end(user=counsellor, by=counsellor)  # their own doing: not news to them
    lines = notices.lines_for(account_changes.changes_since(counsellor, since), counsellor)
    assert len(lines) == 1
    assert f"administrator {administrator.display_name} signed you out everywhere" in lines[0]


def test_guessing_the_current_password_counts_toward_the_lockout(client, counsellor, settings):
    """A stolen session guessing at *Change password*: each guess is a failed sign-in,
    the tenth locks the account and signs that session out."""
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": None, "change_password": None}
    client.force_login(counsellor)
    statuses = [change_password(client, old=f"guess-{n}").status_code for n in range(10)]
    assert statuses == [200] * 9 + [429]
    assert len(events(AuditAction.AUTH_SIGN_IN_FAILED)) == 10
    assert "_auth_user_id" not in client.session
    counsellor.refresh_from_db()
    assert counsellor.check_password(PASSWORD)


class TestTheNoticeCannotBeHidden:
    """From the attacker's side (found by review): an intruder signing in again to move
    "since", or a flood of failures pushing a real change out of the list."""

    def record(self, user, action, *, actor=None, agent="Owner/1.0", **metadata):
        return AuditEvent.objects.create(
            action=action,
            actor=actor,
            target_type="casemgmt.user",
            target_id=str(user.pk),
            metadata={"user_agent": agent, **metadata},
        )

    def test_an_intruders_sign_ins_do_not_move_since(self, counsellor):
        owners = self.record(counsellor, AuditAction.AUTH_SIGNED_IN)
        for _ in range(2):
            self.record(
                counsellor, AuditAction.AUTH_SIGNED_IN, agent="Intruder/9", address="6.6.6.6"
            )
        self.record(
            counsellor, AuditAction.AUTH_FACTOR_ADDED, actor=counsellor, type="webauthn", name="k"
        )
        since = account_changes.last_signed_in_at(counsellor, "Owner/1.0")
        assert since == owners.at
        found = account_changes.changes_since(counsellor, since, "Owner/1.0")
        lines = notices.lines_for(found, counsellor)
        assert "2 sign-ins from another browser or device" in lines[0]
        assert "6.6.6.6" in lines[0]
        assert "the passkey “k” added by you" in lines[1]

    def test_a_flood_of_failures_does_not_hide_a_change(self, counsellor, administrator):
        since = self.record(counsellor, AuditAction.AUTH_SIGNED_IN).at
        AuditEvent.objects.bulk_create(
            AuditEvent(
                action=AuditAction.AUTH_SIGN_IN_FAILED,
                target_type="casemgmt.user",
                target_id=str(counsellor.pk),
            )
            for _ in range(300)
        )
        self.record(counsellor, AuditAction.CONFIG_USER_PASSWORD_SET, actor=administrator)
        lines = notices.lines_for(account_changes.changes_since(counsellor, since), counsellor)
        assert lines[0].startswith("300 failed sign-in attempts")
        assert "your password was set by administrator" in lines[-1]
