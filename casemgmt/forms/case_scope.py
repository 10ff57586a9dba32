"""The filters a dashboard figure shares with the caseload it links to, declared once for
both forms (``selectors.caseload.CaseScope`` is their values)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from casemgmt.models import AgeGroup, Agency, Sex

SCOPE_FIELDS = ["agency", "district", "sex", "age_group", "opened_from", "opened_to"]


class CaseScopeFields(forms.Form):
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

    def scope_values(self) -> dict:
        """The scope's valid values (call after ``is_valid``): "any" where not given."""
        data = self.cleaned_data
        return {
            "agency": data["agency"].pk if data.get("agency") else None,
            "district": (data.get("district") or "").strip(),
            "sex": data.get("sex") or "",
            "age_group": data.get("age_group") or "",
            "opened_from": data.get("opened_from"),
            "opened_to": data.get("opened_to"),
        }
