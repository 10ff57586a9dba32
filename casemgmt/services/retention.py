"""Retention erasure: the end of a person's retention blanks what the inventory erases.

Every field the personal-data inventory marks ``ERASE`` is blanked on the person (and on
the records merged into them) and on every record that belongs to them (found through
each model's path to its person, ``audit_trail.personal_values.owner_paths``), and the
trail's copies of those values (``AuditPersonalValue``) are deleted. The events and
their seals stay as they are: they hold keyed hashes, so the chain still verifies, and
no erased value remains. ``KEEP`` fields (codes, dates, references to legal orders) and
the person's row stay: the record is de-identified, not removed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.apps import apps
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from casemgmt.audit_trail.personal_values import erased_fields, owner_paths
from casemgmt.errors import NotPermitted
from casemgmt.models import AuditAction, AuditPersonalValue, Case, Person, User
from casemgmt.personal_data import PERSONAL_DATA
from casemgmt.roles import Role
from casemgmt.services import audit


def erasable_models() -> Iterator[type[models.Model]]:
    """Every model with a field retention erases, in the inventory's order."""
    seen = []
    for key in PERSONAL_DATA:
        model = apps.get_model(key.rsplit(".", 1)[0])
        if model not in seen and erased_fields(model):
            seen.append(model)
            yield model


def owned_by(model, person_ids: list[int]) -> Q:
    """Rows of ``model`` that belong to one of ``person_ids`` (by any of its paths)."""
    found = Q(pk__in=[])
    for path in owner_paths(model):
        lookup = "__".join(path) if path else "pk"
        found |= Q(**{f"{lookup}__in": person_ids})
    return found


def _merged_into(person: Person) -> list[int]:
    """The person and every record merged into them (the same human), at any depth."""
    ids, frontier = [person.pk], [person.pk]
    while frontier:
        frontier = list(
            Person.objects.filter(merged_into__in=frontier)
            .exclude(pk__in=ids)
            .values_list("pk", flat=True)
        )
        ids += frontier
    return ids


def _may_erase(user: User) -> bool:
    return bool(user.is_superuser or user.role == Role.ADMINISTRATOR)


def _blank(model, rows) -> int:
    blanks, dates = {}, []
    for name in erased_fields(model):
        field = model._meta.get_field(name)
        if isinstance(field, models.DateField) and not field.null:
            dates.append(field)
        else:
            default = field.get_default()
            blanks[name] = None if field.null else (default if default is not None else "")
    count = rows.update(**blanks) if blanks else rows.count()
    for field in dates:
        # A required date keeps its year only (1 January): age bands survive, the day not.
        for pk, value in rows.values_list("pk", field.name):
            if value is not None:
                model.objects.filter(pk=pk).update(**{field.name: datetime.date(value.year, 1, 1)})
    return count


@transaction.atomic
def person_erase(*, person: Person, by: User, reason: str) -> dict[str, int]:
    """Erase ``person``'s personal data at the end of its retention; administrators only.

    Blanks every ``ERASE`` field on the person, the records merged into them and every
    record of theirs; deletes the trail's copies of those values; records one event
    with the counts per model (no values). Returns those counts."""
    if not _may_erase(by):
        raise NotPermitted(_("Only an administrator may erase a person's data."))
    reason = reason.strip()
    if not reason:
        raise ValueError(_("Say why the data is erased (the retention rule applied)."))
    person = Person.objects.select_for_update().get(pk=person.pk)
    person_ids = _merged_into(person)
    counts: dict[str, int] = {}
    for model in erasable_models():
        rows = model._base_manager.filter(owned_by(model, person_ids))
        count = _blank(model, rows)
        if count:
            counts[model._meta.label] = count
    case_ids = list(Case.objects.filter(person__in=person_ids).values_list("pk", flat=True))
    values, _deleted = AuditPersonalValue.objects.filter(
        Q(person_id__in=person_ids) | Q(case_id__in=case_ids)
    ).delete()
    person.refresh_from_db()
    audit.record(
        actor=by,
        action=AuditAction.RETENTION_ERASED,
        target=person,
        metadata={
            "reason": reason,
            "people": len(person_ids),
            "records": counts,
            "trail_values": values,
        },
    )
    return counts
