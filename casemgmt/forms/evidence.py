"""Forms for the evidence records on a case page."""

from crispy_forms.layout import Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from casemgmt.forms.base import CrispyForm, VersionedForm
from casemgmt.models import (
    Agency,
    AssessmentKind,
    ConcernLevel,
    ContactFrequency,
    EligibilityDecision,
    EscalationTrigger,
    LegalAuthorityKind,
    Position,
    RenunciationKind,
    ReviewKind,
    Stage,
    TeamRole,
    UndertakingKind,
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


class ConsentForm(CrispyForm):
    terms_version = forms.CharField(label=_("Participation terms version"), max_length=40)
    privacy_notice_version = forms.CharField(label=_("Privacy notice version"), max_length=40)
    signed_on = forms.DateField(label=_("Signed on"), validators=[validate_not_future])
    witness_name = forms.CharField(label=_("Witness"), max_length=200)
    guardian_name = forms.CharField(
        label=_("Guardian"),
        max_length=200,
        required=False,
        help_text=_("Required for a person under 18."),
    )


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


class AssessmentForm(CrispyForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=AssessmentKind.choices)
    assessed_on = forms.DateField(label=_("Assessed on"), validators=[validate_not_future])
    overall_concern = forms.ChoiceField(label=_("Overall judgement"), choices=ConcernLevel.choices)
    rationale = _text(_("Rationale"))


class MonitoringPlanForm(CrispyForm):
    responsible_agency = forms.ModelChoiceField(
        label=_("Responsible agency"), queryset=Agency.objects.filter(is_active=True)
    )
    contact_frequency = forms.ChoiceField(
        label=_("Contact frequency"), choices=ContactFrequency.choices
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


class ReviewForm(CrispyForm):
    """A multi-agency review: one position field per agency (left empty when absent)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=ReviewKind.choices)
    held_on = forms.DateField(label=_("Held on"), validators=[validate_not_future])
    recommended_stage = forms.ModelChoiceField(
        label=_("Recommended stage"), queryset=Stage.objects.none(), required=False
    )
    decision = _text(_("Decision"))
    minutes = _text(_("Minutes"), required=False)

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        # Positions are laid out as a table by the template, not by crispy.
        self.helper.layout = Layout("kind", "held_on", "recommended_stage", "decision", "minutes")
        self.fields["recommended_stage"].queryset = Stage.objects.filter(
            programme_id=case.programme_id
        )
        team_ids = list(case.team.filter(left_on__isnull=True).values_list("agency_id", flat=True))
        agencies = sorted(
            Agency.objects.filter(is_active=True), key=lambda a: (a.pk not in team_ids, a.name)
        )
        self.agencies = agencies
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

    def position_rows(self):
        """(agency, position field, dissent field) for the template's table."""
        return [(a, self[f"position_{a.pk}"], self[f"dissent_{a.pk}"]) for a in self.agencies]

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
            positions.append((agency, position, dissent))
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
