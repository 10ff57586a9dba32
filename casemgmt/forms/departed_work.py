"""The departed-work page's two forms: hand a case, or a review action, to someone else.

Choices are whoever may take the work over (active caseworkers and supervisors of an
agency on the case's team); the services decide again on the locked rows.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from casemgmt.forms.base import CrispyForm, VersionedForm
from casemgmt.models import User
from casemgmt.selectors.departed_work import TAKER_ROLES


def _takers(case):
    team = case.team.filter(left_on__isnull=True).values_list("agency_id", flat=True)
    return User.objects.filter(agency_id__in=team, is_active=True, role__in=TAKER_ROLES)


class HandOnCaseForm(VersionedForm):
    caseworker = forms.ModelChoiceField(label=_("New caseworker"), queryset=User.objects.none())

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["caseworker"].queryset = _takers(case)


class HandOnActionForm(CrispyForm):
    owner = forms.ModelChoiceField(label=_("New owner"), queryset=User.objects.none())

    def __init__(self, *args, action, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _takers(action.review.case)


class HandOnTargetForm(forms.Form):
    """Which listed item a post from the page hands on: a case or a review action."""

    case = forms.CharField(required=False, max_length=20)
    action = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)

    def clean(self):
        data = super().clean()
        if bool(data.get("case")) == (data.get("action") is not None):
            raise ValidationError(_("Choose a case or an action to hand on."))
        return data
