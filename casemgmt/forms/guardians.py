"""The guardian's consent, asked on every form where a person under 18 consents."""

from django import forms
from django.utils.translation import gettext_lazy as _

from casemgmt.forms.base import CrispyForm
from casemgmt.models import GuardianConsentHow
from casemgmt.models.people import validate_not_future

UNDER_18 = _("Required when the person is under 18 on the day they consent.")


class GuardianConsentForm(CrispyForm):
    """A base: subclasses list their own fields in ``field_order``; these follow."""

    guardian_name = forms.CharField(
        label=_("Guardian"), max_length=200, required=False, help_text=UNDER_18
    )
    guardian_relationship = forms.CharField(
        label=_("Guardian's relationship to the person"), max_length=80, required=False
    )
    guardian_consented_on = forms.DateField(
        label=_("Guardian consented on"), required=False, validators=[validate_not_future]
    )
    guardian_consent_how = forms.ChoiceField(
        label=_("How the guardian consented"),
        choices=[("", "—"), *GuardianConsentHow.choices],
        required=False,
    )
