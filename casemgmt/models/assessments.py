"""Individual assessments. This is the record the gates read (kind, date, second
review, overall judgement); instruments, domains and item ratings build on it."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casemgmt.models.cases import ConcernLevel
from casemgmt.models.people import validate_not_future
from casemgmt.models.translated import (
    TranslatedCharField,
    TranslatedModel,
    TranslatedTextField,
    urdu_field,
)


class AssessmentKind(models.TextChoices):
    INITIAL = "initial", _("Initial")
    REVIEW = "review", _("Review")
    PRE_RELEASE = "pre_release", _("Pre-release")
    POST_RELEASE = "post_release", _("Post-release")
    FINAL = "final", _("Final")


class ClinicalPart(models.TextChoices):
    """The clinical domains of an assessment, rated by health or counselling staff."""

    NONE = "none", _("No clinical domains")
    PENDING = "pending", _("Clinical part outstanding")
    RECORDED = "recorded", _("Clinical part recorded")


class Assessment(models.Model):
    case = models.ForeignKey("casemgmt.Case", on_delete=models.CASCADE, related_name="assessments")
    instrument = models.ForeignKey(
        "casemgmt.Instrument",
        verbose_name=_("instrument"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessments",
    )
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
    # False for the free-text rows recorded before instruments: shown, never counted by gates.
    structured = models.BooleanField(_("structured"), default=True)
    # Names of mandatory non-clinical domains with an item left unknown (frozen with the
    # instrument, which is never edited once used).
    unrated_domains = models.JSONField(_("mandatory domains not rated"), default=list, blank=True)
    clinical_part = models.CharField(
        _("clinical part"), max_length=10, choices=ClinicalPart.choices, default=ClinicalPart.NONE
    )
    # True when a mandatory clinical domain has an item left unknown; never shown in detail.
    clinical_unrated = models.BooleanField(default=False)
    clinical_by = models.ForeignKey(
        "casemgmt.User",
        verbose_name=_("clinical part by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    clinical_at = models.DateTimeField(_("clinical part recorded at"), null=True, blank=True)
    # Computed when the ratings are saved, from non-clinical domains only (so anyone who may
    # read the assessment may read them); the two tracks are never combined.
    disengagement_score = models.PositiveSmallIntegerField(
        _("disengagement concern (0-100)"), null=True, blank=True
    )
    deradicalisation_score = models.PositiveSmallIntegerField(
        _("de-radicalisation concern (0-100)"), null=True, blank=True
    )

    class Meta:
        ordering = ["-assessed_on", "-id"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        indexes = [
            models.Index(fields=["case", "assessed_on"], name="assessment_case_date_idx"),
            # The exports' date range (casemgmt/exports/), over every case exported.
            models.Index(fields=["assessed_on"], name="assessment_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(structured=False) | models.Q(instrument__isnull=False),
                name="assessment_structured_has_instrument",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.assessed_on}"

    @property
    def is_second_reviewed(self) -> bool:
        return self.second_reviewed_at is not None

    @property
    def clinical_pending(self) -> bool:
        return self.clinical_part == ClinicalPart.PENDING


class Track(models.TextChoices):
    """Outcome tracks: never merged into one number (P7)."""

    DISENGAGEMENT = "disengagement", _("Disengagement (behaviour)")
    DERADICALISATION = "deradicalisation", _("De-radicalisation (attitudes)")
    NEEDS = "needs", _("Needs and protective factors")
    NONE = "none", _("None")


class Rating(models.TextChoices):
    LOW = "low", _("Low")
    MODERATE = "moderate", _("Moderate")
    HIGH = "high", _("High")
    UNKNOWN = "unknown", _("Unknown (no information)")


class Instrument(TranslatedModel):
    """A structured professional judgement instrument; a new version is a new row."""

    name = TranslatedCharField(_("name"), max_length=200)
    name_ur = urdu_field(_("name in Urdu"), max_length=200)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name", "-version"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="instrument_name_version"),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    @property
    def is_used(self) -> bool:
        return self.assessments.exists()


class Domain(TranslatedModel):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="domains")
    key = models.SlugField(_("key"), max_length=40)
    name = TranslatedCharField(_("name"), max_length=200)
    name_ur = urdu_field(_("name in Urdu"), max_length=200)
    track = models.CharField(_("outcome track"), max_length=20, choices=Track.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_mandatory = models.BooleanField(
        _("mandatory"),
        default=False,
        help_text=_(
            "A baseline is complete only when every item of this domain is rated "
            "low, moderate or high (not unknown)."
        ),
    )
    is_clinical = models.BooleanField(
        _("clinical"),
        default=False,
        help_text=_(
            "Ratings in this domain are clinical information (health and counselling staff)."
        ),
    )

    class Meta:
        ordering = ["instrument", "order"]
        verbose_name = _("domain")
        verbose_name_plural = _("domains")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "key"], name="domain_key_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Item(TranslatedModel):
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="items")
    key = models.SlugField(_("key"), max_length=40)
    prompt = TranslatedTextField(_("prompt"))
    prompt_ur = urdu_field(_("prompt in Urdu"))
    is_protective = models.BooleanField(
        _("protective"), default=False, help_text=_("A high rating lowers concern.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["domain", "order"]
        verbose_name = _("item")
        verbose_name_plural = _("items")
        constraints = [models.UniqueConstraint(fields=["domain", "key"], name="item_key_unique")]

    def __str__(self) -> str:
        return self.prompt[:80]


class ItemRating(models.Model):
    """One item's rating with the evidence for and against it and its sources."""

    assessment = models.ForeignKey(
        "casemgmt.Assessment", on_delete=models.CASCADE, related_name="ratings"
    )
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="ratings")
    rating = models.CharField(
        _("rating"), max_length=10, choices=Rating.choices, default=Rating.UNKNOWN
    )
    evidence_for = models.TextField(_("evidence for"), blank=True)
    evidence_against = models.TextField(_("evidence against"), blank=True)
    sources = models.CharField(_("sources"), max_length=300, blank=True)

    class Meta:
        ordering = ["assessment", "item__domain__order", "item__order"]
        verbose_name = _("item rating")
        verbose_name_plural = _("item ratings")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item"], name="rating_one_per_item"),
            models.CheckConstraint(
                condition=models.Q(rating__in=Rating.values), name="rating_in_scale"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.key}: {self.rating}"


class DomainSummary(models.Model):
    assessment = models.ForeignKey(
        "casemgmt.Assessment", on_delete=models.CASCADE, related_name="domain_summaries"
    )
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="+")
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        verbose_name = _("domain summary")
        verbose_name_plural = _("domain summaries")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "domain"], name="summary_one_per_domain"),
        ]

    def __str__(self) -> str:
        return f"{self.domain}: {self.summary[:40]}"
