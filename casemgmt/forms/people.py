from django import forms
from django.utils.translation import gettext_lazy as _

from casemgmt.errors import PossibleDuplicate
from casemgmt.forms.base import CrispyForm
from casemgmt.models import Agency, Facility, GroupCategory, Person, Programme, Sex
from casemgmt.models.people import cnic_validator, normalise_cnic, validate_not_future
from casemgmt.selectors.people import DuplicateMatch
from casemgmt.services.people import PERSON_FIELDS


class OpenCaseForm(CrispyForm):
    """Open a case for an already registered person (and the case part of registration)."""

    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.filter(is_active=True)
    )
    lead_agency = forms.ModelChoiceField(
        label=_("Lead agency"), queryset=Agency.objects.filter(is_active=True)
    )
    facility = forms.ModelChoiceField(
        label=_("Facility"),
        queryset=Facility.objects.filter(is_active=True),
        required=False,
        help_text=_("Only for a person in custody."),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and user.agency_id:
            self.fields["lead_agency"].initial = user.agency_id
        # One query whatever the number of programmes: preselect the only one.
        programmes = list(self.fields["programme"].queryset.values_list("pk", flat=True)[:2])
        if len(programmes) == 1:
            self.fields["programme"].initial = programmes[0]

    def case_details(self) -> dict:
        """The case part, as ``people.person_open_case`` takes it."""
        return {name: self.cleaned_data[name] for name in ("programme", "lead_agency", "facility")}


class PersonRegisterForm(OpenCaseForm):
    """Register a person and open their first case in one step."""

    full_name = forms.CharField(label=_("Full name"), max_length=200)
    aliases = forms.CharField(
        label=_("Other names and spellings"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line."),
    )
    date_of_birth = forms.DateField(label=_("Date of birth"), validators=[validate_not_future])
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.MALE)
    cnic = forms.CharField(
        label=_("CNIC"),
        required=False,
        max_length=20,
        help_text=_("13 digits, e.g. 12345-1234567-1. Leave empty if not known."),
    )
    district = forms.CharField(label=_("District of origin"), max_length=100, required=False)
    province = forms.CharField(label=_("Province"), max_length=100, required=False)
    languages = forms.CharField(label=_("Languages"), max_length=200, required=False)
    group_category = forms.ModelChoiceField(
        label=_("Group category"),
        queryset=GroupCategory.objects.filter(is_active=True),
        required=False,
    )
    group_context = forms.CharField(
        label=_("Context of the group involvement"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("How the person came to the group and what they did there, in neutral words."),
    )
    family_contacts = forms.CharField(
        label=_("Family contacts"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    confirm_not_duplicate = forms.BooleanField(
        label=_("I have checked the possible matches: this is a different person."),
        required=False,
    )

    # Filled when registration stops at possible duplicates: the page lists them.
    matches: list[DuplicateMatch] = []

    def person_details(self) -> dict:
        """The person part, as ``people.person_register`` takes it."""
        return {name: self.cleaned_data[name] for name in PERSON_FIELDS}

    def add_service_errors(self, error) -> None:
        if isinstance(error, PossibleDuplicate):
            self.matches = error.matches
            self.add_error(
                "confirm_not_duplicate",
                _("This person may already be registered. Check the matches below."),
            )
        else:
            super().add_service_errors(error)

    def clean_cnic(self):
        value = normalise_cnic(self.cleaned_data.get("cnic", ""))
        if value:
            cnic_validator(value)
        return value


class MergeForm(CrispyForm):
    duplicate = forms.CharField(
        label=_("Reference of the duplicate record"),
        max_length=20,
        help_text=_("Its cases move to this record; the merge can be reversed."),
    )
    reason = forms.CharField(
        label=_("Why are these the same person?"), widget=forms.Textarea(attrs={"rows": 2})
    )


class UnmergeForm(CrispyForm):
    reason = forms.CharField(
        label=_("Why reverse the merge?"), widget=forms.Textarea(attrs={"rows": 2})
    )


class VerifyIdentityForm(CrispyForm):
    document_reference = forms.CharField(
        label=_("Document checked"),
        max_length=120,
        help_text=_("For example: CNIC original seen, NADRA verification number."),
    )


class HeldRegistrationReviewForm(CrispyForm):
    """A supervisor's decision on a held registration: it is one of the matched people,
    or it is rejected; on a held correction: it is made (the matched people are someone
    else), or it is rejected."""

    LINK, APPLY, REJECT = "link", "apply", "reject"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (LINK, _("Same person: link the registration to this record")),
            (REJECT, _("Reject the registration")),
        ],
        widget=forms.RadioSelect,
    )
    person = forms.ModelChoiceField(
        label=_("Registered person"), queryset=Person.objects.none(), required=False
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed to reject. The person who registered is not shown it."),
    )

    def __init__(self, *args, matches=(), correction=False, **kwargs):
        super().__init__(*args, **kwargs)
        if correction:
            del self.fields["person"]
            self.fields["decision"].choices = [
                (self.APPLY, _("A different person: make the correction")),
                (self.REJECT, _("Reject the correction")),
            ]
            return
        self.fields["person"].queryset = Person.objects.filter(pk__in=[p.pk for p in matches])
        if len(matches) == 1:
            self.fields["person"].initial = matches[0].pk

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.LINK and not data.get("person"):
            self.add_error("person", _("Choose the registered person."))
        if data.get("decision") == self.REJECT and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why the registration is rejected."))
        return data
