"""Personal values in the trail: held as a keyed hash, the value in a side table.

An event never holds a value the inventory says retention erases (``Retention.ERASE``:
names, free text, identity and location values that are not codes). In its place it
holds a marker, ``{"personal": "<digest>", "class": "<information class>"}``; the value
is an ``AuditPersonalValue`` row under that digest, written in the same transaction.
The chain hashes the event as stored (with the digest), so retention deletes the side
rows and the chain still verifies. The digest is an HMAC keyed by the settings' secret
over the person, the field and the value: without the key, nobody can test a guess
against it, and the same value of two people has two rows.

Readers resolve markers through ``PersonalValues`` (one query for a whole page).
Values already withheld (``{"redacted": ...}``: clinical, security) stay withheld.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.crypto import salted_hmac

from casemgmt import personal_data
from casemgmt.info_classes import InfoClass
from casemgmt.models import AuditAction, AuditPersonalValue, Case, Person
from casemgmt.personal_data import PersonalField, Retention

DIGEST_SALT = "casemgmt.audit.personal_value"
MARKER = "personal"

# --- whose data a row is ----------------------------------------------------------


def _forward_links(model) -> list[models.ForeignKey]:
    return [f for f in model._meta.concrete_fields if f.many_to_one and f.related_model]


@functools.cache
def owner_paths(model) -> tuple[tuple[str, ...], ...]:
    """The paths from a row of ``model`` to the ``Person`` it is about, derived from its
    foreign keys: a person is their own; a case leads to its person; a record to its case
    or its parent record (a session to its intervention, a rating to its assessment).
    Several paths when several people may own it (a merge names two, a held
    registration the person it corrects or was linked to); empty when none."""
    model = model._meta.concrete_model
    if model is Person:
        return ((),)
    return _owner_paths(model, frozenset())


def _owner_paths(model, seen: frozenset) -> tuple[tuple[str, ...], ...]:
    if model is Person:
        return ((),)
    if model in seen:
        return ()
    paths: list[tuple[str, ...]] = []
    for link in _forward_links(model):
        related = link.related_model
        if related is Person or related is Case or _is_personal(related):
            paths += [(link.name, *rest) for rest in _owner_paths(related, seen | {model})]
    return tuple(paths)


def _is_personal(model) -> bool:
    label = model._meta.concrete_model._meta.label
    return any(key.startswith(f"{label}.") for key in personal_data.PERSONAL_DATA)


def _follow(row, path: tuple[str, ...]) -> int | None:
    """The person id at the end of ``path`` from ``row`` (the last step by its id column,
    so no query for the person itself)."""
    if not path:
        return row.pk
    value = row
    for name in path[:-1]:
        value = getattr(value, name, None)
        if value is None:
            return None
    return getattr(value, f"{path[-1]}_id", None)


def owner_of(row) -> int | None:
    """The id of the person ``row`` is about (the first path that leads to one)."""
    for path in owner_paths(row._meta.concrete_model):
        found = _follow(row, path)
        if found is not None:
            return found
    return None


# --- what is personal -------------------------------------------------------------

# Metadata keys that carry a value of an inventoried field, declared once per action:
# "key" or "key.*.subkey" (in a list of objects) → the inventory's field, or its own
# declaration for a value kept nowhere but in the trail. Every other key holds codes,
# ids, references or staff's own facts (a role grant's or a factor reset's reason).
TEAM_LEAVING_REASON = PersonalField(
    InfoClass.CASE, Retention.ERASE, "why an agency left the case's team: free text"
)
_MOVE_REASON = {"reason": "casemgmt.StageTransition.reason"}
_DECISION_REASON = {"reason": "casemgmt.StageTransition.decision_reason"}
PERSONAL_METADATA: dict[AuditAction, dict[str, str | PersonalField]] = {
    AuditAction.CASE_TRANSITION_REQUESTED: _MOVE_REASON,
    AuditAction.CASE_TRANSITION_APPLIED: _MOVE_REASON,
    AuditAction.CASE_TRANSITION_APPROVED: _DECISION_REASON,
    AuditAction.CASE_TRANSITION_REJECTED: _DECISION_REASON,
    AuditAction.CASE_TRANSITION_WITHDRAWN: _DECISION_REASON,
    AuditAction.CASE_CLASSIFIED: {"reason": "casemgmt.ClassificationChange.reason"},
    AuditAction.CASE_TEAM_REMOVED: {"reason": TEAM_LEAVING_REASON},
    AuditAction.PLACEMENT_TRANSFERRED: {"reason": "casemgmt.Placement.start_reason"},
    AuditAction.ACCESS_BREAK_GLASS: {"reason": "casemgmt.BreakGlassGrant.reason"},
    AuditAction.REFERRAL_DECLINED: {"reason": "casemgmt.Referral.response_note"},
    AuditAction.SHARING_ENDED: {"reason": "casemgmt.SharingConsent.end_reason"},
    AuditAction.PERSON_CORRECTED: {"reason": "casemgmt.HeldRegistration.correction_reason"},
    AuditAction.PERSON_CORRECTION_APPLIED: {
        "reason": "casemgmt.HeldRegistration.correction_reason"
    },
    AuditAction.EVIDENCE_REVIEW_RECORDED: {
        "positions.*.dissent": "casemgmt.ReviewPosition.dissent",
        "positions.*.attended_by": "casemgmt.ReviewPosition.attended_by",
        "attendees.*.name": "casemgmt.ReviewAttendee.name",
        "actions.*.description": "casemgmt.ReviewAction.description",
    },
}


def _erased_entry(model, name: str) -> PersonalField | None:
    found = personal_data.entry(model, name)
    return found if found is not None and found.retention == Retention.ERASE else None


def erased_fields(model) -> tuple[str, ...]:
    """The fields of ``model`` that retention erases (and the trail holds only hashed)."""
    label = model._meta.concrete_model._meta.label
    return tuple(
        key.rsplit(".", 1)[1]
        for key, found in personal_data.PERSONAL_DATA.items()
        if key.rsplit(".", 1)[0] == label and found.retention == Retention.ERASE
    )


def _class_of(found: PersonalField, row) -> InfoClass:
    on_row = found.class_on(row) if row is not None else None
    return on_row or min(found.classes)


def digest(person_id: int | None, key: str, value: Any) -> str:
    """The keyed hash that stands for ``value`` of field ``key`` of person ``person_id``."""
    canonical = json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, cls=DjangoJSONEncoder
    )
    message = f"{person_id or ''}\n{key}\n{canonical}"
    return salted_hmac(DIGEST_SALT, message, algorithm="sha256").hexdigest()


def is_marker(value: Any) -> bool:
    return isinstance(value, dict) and MARKER in value


def _is_empty_or_withheld(value: Any) -> bool:
    # An empty field says nothing; a marker (personal or redacted) is one already.
    return (
        value is None
        or value == ""
        or value == []
        or (isinstance(value, dict) and ("redacted" in value or MARKER in value))
    )


class Concealer:
    """Replaces personal values of one event by markers, and keeps the side rows to write."""

    def __init__(self, *, person_id: int | None = None, case_id: int | None, owner=None):
        self._person_id = person_id
        self._owner = owner  # a row whose person is looked up only when a value needs it
        self.case_id = case_id
        self.rows: dict[str, AuditPersonalValue] = {}

    @property
    def person_id(self) -> int | None:
        if self._owner is not None:
            self._person_id, self._owner = owner_of(self._owner), None
        return self._person_id

    def conceal(self, key: str, found: PersonalField, value: Any, row=None) -> Any:
        if _is_empty_or_withheld(value):
            return value
        info_class = _class_of(found, row)
        hashed = digest(self.person_id, key, value)
        self.rows[hashed] = AuditPersonalValue(
            digest=hashed,
            person_id=self.person_id,
            case_id=self.case_id,
            info_class=str(info_class),
            value=value,
        )
        return {MARKER: hashed, "class": str(info_class)}

    def changes(self, model, changes: dict[str, Any], row=None) -> dict[str, Any]:
        """``changes`` ({field: [old, new]} or {field: value}) with erased fields' values
        replaced by markers."""
        label = model._meta.concrete_model._meta.label
        out = dict(changes)
        for name, value in changes.items():
            found = _erased_entry(model, name)
            if found is None:
                continue
            key = f"{label}.{name}"
            if isinstance(value, list | tuple):  # [old, new], as ``services.audit.withhold``
                out[name] = [self.conceal(key, found, v, row) for v in value]
            else:
                out[name] = self.conceal(key, found, value, row)
        return out

    def metadata(self, action: str, metadata: dict[str, Any], row=None) -> dict[str, Any]:
        declared = PERSONAL_METADATA.get(action)
        if not declared:
            return metadata
        out = json.loads(json.dumps(metadata, cls=DjangoJSONEncoder))
        for path, field_key in declared.items():
            if isinstance(field_key, PersonalField):
                found, key = field_key, f"{action}.{path}"
            else:
                found, key = personal_data.PERSONAL_DATA[field_key], field_key
            for holder, name in _slots(out, path.split(".")):
                holder[name] = self.conceal(key, found, holder[name], None)
        return out

    def save(self) -> None:
        """Write the side rows (a value already there, same person and field, is kept)."""
        if self.rows:
            AuditPersonalValue.objects.bulk_create(self.rows.values(), ignore_conflicts=True)


def _slots(data: Any, steps: list[str]) -> Iterator[tuple[dict, str]]:
    """(holder, key) of every value at ``steps`` ("*" walks a list)."""
    if not steps or not isinstance(data, dict | list):
        return
    step, rest = steps[0], steps[1:]
    if step == "*":
        for item in data if isinstance(data, list) else []:
            yield from _slots(item, rest)
    elif isinstance(data, dict) and step in data:
        if rest:
            yield from _slots(data[step], rest)
        else:
            yield data, step


def concealer_for(target: models.Model, case=None) -> Concealer:
    case_id = getattr(case, "pk", case)
    if case_id is None and isinstance(target, Case):
        case_id = target.pk
    return Concealer(owner=target, case_id=case_id)


# --- reading ----------------------------------------------------------------------


@dataclass(frozen=True)
class Resolved:
    """A marker as a reader gets it: the value, or why not (``state``)."""

    state: str  # "shown", "erased" (retention deleted it), "hidden" (not this reader's)
    value: Any = None


def markers_in(data: Any) -> Iterator[dict]:
    if is_marker(data):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from markers_in(value)
    elif isinstance(data, list):
        for value in data:
            yield from markers_in(value)


class PersonalValues:
    """The values behind the markers of some events: one query for all of them (none
    when the events hold no marker)."""

    def __init__(self, events: Iterable):
        digests = {
            m[MARKER]
            for event in events
            for part in (event.changes, event.metadata)
            for m in markers_in(part or {})
        }
        self.values: dict[str, Any] = (
            dict(
                AuditPersonalValue.objects.filter(digest__in=digests).values_list("digest", "value")
            )
            if digests
            else {}
        )

    def resolve(self, marker: dict, readable_classes: Iterable[str] | None = None) -> Resolved:
        """``marker``'s value for a reader of ``readable_classes`` (None: already checked)."""
        if readable_classes is not None and marker.get("class") not in {
            str(c) for c in readable_classes
        }:
            return Resolved("hidden")
        if marker[MARKER] not in self.values:
            return Resolved("erased")
        return Resolved("shown", self.values[marker[MARKER]])

    def plain(self, value: Any, readable_classes: Iterable[str] | None = None) -> Any:
        """``value`` with its markers replaced by what they stand for, where the reader
        may read it; else by None (for readers that show values, not why)."""
        if is_marker(value):
            found = self.resolve(value, readable_classes)
            return found.value if found.state == "shown" else None
        if isinstance(value, list):
            return [self.plain(v, readable_classes) for v in value]
        if isinstance(value, dict):
            return {k: self.plain(v, readable_classes) for k, v in value.items()}
        return value


def model_of(target_type: str):
    try:
        return apps.get_model(target_type)
    except (LookupError, ValueError):
        return None


# --- events written before this form (the data migration) --------------------------


def _real_model(target_type: str):
    return model_of(target_type)


def conceal_stored(event, row) -> tuple[dict, dict, str, list[AuditPersonalValue]]:
    """An event written in the clear, in this form: (changes, metadata, target_label,
    side rows). ``row`` is its target as the database holds it now (any model class
    with the same fields, e.g. a migration's), or None when it is gone; without it, a
    value's class is the first its field may have and the label is the kind and id."""
    model = _real_model(event.target_type)
    person_id = None
    if model is not None and row is not None:
        for path in owner_paths(model):
            person_id = _follow(row, path)
            if person_id is not None:
                break
    concealer = Concealer(person_id=person_id, case_id=event.case_id)
    changes = concealer.changes(model, event.changes or {}, row) if model else event.changes
    metadata = concealer.metadata(event.action, event.metadata or {})
    label = event.target_label
    if model is not None and label:
        if model is Person:
            label = getattr(row, "reference", "") or f"person {event.target_id}"
        elif row is None or _label_shows(model, row, label):
            label = f"{model._meta.model_name} {event.target_id}"
    return changes, metadata, label, list(concealer.rows.values())


def _label_shows(model, row, label: str) -> bool:
    if any(link.related_model is Person for link in _forward_links(model)):
        return True  # named after people (a merge): their names may be in it
    for name in erased_fields(model):
        value = getattr(row, name, None)
        if isinstance(value, list | dict) or value in (None, ""):
            continue
        shown = str(value)
        if len(shown) >= 3 and (shown in label or (len(shown) > 12 and shown[:12] in label)):
            return True
    return False
