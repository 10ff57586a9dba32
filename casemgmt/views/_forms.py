"""Turning refusals into what people read, for views without a form to show them on.

With a form, use ``form.service_errors()`` (``casemgmt/forms/base.py``: ``ServiceErrors``).
"""

from django import forms
from django.contrib import messages

from casemgmt.forms.base import ServiceErrors, error_messages


def service_errors_as_messages(request) -> ServiceErrors:
    """``with service_errors_as_messages(request): service(...)``: a refusal becomes an error
    message on the next page (views that redirect whatever happens)."""
    return ServiceErrors(lambda error: messages.error(request, " ".join(error_messages(error))))


def form_errors_as_messages(request, form: forms.Form) -> None:
    """An invalid form posted from a page that shows no form: its errors as error messages."""
    for errors in form.errors.values():
        messages.error(request, " ".join(errors))


def keyset_before(request) -> int | None:
    """The ``before`` sequence number of a keyset-paged list; None when absent or not a
    plain number (a crafted value shows the first page)."""
    value = request.GET.get("before", "")
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None
