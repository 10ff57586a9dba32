from crispy_forms.helper import FormHelper
from django import forms


class DateInput(forms.DateInput):
    """The browser's native date picker."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class CrispyForm(forms.Form):
    """A form rendered by crispy without its own <form> tag (templates own the tag)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = DateInput()
                field.input_formats = ["%Y-%m-%d", "%d/%m/%Y"]

    def add_service_errors(self, error) -> None:
        """Show a service's ValidationError on the matching fields (or the whole form)."""
        if hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                self.add_error(name if name in self.fields else None, messages)
        else:
            self.add_error(None, error.messages if hasattr(error, "messages") else str(error))


class VersionedForm(CrispyForm):
    """Carries the case version the user saw, so stale submissions are refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
