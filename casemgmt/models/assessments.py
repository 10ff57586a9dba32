"""Individual assessments. This is the record the gates read (kind, date, second
review, overall judgement); instruments, domains and item ratings build on it."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casemgmt.models.cases import ConcernLevel
from casemgmt.models.people import validate_not_future


class AssessmentKind(models.TextChoices):
    INITIAL = "initial", _("Initial")
    REVIEW = "review", _("Review")
    PRE_RELEASE = "pre_release", _("Pre-release")
    POST_RELEASE = "post_release", _("Post-release")
    FINAL = "final", _("Final")


class Assessment(models.Model):
    case = models.ForeignKey("casemgmt.Case", on_delete=models.CASCADE, related_name="assessments")
    kind = models.CharField(_("kind"), max_length=16, choices=AssessmentKind.choices)
    assessed_on = models.DateField(_("assessed on"), validators=[validate_not_future])
    assessor = models.ForeignKey(
        "casemgmt.User", verbose_name=_("assessor"), on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        "casemgmt.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    overall_concern = models.CharField(
        _("overall judgement"), max_length=12, choices=ConcernLevel.choices
    )
    rationale = models.TextField(_("rationale"))
    second_reviewed_by = models.ForeignKey(
        "casemgmt.User",
        verbose_name=_("second reviewer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    second_reviewed_at = models.DateTimeField(_("second reviewed at"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        ordering = ["-assessed_on", "-id"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        indexes = [models.Index(fields=["case", "assessed_on"], name="assessment_case_date_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.assessed_on}"

    @property
    def is_second_reviewed(self) -> bool:
        return self.second_reviewed_at is not None
