"""The reassignment page's forms: whose cases to list, then which of them go to whom.

Choices are the supervisor's agency's active caseworkers and supervisors
(``selectors.reassignment.agency_staff``); the cases posted are looked up again in the
view within what the supervisor may reassign, and the service decides again on each
locked case.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from casemgmt.models import User

# No id has more than 18 digits; a post naming more cases than a page lists is refused.
MAX_CASES = 500


class ReassignFromForm(forms.Form):
    """Whose cases the page lists (a GET parameter)."""

    caseworker = forms.ModelChoiceField(
        label=_("Whose cases"), queryset=User.objects.none(), empty_label=_("Choose a caseworker")
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["caseworker"].queryset = staff


class ReassignCasesForm(forms.Form):
    """Which of the listed cases go to whom, with the version of each the page showed
    (``version-<id>``); ``step`` is "confirm" (show what will change) or "apply"."""

    caseworker = forms.ModelChoiceField(queryset=User.objects.none(), widget=forms.HiddenInput)
    to_caseworker = forms.ModelChoiceField(
        label=_("New caseworker"),
        queryset=User.objects.none(),
        empty_label=_("Choose the new caseworker"),
        error_messages={"required": _("Choose the new caseworker.")},
    )
    step = forms.ChoiceField(choices=[("confirm", "confirm"), ("apply", "apply")])

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["caseworker"].queryset = staff
        self.fields["to_caseworker"].queryset = staff

    def clean(self):
        data = super().clean()
        ids = self.data.getlist("cases") if hasattr(self.data, "getlist") else []
        if not ids:
            raise ValidationError(_("Tick at least one case to reassign."))
        if len(ids) > MAX_CASES or not all(_is_id(i) for i in ids):
            raise ValidationError(_("The cases chosen could not be read; reload the page."))
        data["cases"] = sorted({int(i) for i in ids})
        versions = {}
        for pk in data["cases"]:
            version = self.data.get(f"version-{pk}", "")
            if not _is_id(version):
                raise ValidationError(_("The form was incomplete; reload the page and try again."))
            versions[pk] = int(version)
        data["versions"] = versions
        if data.get("caseworker") and data.get("caseworker") == data.get("to_caseworker"):
            self.add_error("to_caseworker", _("Choose someone else than the current caseworker."))
        return data


def _is_id(text: str) -> bool:
    return text.isascii() and text.isdigit() and 0 < len(text) <= 18 and int(text) > 0
