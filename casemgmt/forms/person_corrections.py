import copy

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casemgmt.errors import PossibleDuplicate
from casemgmt.forms.base import CrispyForm
from casemgmt.forms.people import PersonRegisterForm
from casemgmt.models import GroupCategory
from casemgmt.selectors.people import DuplicateMatch


class PersonCorrectForm(CrispyForm):
    """Correct a person's details: only the fields the user may read, prefilled with what
    is recorded, and a reason. Fields of other classes are not on the form at all, so a
    value posted for one by hand is ignored."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    reason = forms.CharField(
        label=_("Why are the details corrected?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: the date of birth on the CNIC seen on 3 May differs."),
    )
    confirm_not_duplicate = forms.BooleanField(
        label=_("I have checked the possible matches: this is a different person."),
        required=False,
    )

    # Filled when the correction stops at possible duplicates: the page lists them.
    matches: list[DuplicateMatch] = []

    def __init__(self, *args, person, fields: list[str], **kwargs):
        initial = {name: getattr(person, name) for name in fields if name != "group_category"}
        if "group_category" in fields:
            initial["group_category"] = person.group_category_id
        initial["version"] = person.version
        super().__init__(*args, initial=initial, **kwargs)
        self.person_fields = fields
        details = {n: copy.deepcopy(PersonRegisterForm.base_fields[n]) for n in fields}
        self.fields = {**details, **self.fields}
        self.lay_out()
        if "group_category" in fields:
            # A category retired since registration is still the recorded one.
            self.fields["group_category"].queryset = GroupCategory.objects.filter(
                Q(is_active=True) | Q(pk=person.group_category_id)
            )

    clean_cnic = PersonRegisterForm.clean_cnic

    def changes(self) -> dict:
        """The details as submitted, as ``person_corrections.person_correct`` takes them."""
        return {name: self.cleaned_data[name] for name in self.person_fields}

    def add_service_errors(self, error) -> None:
        if isinstance(error, PossibleDuplicate):
            self.matches = error.matches
            self.add_error(
                "confirm_not_duplicate",
                _("The corrected details match other people. Check the matches below."),
            )
        else:
            super().add_service_errors(error)
