"""A supervisor changes a case's classification between reviews, with a reason."""

from django import forms
from django.utils.translation import gettext_lazy as _

from casemgmt.forms.base import VersionedForm
from casemgmt.models import ClassificationBand


class ClassificationForm(VersionedForm):
    band = forms.ModelChoiceField(label=_("Classification"), queryset=ClassificationBand.objects)
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What changed since the last review: it is kept in the case's history."),
    )

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["band"].queryset = ClassificationBand.objects.filter(
            programme_id=case.programme_id, is_active=True
        )
