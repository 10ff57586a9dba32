"""Interventions (P4, P9) and their sessions."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casemgmt.models.people import validate_not_future


class InterventionKind(models.TextChoices):
    COUNSELLING = "counselling", _("Psychological counselling")
    MENTORING = "mentoring", _("Coaching and mentoring")
    NARRATIVE = "narrative", _("Alternative-narrative dialogue")
    EDUCATION = "education", _("Education")
    VOCATIONAL = "vocational", _("Vocational training")
    FAMILY = "family", _("Family support")
    COMMUNITY = "community", _("Community reintegration support")
    HEALTH = "health", _("Health and trauma care")
    LIVELIHOOD = "livelihood", _("Livelihood support")


# Session notes of these kinds are clinical information (access policy).
CLINICAL_INTERVENTION_KINDS = frozenset({InterventionKind.COUNSELLING, InterventionKind.HEALTH})


class InterventionOutcome(models.TextChoices):
    GOALS_MET = "met", _("Goals met")
    PARTLY_MET = "partly", _("Goals partly met")
    NOT_MET = "not_met", _("Goals not met")


class InterventionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    COMPLETED = "completed", _("Completed")
    STOPPED = "stopped", _("Stopped")


class Intervention(models.Model):
    case = models.ForeignKey(
        "casemgmt.Case", on_delete=models.CASCADE, related_name="interventions"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=InterventionKind.choices)
    provider = models.ForeignKey(
        "casemgmt.Agency", verbose_name=_("provider"), on_delete=models.PROTECT, related_name="+"
    )
    goals = models.TextField(_("goals"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    # Why it was stopped early (clinical for clinical kinds, like the goals).
    stop_reason = models.TextField(_("why it was stopped"), blank=True)
    # Why it is paused (the last pause, kept after it resumes), and how it ended.
    pause_reason = models.TextField(_("why it was paused"), blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=InterventionOutcome.choices, blank=True
    )
    outcome_note = models.TextField(_("outcome note"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=InterventionStatus.choices,
        default=InterventionStatus.ACTIVE,
    )
    recorded_by = models.ForeignKey("casemgmt.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")
        # The exports' date range (casemgmt/exports/), over every case exported.
        indexes = [models.Index(fields=["starts_on"], name="intervention_starts_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="intervention_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.provider})"

    # A list annotated with session_figures() reads no session; otherwise they are read
    # through .all(), so a prefetch serves them too.
    @property
    def session_count(self) -> int:
        if hasattr(self, "sessions_recorded"):
            return self.sessions_recorded
        return len(self.sessions.all())

    @property
    def attendance_rate(self) -> int | None:
        from casemgmt.scoring import attendance_rate, attendance_rate_of

        if hasattr(self, "sessions_counted"):
            return attendance_rate_of(self.sessions_attended, self.sessions_counted)
        return attendance_rate(self.sessions.all())

    @property
    def is_clinical(self) -> bool:
        return self.kind in CLINICAL_INTERVENTION_KINDS


class Attendance(models.TextChoices):
    ATTENDED = "attended", _("Attended")
    MISSED = "missed", _("Missed")
    CANCELLED = "cancelled", _("Cancelled")


class Session(models.Model):
    intervention = models.ForeignKey(
        Intervention, on_delete=models.CASCADE, related_name="sessions"
    )
    held_on = models.DateField(_("date"), validators=[validate_not_future])
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    attendance = models.CharField(_("attendance"), max_length=10, choices=Attendance.choices)
    facilitator = models.CharField(_("facilitator"), max_length=200)
    # Alternative-narrative dialogue (P9): what the session discussed.
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    progress_note = models.TextField(_("progress note"), blank=True)
    recorded_by = models.ForeignKey("casemgmt.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        # The exports' date range (casemgmt/exports/), over every case exported.
        indexes = [models.Index(fields=["held_on"], name="session_held_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gt=0) & models.Q(duration_minutes__lte=600),
                name="session_duration_sane",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.intervention} {self.held_on}"


def session_figures() -> dict:
    """An intervention's session count and attendance, counted in SQL (see attendance_rate)."""
    counted = ~models.Q(sessions__attendance=Attendance.CANCELLED)
    return {
        "sessions_recorded": models.Count("sessions"),
        "sessions_counted": models.Count("sessions", filter=counted),
        "sessions_attended": models.Count(
            "sessions", filter=models.Q(sessions__attendance=Attendance.ATTENDED)
        ),
    }
