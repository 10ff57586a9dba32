import datetime
import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casemgmt import juveniles
from casemgmt.models.translated import (
    TranslatedCharField,
    TranslatedModel,
    TranslatedTextField,
    urdu_field,
)

CNIC_PATTERN = r"^\d{5}-\d{7}-\d$"
cnic_validator = RegexValidator(
    CNIC_PATTERN,
    _("Enter the CNIC as 13 digits in the form 12345-1234567-1."),
    code="invalid_cnic",
)


def normalise_cnic(value: str) -> str:
    """Accept 13 digits with or without dashes/spaces; return the dashed form."""
    digits = re.sub(r"[\s-]", "", value or "")
    if re.fullmatch(r"\d{13}", digits):
        return f"{digits[:5]}-{digits[5:12]}-{digits[12]}"
    return (value or "").strip()


def validate_not_future(value: datetime.date) -> None:
    if value and value > timezone.localdate():
        raise ValidationError(_("This date cannot be in the future."), code="future_date")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Not known")


class GroupCategory(TranslatedModel):
    """A neutral, factual category of the group a person was associated with (P5)."""

    name = TranslatedCharField(_("name"), max_length=120, unique=True)
    name_ur = urdu_field(_("name in Urdu"), max_length=120)
    description = TranslatedTextField(_("description"), blank=True)
    description_ur = urdu_field(_("description in Urdu"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("group category")
        verbose_name_plural = _("group categories")

    def __str__(self) -> str:
        return self.name


class PersonQuerySet(models.QuerySet):
    def current(self):
        """People not merged into another record."""
        return self.filter(merged_into__isnull=True)


class Person(models.Model):
    """A participant. One person can have cases in several programmes."""

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    full_name = models.CharField(_("full name"), max_length=200)
    aliases = models.TextField(
        _("aliases"), blank=True, help_text=_("Other names and spellings, one per line.")
    )
    date_of_birth = models.DateField(
        _("date of birth"), validators=[validate_not_future], db_index=True
    )
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    cnic = models.CharField(
        _("CNIC"),
        max_length=15,
        blank=True,
        validators=[cnic_validator],
        help_text=_("National identity card number, 12345-1234567-1."),
    )
    district = models.CharField(_("district of origin"), max_length=100, blank=True)
    province = models.CharField(_("province"), max_length=100, blank=True)
    languages = models.CharField(_("languages"), max_length=200, blank=True)
    group_category = models.ForeignKey(
        GroupCategory,
        verbose_name=_("group category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
    )
    # P5: the category alone says little; the context says how and why, in neutral words.
    group_context = models.TextField(
        _("context of the group involvement"),
        blank=True,
        help_text=_(
            "How the person came to the group and what they did there, in neutral words "
            "(e.g. recruited at 15 through a relative; cook, not a fighter)."
        ),
    )
    family_contacts = models.TextField(_("family contacts"), blank=True)
    identity_verified_at = models.DateTimeField(_("identity verified at"), null=True, blank=True)
    identity_verified_by = models.ForeignKey(
        "casemgmt.User",
        verbose_name=_("identity verified by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    identity_document = models.CharField(
        _("identity document reference"), max_length=120, blank=True
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_records",
    )
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    created_by = models.ForeignKey(
        "casemgmt.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Derived from the date of birth on every save: the access policy compares record
    # dates with it in SQL (casemgmt/juveniles.py).
    adult_on = models.DateField(_("18th birthday"), null=True, editable=False, db_index=True)
    # When retention erased the identity (services.retention): such a person is never
    # erased again, and their cases keep only de-identified attributes.
    retention_erased_at = models.DateTimeField(
        _("identity erased (retention) at"), null=True, blank=True, editable=False
    )
    # Counts corrections of the person's details (services/person_corrections.py): a form
    # opened before someone else's correction is refused as stale.
    version = models.PositiveIntegerField(_("version"), default=0, editable=False)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["reference"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        permissions = [("merge_person", "Can merge two person records")]
        constraints = [
            models.UniqueConstraint(
                fields=["cnic"], condition=~models.Q(cnic=""), name="person_cnic_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["full_name"], name="person_full_name_idx"),
            # The exports' filter by district of origin (casemgmt/exports/).
            models.Index(fields=["district"], name="person_district_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.full_name}"

    def save(self, *args, **kwargs):
        born = self._meta.get_field("date_of_birth").to_python(self.date_of_birth)
        self.adult_on = juveniles.adult_from(born)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "date_of_birth" in update_fields:
            kwargs["update_fields"] = {*update_fields, "adult_on"}
        super().save(*args, **kwargs)

    def age_on(self, day: datetime.date) -> int:
        return juveniles.age_on(self, day)

    def is_juvenile_on(self, day: datetime.date) -> bool:
        return juveniles.is_juvenile_on(self, day)

    @property
    def is_juvenile(self) -> bool:
        """Under 18 today: the case is on the juvenile track (records keep their own date)."""
        return self.is_juvenile_on(timezone.localdate())

    @property
    def masked_cnic(self) -> str:
        if not self.cnic:
            return ""
        return "*****-*******-" + self.cnic[-1]

    @property
    def alias_list(self) -> list[str]:
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]


class PersonMerge(models.Model):
    """A supervisor's merge of a duplicate into a surviving record; reversible."""

    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_in")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_out")
    merged_by = models.ForeignKey("casemgmt.User", on_delete=models.PROTECT, related_name="+")
    merged_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField()
    moved_case_ids = models.JSONField(default=list)
    reversed_at = models.DateTimeField(null=True, blank=True)
    reversed_by = models.ForeignKey(
        "casemgmt.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reversal_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-merged_at"]
        verbose_name = _("person merge")
        verbose_name_plural = _("person merges")

    def __str__(self) -> str:
        return f"{self.merged} → {self.survivor}"


class HeldStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    LINKED = "linked", _("Linked to the registered person")
    APPLIED = "applied", _("Correction applied")
    REJECTED = "rejected", _("Rejected")


class HeldRegistration(models.Model):
    """A registration that matched people outside the submitter's cases: held until a
    supervisor who may see the matched record links it to that person or rejects it.
    The submitter is told only that a possible match exists.

    A correction of a registered person's details (``corrects``) that made them match
    someone outside the submitter's cases is held the same way: the reviewer applies it
    (they are different people) or rejects it. It has no programme or lead agency."""

    submitted_by = models.ForeignKey(
        "casemgmt.User",
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="held_registrations",
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now, db_index=True)
    # The person's details as submitted (``services.people.PERSON_FIELDS``, JSON-safe); for
    # a correction, only the fields it changes.
    details = models.JSONField(_("submitted details"), default=dict)
    corrects = models.ForeignKey(
        Person,
        verbose_name=_("person corrected"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="held_corrections",
    )
    # The person's version the correction was made against (a later correction wins).
    corrects_version = models.PositiveIntegerField(_("version corrected"), null=True, blank=True)
    correction_reason = models.TextField(_("reason for the correction"), blank=True)
    programme = models.ForeignKey(
        "casemgmt.Programme",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    lead_agency = models.ForeignKey(
        "casemgmt.Agency",
        verbose_name=_("lead agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    facility = models.ForeignKey(
        "casemgmt.Facility",
        verbose_name=_("facility"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    matched_people = models.ManyToManyField(
        Person, verbose_name=_("matched people"), related_name="held_registrations"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=HeldStatus.choices, default=HeldStatus.PENDING
    )
    reviewed_by = models.ForeignKey(
        "casemgmt.User",
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    linked_person = models.ForeignKey(
        Person,
        verbose_name=_("linked person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    case = models.ForeignKey(
        "casemgmt.Case",
        verbose_name=_("case opened"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["submitted_at", "id"]
        verbose_name = _("held registration")
        verbose_name_plural = _("held registrations")
        indexes = [
            models.Index(fields=["submitted_by", "submitted_at"], name="held_reg_by_at_idx"),
            models.Index(fields=["status"], name="held_reg_status_idx"),
        ]
        constraints = [
            # A registration opens a case (programme, lead agency); a correction does not.
            models.CheckConstraint(
                condition=(
                    models.Q(corrects__isnull=True)
                    & models.Q(programme__isnull=False)
                    & models.Q(lead_agency__isnull=False)
                )
                | (
                    models.Q(corrects__isnull=False)
                    & models.Q(programme__isnull=True)
                    & models.Q(lead_agency__isnull=True)
                ),
                name="held_reg_registration_or_correction",
            ),
        ]

    def __str__(self) -> str:
        return _("Held registration %(pk)s") % {"pk": self.pk}

    @property
    def is_correction(self) -> bool:
        return self.corrects_id is not None
