"""The personal-data inventory: every field that holds personal data, with its information
class and what retention does to it. Declared once, here.

"Personal" means about a registered person (``Person``) or about someone named in their
records (a witness, guarantor, guardian, review attendee, facilitator). Staff accounts and
configuration are listed in ``NOT_PERSONAL``, each with why; the audit trail's columns,
which copy the fields below, in ``COPIES``.

- **Class**: the access policy's own, never a second one (``field_classes.py``). A person's
  or case's field takes its class from ``PERSON_FIELD_CLASSES`` / ``CASE_FIELD_CLASSES``;
  a record's field the class of its kind (``RECORD_CLASSES``); a field whose class depends
  on its row (a note's body on its category, a session's note on its intervention's kind,
  an escalation's details on its trigger, a rating on its domain) names that rule
  (``RowClass``) over the policy's own mapping.
- **Retention**: ``ERASE`` blanks the value when the person's data reaches the end of its
  retention; ``KEEP`` leaves it on the de-identified record (codes and dates that oversight
  figures count, references to legal orders). Free text and names are always erased.
- **The audit trail** never copies a value whose class is in ``NEVER_IN_TRAIL`` (clinical,
  security): only the fact and the field name (``services/audit.py`` asks
  ``trail_withholds``; ``docs/auditor.md`` lists the fields).

``tests/test_personal_data_inventory.py`` fails on a text, date or JSON field of a model
that is in none of the three lists, and on a name here that is no field.
"""

from __future__ import annotations

from casemgmt.info_classes import InfoClass
from casemgmt.personal_data.inventory import PERSONAL_DATA
from casemgmt.personal_data.not_personal import COPIES, NOT_PERSONAL
from casemgmt.personal_data.types import PersonalField, Retention, RowClass

__all__ = [
    "COPIES",
    "NEVER_IN_TRAIL",
    "NOT_PERSONAL",
    "PERSONAL_DATA",
    "PersonalField",
    "Retention",
    "RowClass",
    "entry",
    "never_in_trail",
    "trail_withholds",
    "withheld_names",
]

# Values of these classes are never copied into the audit trail: only the fact and the name.
NEVER_IN_TRAIL = frozenset({InfoClass.CLINICAL, InfoClass.SECURITY})


def _key(model) -> str:
    return model._meta.concrete_model._meta.label


def entry(model, name: str) -> PersonalField | None:
    """The inventory's entry for field ``name`` of ``model`` (a class or a row), if any."""
    return PERSONAL_DATA.get(f"{_key(model)}.{name}")


def never_in_trail() -> dict[str, PersonalField]:
    """Every field whose value the audit trail withholds, on every row or on some."""
    return {key: f for key, f in PERSONAL_DATA.items() if f.classes & NEVER_IN_TRAIL}


_NEVER_IN_TRAIL = never_in_trail()


def _by_model(keys) -> dict[str, tuple[str, ...]]:
    names: dict[str, tuple[str, ...]] = {}
    for key in keys:
        label, name = key.rsplit(".", 1)
        names[label] = (*names.get(label, ()), name)
    return names


_WITHHELD_BY_MODEL = _by_model(_NEVER_IN_TRAIL)


def withheld_names(model) -> tuple[str, ...]:
    """The fields of ``model`` the trail may withhold (none, for most models)."""
    return _WITHHELD_BY_MODEL.get(_key(model), ())


def trail_withholds(model, name: str, row=None) -> InfoClass | None:
    """The class (clinical or security) for which the audit trail withholds the value of
    field ``name`` of ``model`` on ``row``; None when the trail may copy it. Without the
    row, or when the row does not tell, a field that may be withheld is (fail closed)."""
    field = _NEVER_IN_TRAIL.get(f"{_key(model)}.{name}")
    if field is None:
        return None
    found = field.class_on(row) if row is not None else None
    if found is None:
        return min(field.classes & NEVER_IN_TRAIL)
    return found if found in NEVER_IN_TRAIL else None
