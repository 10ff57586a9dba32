from django import forms
from django.utils.translation import gettext_lazy as _

from casemgmt import access
from casemgmt.forms.base import CrispyForm
from casemgmt.forms.case_scope import CaseScopeFields
from casemgmt.models import (
    Agency,
    CaseStatus,
    ClassificationBand,
    Facility,
    Programme,
    Stage,
    User,
)
from casemgmt.selectors.caseload import SEARCH_KINDS, CaseloadFilters, search_kind
from casemgmt.selectors.caseload_figures import LAST_REVIEW_CHOICES, REFERRAL_AGES

SORT_CHOICES = [
    ("-opened", _("Newest first")),
    ("reference", _("Reference")),
    ("name", _("Name")),
    ("stage", _("Stage")),
    ("due", _("Review due")),
]


# How long an escalation has been open (days): the supervisor's home page counts by these.
ESCALATION_AGES = [
    (2, _("2 days or more")),
    (7, _("a week or more")),
    (30, _("a month or more")),
]
# The dashboard's escalation bands: the oldest open escalation younger than this.
ESCALATION_AGE_LIMITS = [(2, _("2 days")), (7, _("a week"))]
# The dashboard's "no activity" figure (days).
NO_ACTIVITY_DAYS = [(60, _("60 days or more"))]


# Fields shown only when a link set them (the dashboard's scope and figures).
EXTRA_FIELDS = (
    "agency",
    "district",
    "sex",
    "age_group",
    "opened_from",
    "opened_to",
    "pending_move",
    "contact_missed",
    "escalation_age_max",
    "review_action_overdue",
    "no_activity_days",
    "caseworker",
    "released_in",
    "last_review",
    "single_agency_team",
    "referral_waiting_for",
    "referral_age",
    "exact",
)


class CaseloadFilterForm(CaseScopeFields, CrispyForm):
    """The caseload's filters; a field on information the user may not read is not offered
    (the access policy's ``CASELOAD_PARAM_CLASSES``), and the selector drops it again. The
    dashboard's scope fields (``CaseScopeFields``) are those its figures link here with."""

    # The list's own filters first, then the dashboard's scope, then the rest as declared.
    field_order = [
        "q",
        "programme",
        "stage",
        "status",
        "facility",
        "classification",
        "overdue",
        "contact_overdue",
        "contact_due_soon",
        "juvenile",
        "open_escalation",
        "escalation_age",
        "meeting_overdue",
        "team_agency",
        "assigned_to_me",
    ]

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Case or person reference, name, or CNIC."),
    )
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.all(), required=False
    )
    stage = forms.ModelChoiceField(label=_("Stage"), queryset=Stage.objects.all(), required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *CaseStatus.choices], required=False
    )
    facility = forms.ModelChoiceField(
        label=_("Facility"), queryset=Facility.objects.all(), required=False
    )
    classification = forms.ModelChoiceField(
        label=_("Classification"),
        queryset=ClassificationBand.objects.filter(is_active=True).order_by("programme", "rank"),
        required=False,
    )
    overdue = forms.BooleanField(label=_("Review overdue"), required=False)
    contact_overdue = forms.BooleanField(label=_("Check-in overdue"), required=False)
    contact_due_soon = forms.BooleanField(label=_("Check-in due this week"), required=False)
    juvenile = forms.BooleanField(label=_("Juvenile (under 18)"), required=False)
    open_escalation = forms.BooleanField(label=_("Open escalation"), required=False)
    escalation_age = forms.TypedChoiceField(
        label=_("Escalation open for"),
        choices=[("", _("Any time")), *ESCALATION_AGES],
        coerce=int,
        empty_value=None,
        required=False,
    )
    meeting_overdue = forms.BooleanField(label=_("Multi-agency review overdue"), required=False)
    team_agency = forms.ModelChoiceField(
        label=_("Agency on the team"),
        queryset=Agency.objects.order_by("name"),
        required=False,
        empty_label=_("Any agency"),
    )
    assigned_to_me = forms.BooleanField(label=_("Assigned to me"), required=False)
    # Outcome, engagement and facility figures (selectors.caseload_figures).
    released_in = forms.IntegerField(
        label=_("First released in (year)"), min_value=1900, max_value=2199, required=False
    )
    last_review = forms.ChoiceField(
        label=_("Last multi-agency review"),
        choices=[("", _("Any")), *LAST_REVIEW_CHOICES],
        required=False,
    )
    single_agency_team = forms.BooleanField(label=_("Only one agency on the team"), required=False)
    referral_waiting_for = forms.ModelChoiceField(
        label=_("Referral waiting for"),
        queryset=Agency.objects.order_by("name"),
        required=False,
        empty_label=_("Any agency"),
    )
    referral_age = forms.ChoiceField(
        label=_("Referral waiting"),
        choices=[("", _("Any time")), *((key, label) for key, label, _l, _h in REFERRAL_AGES)],
        required=False,
    )
    exact = forms.BooleanField(label=_("Count every case"), required=False)
    # The cases a dashboard figure counted (``CaseloadFilters.counted``): set by its link.
    counted = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    # The supervisor's dashboard figures link here with these (selectors.dashboard).
    pending_move = forms.BooleanField(label=_("Move waiting for approval"), required=False)
    contact_missed = forms.BooleanField(
        label=_("Check-in missed (past the grace period)"), required=False
    )
    escalation_age_max = forms.TypedChoiceField(
        label=_("Oldest open escalation open for less than"),
        choices=[("", _("Any time")), *ESCALATION_AGE_LIMITS],
        coerce=int,
        empty_value=None,
        required=False,
    )
    review_action_overdue = forms.BooleanField(label=_("Review action overdue"), required=False)
    no_activity_days = forms.TypedChoiceField(
        label=_("Nothing recorded for"),
        choices=[("", _("Any")), *NO_ACTIVITY_DAYS],
        coerce=int,
        empty_value=None,
        required=False,
    )
    # Offered only with the caseworker a link chose (see __init__): not a list of all staff.
    caseworker = forms.ModelChoiceField(
        label=_("Assigned caseworker"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Anyone"),
    )
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORT_CHOICES, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["stage"].queryset = Stage.objects.select_related("programme").order_by(
            "programme__name", "order"
        )
        chosen = str(self.data.get("caseworker", "")) if self.is_bound else ""
        if chosen.isascii() and chosen.isdigit() and len(chosen) <= 18:
            self.fields["caseworker"].queryset = access.staff_known_to(user).filter(pk=int(chosen))
        for name in list(self.fields):
            if name not in ("q", "sort") and not access.may_use_caseload_param(user, name):
                del self.fields[name]
        self.fields["sort"].choices = [
            (key, label)
            for key, label in SORT_CHOICES
            if access.may_use_caseload_param(user, "sort", key)
        ]
        if not access.may_use_caseload_param(user, "q", "cnic"):
            self.fields["q"].help_text = _("Case or person reference, or name.")
        if not self.fields["sort"].choices:
            del self.fields["sort"]
        if not any(access.may_use_caseload_param(user, "q", kind) for kind in SEARCH_KINDS):
            del self.fields["q"]

    def active_extra_fields(self) -> list:
        """The dashboard's fields this list was opened with: shown (and kept when another
        filter changes) so the user sees what the list is; hidden when not in use."""
        if not self.is_bound:
            return []
        return [
            self[name]
            for name in EXTRA_FIELDS
            if name in self.fields and self.data.get(name) not in (None, "")
        ]

    def clean_q(self):
        q = self.cleaned_data["q"]
        kind = search_kind(q)
        if q and not access.may_use_caseload_param(self.user, "q", kind):
            if kind == "cnic":
                message = _(
                    "You may not search by CNIC: your agency does not read identity information."
                )
            else:
                message = _("You may not search by this.")
            raise forms.ValidationError(message, code="search_not_allowed")
        return q

    def filters(self) -> CaseloadFilters:
        """The valid filters; a parameter whose value is not valid (e.g. an unknown facility)
        falls back to its default, and the form shows its error."""
        if not self.is_bound:
            return CaseloadFilters()
        self.is_valid()
        data = self.cleaned_data
        return CaseloadFilters(
            q=data.get("q") or "",
            programme=data["programme"].pk if data.get("programme") else None,
            stage=data["stage"].pk if data.get("stage") else None,
            status=data.get("status") or "",
            facility=data["facility"].pk if data.get("facility") else None,
            classification=data["classification"].pk if data.get("classification") else None,
            overdue=bool(data.get("overdue")),
            contact_overdue=bool(data.get("contact_overdue")),
            contact_due_soon=bool(data.get("contact_due_soon")),
            juvenile=bool(data.get("juvenile")),
            open_escalation=bool(data.get("open_escalation")),
            escalation_age=data.get("escalation_age"),
            meeting_overdue=bool(data.get("meeting_overdue")),
            assigned_to_me=bool(data.get("assigned_to_me")),
            team_agency=data["team_agency"].pk if data.get("team_agency") else None,
            **self.scope_values(),
            released_in=data.get("released_in"),
            last_review=data.get("last_review") or "",
            single_agency_team=bool(data.get("single_agency_team")),
            referral_waiting_for=(
                data["referral_waiting_for"].pk if data.get("referral_waiting_for") else None
            ),
            referral_age=data.get("referral_age") or "",
            exact=bool(data.get("exact")),
            counted=data.get("counted"),
            pending_move=bool(data.get("pending_move")),
            contact_missed=bool(data.get("contact_missed")),
            escalation_age_max=data.get("escalation_age_max"),
            review_action_overdue=bool(data.get("review_action_overdue")),
            no_activity_days=data.get("no_activity_days"),
            caseworker=data["caseworker"].pk if data.get("caseworker") else None,
            sort=data.get("sort") or "-opened",
        )
