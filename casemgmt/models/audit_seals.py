"""The seals that make the audit trail tamper-evident (``casemgmt/audit_trail/``).

Events are inserted freely by every request; the sealer later gives each committed
event a place in one hash chain (an ``AuditSeal``) and signs the head of every batch it
seals (an ``AuditSealBatch``). Both tables are append-only like the events: the ORM
refuses changes here, and on PostgreSQL a trigger refuses them for every role.
"""

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionDenied("The audit trail is append-only.")

    def delete(self):
        raise PermissionDenied("The audit trail is append-only.")


class AppendOnly(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionDenied("The audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("The audit trail is append-only.")


class AuditSealBatch(AppendOnly):
    """One signed stretch of the chain: positions ``first_position`` to ``last_position``,
    whose last hash is ``head_hash``, signed with the sealer's Ed25519 key."""

    sealed_at = models.DateTimeField(_("sealed at"), default=timezone.now)
    first_position = models.BigIntegerField(_("first position"), unique=True)
    last_position = models.BigIntegerField(_("last position"), unique=True)
    head_hash = models.CharField(_("head hash"), max_length=64)
    signature = models.CharField(_("signature"), max_length=100)
    key_id = models.CharField(_("key"), max_length=16)
    # The canonical form its events were hashed in (``audit_trail.canonical.FORMAT``).
    format = models.PositiveSmallIntegerField(_("format"), default=1)
    # PostgreSQL: every transaction below this id had finished when the batch was sealed,
    # so the next run looks only at events of later transactions.
    resume_txid = models.BigIntegerField(null=True, blank=True)
    # With ``resume_txid``: after a full batch, the next run starts after this event of
    # that transaction (so a backlog of millions is read once, not once per batch).
    resume_after_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["first_position"]
        verbose_name = _("audit seal batch")
        verbose_name_plural = _("audit seal batches")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_position__gte=models.F("first_position")),
                name="audit_batch_positions_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_position}–{self.last_position} {self.head_hash[:12]}"


class AuditSeal(AppendOnly):
    """An event's place in the chain: its hash covers the event as stored, its sequence
    value, its position and the previous hash. The event is named by its sequence value,
    not a foreign key, so a deleted event shows as a break instead of being prevented
    silently by a cascade or hidden by a join."""

    position = models.BigIntegerField(_("position"), primary_key=True)
    event_seq = models.BigIntegerField(_("event"), unique=True)
    hash = models.CharField(_("hash"), max_length=64)
    batch = models.ForeignKey(
        AuditSealBatch, on_delete=models.PROTECT, related_name="seals", db_index=True
    )

    class Meta:
        ordering = ["position"]
        verbose_name = _("audit seal")
        verbose_name_plural = _("audit seals")

    def __str__(self) -> str:
        return f"#{self.position} event {self.event_seq}"
