"""The multi-agency review form: positions per team agency, attendees, actions and, for
staff who read risk information, the classification the review decides."""

from crispy_forms.layout import Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from casemgmt import access
from casemgmt.forms.base import CrispyForm, DateInput
from casemgmt.info_classes import InfoClass
from casemgmt.models import Agency, ClassificationBand, Position, ReviewKind, Stage
from casemgmt.models.people import validate_not_future

NOT_PRESENT = ""


def _text(label, **kwargs):
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": 3}), **kwargs)


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

    def __init__(self, *args, case=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        # Positions, attendees and actions are laid out as tables by the template.
        self.helper.layout = Layout(
            "kind", "held_on", "recommended_stage", "agenda", "decision", "minutes"
        )
        if access.can_read(user, InfoClass.RISK):
            self._add_classification(case)
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

    def _add_classification(self, case) -> None:
        """The review may set or change the classification (a case conference sets the
        first); only for staff who may read risk information."""
        self.fields["classification"] = forms.ModelChoiceField(
            label=_("Classification decided"),
            queryset=ClassificationBand.objects.filter(
                programme_id=case.programme_id, is_active=True
            ),
            required=False,
            empty_label=_("No change"),
            help_text=(
                _("Currently: %s.") % case.classification.name
                if case.classification
                else _("Not classified yet: a case conference sets it.")
            ),
        )
        self.fields["classification_reason"] = _text(_("Why this classification"), required=False)
        self.helper.layout.extend(["classification", "classification_reason"])

    def _clean_classification(self, data) -> None:
        if "classification" not in self.fields:
            return
        band = data.get("classification")
        first = self.case.classification_id is None
        offered = self.fields["classification"].queryset.exists()
        if band is None and first and offered and data.get("kind") == ReviewKind.CASE_CONFERENCE:
            self.add_error(
                "classification", _("A case conference sets the classification: choose a band.")
            )
        if band is not None and not (data.get("classification_reason") or "").strip():
            self.add_error("classification_reason", _("Say why the case is classified so."))

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
        self._clean_classification(data)
        data["attendees"] = attendees
        data["actions"] = actions
        if not positions:
            raise forms.ValidationError(_("Record at least one agency present and its position."))
        data["positions"] = positions
        return data
