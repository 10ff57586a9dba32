"""Placements (P10): where a person in custody is held, from when to when."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PlacementQuerySet(models.QuerySet):
    def current(self):
        return self.filter(ended_on__isnull=True)


class Placement(models.Model):
    """One stay in one facility. A case has at most one open placement; ``Case.facility``
    mirrors it (the services that open and end placements keep both)."""

    case = models.ForeignKey("casemgmt.Case", on_delete=models.CASCADE, related_name="placements")
    facility = models.ForeignKey(
        "casemgmt.Facility",
        verbose_name=_("facility"),
        on_delete=models.PROTECT,
        related_name="placements",
    )
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    start_reason = models.TextField(_("why it started"), blank=True)
    end_reason = models.TextField(_("why it ended"), blank=True)
    started_by = models.ForeignKey(
        "casemgmt.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ended_by = models.ForeignKey(
        "casemgmt.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Recorded when the user placed the person in a facility already full.
    over_capacity = models.BooleanField(_("placed over capacity"), default=False)
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = PlacementQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(ended_on__isnull=True),
                name="placement_one_open_per_case",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="placement_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(
                fields=["facility"],
                condition=models.Q(ended_on__isnull=True),
                name="placement_current_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case}: {self.facility} ({self.started_on})"
