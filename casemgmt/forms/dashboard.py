"""The dashboard's filters, kept in its URL: every figure counts the cases they select."""

from django import forms
from django.utils.translation import gettext_lazy as _

from casemgmt import access
from casemgmt.forms.base import CrispyForm
from casemgmt.forms.case_scope import SCOPE_FIELDS, CaseScopeFields
from casemgmt.models import Programme
from casemgmt.selectors.dashboard.scope import DashboardFilters


class DashboardFilterForm(CaseScopeFields, CrispyForm):
    """A field on information the user may not read is not offered (the caseload's own
    rule: ``access.may_use_caseload_param``); the selectors drop it again."""

    field_order = ["programme", *SCOPE_FIELDS]

    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.all(),
        required=False,
        empty_label=_("Any programme"),
    )

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
        programme = self.cleaned_data.get("programme")
        return DashboardFilters(
            programme=programme.pk if programme else None, **self.scope_values()
        )
