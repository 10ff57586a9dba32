"""The history of a person's details, read from the audit trail (the one record of it):
the registration event and each correction, per field, only for the fields whose
information class the viewer may read."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from casemgmt import access
from casemgmt.audit_trail.personal_values import PersonalValues, is_marker
from casemgmt.models import AuditAction, AuditEvent, GroupCategory, Person, User
from casemgmt.services.person_corrections import CORRECTABLE_FIELDS


@dataclass(frozen=True)
class FieldChange:
    at: datetime.datetime
    actor: User | None
    old: Any
    new: Any
    reason: str
    registered: bool  # the value recorded at registration, not a correction


@dataclass
class FieldHistory:
    name: str
    label: str
    changes: list[FieldChange] = field(default_factory=list)


def person_field_history(user, person: Person) -> list[FieldHistory]:
    """Each corrected field ``user`` may read, with its registered value and corrections
    (oldest first). Fields never corrected, or of a class ``user`` may not read, are left
    out, so a reader never learns that a field they may not read was changed."""
    readable = access.readable_person_fields(user) & set(CORRECTABLE_FIELDS)
    events = list(
        AuditEvent.objects.filter(
            target_type=Person._meta.label_lower,
            target_id=str(person.pk),
            action__in=[AuditAction.PERSON_REGISTERED, AuditAction.PERSON_CORRECTED],
        )
        .select_related("actor")
        .order_by("at", "id")
    )
    corrected = {
        name
        for e in events
        if e.action == AuditAction.PERSON_CORRECTED
        for name in e.changes
        if name in readable
    }
    histories = {
        name: FieldHistory(name, str(Person._meta.get_field(name).verbose_name))
        for name in CORRECTABLE_FIELDS
        if name in corrected
    }
    display = _Display(events, corrected)
    all_readable = access.readable_person_fields(user)
    # Values in the trail are keyed hashes: the values, one query (the fields' classes
    # were checked above; an erased value reads as erased).
    values = PersonalValues(events)
    for event in events:
        registered = event.action == AuditAction.PERSON_REGISTERED
        # A reason may speak of every field the correction changed: shown only to a
        # reader of them all.
        reason = event.metadata.get("reason", "") if set(event.changes) <= all_readable else ""
        reason = _value(values, reason)
        reason = _("erased (retention)") if reason is ERASED else reason
        for name, (old, new) in event.changes.items():
            if name not in histories:
                continue
            histories[name].changes.append(
                FieldChange(
                    at=event.at,
                    actor=event.actor,
                    old=display(name, _value(values, old)),
                    new=display(name, _value(values, new)),
                    reason=reason,
                    registered=registered,
                )
            )
    return list(histories.values())


def _value(values: PersonalValues, value: Any) -> Any:
    if not is_marker(value):
        return value
    found = values.resolve(value)
    return found.value if found.state == "shown" else ERASED


ERASED = object()  # a value retention erased from the trail's side table


class _Display:
    """Stored values as people read them: choices by label, categories by name, dates."""

    def __init__(self, events: list[AuditEvent], fields: set[str]):
        ids = set()
        if "group_category" in fields:
            for e in events:
                ids.update(v for v in e.changes.get("group_category", []) if v)
        self.categories = (
            {c.pk: c.name for c in GroupCategory.objects.filter(pk__in=ids)} if ids else {}
        )
        self.sexes = dict(Person._meta.get_field("sex").flatchoices)

    def __call__(self, name: str, value: Any) -> Any:
        if value is ERASED:
            return _("erased (retention)")
        if value in (None, ""):
            return ""
        if name == "group_category":
            return self.categories.get(value, _("(a category no longer listed)"))
        if name == "sex":
            return self.sexes.get(value, value)
        if name == "date_of_birth":
            return formats.date_format(datetime.date.fromisoformat(value), "DATE_FORMAT")
        return value
