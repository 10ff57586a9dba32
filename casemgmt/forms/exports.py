"""The exports' filters: every filter optional, each checked for what it is."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from casemgmt.exports import query
from casemgmt.exports.definitions import EXPORTS
from casemgmt.models import Agency, Stage

# The days an export's date range may name: a day outside them is a typing mistake, and
# its start as an instant in the local time zone may not exist (year 1 or 9999).
EARLIEST_DAY = datetime.date(1900, 1, 1)
LATEST_DAY = datetime.date(2199, 12, 31)


class ExportForm(forms.Form):
    export = forms.ChoiceField(label=_("Export"), widget=forms.RadioSelect)
    programme = forms.ModelChoiceField(label=_("Programme"), required=False, queryset=None)
    agency = forms.ModelChoiceField(
        label=_("Lead agency"), required=False, queryset=Agency.objects.order_by("name")
    )
    district = forms.CharField(label=_("District of origin"), required=False, max_length=100)
    stage = forms.ModelChoiceField(label=_("Current stage"), required=False, queryset=None)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    upto = forms.IntegerField(
        label=_("Audit trail: up to position"),
        required=False,
        min_value=1,
        max_value=2**62,
        help_text=_("Empty: the last sealed event when the export starts."),
    )
    bom = forms.BooleanField(label=_("Add a byte-order mark (for Excel)"), required=False)
    identified = forms.BooleanField(
        label=_("Identified (names, identity numbers, free text): asks you to confirm it is you"),
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        programmes = query.export_programmes(user).order_by("name")
        self.fields["programme"].queryset = programmes
        self.fields["stage"].queryset = Stage.objects.filter(
            programme__in=programmes.values("pk")
        ).order_by("programme__name", "order")
        self.fields["export"].choices = [
            (e.key, e.title) for e in EXPORTS.values() if query.available(user, e)
        ]
        if not query.may_filter_by_district(user):
            del self.fields["district"]
        if not query.may_identify(user):
            del self.fields["identified"]

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        for name in ("date_from", "date_to"):
            day = cleaned.get(name)
            if day and not EARLIEST_DAY <= day <= LATEST_DAY:
                self.add_error(
                    name,
                    _("Give a day between %(first)s and %(last)s.")
                    % {"first": EARLIEST_DAY.isoformat(), "last": LATEST_DAY.isoformat()},
                )
                cleaned.pop(name, None)
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            raise ValidationError(_("The first date is after the last one."))
        if self.data.get("district") and "district" not in self.fields:
            self.add_error(None, _("You may not filter by district (location information)."))
        return cleaned

    @property
    def chosen_export(self):
        return EXPORTS[self.cleaned_data["export"]]

    @property
    def wants_identified(self) -> bool:
        return bool(self.cleaned_data.get("identified"))

    def filters(self) -> query.Filters:
        data = self.cleaned_data
        return query.Filters(
            programme=data["programme"],
            agency=data["agency"],
            district=data.get("district", "").strip(),
            stage=data["stage"],
            date_from=data["date_from"],
            date_to=data["date_to"],
            upto=data["upto"],
        )
