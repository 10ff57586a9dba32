from django import forms
from django.utils.translation import gettext_lazy as _

from casemgmt.forms.base import VersionedForm
from casemgmt.models import Facility, MoveReason, Programme, Stage


class StageMoveForm(VersionedForm):
    """A move of a case; ``to_stage`` comes out as a stage of the case's programme."""

    to_stage = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for this move"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
    # Into a custodial stage: where the person is held (the service checks it is active
    # and has room, so an inactive one gets its own message).
    facility = forms.ModelChoiceField(
        label=_("Facility"),
        queryset=Facility.objects.all(),
        required=False,
        error_messages={"invalid_choice": _("That facility does not exist.")},
    )
    confirm_over_capacity = forms.BooleanField(label=_("Place over capacity"), required=False)

    reason_kind = forms.ChoiceField(
        label=_("Why (for a recall, suspension, exit or completion)"),
        choices=[("", "—"), *MoveReason.choices],
        required=False,
    )
    record_reengagement = forms.BooleanField(
        label=_("Also record this recall or re-arrest as a re-engagement event"),
        required=False,
    )

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("to_stage") is not None:
            stage = Stage.objects.filter(pk=cleaned["to_stage"], programme=self.programme).first()
            if stage is None:
                raise forms.ValidationError(_("That stage is not part of this case's programme."))
            cleaned["to_stage"] = stage
        return cleaned


class DecisionForm(VersionedForm):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
        help_text=_("Required when rejecting."),
    )


class WithdrawMoveForm(VersionedForm):
    reason = forms.CharField(
        label=_("Why is this request withdrawn?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Give a reason for withdrawing this request.")},
    )
