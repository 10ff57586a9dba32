"""The audit service: every write records one ``AuditEvent`` in its own transaction."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.crypto import salted_hmac

from casemgmt import personal_data
from casemgmt.audit_trail import personal_values
from casemgmt.models import (
    Assessment,
    AuditAction,
    AuditEvent,
    Case,
    Intervention,
    Note,
    Person,
    Referral,
)
from casemgmt.models.people import normalise_cnic
from casemgmt.models.translated import stored_values


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


class Redacted(dict):
    """A value the trail never copies (a clinical or security field: ``personal_data``), as
    it is written: ``{"redacted": "<class>"}``, the fact and the class, not the value. It
    compares by the value it stands for, so ``diff`` still sees a change (and records that
    it happened); no serialisation of it (JSON, repr) reaches that value."""

    __slots__ = ("_value",)
    __hash__ = None

    def __init__(self, info_class: str, value: Any) -> None:
        super().__init__(redacted=str(info_class))
        self._value = value

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Redacted):
            return dict.__eq__(self, other) and self._value == other._value
        return dict.__eq__(self, other)


def _withheld(model, name: str, value: Any, row=None) -> Any:
    """``value`` of field ``name`` of ``model`` (a model or a row), or the marker when the
    trail never copies it (on this row; without the row, whenever the field may hold
    clinical or security content)."""
    if value is None or value == "" or isinstance(value, Redacted):
        return value  # an empty field says nothing; a marker is one already
    info_class = personal_data.trail_withholds(model, name, row)
    return value if info_class is None else Redacted(info_class, value)


def withhold(model, changes: dict[str, Any], row=None) -> dict[str, Any]:
    """``changes`` ({field: [old, new]} or {field: value}) of a row of ``model`` (a model
    or the row) with the value of each field the trail never copies replaced by its
    marker. ``record`` applies it to every event's changes; the bulk seeder, which writes
    events itself, too."""
    names = [name for name in personal_data.withheld_names(model) if name in changes]
    if not names:
        return changes
    changes = dict(changes)
    for name in names:
        value = changes[name]
        if isinstance(value, list | tuple):
            changes[name] = [_withheld(model, name, v, row) for v in value]
        else:
            changes[name] = _withheld(model, name, value, row)
    return changes


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """Field values of ``instance`` as JSON-ready data (foreign keys as ids); configured
    names as stored (English), whatever the language of the request. A clinical or
    security value (``personal_data.trail_withholds``) is a ``Redacted`` marker."""
    data = {}
    with stored_values():
        for name in fields:
            field = instance._meta.get_field(name)
            if field.is_relation and field.many_to_one:
                value = getattr(instance, field.attname)
            else:
                value = _plain(getattr(instance, name))
            data[name] = _withheld(instance, name, value, row=instance)
    return data


def _shows(target: models.Model, name: str, label: str) -> bool:
    """Whether ``label`` shows the value of ``name`` (its choice's label), or its start: a
    name that quotes a text cuts it short."""
    field = target._meta.get_field(name)
    shown = str(
        getattr(target, f"get_{name}_display")() if field.choices else getattr(target, name)
    )
    return bool(shown) and (shown in label or (len(shown) > 12 and shown[:12] in label))


def _shows_erasable(target: models.Model, label: str) -> bool:
    """Whether ``label`` shows a value retention erases: of ``target`` or of a person it
    names (a merge is named after its two people)."""
    # Only people the name was made from: ``str(target)`` loaded (cached) them if it did.
    rows = [target] + [
        getattr(target, link.name)
        for link in target._meta.concrete_fields
        if link.many_to_one and link.related_model is Person and link.is_cached(target)
    ]
    for row in rows:
        for name in personal_values.erased_fields(row):
            value = getattr(row, name, None)
            if isinstance(value, list | dict) or value in (None, ""):
                continue
            shown = str(value)
            if len(shown) >= 3 and (shown in label or (len(shown) > 12 and shown[:12] in label)):
                return True
    return False


def _label(target: models.Model) -> str:
    """The target as the audit names it: configured names in English, as stored; a
    person by their reference; by its kind and id when its name would show a value the
    trail never copies (a rating, an escalation's trigger of a clinical or security
    class) or one retention erases (a guarantor's name, a note's text)."""
    if isinstance(target, Person):
        return target.reference
    with stored_values():
        label = str(target)[:200]
        for name in personal_data.withheld_names(target):
            withheld = personal_data.trail_withholds(target, name, target)
            if withheld and _shows(target, name, label):
                return f"{target._meta.model_name} {target.pk}"
        if _shows_erasable(target, label):
            return f"{target._meta.model_name} {target.pk}"
    return label


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Only what changed, as {field: [before, after]}."""
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def created(instance: models.Model, fields: list[str]) -> dict[str, list[Any]]:
    return {key: [None, value] for key, value in snapshot(instance, fields).items()}


def record(
    *,
    actor,
    action: AuditAction,
    target: models.Model,
    changes: dict | None = None,
    case=None,
    metadata: dict | None = None,
) -> AuditEvent:
    """Append one audit event; call it inside the writer's transaction. An action not
    in ``AuditAction`` raises ValueError, so a typo is never written. Changes to fields
    the trail never copies keep only the fact (``withhold``), however they were built;
    values retention erases are held as keyed hashes, with the values in the side table
    (``audit_trail.personal_values``), written here too."""
    action = AuditAction(action)
    concealer = personal_values.concealer_for(target, case)
    event = AuditEvent.objects.create(
        actor=actor,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_label=_label(target),
        case=case,
        changes=concealer.changes(target, withhold(target, changes or {}, row=target), target),
        metadata=concealer.metadata(action, metadata or {}),
    )
    concealer.save()
    return event


# The records whose reads are audited; a read of anything else is refused like a typo.
READ_ACTIONS: dict[type[models.Model], AuditAction] = {
    Assessment: AuditAction.READ_ASSESSMENT,
    Case: AuditAction.READ_CASE,
    Intervention: AuditAction.READ_INTERVENTION,
    Note: AuditAction.READ_NOTE,
    Person: AuditAction.READ_PERSON,
    Referral: AuditAction.READ_REFERRAL,
}

# Pages that list rows of many cases: one read event per view, naming the cases shown.
LIST_READ_ACTIONS = frozenset(
    {
        AuditAction.READ_INBOX,
        AuditAction.READ_APPROVALS,
        AuditAction.READ_DEPARTED_WORK,
        AuditAction.READ_REASSIGNMENT,
        AuditAction.READ_AUDIT_TRAIL,
    }
)


# The address the current request came from (set by ``AuditAddressMiddleware``): reads
# and refusals name it, so the trail says who looked at whom from where.
_request_address: ContextVar[str] = ContextVar("audit_request_address", default="")


@contextmanager
def request_address(address: str) -> Iterator[None]:
    token = _request_address.set(address)
    try:
        yield
    finally:
        _request_address.reset(token)


def _from_address() -> dict[str, str]:
    address = _request_address.get()
    return {"address": address} if address else {}


def _read_event(*, actor, target: models.Model, case=None, classes=()) -> AuditEvent:
    action = READ_ACTIONS.get(target._meta.concrete_model)
    if action is None:
        raise ValueError(f"Reads of {target._meta.label} have no audit action.")
    return AuditEvent(
        actor=actor,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_label=_label(target),
        case=case,
        metadata={"classes": sorted(str(c) for c in classes), **_from_address()},
    )


def record_read(*, actor, target: models.Model, case=None, classes=()) -> AuditEvent:
    """A read of a case, person or note list, with the information classes shown."""
    event = _read_event(actor=actor, target=target, case=case, classes=classes)
    event.save()
    return event


def record_reads(*, actor, targets: list[models.Model], classes=()) -> list[AuditEvent]:
    """One read event per record of a page that shows several (one INSERT for all)."""
    return AuditEvent.objects.bulk_create(
        [_read_event(actor=actor, target=t, classes=classes) for t in targets]
    )


def record_list_read(
    *, actor, action: AuditAction, cases, classes=(), details: dict | None = None
) -> AuditEvent:
    """A read of a page listing rows of several cases (the inbox, the approvals queue,
    the audit trail): one event, on the reader, naming the cases shown and the
    information classes, with ``details`` of what was asked (a search's filters)."""
    if action not in LIST_READ_ACTIONS:
        raise ValueError(f"{action} is not a list read.")
    return record(
        actor=actor,
        action=action,
        target=actor,
        metadata={
            **(details or {}),
            "cases": sorted({c if isinstance(c, int) else c.pk for c in cases}),
            "classes": sorted(str(c) for c in classes),
            **_from_address(),
        },
    )


def record_denied(*, actor, target_type: str, target_id: str, path: str) -> AuditEvent:
    """A refused look-up (answered 404): who tried what."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=AuditAction.ACCESS_DENIED,
        target_type=target_type,
        target_id=str(target_id)[:40],
        metadata={"path": path[:300], **_from_address()},
    )


def record_untargeted(
    *, actor, action: AuditAction, target_type: str, target_id: str = "", metadata: dict
) -> AuditEvent:
    """An event about no stored record: a failed sign-in with a user name nobody has, a
    locked-out address, a refused burst of searches."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=AuditAction(action),
        target_type=target_type,
        target_id=str(target_id)[:40],
        metadata=metadata,
    )


def record_identity_search(*, actor, cnic: str, count: int | None, refused: bool) -> AuditEvent:
    """A caseload search by CNIC. The CNIC is kept only masked and as a keyed hash, so
    the trail can show that two searches were for the same number without holding it."""
    normalised = normalise_cnic(cnic)
    return AuditEvent.objects.create(
        actor=actor,
        action=AuditAction.SEARCH_IDENTITY,
        target_type="search",
        target_id=salted_hmac("casemgmt.search.identity", normalised).hexdigest()[:40],
        metadata={
            "cnic": "*****-*******-" + normalised[-1:],
            "count": count,
            "refused": refused,
        },
    )
