"""Every sign-in, sign-out, failure, lockout and unlock leaves a trace with the address
and user agent, and never the password or a name nobody has."""

import json

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse

from casemgmt.models import AuditAction, AuditEvent
from casemgmt.services import authentication
from tests.auth.conftest import WRONG, attempt_sign_in, fail

pytestmark = pytest.mark.django_db


def events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def test_a_sign_in_is_recorded_with_address_and_user_agent(client, caseworker, right_password):
    attempt_sign_in(client, caseworker.username, right_password, address="10.4.4.4")
    [event] = events(AuditAction.AUTH_SIGNED_IN)
    assert event.actor == caseworker
    assert event.metadata == {"address": "10.4.4.4", "user_agent": "Attacker/1.0"}


def test_a_sign_out_is_recorded(client, caseworker, right_password):
    attempt_sign_in(client, caseworker.username, right_password)
    client.post(reverse("logout"), REMOTE_ADDR="10.4.4.4")
    [event] = events(AuditAction.AUTH_SIGNED_OUT)
    assert event.actor == caseworker
    assert event.metadata["address"] == "10.4.4.4"


def test_a_failure_on_a_known_name_names_the_user_but_not_the_password(client, caseworker):
    attempt_sign_in(client, caseworker.username, address="10.4.4.4")
    [event] = events(AuditAction.AUTH_SIGN_IN_FAILED)
    assert event.actor is None
    assert (event.target_type, event.target_id) == ("casemgmt.user", str(caseworker.pk))
    assert event.metadata == {"address": "10.4.4.4", "user_agent": "Attacker/1.0"}
    assert WRONG not in json.dumps([event.target_label, event.metadata, event.changes])


def test_a_failure_on_an_unknown_name_keeps_only_a_hash_of_it(client):
    typed = "my-secret-password-in-the-wrong-box"
    attempt_sign_in(client, typed)
    attempt_sign_in(client, typed)
    first, second = events(AuditAction.AUTH_SIGN_IN_FAILED)
    assert first.target_type == "sign_in.unknown_name"
    assert first.target_id == second.target_id  # the same name tried twice shows as such
    assert typed not in json.dumps([first.target_id, first.target_label, first.metadata])


def test_a_lockout_is_recorded_once(client, caseworker):
    fail(client, caseworker.username, 14)
    [event] = events(AuditAction.AUTH_LOCKED_OUT)
    assert event.target_id == str(caseworker.pk)
    assert event.metadata["address"] == "10.0.0.1"
    assert len(events(AuditAction.AUTH_SIGN_IN_FAILED)) == 14


def test_an_own_password_change_is_recorded(rf, caseworker):
    request = rf.post("/", REMOTE_ADDR="10.4.4.4")
    authentication.record_password_changed(user=caseworker, request=request)
    [event] = events(AuditAction.AUTH_PASSWORD_CHANGED)
    assert (event.actor, event.metadata["address"]) == (caseworker, "10.4.4.4")


def test_allauth_password_changes_are_recorded(rf, caseworker):
    signals = pytest.importorskip("allauth.account.signals")
    request = rf.post("/")
    # As in a real request: allauth.usersessions records the session that changed it.
    request.user, request.session = caseworker, SessionStore()
    signals.password_changed.send(sender=type(caseworker), request=request, user=caseworker)
    assert len(events(AuditAction.AUTH_PASSWORD_CHANGED)) == 1
