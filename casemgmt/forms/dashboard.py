"""The dashboard's filters, kept in its URL: every figure counts the cases they select."""

from django import forms
from django.utils.translation import gettext_lazy as _

from casemgmt import access
from casemgmt.forms.base import CrispyForm
from casemgmt.models import AgeGroup, Agency, Programme, Sex
from casemgmt.selectors.dashboard.scope import DashboardFilters


class DashboardFilterForm(CrispyForm):
    """A field on information the user may not read is not offered (the caseload's own
    rule: ``access.may_use_caseload_param``); the selectors drop it again."""

    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.all(),
        required=False,
        empty_label=_("Any programme"),
    )
    agency = forms.ModelChoiceField(
        label=_("Lead agency"),
        queryset=Agency.objects.order_by("name"),
        required=False,
        empty_label=_("Any agency"),
    )
    district = forms.CharField(label=_("District at registration"), max_length=100, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", _("Any")), *Sex.choices], required=False)
    age_group = forms.ChoiceField(
        label=_("Age group when opened"),
        choices=[("", _("Any")), *AgeGroup.choices],
        required=False,
    )
    opened_from = forms.DateField(label=_("Opened on or after"), required=False)
    opened_to = forms.DateField(label=_("Opened on or before"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if not access.may_use_caseload_param(user, name):
                del self.fields[name]

    def filters(self) -> DashboardFilters:
        """The valid filters; an invalid value falls back to "any" and the form says why."""
        if not self.is_bound:
            return DashboardFilters()
        self.is_valid()
        data = self.cleaned_data
        return DashboardFilters(
            programme=data["programme"].pk if data.get("programme") else None,
            agency=data["agency"].pk if data.get("agency") else None,
            district=(data.get("district") or "").strip(),
            sex=data.get("sex") or "",
            age_group=data.get("age_group") or "",
            opened_from=data.get("opened_from"),
            opened_to=data.get("opened_to"),
        )
