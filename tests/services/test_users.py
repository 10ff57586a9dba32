"""A user's own settings: the language they chose is remembered, and audited."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from casemgmt.models import AuditEvent
from casemgmt.services import users

pytestmark = pytest.mark.django_db


def test_changing_language_is_remembered_and_audited(caseworker):
    assert caseworker.preferred_language == "en"
    users.user_set_language(user=caseworker, language="ur")
    caseworker.refresh_from_db()
    assert caseworker.preferred_language == "ur"
    event = AuditEvent.objects.get(action="user.language_changed")
    assert event.actor == caseworker
    assert event.changes == {"preferred_language": ["en", "ur"]}
    users.user_set_language(user=caseworker, language="ur")
    assert AuditEvent.objects.filter(action="user.language_changed").count() == 1


def test_an_unknown_language_is_refused(caseworker):
    with pytest.raises(ValidationError):
        users.user_set_language(user=caseworker, language="xx")
    caseworker.refresh_from_db()
    assert caseworker.preferred_language == "en"
    assert not AuditEvent.objects.exists()


def test_the_language_switch_uses_the_service(client, caseworker):
    client.force_login(caseworker)
    # The middleware activates the user's language; keep it from leaking into later tests.
    with translation.override("en"):
        client.post(reverse("set_language"), {"language": "ur", "next": "/"})
        client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert AuditEvent.objects.filter(action="user.language_changed", actor=caseworker).count() == 1
    caseworker.refresh_from_db()
    assert caseworker.preferred_language == "ur"
