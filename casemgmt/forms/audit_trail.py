"""The auditor's search of the trail: every filter optional, each checked for what it is."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from casemgmt.audit_trail.groups import ActionGroup
from casemgmt.info_classes import InfoClass
from casemgmt.models import Agency
from casemgmt.selectors.audit_trail import TrailFilters


class TrailSearchForm(forms.Form):
    case = forms.CharField(label=_("Case reference"), required=False, max_length=40)
    person = forms.CharField(label=_("Person reference"), required=False, max_length=40)
    user = forms.CharField(label=_("User name"), required=False, max_length=150)
    agency = forms.ModelChoiceField(
        label=_("Agency"), required=False, queryset=Agency.objects.order_by("name")
    )
    group = forms.ChoiceField(
        label=_("What happened"),
        required=False,
        choices=[("", _("Everything"))] + list(ActionGroup.choices),
    )
    info_class = forms.ChoiceField(
        label=_("Information class"),
        required=False,
        choices=[("", _("Any"))] + list(InfoClass.choices),
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def clean_case(self):
        return self.cleaned_data["case"].strip().upper()

    def clean_person(self):
        return self.cleaned_data["person"].strip().upper()

    def clean_user(self):
        return self.cleaned_data["user"].strip()

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            raise ValidationError(_("The first date is after the last one."))
        return cleaned

    def filters(self) -> TrailFilters:
        data = self.cleaned_data
        return TrailFilters(
            case=data["case"],
            person=data["person"],
            user=data["user"],
            agency=data["agency"].pk if data["agency"] else None,
            group=data["group"],
            info_class=data["info_class"],
            since=data["since"],
            until=data["until"],
        )

    def is_filtered(self) -> bool:
        return any(self.cleaned_data.get(name) for name in self.fields if name != "before")
