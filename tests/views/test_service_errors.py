"""The one mapping from a service's refusal to what people read: ``form.service_errors()``
and ``service_errors_as_messages(request)``."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from casemgmt.errors import NotPermitted, StaleCase
from casemgmt.forms.base import CrispyForm
from casemgmt.views._forms import service_errors_as_messages


class ReasonForm(CrispyForm):
    reason = forms.CharField()


def _form():
    form = ReasonForm({"reason": "x"})
    assert form.is_valid()
    return form


def test_field_errors_go_on_their_fields_and_the_rest_on_the_form():
    form = _form()
    with form.service_errors() as attempt:
        raise ValidationError({"reason": "Say why.", "programme": "Not active."})
    assert form.errors["reason"] == ["Say why."]
    assert form.non_field_errors() == ["Not active."]
    assert isinstance(attempt.error, ValidationError)


@pytest.mark.parametrize(
    "error", [ValidationError("Already done."), NotPermitted("Already done.")], ids=str
)
def test_an_error_without_a_field_goes_on_the_form(error):
    form = _form()
    with form.service_errors() as attempt:
        raise error
    assert form.non_field_errors() == ["Already done."]
    assert attempt.error is error


def test_success_leaves_the_form_alone_and_other_exceptions_pass():
    form = _form()
    with form.service_errors() as attempt:
        pass
    assert attempt.error is None and form.is_valid()
    with pytest.raises(KeyError), form.service_errors():
        raise KeyError("a bug is not a refusal")
    assert form.is_valid()


def test_without_a_form_the_refusal_becomes_an_error_message():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    with service_errors_as_messages(request) as attempt:
        raise StaleCase()
    assert isinstance(attempt.error, StaleCase)
    assert [str(m) for m in get_messages(request)] == [StaleCase().message]
