from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionDenied("Audit events are append-only.")

    def delete(self):
        raise PermissionDenied("Audit events are append-only.")


class AuditEvent(models.Model):
    """Append-only record of every write (and later every read), in the writer's
    transaction. Written only through ``casemgmt.services.audit.record``."""

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        "casemgmt.User",
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=60, db_index=True)
    target_type = models.CharField(_("target type"), max_length=60)
    target_id = models.CharField(_("target id"), max_length=40)
    target_label = models.CharField(_("target"), max_length=200, blank=True)
    case = models.ForeignKey(
        "casemgmt.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changes = models.JSONField(_("changes"), default=dict, encoder=DjangoJSONEncoder)
    metadata = models.JSONField(_("details"), default=dict, encoder=DjangoJSONEncoder)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_target_idx"),
            models.Index(fields=["case", "at"], name="audit_case_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_label}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("Audit events are append-only.")
