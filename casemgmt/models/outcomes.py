"""Re-engagement events after release, typed and dated the same way every time (Outcomes)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casemgmt.models.people import validate_not_future


class ReengagementKind(models.TextChoices):
    TERRORISM_RECONVICTION = "terrorism_reconviction", _("Terrorism reconviction")
    OTHER_RECONVICTION = "other_reconviction", _("Other reconviction")
    ARREST = "arrest", _("Arrest")
    REENGAGEMENT = "reengagement", _("Re-engagement without conviction")
    RECALL = "recall", _("Recall")


class ReengagementEvent(models.Model):
    case = models.ForeignKey(
        "casemgmt.Case", on_delete=models.CASCADE, related_name="reengagement_events"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=ReengagementKind.choices)
    occurred_on = models.DateField(_("occurred on"), validators=[validate_not_future])
    description = models.TextField(_("description"), blank=True)
    recorded_by = models.ForeignKey("casemgmt.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["occurred_on", "id"]
        verbose_name = _("re-engagement event")
        verbose_name_plural = _("re-engagement events")
        # The exports' date range (casemgmt/exports/), over every case exported.
        indexes = [models.Index(fields=["occurred_on"], name="reengagement_occurred_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on}"
