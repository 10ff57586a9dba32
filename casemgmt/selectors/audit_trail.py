"""The audit trail as auditors (and supervisors, for their programmes) read it.

Everything starts from ``access.trail_events_filter``: what a user may not read is not
counted, filtered on or hinted at. Within it, an event's content (its old and new
values, a move's reason, a record's label) shows only when the user may open the case,
and each value only when they may read its information class; a value the trail never
held (clinical, security) says so. Pages are keyset-paged on the sequence number
(newest first), so a page costs the same at a million events as at a hundred.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.db.models import CharField, F, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from casemgmt import access, juvenile_access, personal_data
from casemgmt.audit_trail.groups import ACTIONS_BY_GROUP, ActionGroup, group_of
from casemgmt.audit_trail.personal_values import PersonalValues, is_marker
from casemgmt.field_classes import CASE_FIELD_CLASSES, PERSON_FIELD_CLASSES
from casemgmt.info_classes import InfoClass
from casemgmt.models import AuditAction, AuditEvent, BreakGlassGrant, Case, Person
from casemgmt.record_kinds import RECORD_KINDS

PAGE_SIZE = 50


@dataclass(frozen=True)
class TrailFilters:
    case: str = ""
    person: str = ""
    user: str = ""
    agency: int | None = None
    group: str = ""
    info_class: str = ""
    since: datetime.date | None = None
    until: datetime.date | None = None


@dataclass(frozen=True)
class ChangeLine:
    field: str
    before: str
    after: str
    shown: bool  # False: the values are not for this reader (``before`` says why)


@dataclass
class TrailRow:
    event: AuditEvent
    group: ActionGroup
    target: str
    content_visible: bool
    changes: list[ChangeLine] = field(default_factory=list)
    details: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class TrailPage:
    rows: list[TrailRow]
    next_before: int | None


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _reads_showing(info_class: str) -> Q:
    """Reads whose recorded classes include ``info_class`` (a JSON list in metadata)."""
    if connection.vendor == "postgresql":
        return Q(metadata__classes__contains=[info_class])
    # SQLite has no JSON containment lookup: the list is short and stored as text.
    return Q(metadata__classes__icontains=f'"{info_class}"')


def _kind_model(kind):
    return apps.get_model(kind.model) if isinstance(kind.model, str) else kind.model


def _target_types_of(info_class: str) -> list[str]:
    """Records whose kind is of ``info_class`` (case, person fields count as their own)."""
    types = [
        _kind_model(kind)._meta.label_lower
        for kind in RECORD_KINDS.values()
        if kind.info_class == info_class
    ]
    if info_class == InfoClass.CASE:
        types.append(Case._meta.label_lower)
    if info_class == InfoClass.IDENTITY:
        types.append(Person._meta.label_lower)
    return types


def trail_events(user, filters: TrailFilters) -> QuerySet:
    """The events ``user`` may read that match ``filters``, newest first."""
    events = AuditEvent.objects.filter(access.trail_events_filter(user))
    if filters.case:
        events = events.filter(case__reference=filters.case)
    if filters.person:
        people = Person.objects.filter(reference=filters.person).values("pk")
        person_ids = [str(pk) for pk in people.values_list("pk", flat=True)]
        events = events.filter(
            Q(case__person__in=people)
            | Q(target_type=Person._meta.label_lower, target_id__in=person_ids)
        )
    if filters.user:
        events = events.filter(actor__username=filters.user)
    if filters.agency:
        events = events.filter(actor__agency_id=filters.agency)
    if filters.group:
        events = events.filter(action__in=ACTIONS_BY_GROUP[ActionGroup(filters.group)])
    if filters.info_class:
        events = events.filter(
            _reads_showing(filters.info_class)
            | Q(target_type__in=_target_types_of(filters.info_class))
        )
    if filters.since:
        events = events.filter(at__gte=_day_start(filters.since))
    if filters.until:
        events = events.filter(at__lt=_day_start(filters.until + datetime.timedelta(days=1)))
    return events.order_by("-id")


def trail_page(user, events: QuerySet, before: int | None = None) -> TrailPage:
    """One page of ``events`` (already scoped), older than sequence number ``before``."""
    if before is not None:
        events = events.filter(id__lt=before)
    page = list(events.select_related("actor", "actor__agency", "case")[: PAGE_SIZE + 1])
    more = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]
    return TrailPage(
        rows=describe_events(user, page),
        next_before=page[-1].id if more and page else None,
    )


# --- describing events for a reader ------------------------------------------------


def _model(target_type: str):
    try:
        return apps.get_model(target_type)
    except (LookupError, ValueError):
        return None


_KIND_CLASS = {_kind_model(kind): kind.info_class for kind in RECORD_KINDS.values()}


def field_class(model, name: str) -> frozenset[InfoClass]:
    """The classes a reader needs to see field ``name`` of ``model`` in the trail."""
    if model is Person and name in PERSON_FIELD_CLASSES:
        return frozenset({PERSON_FIELD_CLASSES[name]})
    if model is Case and name in CASE_FIELD_CLASSES:
        return frozenset({CASE_FIELD_CLASSES[name]})
    entry = personal_data.entry(model, name) if model is not None else None
    if entry is not None:
        # A class that depends on the row: the reader must read every class it may be.
        return entry.classes
    return frozenset({_KIND_CLASS.get(model, InfoClass.CASE)})


def _label(model, name: str) -> str:
    if model is None:
        return name
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name.replace("_", " ")


def _plain(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_plain(v)}" for k, v in value.items())
    return str(value)


class _Names:
    """Names for the ids in a page's changes (a stage, an agency, a user), one query per
    related model, so an old → new of a foreign key reads in words."""

    def __init__(self, events: list[AuditEvent]):
        wanted: dict[Any, set] = defaultdict(set)
        for event in events:
            model = _model(event.target_type)
            for name, pair in (event.changes or {}).items():
                related = self._related(model, name)
                if related is not None and isinstance(pair, list):
                    wanted[related] |= {v for v in pair if isinstance(v, int)}
        self.names = {
            related: {
                obj.pk: getattr(obj, "display_name", "") or str(obj)
                for obj in related.objects.filter(pk__in=ids)
            }
            for related, ids in wanted.items()
            if related not in (Person, Case)  # a person's name is identity, not shown here
        }

    @staticmethod
    def _related(model, name):
        if model is None:
            return None
        try:
            found = model._meta.get_field(name)
        except FieldDoesNotExist:
            return None
        return found.related_model if found.is_relation and found.many_to_one else None

    def word(self, model, name: str, value: Any) -> str:
        related = self._related(model, name)
        if related is not None and isinstance(value, int):
            return self.names.get(related, {}).get(value, f"#{value}")
        return _plain(value)


def _personal(values: PersonalValues, marker: dict, classes) -> tuple[bool, str | Any]:
    """(shown, value or why not) of a personal value's marker for a reader of ``classes``."""
    found = values.resolve(marker, classes)
    if found.state == "hidden":
        return False, _("not shown to your role")
    if found.state == "erased":
        return True, _("erased (retention)")
    return True, found.value


def _change_lines(user, row: TrailRow, names: _Names, values: PersonalValues) -> list[ChangeLine]:
    model = _model(row.event.target_type)
    classes = access.info_classes(user)
    lines = []
    for name, pair in sorted((row.event.changes or {}).items()):
        label = _label(model, name)
        before, after = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        withheld = next(
            (v["redacted"] for v in (before, after) if isinstance(v, dict) and "redacted" in v),
            None,
        )
        if withheld:
            why = _("not kept in the trail (%(class)s)") % {"class": InfoClass(withheld).label}
            lines.append(ChangeLine(label, why, "", shown=False))
        elif not row.content_visible:
            lines.append(ChangeLine(label, _("content not shown (restricted case)"), "", False))
        elif not field_class(model, name) <= classes:
            lines.append(ChangeLine(label, _("not shown to your role"), "", shown=False))
        else:
            shown = [
                _personal(values, v, classes)
                if is_marker(v)
                else (True, names.word(model, name, v))
                for v in (before, after)
            ]
            if all(ok for ok, _word in shown):
                lines.append(ChangeLine(label, str(shown[0][1]), str(shown[1][1]), shown=True))
            else:
                lines.append(ChangeLine(label, _("not shown to your role"), "", shown=False))
    return lines


# The classes a reader needs to see an event's stated reason: the class of the record
# it explains. An action not listed keeps its reason hidden (fail closed).
_MOVE_REASON = frozenset({InfoClass.LEGAL, InfoClass.RISK})
REASON_CLASSES: dict[str, frozenset[InfoClass]] = {
    **{action: _MOVE_REASON for action in ACTIONS_BY_GROUP[ActionGroup.MOVES]},
    AuditAction.PLACEMENT_TRANSFERRED: frozenset({InfoClass.LOCATION}),
    AuditAction.PERSON_CORRECTED: frozenset({InfoClass.IDENTITY}),
    AuditAction.PERSON_CORRECTION_APPLIED: frozenset({InfoClass.IDENTITY}),
}


def _details(user, row: TrailRow, values: PersonalValues) -> list[tuple[str, str]]:
    """Facts of the action: the classes a read showed and where from (never content);
    the stages and the stated reason only with the content, to a reader of its class."""
    metadata = row.event.metadata or {}
    details = []
    if metadata.get("classes"):
        shown = ", ".join(
            str(InfoClass(c).label) for c in metadata["classes"] if c in InfoClass.values
        )
        details.append((_("Information shown"), shown))
    if metadata.get("address"):
        details.append((_("From address"), str(metadata["address"])))
    if metadata.get("path"):
        details.append((_("Page asked for"), str(metadata["path"])))
    if not row.content_visible:
        return details
    if "from" in metadata and "to" in metadata:
        details.append((_("Stages"), f"{metadata['from']} → {metadata['to']}"))
    needs = REASON_CLASSES.get(row.event.action)
    if metadata.get("reason") and needs and needs <= access.info_classes(user):
        reason = metadata["reason"]
        if is_marker(reason):  # a keyed hash: the value, or why it is not shown
            reason = _personal(values, reason, access.info_classes(user))[1]
        details.append((_("Reason"), _plain(reason)))
    return details


def _targets(events: list[AuditEvent]) -> dict[str, str]:
    """Person references for events about people (their labels hold names: identity)."""
    ids = {e.target_id for e in events if e.target_type == Person._meta.label_lower}
    return {
        str(pk): ref
        for pk, ref in Person.objects.filter(pk__in=[i for i in ids if i.isdigit()]).values_list(
            "pk", "reference"
        )
    }


def _label_shown(target_type: str) -> bool:
    """A target's stored label names no one: it is not a record of personal data (a
    note's or notification's label would quote its text)."""
    model = _model(target_type)
    return model is not None and model._meta.label not in _PERSONAL_MODELS


_PERSONAL_MODELS = {key.rsplit(".", 1)[0] for key in personal_data.PERSONAL_DATA}


def describe_events(user, events: list[AuditEvent]) -> list[TrailRow]:
    visible = access.content_visible_cases(user, {e.case_id for e in events if e.case_id})
    person_type = Person._meta.label_lower
    about = {
        int(e.target_id) for e in events if e.target_type == person_type and e.target_id.isdigit()
    }
    visible_people = access.content_visible_people(user, about) if about else set()
    people = _targets(events)
    names = _Names(events)
    values = PersonalValues(events)  # one query for every personal value on the page
    rows = []
    for event in events:
        if event.target_type == person_type:
            target = people.get(event.target_id, _("a person record"))
            content = event.target_id.isdigit() and int(event.target_id) in visible_people
        else:
            if event.case_id:
                target = event.case.reference
            elif event.target_label and _label_shown(event.target_type):
                target = event.target_label
            else:
                target = f"{event.target_type.removeprefix('casemgmt.')} {event.target_id}".strip()
            content = event.case_id is None or event.case_id in visible
        row = TrailRow(
            event=event, group=group_of(event.action), target=target, content_visible=content
        )
        row.changes = _change_lines(user, row, names, values)
        row.details = _details(user, row, values)
        rows.append(row)
    return rows


# --- the views on one case, one person, emergency access ----------------------------


def trail_case_or_none(user, reference: str) -> Case | None:
    return Case.objects.filter(access.trail_cases_filter(user), reference=reference).first()


def trail_person_or_none(user, reference: str) -> Person | None:
    cases = Case.objects.filter(access.trail_cases_filter(user))
    return Person.objects.filter(reference=reference, cases__in=cases).distinct().first()


def reads_of_person(user, person: Person) -> QuerySet:
    """Every read of ``person``'s record or of their cases' pages that ``user`` may see."""
    from casemgmt.audit_trail.groups import ACTIONS_BY_GROUP

    reads = ACTIONS_BY_GROUP[ActionGroup.READS]
    return (
        AuditEvent.objects.filter(access.trail_events_filter(user), action__in=reads)
        .filter(
            Q(case__person=person)
            | Q(target_type=Person._meta.label_lower, target_id=str(person.pk))
        )
        .order_by("-id")
    )


@dataclass
class EmergencyUse:
    grant: BreakGlassGrant
    opened: list[AuditEvent]
    reason_visible: bool  # a restricted or juvenile case's reason stays with its content


def emergency_uses(user, limit: int = 50) -> list[EmergencyUse]:
    """Emergency-access grants on cases in ``user``'s trail, newest first, each with what
    its holder opened on the case while it lasted (one query for all of them)."""
    grants = list(
        BreakGlassGrant.objects.filter(
            case__in=Case.objects.filter(access.trail_cases_filter(user))
        )
        .select_related("user", "user__agency", "case")
        .order_by("-granted_at")[:limit]
    )
    if not grants:
        return []
    during = Q(pk__in=[])
    for grant in grants:
        during |= Q(
            actor_id=grant.user_id,
            case_id=grant.case_id,
            at__gte=grant.granted_at,
            at__lte=grant.expires_at,
        )
    events = AuditEvent.objects.filter(during).order_by("id")
    opened: dict[int, list[AuditEvent]] = defaultdict(list)
    for event in events:
        for grant in grants:
            if (
                event.actor_id == grant.user_id
                and event.case_id == grant.case_id
                and grant.granted_at <= event.at <= grant.expires_at
            ):
                opened[grant.pk].append(event)
    visible = access.content_visible_cases(user, {g.case_id for g in grants})
    return [
        EmergencyUse(grant=g, opened=opened[g.pk], reason_visible=g.case_id in visible)
        for g in grants
    ]


# --- the chain's state, for the auditor's page ------------------------------------


@dataclass(frozen=True)
class ChainStatus:
    verified: AuditEvent | None
    checkpoint: AuditEvent | None
    unsealed: int


def chain_status() -> ChainStatus:
    """The latest verification and checkpoint (recorded in the trail) and the events
    not sealed yet."""
    from casemgmt.audit_trail.sealer import unsealed_count
    from casemgmt.models import AuditAction

    def latest(action):
        return AuditEvent.objects.filter(action=action).order_by("-id").first()

    return ChainStatus(
        verified=latest(AuditAction.AUDIT_VERIFIED),
        checkpoint=latest(AuditAction.AUDIT_CHECKPOINT_WRITTEN),
        unsealed=unsealed_count(),
    )


def classes_shown(rows: list[TrailRow]) -> set[InfoClass]:
    """The classes of the records a page of events showed (for its read event)."""
    return {
        _KIND_CLASS.get(_model(row.event.target_type), InfoClass.CASE)
        for row in rows
        if row.content_visible
    }


# --- a case's history of changes, where people work ----------------------------------


def _adult_era(user) -> Q:
    """Events of the case that ``user`` may know of under the juvenile rule: those dated
    before the person's 18th birthday only for juvenile-trained staff, auditors and the
    programme's supervisors (``juvenile_access.juvenile_record_filter``)."""
    if juvenile_access.exempt(user):
        return Q()
    adult = Q(at__date__gte=F("case__person__adult_on")) | Q(case__person__adult_on__isnull=True)
    return adult | access.supervised_programme_filter(user, "case__programme_id")


def case_change_events(user, case: Case) -> QuerySet:
    """The changes and moves of ``case`` and of its records that ``user`` may know of:
    records of kinds whose class they may read, rows the case page would show them (a
    note's visibility, an escalation's trigger, the juvenile rule). Reads are oversight's,
    not listed here. ``case`` must be one ``user`` may open."""
    classes = access.info_classes(user)
    # The case's own events under the juvenile rule by their date, as its records by theirs.
    records = Q(target_type=Case._meta.label_lower, target_id=str(case.pk)) & _adult_era(user)
    for key, kind in RECORD_KINDS.items():
        if kind.info_class not in classes:
            continue
        model = _kind_model(kind)
        rows = (
            model.objects.filter(**{kind.case_path: case})
            .filter(access.record_rows_filter(key, user))
            .annotate(key=Cast("pk", CharField()))
            .values("key")
        )
        records |= Q(target_type=model._meta.label_lower, target_id__in=rows)
    groups = ACTIONS_BY_GROUP[ActionGroup.CHANGES] + ACTIONS_BY_GROUP[ActionGroup.MOVES]
    return AuditEvent.objects.filter(records, case=case, action__in=groups).order_by("-id")
