"""Classification (concern level): the programme's own bands, and each case's history of
them. A case conference sets it; a later review or a supervisor changes it, with a reason.
Monitoring plans take their default contact and review frequency from the current band."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casemgmt.models.monitoring import ContactFrequency, ReviewFrequency
from casemgmt.models.translated import TranslatedCharField, TranslatedModel, urdu_field


class ClassificationBand(TranslatedModel):
    """One band of a programme's classification, e.g. "High concern"."""

    programme = models.ForeignKey(
        "casemgmt.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="classification_bands",
    )
    code = models.SlugField(_("code"), max_length=40)
    name = TranslatedCharField(_("name"), max_length=100)
    name_ur = urdu_field(_("name in Urdu"), max_length=100)
    # 1 is the least concern; lists and filters go by rank.
    rank = models.PositiveSmallIntegerField(_("rank"), help_text=_("1 is the least concern."))
    description = models.TextField(_("description"), blank=True)
    contact_frequency = models.CharField(
        _("default contact frequency"), max_length=12, choices=ContactFrequency.choices
    )
    review_frequency = models.CharField(
        _("default multi-agency review frequency"),
        max_length=12,
        choices=ReviewFrequency.choices,
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["programme", "rank"]
        verbose_name = _("classification band")
        verbose_name_plural = _("classification bands")
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="band_code_unique"),
            models.UniqueConstraint(fields=["programme", "rank"], name="band_rank_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class ClassificationChange(models.Model):
    """A case's classification set or changed: by whom, why, and at which review."""

    case = models.ForeignKey(
        "casemgmt.Case", on_delete=models.CASCADE, related_name="classification_changes"
    )
    band = models.ForeignKey(
        ClassificationBand,
        verbose_name=_("classification"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    previous_band = models.ForeignKey(
        ClassificationBand,
        verbose_name=_("previous classification"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("reason"))
    # The review that decided it; empty when a supervisor changed it between reviews.
    review = models.ForeignKey(
        "casemgmt.MultiAgencyReview",
        verbose_name=_("decided at"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="classification_changes",
    )
    decided_on = models.DateField(_("decided on"))
    changed_by = models.ForeignKey(
        "casemgmt.User", verbose_name=_("changed by"), on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_on", "-id"]
        verbose_name = _("classification change")
        verbose_name_plural = _("classification changes")

    def __str__(self) -> str:
        return f"{self.case} {self.band}"
