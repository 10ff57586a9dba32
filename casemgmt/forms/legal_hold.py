"""A supervisor sets or lifts a case's legal hold, with a reason."""

from django import forms
from django.utils.translation import gettext_lazy as _

from casemgmt.forms.base import VersionedForm


class LegalHoldForm(VersionedForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The proceedings, inquiry or order: it is kept in the case's history."),
    )
