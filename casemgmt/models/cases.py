import datetime

from django.db import models
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casemgmt.models.retention import AgeGroup
from casemgmt.models.translated import TranslatedCharField, TranslatedModel, urdu_field


class Facility(TranslatedModel):
    """A prison or rehabilitation centre (P10)."""

    name = TranslatedCharField(_("name"), max_length=200, unique=True)
    name_ur = urdu_field(_("name in Urdu"), max_length=200)
    agency = models.ForeignKey(
        "casemgmt.Agency",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        related_name="facilities",
    )
    district = models.CharField(_("district"), max_length=100, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")

    def __str__(self) -> str:
        return self.name


class CaseStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Closed")


class ConcernLevel(models.TextChoices):
    LOW = "low", _("Low concern")
    MODERATE = "moderate", _("Moderate concern")
    HIGH = "high", _("High concern")


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user, *, person_joined: bool = False):
        """Only the cases ``user`` may see (see ``casemgmt.access``); ``person_joined``
        when the query joins each case's person anyway (sorted or searched by name)."""
        from casemgmt.access import visible_cases_filter

        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(visible_cases_filter(user, person_joined=person_joined))


class Case(models.Model):
    """One person in one programme; moves through the programme's stages."""

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    person = models.ForeignKey(
        "casemgmt.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="cases"
    )
    programme = models.ForeignKey(
        "casemgmt.Programme",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    current_stage = models.ForeignKey(
        "casemgmt.Stage", verbose_name=_("stage"), on_delete=models.PROTECT, related_name="cases"
    )
    stage_entered_at = models.DateTimeField(_("in this stage since"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.ACTIVE
    )
    # Set at the case conference and changed with a reason (services.classification).
    classification = models.ForeignKey(
        "casemgmt.ClassificationBand",
        verbose_name=_("classification"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        db_index=False,  # case_class_status_idx leads with it
    )
    lead_agency = models.ForeignKey(
        "casemgmt.Agency",
        verbose_name=_("lead agency"),
        on_delete=models.PROTECT,
        related_name="led_cases",
    )
    assigned_caseworker = models.ForeignKey(
        "casemgmt.User",
        verbose_name=_("assigned caseworker"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )
    facility = models.ForeignKey(
        Facility,
        verbose_name=_("facility"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    next_review_due = models.DateField(_("next review due"), null=True, blank=True)
    # The next check-in after release (None outside a community stage): stored so the
    # inbox and the daily check select overdue contacts in SQL.
    next_contact_due = models.DateField(_("next contact due"), null=True, blank=True)
    # The next multi-agency review after release, from the plan's review frequency.
    next_meeting_due = models.DateField(_("next multi-agency review due"), null=True, blank=True)
    # The latest multi-agency review (by date, then id), written with each review
    # (services.reviews): the dashboard's "last review" figures join it, not a search.
    last_review = models.ForeignKey(
        "casemgmt.MultiAgencyReview",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    opened_on = models.DateField(_("opened on"), default=timezone.localdate)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    is_restricted = models.BooleanField(
        _("restricted"),
        default=False,
        help_text=_("Only the users on the case's allow-list may open it."),
    )
    # A supervisor of the programme holds the case (services.legal_hold; history in
    # LegalHold): retention erases nothing of its person meanwhile.
    on_legal_hold = models.BooleanField(
        _("on legal hold"),
        default=False,
        help_text=_("Retention erases nothing of the person while any of their cases is held."),
    )
    # De-identified attributes of the case itself, kept when the person's identity is
    # erased so figures by district and age group stay the same
    # (services.demographics.cases_record_demographics).
    district = models.CharField(_("district at registration"), max_length=100, blank=True)
    age_group_at_opening = models.CharField(
        _("age group when the case opened"), max_length=8, choices=AgeGroup.choices, blank=True
    )
    age_group_at_release = models.CharField(
        _("age group at release"), max_length=8, choices=AgeGroup.choices, blank=True
    )
    # Optimistic lock: every change to the case bumps it (compare-and-swap through
    # services.cases.save_case_fields), except the fields in UNVERSIONED_FIELDS.
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(default=timezone.now)

    objects = CaseQuerySet.as_manager()

    # Derived values recomputed whenever their inputs change (services.cases.
    # case_refresh_review_due, cases_write_demographics): no form edits them, so a change
    # must not make another user's open form stale.
    DERIVED_DATES = frozenset({"next_review_due", "next_contact_due", "next_meeting_due"})
    DEMOGRAPHICS = frozenset({"district", "age_group_at_opening", "age_group_at_release"})
    # Read by the dashboard instead of a search (services.stored_figures).
    STORED_FIGURES = frozenset({"last_review"})
    UNVERSIONED_FIELDS = DERIVED_DATES | DEMOGRAPHICS | STORED_FIGURES

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        # Identified exports (names, CNICs, free text): casemgmt/exports/, after step-up.
        permissions = [("export_identified", "Can export identified data")]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "programme"],
                condition=~models.Q(status="closed"),
                name="case_one_open_per_person_programme",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "current_stage"], name="case_status_stage_idx"),
            models.Index(fields=["programme", "current_stage"], name="case_prog_stage_idx"),
            models.Index(fields=["lead_agency", "status"], name="case_lead_status_idx"),
            models.Index(fields=["assigned_caseworker", "status"], name="case_worker_status_idx"),
            models.Index(fields=["facility", "status"], name="case_facility_status_idx"),
            models.Index(fields=["classification", "status"], name="case_class_status_idx"),
            models.Index(fields=["status", "next_review_due"], name="case_status_due_idx"),
            models.Index(fields=["status", "next_contact_due"], name="case_status_contact_idx"),
            models.Index(fields=["status", "next_meeting_due"], name="case_status_meeting_idx"),
            # Retention looks for closed cases by closing date (services.retention).
            models.Index(fields=["status", "closed_on"], name="case_status_closed_idx"),
            # The caseload's default order (newest first) walks this index.
            models.Index(fields=["-opened_on", "-id"], name="case_opened_idx"),
            # The caseload's "review due" order (no date last): see selectors.caseload.
            models.Index(
                Coalesce(
                    "next_review_due",
                    models.Value(datetime.date(9999, 12, 31)),
                    output_field=models.DateField(),
                ),
                models.F("id"),
                name="case_due_sort_idx",
            ),
            # The audit trail names a person by their key as text (target_id): an
            # auditor's filter finds the person's cases by it (access.trail_events_filter).
            models.Index(Cast("person_id", models.CharField()), name="case_person_key_idx"),
            # The dashboard's district filter (every figure): a district is a few per cent
            # of a programme's cases (23 -> 8 ms for cases by stage at 100,000).
            models.Index(fields=["district"], name="case_district_idx"),
        ]

    def __str__(self) -> str:
        return self.reference


class TeamRole(models.TextChoices):
    LEAD = "lead", _("Lead")
    CUSTODY = "custody", _("Custody")
    COUNSELLING = "counselling", _("Counselling")
    MONITORING = "monitoring", _("Monitoring")
    SUPPORT = "support", _("Support")


class CaseTeamMember(models.Model):
    """An agency on a case's team (P3), with its role and dates."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="team")
    agency = models.ForeignKey(
        "casemgmt.Agency",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        related_name="case_memberships",
    )
    role = models.CharField(_("role on the case"), max_length=12, choices=TeamRole.choices)
    joined_on = models.DateField(_("joined on"), default=timezone.localdate)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    # For the receiving (monitoring) agency: when it accepted the case before release.
    accepted_at = models.DateTimeField(_("accepted the case at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        "casemgmt.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["case", "joined_on", "id"]
        verbose_name = _("case team member")
        verbose_name_plural = _("case team members")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "agency"],
                condition=models.Q(left_on__isnull=True),
                name="team_one_active_membership",
            ),
        ]
        indexes = [models.Index(fields=["agency", "left_on"], name="team_agency_active_idx")]

    def __str__(self) -> str:
        return f"{self.agency} ({self.get_role_display()})"
