"""A case's timeline: one ordered UNION query over every kind of record the viewer may see.

The sources are the record kinds' declared timeline sources
(``casemgmt.record_kinds``): each maps its model onto the same columns (kind, id, the day
and time it happened, when it was recorded, by whom, code, text1, text2); the kind's
information class decides who sees it. Entries are ordered by when they happened, newest
first (a date-only occurrence sorts as its day; ties by when they were recorded), and
paged by a keyset cursor, so a long history costs the same two queries per page.
"""

from __future__ import annotations

import base64
import datetime
import json
from dataclasses import dataclass, field

from django.db.models import (
    CharField,
    DateField,
    DateTimeField,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Cast, Coalesce, TruncDate

from casemgmt import access
from casemgmt.models import Case, User
from casemgmt.models.translated import localized
from casemgmt.record_kinds import RECORD_KINDS, RecordKind

PAGE_SIZE = 50
# Prefixed so they never clash with a model field of the same name.
COLUMNS = [
    "tl_kind",
    "tl_id",
    "tl_day",
    "tl_when",
    "tl_at",
    "tl_actor",
    "tl_code",
    "tl_text1",
    "tl_text2",
]
TEXT_COLUMNS = ("code", "text1", "text2")
ORDER = ("-tl_day", "-tl_at", "-tl_kind", "-tl_id")


def _text(expr) -> Coalesce:
    return Coalesce(Cast(expr, CharField()), Value(""), output_field=CharField())


def timeline_kinds() -> list[RecordKind]:
    return [kind for kind in RECORD_KINDS.values() if kind.timeline is not None]


def readable_timeline_kinds(user) -> list[RecordKind]:
    """The kinds whose entries ``user`` may see: the only ones the filter offers."""
    allowed = access.info_classes(user)
    return [kind for kind in timeline_kinds() if kind.info_class in allowed]


def _field(model, path: str):
    """The model field at ``path`` (``__`` through relations)."""
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return model._meta.get_field(name)


def occurred_field(kind: RecordKind):
    """The field of the kind's first ``occurred`` path (all of them share its type)."""
    return _field(kind.model_class, kind.timeline.occurred_paths[0])


def _occurred(kind: RecordKind) -> tuple:
    """(the day it happened, the time it happened or NULL for a date-only occurrence)."""
    paths = kind.timeline.occurred_paths
    has_time = isinstance(occurred_field(kind), DateTimeField)
    expr = F(paths[0]) if len(paths) == 1 else Coalesce(*paths)
    if has_time:
        # The day in the current time zone, as people read the time shown.
        # No Cast: SQLite's would drop the microseconds, and then the time would differ.
        return TruncDate(expr), expr
    return Cast(expr, DateField()), Cast(Value(None), DateTimeField())


def _older_than(kind: RecordKind, cursor: tuple) -> Q:
    """Rows after ``cursor`` in the timeline's order (day, recorded, kind, id; descending)."""
    day, at, cursor_kind, pk = cursor
    older = Q(tl_day__lt=day) | Q(tl_day=day, tl_at__lt=at)
    if kind.key < cursor_kind:
        older |= Q(tl_day=day, tl_at=at)
    elif kind.key == cursor_kind:
        older |= Q(tl_day=day, tl_at=at, pk__lt=pk)
    return older


def source_query(kind: RecordKind, case: Case, user, cursor: tuple | None = None) -> QuerySet:
    """The kind's rows on ``case`` that ``user`` may know about, as timeline columns."""
    source = kind.timeline
    blank = Value("", output_field=CharField())
    qs = kind.model_class.objects.filter(**{source.case_path: case}).filter(
        access.record_rows_filter(kind.key, user)
    )
    columns = {name: getattr(source, name) for name in TEXT_COLUMNS}
    # A configured name (a stage's, an agency's) in the reader's language, else English.
    model = kind.model_class
    day, when = _occurred(kind)
    # Models' default ordering is not allowed inside a UNION: clear it.
    qs = qs.order_by().annotate(
        tl_kind=Value(kind.key, output_field=CharField()),
        tl_id=F("pk"),
        tl_day=day,
        tl_when=when,
        tl_at=F(source.at),
        tl_actor=Cast(F(source.actor), IntegerField()),
        tl_code=_text(localized(model, columns["code"])) if columns["code"] else blank,
        tl_text1=_text(localized(model, columns["text1"])) if columns["text1"] else blank,
        tl_text2=_text(localized(model, columns["text2"])) if columns["text2"] else blank,
    )
    if cursor is not None:
        qs = qs.filter(_older_than(kind, cursor))
    return qs.values_list(*COLUMNS)


def _choices(model, path: str | None) -> dict:
    """The choice labels of the field at ``path`` (``__`` through relations), if any."""
    if not path:
        return {}
    found = _field(model, path)
    return dict(found.flatchoices) if found.choices else {}


def _display(kind: RecordKind, column: str, value: str) -> str:
    label = _choices(kind.model_class, getattr(kind.timeline, column)).get(value)
    return str(label) if label is not None else value


@dataclass(frozen=True)
class TimelineEntry:
    kind: str
    obj_id: int
    at: datetime.datetime  # when it was recorded
    actor: User | None
    code: str
    text1: str
    text2: str
    day: datetime.date | None = None  # the day it happened
    when: datetime.datetime | None = None  # the time it happened, if the record has one

    @property
    def label(self) -> str:
        return str(RECORD_KINDS[self.kind].label)

    @property
    def text(self) -> str:
        """The kind's sentence, with choice values shown as their translated labels."""
        kind = RECORD_KINDS[self.kind]
        shown = [_display(kind, column, getattr(self, column)) for column in TEXT_COLUMNS]
        return kind.timeline.text(*shown)

    @property
    def recorded_apart(self) -> bool:
        """Whether it was recorded at another time than it happened (then both are shown)."""
        return self.when is None or self.when != self.at


@dataclass
class TimelinePage:
    entries: list[TimelineEntry]
    # The cursor of the next (older) page, if there is one.
    older: str | None = None
    # The kind shown ("" for every kind), and the (key, label) pairs the filter offers.
    kind: str = ""
    kinds: list[tuple[str, str]] = field(default_factory=list)
    # Whether this page continues from a cursor (so "newest" is offered).
    continued: bool = False


def _encode(values: list) -> str:
    raw = json.dumps(values, default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


# Our cursors are under 120 characters; anything much longer was not made here.
MAX_CURSOR_LENGTH = 300


def decode_cursor(cursor: str) -> tuple | None:
    """(day, recorded at, kind, id) from a cursor made here; None for anything else."""
    if not cursor or len(cursor) > MAX_CURSOR_LENGTH:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
        day, at, kind, pk = values
        day = datetime.date.fromisoformat(day)
        at = datetime.datetime.fromisoformat(at)
    except (ValueError, TypeError, RecursionError):
        # RecursionError: deeply nested JSON, crafted to crash the page.
        return None
    if at.tzinfo is None or kind not in RECORD_KINDS:
        return None
    if not isinstance(pk, int) or isinstance(pk, bool) or not 0 < pk < 2**63:
        return None
    return day, at, kind, pk


def timeline_page(
    case: Case, user, *, kind: str = "", older: str = "", size: int = PAGE_SIZE
) -> TimelinePage:
    """One page of the timeline, newest first, only what ``user`` may read; two queries
    (UNION + actors) whatever the history's length. ``kind`` keeps one kind the user may
    read (any other value is ignored); ``older`` is a cursor from the previous page."""
    readable = readable_timeline_kinds(user)
    offered = [(k.key, str(k.label)) for k in readable]
    if kind not in {key for key, _label in offered}:
        kind = ""
    cursor = decode_cursor(older)
    sources = [k for k in readable if not kind or k.key == kind]
    page = TimelinePage(entries=[], kind=kind, kinds=offered, continued=cursor is not None)
    if not sources:
        return page
    first, *rest = [source_query(k, case, user, cursor) for k in sources]
    combined = first.union(*rest, all=True) if rest else first
    rows = list(combined.order_by(*ORDER)[: size + 1])
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        page.older = _encode([last[2].isoformat(), last[4].isoformat(), last[0], last[1]])
    actor_ids = {row[5] for row in rows if row[5] is not None}
    actors = User.objects.in_bulk(actor_ids) if actor_ids else {}
    page.entries = [
        TimelineEntry(
            kind=kind_key,
            obj_id=obj_id,
            day=day,
            when=when,
            at=at,
            actor=actors.get(actor_id),
            code=code,
            text1=text1,
            text2=text2,
        )
        for kind_key, obj_id, day, when, at, actor_id, code, text1, text2 in rows
    ]
    return page


def case_timeline(case: Case, user, *, limit: int = 200) -> list[TimelineEntry]:
    """The newest ``limit`` entries ``user`` may read (every kind)."""
    return timeline_page(case, user, size=limit).entries
