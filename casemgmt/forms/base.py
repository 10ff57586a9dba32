from __future__ import annotations

from collections.abc import Callable

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError

from casemgmt.errors import DomainError


class DateInput(forms.DateInput):
    """The browser's native date picker."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def error_messages(error: ValidationError | DomainError) -> list[str]:
    """The messages for people carried by a service's error, field names dropped."""
    if isinstance(error, ValidationError):
        return error.messages
    return [error.message]


class ServiceErrors:
    """Catches what a service refuses with and shows it to the user; nothing else is caught.

    The one way views turn a service's ``ValidationError`` or ``DomainError``
    into something people read:

    - with a form: ``with form.service_errors():`` puts each field's message on
      its field and the rest at the top of the form (see
      ``CrispyForm.add_service_errors``);
    - without one: ``with service_errors_as_messages(request):`` (in
      ``casemgmt/views/_forms.py``) shows them as error messages.

    Return from inside the block on success; after the block the service
    failed (``.error`` is the exception, for views that show more of it)::

        with form.service_errors() as attempt:
            case = cases.case_open(by=request.user, ...)
            return redirect("case_detail", reference=case.reference)
        if isinstance(attempt.error, StaleCase): ...
        return render(request, "page.html", {"form": form})

    The service's own transaction has rolled back when the error arrives here.
    """

    def __init__(self, show: Callable[[ValidationError | DomainError], None]):
        self.show = show
        self.error: ValidationError | DomainError | None = None

    def __enter__(self) -> ServiceErrors:
        return self

    def __exit__(self, exc_type, exc, traceback) -> bool:
        if not isinstance(exc, ValidationError | DomainError):
            return False
        self.error = exc
        self.show(exc)
        return True


class CrispyForm(forms.Form):
    """A form rendered by crispy without its own <form> tag (templates own the tag)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lay_out()

    def lay_out(self) -> None:
        """The helper and widgets for the form's fields (again after adding fields)."""
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = DateInput()
                field.input_formats = ["%Y-%m-%d", "%d/%m/%Y"]

    def service_errors(self) -> ServiceErrors:
        """``with form.service_errors(): service(...)``: a refusal becomes this form's errors."""
        return ServiceErrors(self.add_service_errors)

    def add_service_errors(self, error: ValidationError | DomainError) -> None:
        """Show a service's error on the matching fields, the rest on the whole form.

        A form whose page shows more of a particular error overrides this.
        """
        if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                self.add_error(name if name in self.fields else None, messages)
        else:
            self.add_error(None, error_messages(error))


class VersionedForm(CrispyForm):
    """Carries the case version the user saw, so stale submissions are refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
