"""Need-to-know: restricted cases, break-the-glass grants and the consent ledger (P8, P12)."""

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casemgmt.models.guardians import GuardianConsentFields


class CaseAccessGrant(models.Model):
    """A user on a restricted case's allow-list."""

    case = models.ForeignKey(
        "casemgmt.Case", on_delete=models.CASCADE, related_name="access_grants"
    )
    user = models.ForeignKey(
        "casemgmt.User",
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="case_grants",
    )
    granted_by = models.ForeignKey("casemgmt.User", on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        "casemgmt.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["case", "granted_at"]
        verbose_name = _("allow-list entry")
        verbose_name_plural = _("allow-list entries")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "user"],
                condition=models.Q(revoked_at__isnull=True),
                name="case_grant_one_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} · {self.user}"


# A fallback only: the service sets the programme's duration (emergency_access_hours).
BREAK_GLASS_HOURS = 4


def break_glass_expiry() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(hours=BREAK_GLASS_HOURS)


class BreakGlassGrant(models.Model):
    """Emergency, read-only, time-limited access to a case outside the user's scope."""

    case = models.ForeignKey(
        "casemgmt.Case", on_delete=models.CASCADE, related_name="break_glass_grants"
    )
    user = models.ForeignKey(
        "casemgmt.User", on_delete=models.PROTECT, related_name="break_glass_grants"
    )
    reason = models.TextField(_("reason"))
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=break_glass_expiry)

    class Meta:
        ordering = ["-granted_at"]
        verbose_name = _("break-the-glass access")
        verbose_name_plural = _("break-the-glass accesses")
        indexes = [models.Index(fields=["user", "expires_at"], name="breakglass_user_exp_idx")]

    def __str__(self) -> str:
        return f"{self.user} → {self.case} until {self.expires_at:%Y-%m-%d %H:%M}"


class SharingBasis(models.TextChoices):
    CONSENT = "consent", _("The person's consent")
    LEGAL_AUTHORITY = "legal_authority", _("Legal authority (no consent needed)")


class SharingPurpose(models.TextChoices):
    REHABILITATION = "rehabilitation", _("Rehabilitation and counselling")
    REINTEGRATION = "reintegration", _("Reintegration support (family, work, education)")
    HEALTH = "health", _("Health care")
    MONITORING = "monitoring", _("Monitoring after release")


class SharingStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")
    EXPIRED = "expired", _("Expired")


class SharingConsent(GuardianConsentFields, models.Model):
    """What the person agreed to share, with which kinds of agency, for what, until when."""

    case = models.ForeignKey(
        "casemgmt.Case", on_delete=models.CASCADE, related_name="sharing_consents"
    )
    basis = models.CharField(_("basis"), max_length=16, choices=SharingBasis.choices)
    agency_kinds = models.JSONField(_("agency kinds"))
    purpose = models.CharField(_("purpose"), max_length=20, choices=SharingPurpose.choices)
    given_on = models.DateField(_("given on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    legal_authority = models.ForeignKey(
        "casemgmt.LegalAuthority",
        verbose_name=_("legal authority"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_by = models.ForeignKey("casemgmt.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    # Stored, not derived from ``ended_at``: the lifecycle helper moves it like every other
    # status, and "ended by a person" vs "expired" is a fact of record, not a guess from
    # which columns are empty. ``is_active`` still checks the date: an entry past its
    # expiry counts as ended before the nightly job moves it to "expired".
    status = models.CharField(
        _("status"), max_length=10, choices=SharingStatus.choices, default=SharingStatus.ACTIVE
    )
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        "casemgmt.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    end_reason = models.TextField(_("why it ended"), blank=True)

    class Meta:
        ordering = ["-given_on", "-id"]
        verbose_name = _("sharing consent")
        verbose_name_plural = _("sharing consents")
        # The exports' date range (casemgmt/exports/), over every case exported.
        indexes = [models.Index(fields=["given_on"], name="sharing_given_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(basis="legal_authority")
                | models.Q(legal_authority__isnull=False),
                name="sharing_legal_basis_cites_authority",
            ),
            models.CheckConstraint(
                condition=models.Q(status="active", ended_at__isnull=True)
                | (~models.Q(status="active") & models.Q(ended_at__isnull=False)),
                name="sharing_status_matches_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_basis_display()}: {', '.join(self.agency_kinds)}"

    def is_active(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status == SharingStatus.ACTIVE and (
            self.expires_on is None or self.expires_on >= today
        )
