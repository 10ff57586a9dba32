"""The guessing attacker: the 11th guess, known and unknown names, spraying, the unlock."""

from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from casemgmt.models import AuditAction, AuditEvent
from tests.auth.conftest import attempt_sign_in, fail, normalised, signed_in

LOCKOUT_MESSAGE = (
    "Too many failed sign-ins. Try again in 15 minutes or ask an administrator to unlock "
    "the account."
)

pytestmark = pytest.mark.django_db


def test_after_ten_failures_the_right_password_does_not_sign_in(client, caseworker, right_password):
    statuses = fail(client, caseworker.username, 10)
    assert statuses == [200] * 9 + [429]
    response = attempt_sign_in(client, caseworker.username, right_password)
    assert response.status_code == 429
    assert not signed_in(client)
    assert LOCKOUT_MESSAGE in response.content.decode()


def test_nine_failures_then_the_right_password_signs_in_and_clears_the_count(
    client, caseworker, right_password
):
    fail(client, caseworker.username, 9)
    assert attempt_sign_in(client, caseworker.username, right_password).status_code == 302
    assert signed_in(client)
    assert not AccessAttempt.objects.filter(username=caseworker.username).exists()


def test_the_locked_page_is_the_sign_in_page_with_one_message(client, caseworker):
    fail(client, caseworker.username, 10)
    body = attempt_sign_in(client, caseworker.username).content.decode()
    assert 'name="login"' in body and 'name="password"' in body
    assert body.count(LOCKOUT_MESSAGE) == 1
    assert "enter a correct username and password" not in body


def test_known_and_unknown_names_get_the_same_refusal(client, caseworker):
    known = attempt_sign_in(client, caseworker.username)
    unknown = attempt_sign_in(client, "nobody-by-this-name")
    assert known.status_code == unknown.status_code == 200
    assert normalised(known, caseworker.username) == normalised(unknown, "nobody-by-this-name")


def test_known_and_unknown_names_are_locked_alike(client, caseworker):
    fail(client, caseworker.username, 10)
    fail(client, "nobody-by-this-name", 10, address="10.0.0.2")
    known = attempt_sign_in(client, caseworker.username)
    unknown = attempt_sign_in(client, "nobody-by-this-name", address="10.0.0.2")
    assert known.status_code == unknown.status_code == 429
    assert normalised(known, caseworker.username) == normalised(unknown, "nobody-by-this-name")


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"])
def test_the_password_hasher_runs_for_known_and_unknown_names(client, caseworker):
    caseworker.set_password("a-long-enough-password")
    caseworker.save()
    calls = []
    verify, encode = Argon2PasswordHasher.verify, Argon2PasswordHasher.encode

    def spy(original):
        def wrapped(self, *args, **kwargs):
            calls.append(original.__name__)
            return original(self, *args, **kwargs)

        return wrapped

    with (
        mock.patch.object(Argon2PasswordHasher, "verify", spy(verify)),
        mock.patch.object(Argon2PasswordHasher, "encode", spy(encode)),
    ):
        attempt_sign_in(client, caseworker.username)
        known = list(calls)
        calls.clear()
        attempt_sign_in(client, "nobody-by-this-name")
        unknown = list(calls)
    assert known == ["verify"]  # the stored hash checked
    assert unknown == ["encode"]  # a hash computed all the same: no timing difference


def test_a_locked_name_is_locked_from_every_address(client, caseworker, right_password):
    for n in range(10):
        attempt_sign_in(client, caseworker.username, address=f"10.0.1.{n}")
    response = attempt_sign_in(client, caseworker.username, right_password, address="10.0.2.1")
    assert response.status_code == 429
    assert not signed_in(client)


def test_spraying_many_names_from_one_address_locks_the_address(client, caseworker, right_password):
    statuses = [
        attempt_sign_in(client, f"sprayed{n}", address="10.9.9.9").status_code for n in range(30)
    ]
    assert statuses == [200] * 29 + [429]
    assert (
        attempt_sign_in(client, caseworker.username, right_password, address="10.9.9.9").status_code
        == 429
    )
    assert not signed_in(client)
    # the same user from another address is not held up by the sprayer
    assert (
        attempt_sign_in(
            client, caseworker.username, right_password, address="10.9.9.10"
        ).status_code
        == 302
    )


def test_a_sprayer_cannot_reset_the_address_count_with_a_valid_account(
    client, caseworker, right_password
):
    for n in range(29):
        attempt_sign_in(client, f"sprayed{n}", address="10.9.9.9")
    assert (
        attempt_sign_in(client, caseworker.username, right_password, address="10.9.9.9").status_code
        == 302
    )
    client.logout()
    assert attempt_sign_in(client, "user-next", address="10.9.9.9").status_code == 429


def test_a_forged_forwarded_for_header_does_not_change_the_address(client, caseworker):
    for n in range(10):
        attempt_sign_in(
            client, f"sprayed{n}", address="10.9.9.9", HTTP_X_FORWARDED_FOR=f"172.16.0.{n}"
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"10.9.9.9"}


def unlock_user(client, user):
    return client.post(
        reverse("admin:casemgmt_user_changelist"),
        {"action": "unlock_sign_in", "_selected_action": [user.pk]},
    )


def test_an_administrator_unlocks_a_user_and_it_is_recorded(
    client, caseworker, administrator, right_password
):
    fail(client, caseworker.username, 10)
    admin_client = client.__class__()
    admin_client.force_login(administrator)
    assert unlock_user(admin_client, caseworker).status_code == 302
    [event] = AuditEvent.objects.filter(action=AuditAction.AUTH_UNLOCKED)
    assert event.actor == administrator
    assert event.target_id == str(caseworker.pk)
    assert event.metadata["cleared"] == 1
    assert attempt_sign_in(client, caseworker.username, right_password).status_code == 302


def test_a_supervisor_cannot_unlock(client, caseworker, supervisor, right_password):
    fail(client, caseworker.username, 10)
    other = client.__class__()
    other.force_login(supervisor)
    unlock_user(other, caseworker)
    assert not AuditEvent.objects.filter(action=AuditAction.AUTH_UNLOCKED).exists()
    assert attempt_sign_in(client, caseworker.username, right_password).status_code == 429


def test_an_administrator_unlocks_an_address(client, caseworker, administrator, right_password):
    for n in range(30):
        attempt_sign_in(client, f"sprayed{n}", address="10.9.9.9")
    admin_client = client.__class__()
    admin_client.force_login(administrator)
    attempt = AccessAttempt.objects.first()
    response = admin_client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "unlock_addresses", "_selected_action": [attempt.pk]},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.AUTH_UNLOCKED)
    assert (event.actor, event.target_id) == (administrator, "10.9.9.9")
    # A minute later: allauth's cap of 30 sign-in posts a minute per address has passed.
    cache.clear()
    assert (
        attempt_sign_in(client, caseworker.username, right_password, address="10.9.9.9").status_code
        == 302
    )


def test_only_administrators_see_the_failed_sign_ins(client, caseworker, supervisor, administrator):
    attempt_sign_in(client, caseworker.username)
    url = reverse("admin:axes_accessattempt_changelist")
    client.force_login(supervisor)
    assert client.get(url).status_code in (302, 403)
    client.force_login(administrator)
    response = client.get(url)
    assert response.status_code == 200
    assert "10.0.0.1" in response.content.decode()


def test_an_ipv6_sprayer_cannot_escape_by_changing_address_within_its_network(
    client, caseworker, right_password
):
    statuses = [
        attempt_sign_in(client, f"sprayed{n}", address=f"2001:db8:7:7::{n + 1:x}").status_code
        for n in range(30)
    ]
    assert statuses == [200] * 29 + [429]
    fresh = attempt_sign_in(client, caseworker.username, right_password, address="2001:db8:7:7::ff")
    assert fresh.status_code == 429
    assert not signed_in(client)
    # another network is not held up
    other = attempt_sign_in(client, caseworker.username, right_password, address="2001:db8:7:8::1")
    assert other.status_code == 302
