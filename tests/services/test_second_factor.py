"""second_factor_reset: who may, what is removed, whose sessions end."""

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.sessions.models import Session
from django.test import Client

from casemgmt import factories
from casemgmt.errors import NotPermitted
from casemgmt.models import AuditAction, AuditEvent
from casemgmt.roles import Role
from casemgmt.services.second_factor import second_factor_reset
from tests.conftest import enrol_totp

pytestmark = pytest.mark.django_db

REASON = "Lost phone; identity checked in person."


def signed_in_session(user) -> str:
    client = Client()
    client.force_login(user)
    return client.session.session_key


def test_removes_only_this_users_factors_and_sessions(administrator, supervisor, caseworker):
    enrol_totp(supervisor)
    enrol_totp(caseworker)
    theirs = [signed_in_session(supervisor), signed_in_session(supervisor)]
    others = [signed_in_session(caseworker), signed_in_session(administrator)]
    removed = second_factor_reset(user=supervisor, by=administrator, reason=REASON)
    assert removed == ["totp"]
    assert not Authenticator.objects.filter(user=supervisor).exists()
    assert Authenticator.objects.filter(user=caseworker).exists()
    assert not Session.objects.filter(session_key__in=theirs).exists()
    assert Session.objects.filter(session_key__in=others).count() == 2
    [event] = AuditEvent.objects.filter(action=AuditAction.AUTH_SECOND_FACTOR_RESET)
    assert event.metadata == {"reason": REASON, "removed": ["totp"], "sessions_ended": 2}


@pytest.mark.parametrize("who", ["supervisor", "self", "admin_on_superuser", "no_reason"])
def test_refused_and_nothing_removed(who, administrator, supervisor, agency):
    superuser = factories.UserFactory(
        agency=agency, role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True
    )
    user, by, reason = {
        "supervisor": (factories.CaseworkerFactory(agency=agency), supervisor, REASON),
        "self": (administrator, administrator, REASON),
        "admin_on_superuser": (superuser, administrator, REASON),
        "no_reason": (supervisor, administrator, " "),
    }[who]
    enrol_totp(user)
    with pytest.raises(NotPermitted):
        second_factor_reset(user=user, by=by, reason=reason)
    assert Authenticator.objects.filter(user=user).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.AUTH_SECOND_FACTOR_RESET).exists()
