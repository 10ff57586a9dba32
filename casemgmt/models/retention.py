"""Retention: legal holds on cases, and the age groups records keep once identities go."""

from __future__ import annotations

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AgeGroup(models.TextChoices):
    """Age at an event, in the bands figures are reported by. A case keeps the band at its
    opening and at release (``Case.age_group_at_opening`` / ``_at_release``), so the
    figures survive the erasure of the date of birth."""

    UNDER_18 = "under_18", _("Under 18")
    FROM_18 = "18_24", _("18-24")
    FROM_25 = "25_34", _("25-34")
    FROM_35 = "35_44", _("35-44")
    FROM_45 = "45_plus", _("45 and over")

    @classmethod
    def on(cls, born: datetime.date | None, day: datetime.date | None) -> str:
        """The band of someone born on ``born`` on ``day`` ("" when either is unknown)."""
        if born is None or day is None:
            return ""
        age = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
        for lower, band in ((45, cls.FROM_45), (35, cls.FROM_35), (25, cls.FROM_25)):
            if age >= lower:
                return band
        return cls.FROM_18 if age >= 18 else cls.UNDER_18


class LegalHold(models.Model):
    """A case put on legal hold (litigation, an inquiry, a court's order): while one is
    open, retention erases nothing of the case's person. Set and lifted by a supervisor of
    the case's programme, each with a reason; the rows are the hold's history."""

    case = models.ForeignKey("casemgmt.Case", on_delete=models.CASCADE, related_name="legal_holds")
    reason = models.TextField(_("reason for the hold"))
    set_by = models.ForeignKey(
        "casemgmt.User", verbose_name=_("set by"), on_delete=models.PROTECT, related_name="+"
    )
    set_at = models.DateTimeField(_("set at"), default=timezone.now)
    lift_reason = models.TextField(_("reason for lifting it"), blank=True)
    lifted_by = models.ForeignKey(
        "casemgmt.User",
        verbose_name=_("lifted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)

    class Meta:
        ordering = ["-set_at", "-id"]
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(lifted_at__isnull=True),
                name="legal_hold_one_open_per_case",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} ({self.set_at:%Y-%m-%d})"
