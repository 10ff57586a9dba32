"""Forms for the evidence records on a case page."""

from crispy_forms.layout import Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from casemgmt.forms.base import CrispyForm, DateInput, VersionedForm
from casemgmt.forms.guardians import GuardianConsentForm
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
    Position,
    ReengagementKind,
    RenunciationKind,
    ReviewFrequency,
    ReviewKind,
    Stage,
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
        choices=[("", _("By concern tier (default)")), *ContactFrequency.choices],
        required=False,
        help_text=_("High concern: weekly; moderate: fortnightly; low: monthly."),
    )
    review_frequency = forms.ChoiceField(
        label=_("Multi-agency review frequency"),
        choices=[("", _("By concern tier (default)")), *ReviewFrequency.choices],
        required=False,
        help_text=_("High concern: monthly; moderate: quarterly; low: six-monthly."),
    )
    residence = _text(_("Residence"))
    family_arrangements = _text(_("Family"), required=False)
    work_arrangements = _text(_("Work or education"), required=False)
    conditions = _text(_("Conditions"), required=False)
    starts_on = forms.DateField(label=_("Starts on"))


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


def _share_choices(fields: list) -> None:
    """Rows of selects over one queryset: fetch the choices once for all of them (each
    select would otherwise run its own query, twice); validation still uses the queryset."""
    choices = list(fields[0].choices)
    for field in fields:
        field.choices = choices


class ReviewForm(CrispyForm):
    """A multi-agency review: one position field per agency (left empty when absent)."""

    # The positions, attendees and actions tables, shown after the crispy fields.
    extra_template = "casemgmt/includes/review_form_rows.html"

    kind = forms.ChoiceField(label=_("Kind"), choices=ReviewKind.choices)
    held_on = forms.DateField(label=_("Held on"), validators=[validate_not_future])
    recommended_stage = forms.ModelChoiceField(
        label=_("Recommended stage"), queryset=Stage.objects.none(), required=False
    )
    agenda = _text(_("Agenda"), required=False)
    decision = _text(_("Decision"))
    minutes = _text(_("Minutes"), required=False)

    ATTENDEE_ROWS = 6
    ACTION_ROWS = 3

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        # Positions, attendees and actions are laid out as tables by the template.
        self.helper.layout = Layout(
            "kind", "held_on", "recommended_stage", "agenda", "decision", "minutes"
        )
        from casemgmt.models import User

        agencies_qs = Agency.objects.filter(is_active=True)
        for i in range(self.ATTENDEE_ROWS):
            self.fields[f"attendee_name_{i}"] = forms.CharField(
                label=_("Attendee %d: name") % (i + 1), required=False, max_length=200
            )
            self.fields[f"attendee_agency_{i}"] = forms.ModelChoiceField(
                label=_("Attendee %d: agency") % (i + 1), queryset=agencies_qs, required=False
            )
        team_ids = case.team.filter(left_on__isnull=True).values_list("agency_id", flat=True)
        owners = User.objects.filter(
            agency_id__in=team_ids, is_active=True, role__in=["caseworker", "supervisor"]
        ).order_by("first_name")
        for i in range(self.ACTION_ROWS):
            self.fields[f"action_text_{i}"] = forms.CharField(
                label=_("Action %d") % (i + 1), required=False, max_length=1000
            )
            self.fields[f"action_owner_{i}"] = forms.ModelChoiceField(
                label=_("Action %d: owner") % (i + 1), queryset=owners, required=False
            )
            self.fields[f"action_due_{i}"] = forms.DateField(
                label=_("Action %d: due on") % (i + 1),
                required=False,
                widget=DateInput(),
                input_formats=["%Y-%m-%d", "%d/%m/%Y"],
            )
        _share_choices([self.fields[f"attendee_agency_{i}"] for i in range(self.ATTENDEE_ROWS)])
        _share_choices([self.fields[f"action_owner_{i}"] for i in range(self.ACTION_ROWS)])
        self.fields["recommended_stage"].queryset = Stage.objects.filter(
            programme_id=case.programme_id
        )
        # Only agencies on the team take positions (P3); others may be listed as attendees.
        self.agencies = agencies = list(
            Agency.objects.filter(pk__in=list(team_ids), is_active=True).order_by("name")
        )
        choices = [(NOT_PRESENT, _("Not present")), *Position.choices]
        for agency in agencies:
            self.fields[f"position_{agency.pk}"] = forms.ChoiceField(
                label=agency.name, choices=choices, required=False
            )
            self.fields[f"dissent_{agency.pk}"] = forms.CharField(
                label=_("Reason for dissent (%s)") % (agency.short_name or agency.name),
                required=False,
                max_length=1000,
            )
            self.fields[f"attended_by_{agency.pk}"] = forms.CharField(
                label=_("Attended for %s") % (agency.short_name or agency.name),
                required=False,
                max_length=200,
            )

    def position_rows(self):
        """(agency, position, dissent, attended by) fields for the template's table."""
        return [
            (a, self[f"position_{a.pk}"], self[f"dissent_{a.pk}"], self[f"attended_by_{a.pk}"])
            for a in self.agencies
        ]

    def attendee_rows(self):
        return [
            (self[f"attendee_name_{i}"], self[f"attendee_agency_{i}"])
            for i in range(self.ATTENDEE_ROWS)
        ]

    def action_rows(self):
        return [
            (self[f"action_text_{i}"], self[f"action_owner_{i}"], self[f"action_due_{i}"])
            for i in range(self.ACTION_ROWS)
        ]

    def clean(self):
        data = super().clean()
        positions = []
        for agency in self.agencies:
            position = data.get(f"position_{agency.pk}") or NOT_PRESENT
            dissent = data.get(f"dissent_{agency.pk}", "")
            if position == NOT_PRESENT:
                continue
            if position == Position.DISAGREE and not dissent.strip():
                self.add_error(
                    f"dissent_{agency.pk}",
                    _("%s disagrees: record the reason for its dissent.") % agency.name,
                )
            positions.append((agency, position, dissent, data.get(f"attended_by_{agency.pk}", "")))
        attendees = []
        for i in range(self.ATTENDEE_ROWS):
            name = (data.get(f"attendee_name_{i}") or "").strip()
            agency = data.get(f"attendee_agency_{i}")
            if name and not agency:
                self.add_error(f"attendee_agency_{i}", _("Choose the attendee's agency."))
            elif agency and not name:
                self.add_error(f"attendee_name_{i}", _("Give the attendee's name."))
            elif name:
                attendees.append((name, agency))
        actions = []
        for i in range(self.ACTION_ROWS):
            text = (data.get(f"action_text_{i}") or "").strip()
            owner, due = data.get(f"action_owner_{i}"), data.get(f"action_due_{i}")
            if text or owner or due:
                if not text:
                    self.add_error(f"action_text_{i}", _("Describe the action."))
                if not owner:
                    self.add_error(f"action_owner_{i}", _("Choose who owns the action."))
                if not due:
                    self.add_error(f"action_due_{i}", _("Give a due date."))
                if text and owner and due:
                    actions.append((text, owner, due))
        data["attendees"] = attendees
        data["actions"] = actions
        if not positions:
            raise forms.ValidationError(_("Record at least one agency present and its position."))
        data["positions"] = positions
        return data


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
            # Only dialogue sessions have a topic.
            del self.fields["topic"]
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
