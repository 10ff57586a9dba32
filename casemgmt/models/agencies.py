from django.db import models
from django.utils.translation import gettext_lazy as _


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


class Agency(models.Model):
    """An organisation whose staff work on cases (P3: many players)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=AgencyKind.choices, db_index=True)
    district = models.CharField(_("district"), max_length=100, blank=True)
    is_ngo = models.BooleanField(
        _("non-governmental organisation"),
        default=False,
        help_text=_("NGOs never see risk or security information."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return self.name
