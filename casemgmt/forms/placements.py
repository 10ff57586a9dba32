from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casemgmt.forms.base import CrispyForm
from casemgmt.models import Facility


class PlacementTransferForm(CrispyForm):
    """A transfer to another facility; the service checks the facility is active and has
    room (or the user confirmed), and the date."""

    facility = forms.ModelChoiceField(
        label=_("Transfer to"),
        queryset=Facility.objects.filter(is_active=True),
        error_messages={"invalid_choice": _("That facility does not exist or is not active.")},
    )
    moved_on = forms.DateField(label=_("Date of the transfer"), initial=timezone.localdate)
    reason = forms.CharField(
        label=_("Reason for the transfer"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
    confirm_over_capacity = forms.BooleanField(label=_("Place over capacity"), required=False)
