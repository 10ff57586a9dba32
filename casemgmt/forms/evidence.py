"""Forms for the evidence records on a case page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from casemgmt import access
from casemgmt.forms.base import CrispyForm, VersionedForm
from casemgmt.forms.guardians import GuardianConsentForm
from casemgmt.info_classes import InfoClass
from casemgmt.models import (
    Agency,
    Attendance,
    CheckInKind,
    CheckInOutcome,
    ContactFrequency,
    EligibilityDecision,
    EscalationTrigger,
    InterventionKind,
    InterventionOutcome,
    LegalAuthorityKind,
    ReengagementKind,
    RenunciationKind,
    ReviewFrequency,
    TeamRole,
    UndertakingKind,
    WithdrawalMethod,
)
from casemgmt.models.people import validate_not_future

NOT_PRESENT = ""


def _text(label, **kwargs):
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": 3}), **kwargs)


class LegalAuthorityForm(CrispyForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=LegalAuthorityKind.choices)
    reference = forms.CharField(label=_("Order or statute reference"), max_length=120)
    issued_on = forms.DateField(label=_("Issued on"), validators=[validate_not_future])
    issuing_body = forms.CharField(label=_("Issuing body"), max_length=200)
    document_reference = forms.CharField(
        label=_("Document reference"), max_length=120, required=False
    )


class EligibilityForm(CrispyForm):
    decision = forms.ChoiceField(label=_("Decision"), choices=EligibilityDecision.choices)
    rationale = _text(_("Rationale"))
    decided_on = forms.DateField(label=_("Decided on"), validators=[validate_not_future])


class RevokeEligibilityForm(CrispyForm):
    reason = _text(_("Why is eligibility revoked?"))


class ConsentForm(GuardianConsentForm):
    field_order = ["terms_version", "privacy_notice_version", "signed_on", "witness_name"]

    terms_version = forms.CharField(label=_("Participation terms version"), max_length=40)
    privacy_notice_version = forms.CharField(label=_("Privacy notice version"), max_length=40)
    signed_on = forms.DateField(label=_("Signed on"), validators=[validate_not_future])
    witness_name = forms.CharField(label=_("Witness"), max_length=200)


class WithdrawConsentForm(CrispyForm):
    withdrawn_on = forms.DateField(label=_("Withdrawn on"), validators=[validate_not_future])
    withdrawal_method = forms.ChoiceField(
        label=_("How the withdrawal was given"), choices=WithdrawalMethod.choices
    )
    withdrawal_note = _text(_("Note (what the person said, who received it)"), required=False)


class RenunciationForm(CrispyForm):
    kind = forms.ChoiceField(label=_("What is renounced"), choices=RenunciationKind.choices)
    declared_on = forms.DateField(label=_("Declared on"), validators=[validate_not_future])
    witness_name = forms.CharField(label=_("Witness"), max_length=200)
    document_reference = forms.CharField(
        label=_("Document reference"), max_length=120, required=False
    )


class UndertakingForm(CrispyForm):
    kind = forms.ChoiceField(label=_("Given by"), choices=UndertakingKind.choices)
    guarantor_name = forms.CharField(label=_("Name(s)"), max_length=300)
    terms = _text(_("Terms"))
    signed_on = forms.DateField(label=_("Signed on"), validators=[validate_not_future])
    document_reference = forms.CharField(
        label=_("Document reference"), max_length=120, required=False
    )


class MonitoringPlanForm(CrispyForm):
    responsible_agency = forms.ModelChoiceField(
        label=_("Responsible agency"), queryset=Agency.objects.filter(is_active=True)
    )
    contact_frequency = forms.ChoiceField(
        label=_("Contact frequency"),
        choices=[("", _("As the classification sets (default)")), *ContactFrequency.choices],
        required=False,
        help_text=_("Left as default: the frequency of the case's classification band."),
    )
    review_frequency = forms.ChoiceField(
        label=_("Multi-agency review frequency"),
        choices=[("", _("As the classification sets (default)")), *ReviewFrequency.choices],
        required=False,
        help_text=_("Left as default: the frequency of the case's classification band."),
    )
    residence = _text(_("Residence"))
    family_arrangements = _text(_("Family"), required=False)
    work_arrangements = _text(_("Work or education"), required=False)
    conditions = _text(_("Conditions"), required=False)
    starts_on = forms.DateField(label=_("Starts on"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if not access.can_read(user, InfoClass.RISK):
            # The default is the classification's, which this user may not read.
            for name in ("contact_frequency", "review_frequency"):
                field = self.fields[name]
                field.required, field.help_text = True, ""
                field.choices = [c for c in field.choices if c[0]]


class EscalationForm(CrispyForm):
    trigger = forms.ChoiceField(label=_("Trigger"), choices=EscalationTrigger.choices)
    description = _text(_("What happened"))


class ResolveEscalationForm(CrispyForm):
    resolution = _text(_("How was it resolved?"))


class TeamMemberForm(CrispyForm):
    agency = forms.ModelChoiceField(
        label=_("Agency"), queryset=Agency.objects.filter(is_active=True)
    )
    role = forms.ChoiceField(
        label=_("Role on the case"), choices=[c for c in TeamRole.choices if c[0] != TeamRole.LEAD]
    )


class AssignCaseworkerForm(VersionedForm):
    caseworker = forms.ModelChoiceField(label=_("Caseworker"), queryset=None, required=False)

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        from casemgmt.models import User

        team = case.team.filter(left_on__isnull=True).values_list("agency_id", flat=True)
        self.fields["caseworker"].queryset = User.objects.filter(
            agency_id__in=team, is_active=True, role__in=["caseworker", "supervisor"]
        ).order_by("first_name", "last_name")


class InterventionForm(CrispyForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=InterventionKind.choices)
    provider = forms.ModelChoiceField(label=_("Provider"), queryset=Agency.objects.none())
    goals = _text(_("Goals"))
    starts_on = forms.DateField(label=_("Starts on"))
    ends_on = forms.DateField(label=_("Ends on"), required=False)

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        team = case.team.filter(left_on__isnull=True).values_list("agency_id", flat=True)
        self.fields["provider"].queryset = Agency.objects.filter(pk__in=team)


class SessionForm(CrispyForm):
    held_on = forms.DateField(label=_("Date"), validators=[validate_not_future])
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=1, max_value=600)
    attendance = forms.ChoiceField(label=_("Attendance"), choices=Attendance.choices)
    facilitator = forms.CharField(label=_("Facilitator"), max_length=200)
    progress_note = _text(_("Progress note"), required=False)
    topic = forms.CharField(
        label=_("Topic of the dialogue"),
        max_length=200,
        required=False,
        help_text=_("For alternative-narrative dialogue: what the session discussed."),
    )

    def __init__(self, *args, intervention=None, **kwargs):
        super().__init__(*args, **kwargs)
        if intervention is None or intervention.kind != InterventionKind.NARRATIVE:
            # Only dialogue sessions have a topic (the layout is made again without it).
            del self.fields["topic"]
            self.lay_out()
        else:
            self.fields["progress_note"].label = _("Facilitator's progress note")


class StopInterventionForm(CrispyForm):
    reason = forms.CharField(
        label=_("Why is the intervention stopped?"), widget=forms.Textarea(attrs={"rows": 2})
    )
    outcome = forms.ChoiceField(
        label=_("Outcome so far"),
        choices=[("", "—"), *InterventionOutcome.choices],
        required=False,
    )
    outcome_note = _text(_("Outcome note"), required=False)


class PauseInterventionForm(CrispyForm):
    reason = forms.CharField(
        label=_("Why is the intervention paused?"), widget=forms.Textarea(attrs={"rows": 2})
    )


class CompleteInterventionForm(CrispyForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=InterventionOutcome.choices)
    outcome_note = _text(_("Outcome note"), required=False)


class CheckInForm(CrispyForm):
    held_on = forms.DateField(label=_("Date"), validators=[validate_not_future])
    kind = forms.ChoiceField(label=_("Kind of contact"), choices=CheckInKind.choices)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=CheckInOutcome.choices)
    concerns = _text(_("Concerns"), required=False)


class ReengagementForm(CrispyForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=ReengagementKind.choices)
    occurred_on = forms.DateField(label=_("Occurred on"), validators=[validate_not_future])
    description = _text(_("Description"), required=False)
