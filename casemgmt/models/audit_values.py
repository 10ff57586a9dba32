"""The personal values the audit trail names but does not hold (``audit_trail.personal_values``).

An event never holds a value that retention erases (a name, free text, an identity or
location value that is not a code): it holds a keyed hash of it, ``{"personal": digest,
"class": ...}``, and the value lives here, keyed by that hash. Retention deletes a
person's rows; the events, and the chain that covers them, stay as they are. Unlike the
events and seals, this table is not append-only.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditPersonalValue(models.Model):
    """One personal value named in the trail. ``digest`` is an HMAC of the person, the
    field and the value, so the same value of two people has two rows, and erasing one
    person's never touches another's."""

    digest = models.CharField(_("digest"), max_length=64, primary_key=True)
    # Plain ids, not foreign keys: a merge or an unmerge moves records between people,
    # and these rows must stay where the value was recorded (retention looks up both).
    person_id = models.BigIntegerField(_("person"), null=True, blank=True, db_index=True)
    case_id = models.BigIntegerField(_("case"), null=True, blank=True, db_index=True)
    info_class = models.CharField(_("information class"), max_length=20)
    value = models.JSONField(_("value"))

    class Meta:
        verbose_name = _("personal value in the audit trail")
        verbose_name_plural = _("personal values in the audit trail")

    def __str__(self) -> str:
        return self.digest[:12]
