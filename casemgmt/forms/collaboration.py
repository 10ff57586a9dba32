"""Forms for notes, referrals, the consent ledger, the allow-list and break-the-glass."""

from django import forms
from django.utils.translation import gettext_lazy as _

from casemgmt.forms.base import CrispyForm
from casemgmt.forms.guardians import GuardianConsentForm
from casemgmt.models import (
    Agency,
    AgencyKind,
    LegalAuthority,
    NoteCategory,
    NoteVisibility,
    ReferralService,
    SharingBasis,
    SharingPurpose,
    User,
)
from casemgmt.models.people import validate_not_future


class NoteForm(CrispyForm):
    category = forms.ChoiceField(label=_("Category"), choices=NoteCategory.choices)
    visibility = forms.ChoiceField(
        label=_("Who may read it"), choices=NoteVisibility.choices, initial=NoteVisibility.CASE_TEAM
    )
    body = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10000
    )
    raise_escalation = forms.BooleanField(
        label=_("Raise an escalation (security concerns only)"), required=False
    )


class NoteCorrectionForm(CrispyForm):
    body = forms.CharField(
        label=_("Corrected note"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10000
    )


class ReferralForm(CrispyForm):
    to_agency = forms.ModelChoiceField(
        label=_("Refer to"), queryset=Agency.objects.filter(is_active=True)
    )
    service = forms.ChoiceField(label=_("Service"), choices=ReferralService.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class DeclineReferralForm(CrispyForm):
    reason = forms.CharField(
        label=_("Reason for declining"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class CompleteReferralForm(CrispyForm):
    outcome = forms.CharField(label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 2}))


class SharingForm(GuardianConsentForm):
    field_order = [
        "basis",
        "agency_kinds",
        "purpose",
        "given_on",
        "expires_on",
        "legal_authority",
    ]

    basis = forms.ChoiceField(label=_("Basis"), choices=SharingBasis.choices)
    agency_kinds = forms.MultipleChoiceField(
        label=_("Share with these kinds of agency"),
        choices=AgencyKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    purpose = forms.ChoiceField(label=_("Purpose"), choices=SharingPurpose.choices)
    given_on = forms.DateField(label=_("Given on"), validators=[validate_not_future])
    expires_on = forms.DateField(label=_("Expires on"), required=False)
    legal_authority = forms.ModelChoiceField(
        label=_("Legal authority (when the basis is legal authority)"),
        queryset=LegalAuthority.objects.none(),
        required=False,
    )

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["legal_authority"].queryset = LegalAuthority.objects.filter(case=case)


class EndSharingForm(CrispyForm):
    reason = forms.CharField(
        label=_("Why does the sharing end?"), widget=forms.Textarea(attrs={"rows": 2})
    )


class RemoveTeamMemberForm(CrispyForm):
    reason = forms.CharField(
        label=_("Why does the agency leave the team?"), widget=forms.Textarea(attrs={"rows": 2})
    )


class AllowListForm(CrispyForm):
    user = forms.ModelChoiceField(
        label=_("Add a user"),
        queryset=User.objects.filter(
            is_active=True, role__in=["caseworker", "supervisor", "auditor"]
        )
        .select_related("agency")
        .order_by("agency__name", "first_name"),
    )


class BreakGlassForm(CrispyForm):
    reference = forms.CharField(
        label=_("Case reference"), max_length=20, help_text=_("For example CS-2026-000123.")
    )
    reason = forms.CharField(
        label=_("The emergency: why you need this case now"),
        widget=forms.Textarea(attrs={"rows": 3}),
        # Checked by the service, so an attempt without a reason is recorded like any other.
        required=False,
        help_text=_(
            "Access is read-only, ends by itself after 4 hours, is flagged in the audit trail "
            "and reported to the programme's supervisors."
        ),
    )
