"""A case's timeline: one ordered UNION query over every kind of record the viewer may see.

The sources are the record kinds' declared timeline sources
(``casemgmt.record_kinds``): each maps its model onto the same columns (kind, id,
at, actor, code, text1, text2); the kind's information class decides who sees it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import CharField, F, IntegerField, QuerySet, Value
from django.db.models.functions import Cast, Coalesce

from casemgmt import access
from casemgmt.models import Case, User
from casemgmt.models.translated import localized
from casemgmt.record_kinds import RECORD_KINDS, RecordKind

# Prefixed so they never clash with a model field of the same name.
COLUMNS = ["tl_kind", "tl_id", "tl_at", "tl_actor", "tl_code", "tl_text1", "tl_text2"]
TEXT_COLUMNS = ("code", "text1", "text2")


def _text(expr) -> Coalesce:
    return Coalesce(Cast(expr, CharField()), Value(""), output_field=CharField())


def timeline_kinds() -> list[RecordKind]:
    return [kind for kind in RECORD_KINDS.values() if kind.timeline is not None]


def source_query(kind: RecordKind, case: Case, user) -> QuerySet:
    """The kind's rows on ``case`` that ``user`` may know about, as timeline columns."""
    source = kind.timeline
    blank = Value("", output_field=CharField())
    qs = kind.model_class.objects.filter(**{source.case_path: case}).filter(
        access.record_rows_filter(kind.key, user)
    )
    columns = {name: getattr(source, name) for name in TEXT_COLUMNS}
    # A configured name (a stage's, an agency's) in the reader's language, else English.
    model = kind.model_class
    # Models' default ordering is not allowed inside a UNION: clear it.
    return (
        qs.order_by()
        .annotate(
            tl_kind=Value(kind.key, output_field=CharField()),
            tl_id=F("pk"),
            tl_at=F(source.at),
            tl_actor=Cast(F(source.actor), IntegerField()),
            tl_code=_text(localized(model, columns["code"])) if columns["code"] else blank,
            tl_text1=_text(localized(model, columns["text1"])) if columns["text1"] else blank,
            tl_text2=_text(localized(model, columns["text2"])) if columns["text2"] else blank,
        )
        .values_list(*COLUMNS)
    )


def _choices(model, path: str | None) -> dict:
    """The choice labels of the field at ``path`` (``__`` through relations), if any."""
    if not path:
        return {}
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    field = model._meta.get_field(name)
    return dict(field.flatchoices) if field.choices else {}


def _display(kind: RecordKind, column: str, value: str) -> str:
    label = _choices(kind.model_class, getattr(kind.timeline, column)).get(value)
    return str(label) if label is not None else value


@dataclass(frozen=True)
class TimelineEntry:
    kind: str
    obj_id: int
    at: datetime.datetime
    actor: User | None
    code: str
    text1: str
    text2: str

    @property
    def label(self) -> str:
        return str(RECORD_KINDS[self.kind].label)

    @property
    def text(self) -> str:
        """The kind's sentence, with choice values shown as their translated labels."""
        kind = RECORD_KINDS[self.kind]
        shown = [_display(kind, column, getattr(self, column)) for column in TEXT_COLUMNS]
        return kind.timeline.text(*shown)


def case_timeline(case: Case, user, *, limit: int = 200) -> list[TimelineEntry]:
    """Newest first, only what ``user`` may read; two queries (UNION + actors) at any size."""
    allowed = access.info_classes(user)
    queries = [
        source_query(kind, case, user) for kind in timeline_kinds() if kind.info_class in allowed
    ]
    if not queries:
        return []
    first, *rest = queries
    rows = list(first.union(*rest, all=True).order_by("-tl_at", "-tl_id")[:limit])
    actor_ids = {row[3] for row in rows if row[3] is not None}
    actors = User.objects.in_bulk(actor_ids) if actor_ids else {}
    return [
        TimelineEntry(
            kind=kind,
            obj_id=obj_id,
            at=at,
            actor=actors.get(actor_id),
            code=code,
            text1=text1,
            text2=text2,
        )
        for kind, obj_id, at, actor_id, code, text1, text2 in rows
    ]
