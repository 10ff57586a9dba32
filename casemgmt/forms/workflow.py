from django import forms
from django.utils.translation import gettext_lazy as _

from casemgmt.forms.base import VersionedForm


class StageMoveForm(VersionedForm):
    to_stage = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for this move"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class DecisionForm(VersionedForm):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
        help_text=_("Required when rejecting."),
    )
