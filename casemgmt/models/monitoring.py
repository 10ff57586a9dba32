"""Monitoring after release: the plan and escalations that the release and
completion gates read."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ContactFrequency(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    FORTNIGHTLY = "fortnightly", _("Fortnightly")
    MONTHLY = "monthly", _("Monthly")


class ReviewFrequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    SIX_MONTHLY = "six_monthly", _("Six-monthly")


CONTACT_DAYS = {"weekly": 7, "fortnightly": 14, "monthly": 30}
# Days from the latest multi-agency review (or the plan's start) to the next one.
REVIEW_DAYS = {"monthly": 30, "quarterly": 90, "six_monthly": 180}


class MonitoringPlan(models.Model):
    """The plan for life after release (P11): residence, family, work, contacts."""

    case = models.ForeignKey(
        "casemgmt.Case", on_delete=models.CASCADE, related_name="monitoring_plans"
    )
    responsible_agency = models.ForeignKey(
        "casemgmt.Agency",
        verbose_name=_("responsible agency"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    contact_frequency = models.CharField(
        _("contact frequency"), max_length=12, choices=ContactFrequency.choices
    )
    review_frequency = models.CharField(
        _("multi-agency review frequency"),
        max_length=12,
        choices=ReviewFrequency.choices,
        default=ReviewFrequency.QUARTERLY,
    )
    residence = models.TextField(_("residence"))
    family_arrangements = models.TextField(_("family"), blank=True)
    work_arrangements = models.TextField(_("work or education"), blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    starts_on = models.DateField(_("starts on"))
    recorded_by = models.ForeignKey("casemgmt.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("monitoring plan")
        verbose_name_plural = _("monitoring plans")

    def __str__(self) -> str:
        return f"{self.case} {self.get_contact_frequency_display()}"


class EscalationTrigger(models.TextChoices):
    MISSED_CONTACT = "missed_contact", _("Missed contact")
    BREACH = "breach", _("Breach of conditions or bond")
    UNAUTHORISED_TRAVEL = "unauthorised_travel", _("Unauthorised travel or move")
    LISTED_CONTACT = "listed_contact", _("Contact with listed people or groups")
    THREAT = "threat", _("Threats or leakage")
    LOSS_OF_SUPPORT = "loss_of_support", _("Loss of work or family support")
    MENTAL_HEALTH = "mental_health", _("Mental-health crisis")
    SECURITY_INFORMATION = "security_information", _("New information from a security agency")
    ARREST = "arrest", _("Arrest")


class EscalationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")


# An escalation is open until it is resolved (acknowledging it does not close it).
OPEN_ESCALATION_STATUSES = frozenset({EscalationStatus.OPEN, EscalationStatus.ACKNOWLEDGED})


class Escalation(models.Model):
    case = models.ForeignKey("casemgmt.Case", on_delete=models.CASCADE, related_name="escalations")
    trigger = models.CharField(_("trigger"), max_length=24, choices=EscalationTrigger.choices)
    description = models.TextField(_("what happened"))
    status = models.CharField(
        _("status"), max_length=14, choices=EscalationStatus.choices, default=EscalationStatus.OPEN
    )
    raised_by = models.ForeignKey(
        "casemgmt.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)
    resolved_by = models.ForeignKey(
        "casemgmt.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    acknowledged_by = models.ForeignKey(
        "casemgmt.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    # What raised it automatically (e.g. "missed:<case>:<due date>"), so it is raised once.
    source_key = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        indexes = [
            models.Index(fields=["case", "status"], name="escalation_case_status_idx"),
            # The exports' date range (casemgmt/exports/), over every case exported.
            models.Index(fields=["raised_at"], name="escalation_raised_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source_key"],
                condition=~models.Q(source_key=""),
                name="escalation_source_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_trigger_display()} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ESCALATION_STATUSES


class CheckInKind(models.TextChoices):
    HOME_VISIT = "home_visit", _("Home visit")
    PHONE = "phone", _("Phone")
    OFFICE = "office", _("Office")
    EMPLOYER = "employer", _("Employer contact")
    FAMILY = "family", _("Family contact")


class CheckInOutcome(models.TextChoices):
    MET = "met", _("Contact made")
    MISSED = "missed", _("Missed")
    CONCERN = "concern", _("Contact made, concern reported")


class CheckIn(models.Model):
    """A contact after release under the monitoring plan."""

    case = models.ForeignKey("casemgmt.Case", on_delete=models.CASCADE, related_name="check_ins")
    held_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=12, choices=CheckInKind.choices)
    outcome = models.CharField(_("outcome"), max_length=10, choices=CheckInOutcome.choices)
    concerns = models.TextField(_("concerns"), blank=True)
    recorded_by = models.ForeignKey(
        "casemgmt.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        indexes = [
            models.Index(fields=["case", "held_on"], name="checkin_case_date_idx"),
            # The exports' date range (casemgmt/exports/), over every case exported.
            models.Index(fields=["held_on"], name="checkin_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.held_on} {self.get_outcome_display()}"
