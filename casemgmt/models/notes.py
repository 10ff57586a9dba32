"""Multi-agency notes (append-only, versioned) and referrals between agencies (P3)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NoteCategory(models.TextChoices):
    CUSTODY_CONDUCT = "custody_conduct", _("Custody conduct")
    COUNSELLING = "counselling", _("Counselling")
    FAMILY = "family", _("Family")
    SECURITY_CONCERN = "security_concern", _("Security concern")
    HEALTH = "health", _("Health")
    EDUCATION = "education", _("Education")
    GENERAL = "general", _("General")


class NoteVisibility(models.TextChoices):
    CASE_TEAM = "case_team", _("Case team")
    MY_AGENCY = "my_agency", _("My agency only")
    SUPERVISORS = "supervisors", _("Supervisors only")


class NoteQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Notes are append-only: add a corrected version instead.")

    def delete(self):
        raise PermissionError("Notes are never deleted.")


class Note(models.Model):
    """One version of a note. A correction is a new row that ``supersedes`` the previous one."""

    case = models.ForeignKey("casemgmt.Case", on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        "casemgmt.User", verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        "casemgmt.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(_("category"), max_length=20, choices=NoteCategory.choices)
    visibility = models.CharField(
        _("who may read it"), max_length=12, choices=NoteVisibility.choices
    )
    body = models.TextField(_("note"))
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("corrects"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
    )
    # The first version (empty on the first version itself).
    thread = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="versions"
    )

    objects = NoteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        indexes = [models.Index(fields=["case", "created_at"], name="note_case_created_idx")]

    def __str__(self) -> str:
        return f"{self.get_category_display()} · {self.created_at:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Notes are append-only: add a corrected version instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Notes are never deleted.")


class ReferralService(models.TextChoices):
    COUNSELLING = "counselling", _("Psychological counselling")
    MENTORING = "mentoring", _("Coaching and mentoring")
    EDUCATION = "education", _("Education")
    VOCATIONAL = "vocational", _("Vocational training")
    HEALTH = "health", _("Health or trauma care")
    FAMILY = "family", _("Family support")
    LIVELIHOOD = "livelihood", _("Livelihood support")
    LEGAL = "legal", _("Legal aid")
    MONITORING = "monitoring", _("Monitoring after release")


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    COMPLETED = "completed", _("Completed")
    REVOKED = "revoked", _("Revoked")


class Referral(models.Model):
    case = models.ForeignKey("casemgmt.Case", on_delete=models.CASCADE, related_name="referrals")
    from_agency = models.ForeignKey(
        "casemgmt.Agency", verbose_name=_("from"), on_delete=models.PROTECT, related_name="+"
    )
    to_agency = models.ForeignKey(
        "casemgmt.Agency",
        verbose_name=_("to"),
        on_delete=models.PROTECT,
        related_name="referrals_in",
    )
    service = models.CharField(_("service"), max_length=16, choices=ReferralService.choices)
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    sent_by = models.ForeignKey("casemgmt.User", on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)
    responded_by = models.ForeignKey(
        "casemgmt.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    response_note = models.TextField(_("reason for declining / outcome"), blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            models.Index(fields=["to_agency", "status"], name="referral_to_status_idx"),
            # The exports' date range (casemgmt/exports/), over every case exported.
            models.Index(fields=["sent_at"], name="referral_sent_idx"),
        ]
        constraints = [
            # One referral to an agency waits for an answer at a time (two senders at once).
            models.UniqueConstraint(
                fields=["case", "to_agency"],
                condition=models.Q(status="sent"),
                name="referral_one_waiting_per_agency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} → {self.to_agency} ({self.get_status_display()})"


class Notification(models.Model):
    """An item in a user's inbox that no other record carries (e.g. a break-the-glass alert)."""

    user = models.ForeignKey(
        "casemgmt.User", on_delete=models.CASCADE, related_name="notifications"
    )
    case = models.ForeignKey(
        "casemgmt.Case", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    message = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_idx")]

    def __str__(self) -> str:
        return self.message[:60]
