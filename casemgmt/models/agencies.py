from django.db import models
from django.utils.translation import gettext_lazy as _

from casemgmt.models.translated import TranslatedCharField, TranslatedModel, urdu_field


class AgencyKind(models.TextChoices):
    PRISON = "prison", _("Prison")
    COUNSELLING = "counselling", _("Counselling provider")
    PROBATION = "probation", _("Probation")
    POLICE = "police", _("Police")
    SOCIAL_WELFARE = "social_welfare", _("Social welfare")
    EDUCATION = "education", _("Education / vocational")
    HEALTH = "health", _("Health")
    FAMILY_LIAISON = "family_liaison", _("Family / community liaison")
    LEGAL = "legal", _("Legal")


class Agency(TranslatedModel):
    """An organisation whose staff work on cases (P3: many players)."""

    name = TranslatedCharField(_("name"), max_length=200, unique=True)
    name_ur = urdu_field(_("name in Urdu"), max_length=200)
    short_name = TranslatedCharField(_("short name"), max_length=40, blank=True)
    short_name_ur = urdu_field(_("short name in Urdu"), max_length=40)
    kind = models.CharField(_("kind"), max_length=32, choices=AgencyKind.choices, db_index=True)
    district = models.CharField(_("district"), max_length=100, blank=True)
    is_ngo = models.BooleanField(
        _("non-governmental organisation"),
        default=False,
        help_text=_("NGOs never see risk or security information."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # The supervisor's dashboard compares each caseworker's active cases with this.
    caseworker_capacity = models.PositiveSmallIntegerField(
        _("cases per caseworker"),
        default=25,
        help_text=_("How many active cases one caseworker of this agency can carry."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return self.name
