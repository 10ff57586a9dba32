"""Retention erasure: the end of a person's retention blanks what the inventory erases.

Every field the personal-data inventory marks ``ERASE`` is blanked on the person (and on
the records merged into them) and on every record that belongs to them (found through
each model's path to its person, ``audit_trail.personal_values.owner_paths``), and the
trail's copies of those values (``AuditPersonalValue``) are deleted. The events and
their seals stay as they are: they hold keyed hashes, so the chain still verifies, and
no erased value remains. ``KEEP`` fields (codes, dates, references to legal orders) and
the person's row stay: the record is de-identified, not removed. Before blanking, the
person's cases keep their district and age groups (``services.demographics``), so the
figures counted by them do not change.

``retention_apply`` (the daily job, ``manage.py apply_retention``) erases everyone whose
cases are all closed for longer than their programme's ``retention_years`` and none on
legal hold; ``person_erase`` is an administrator's erasure of one person by hand.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator

from django.apps import apps
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from casemgmt.audit_trail.personal_values import erased_fields, owner_paths
from casemgmt.errors import NotPermitted
from casemgmt.models import (
    AuditAction,
    AuditPersonalValue,
    Case,
    CaseStatus,
    Person,
    Programme,
    User,
)
from casemgmt.personal_data import PERSONAL_DATA
from casemgmt.roles import Role
from casemgmt.selectors.dashboard import stored as dashboard_figures
from casemgmt.services import audit
from casemgmt.services.demographics import cases_record_demographics


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


def _erase(person: Person, *, actor: User | None, reason: str, metadata: dict) -> dict[str, int]:
    """Blank what the inventory erases of ``person`` (locked by the caller's transaction)
    and the records merged into them, after copying onto their cases what figures count
    (``services.demographics``); one event with the counts per model (no values)."""
    person_ids = _merged_into(person)
    # The district and age groups stay on the cases, so figures do not change.
    cases_record_demographics(person_ids=person_ids)
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
    Person.objects.filter(pk__in=person_ids).update(retention_erased_at=timezone.now())
    dashboard_figures.access_changed("person erased")
    person.refresh_from_db()
    audit.record(
        actor=actor,
        action=AuditAction.RETENTION_ERASED,
        target=person,
        metadata={
            "reason": reason,
            "people": len(person_ids),
            "records": counts,
            "trail_values": values,
            **metadata,
        },
    )
    return counts


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
    return _erase(person, actor=by, reason=reason, metadata={})


# --- the programmes' retention, applied every day ---------------------------------------

RULE = "every case closed for longer than its programme keeps identities; none on legal hold"


def years_before(day: datetime.date, years: int) -> datetime.date:
    """``day`` ``years`` years earlier (29 February becomes the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _not_past_retention(today: datetime.date) -> Q:
    """Cases that keep their person: open, on legal hold, or closed more recently than
    their programme's retention allows (each programme its own)."""
    keeps = ~Q(status=CaseStatus.CLOSED) | Q(on_legal_hold=True) | Q(closed_on__isnull=True)
    for programme_id, years in Programme.objects.values_list("pk", "retention_years"):
        keeps |= Q(programme_id=programme_id, closed_on__gt=years_before(today, years))
    return keeps


def people_due_for_erasure(*, today: datetime.date | None = None) -> QuerySet[Person]:
    """People (not merged away, not erased yet) who have cases, all of them closed for
    longer than their programme's retention, and none on legal hold: a hold, an open case
    or a recent closure in any programme keeps the person. People without a case are never
    due (their retention has not started)."""
    today = today or timezone.localdate()
    cases = Case.objects.filter(person=OuterRef("pk"))
    return (
        Person.objects.current()
        .filter(retention_erased_at__isnull=True)
        .filter(Exists(cases))
        .exclude(Exists(cases.filter(_not_past_retention(today))))
        .order_by("pk")
    )


def _case_facts(person: Person) -> list[dict]:
    return [
        {"case": reference, "programme": code, "closed_on": closed.isoformat(), "years": years}
        for reference, code, closed, years in Case.objects.filter(person=person)
        .order_by("pk")
        .values_list("reference", "programme__code", "closed_on", "programme__retention_years")
    ]


@transaction.atomic
def _erase_if_due(person: Person, today: datetime.date) -> bool:
    # Lock the person, then their cases (the order a correction takes: person, then the
    # cases' attributes; a hold is set under its case's lock, services.legal_hold), then
    # ask again: a hold set or a case reopened meanwhile keeps them.
    person = Person.objects.select_for_update().get(pk=person.pk)
    list(Case.objects.select_for_update().filter(person=person).order_by("pk").values("pk"))
    if not people_due_for_erasure(today=today).filter(pk=person.pk).exists():
        return False
    _erase(
        person,
        actor=None,  # the system: the daily job, or an operator's apply_retention
        reason=_("Retention ended: %s.") % RULE,
        metadata={"rule": "apply_retention", "cases": _case_facts(person)},
    )
    return True


def retention_apply(
    *,
    today: datetime.date | None = None,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> list[Person]:
    """Erase every person ``people_due_for_erasure`` names, each in its own transaction
    with its ``retention.erased`` event (actor: none, the system); ``dry_run`` only lists
    them. Idempotent: an erased person is never due again. Returns the people erased (or,
    in a dry run, who would be)."""
    today = today or timezone.localdate()
    due = list(people_due_for_erasure(today=today))
    if dry_run:
        return due
    erased = []
    for person in due:
        if _erase_if_due(person, today):
            erased.append(person)
        if progress:
            progress(1)
    return erased
