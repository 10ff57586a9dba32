"""A guardian's consent, the same on participation and on sharing: a person under 18 on
the day they consent agrees only together with a guardian (DOMAIN.md, juveniles)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class GuardianConsentHow(models.TextChoices):
    SIGNED = "signed", _("Signed in person")
    THUMBPRINT = "thumbprint", _("Thumbprint in person")
    ORAL_WITNESSED = "oral_witnessed", _("Orally, before a witness")


GUARDIAN_FIELDS = (
    "guardian_name",
    "guardian_relationship",
    "guardian_consented_on",
    "guardian_consent_how",
)


class GuardianConsentFields(models.Model):
    guardian_name = models.CharField(
        _("guardian"), max_length=200, blank=True, help_text=_("Required for a person under 18.")
    )
    guardian_relationship = models.CharField(
        _("guardian's relationship"), max_length=80, blank=True
    )
    guardian_consented_on = models.DateField(_("guardian consented on"), null=True, blank=True)
    guardian_consent_how = models.CharField(
        _("how the guardian consented"),
        max_length=20,
        choices=GuardianConsentHow.choices,
        blank=True,
    )

    class Meta:
        abstract = True

    @property
    def has_guardian_consent(self) -> bool:
        """Every part of the guardian's consent is recorded."""
        return all(getattr(self, name) for name in GUARDIAN_FIELDS)
