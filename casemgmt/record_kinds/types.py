"""The shapes of the declarations: a record kind, its timeline source, an action on
a record, and a section of the case page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.apps import apps
from django.utils.functional import Promise
from django.utils.module_loading import import_string

from casemgmt.info_classes import InfoClass


@dataclass(frozen=True, kw_only=True)
class TimelineSource:
    """How a kind's rows map onto the timeline's columns, and the sentence shown.

    ``occurred`` is when the thing happened (the session's date, the review's meeting, the
    move's application): a date or date-time field, or several tried in turn (the first
    set); the timeline shows and orders by it. ``at`` and ``actor`` are when it was
    recorded and by whom. ``code``, ``text1`` and ``text2`` name model fields (``__``
    paths allowed); a field with choices reaches ``text`` as its translated label.
    """

    at: str
    actor: str
    text: Callable[[str, str, str], str]
    # Declared for every kind (tests/test_record_kinds.py); None only to fail that test.
    occurred: str | tuple[str, ...] | None = None
    case_path: str = "case"
    code: str | None = None
    text1: str | None = None
    text2: str | None = None

    @property
    def occurred_paths(self) -> tuple[str, ...]:
        if self.occurred is None:
            return ()
        return (self.occurred,) if isinstance(self.occurred, str) else tuple(self.occurred)


@dataclass(frozen=True, kw_only=True)
class RecordKind:
    key: str
    model: str
    info_class: InfoClass
    label: Promise
    # Adding one from the case page: form class and write service, by dotted path.
    form: str | None = None
    service: str | None = None
    # The cleaned-data keys the service takes (None: all of them).
    service_fields: tuple[str, ...] | None = None
    form_needs_case: bool = False
    # The form offers fields by the user's information classes.
    form_needs_user: bool = False
    # A rule in casemgmt.rules, (user, case) -> refusal, that the service enforces too.
    add_rule: str | None = None
    # Listing them on the case page.
    section: str | None = None
    heading: Promise | None = None
    empty: Promise | None = None
    list_template: str = "casemgmt/records/list.html"
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()
    # A function returning annotations for the list (figures counted in SQL, not loaded).
    annotate: str = ""
    limit: int | None = None
    order_by: tuple[str, ...] = ()
    timeline: TimelineSource | None = None
    # Said when a kind has no timeline source, so that is a decision, not an omission.
    no_timeline: str = ""
    # The date that puts a row on the juvenile track (the person under 18 then); by
    # default when it was made, as the timeline dates it.
    dated_by: str = ""
    juvenile_rule: bool = True

    @property
    def date_field(self) -> str:
        return self.dated_by or self.timeline.at

    @property
    def case_path(self) -> str:
        return self.timeline.case_path if self.timeline else "case"

    @cached_property
    def model_class(self):
        return apps.get_model(self.model)

    @property
    def model_name(self) -> str:
        return self.model.split(".")[1].lower()

    @property
    def row_template(self) -> str:
        return f"casemgmt/records/{self.key}.html"

    @cached_property
    def form_class(self):
        return import_string(self.form) if self.form else None

    def add_refusal(self, user, case):
        return import_string(self.add_rule)(user, case) if self.add_rule else None

    def make_form(self, case, data=None, *, user=None):
        from casemgmt.forms.base import VersionedForm

        kwargs = {"case": case} if self.form_needs_case else {}
        if self.form_needs_user:
            kwargs["user"] = user
        if issubclass(self.form_class, VersionedForm):
            # The case version the user saw: the service refuses the form once it is stale.
            kwargs["initial"] = {"version": case.version}
        return self.form_class(data, prefix=self.key, **kwargs)

    def save(self, *, case, by, data: dict):
        """Call the kind's write service with the form's values."""
        values = dict(data)
        if self.service_fields is not None:
            values = {name: values[name] for name in self.service_fields if name in values}
        if "version" in values:
            values["expected_version"] = values.pop("version")
        return import_string(self.service)(case=case, by=by, **values)


@dataclass(frozen=True, kw_only=True)
class RecordAction:
    """An action on an existing record of a kind (verify, revoke, resolve, …).

    ``rule`` is the row-level rule in ``casemgmt.rules`` that the service enforces
    on the locked row and the case page asks before offering the action.
    """

    key: str
    kind: str
    label: Promise
    service: str
    object_arg: str
    rule: str
    form: str | None = None
    case_lookup: str = "case"
    # The related name of the part the action works on (a review's actions), if not the row.
    part: str = ""
    # Arguments the service always gets from this action (e.g. the status it moves to).
    fixed: tuple[tuple[str, str], ...] = ()

    @property
    def record_kind(self) -> RecordKind:
        from casemgmt.record_kinds.kinds import RECORD_KINDS

        return RECORD_KINDS[self.kind]

    @cached_property
    def form_class(self):
        return import_string(self.form) if self.form else None

    @property
    def object_model(self):
        model = self.record_kind.model_class
        return model._meta.get_field(self.part).related_model if self.part else model

    @cached_property
    def allowed(self) -> Callable:
        return import_string(self.rule)

    def run(self, *, obj, by, data: dict):
        service = import_string(self.service)
        return service(**{self.object_arg: obj}, by=by, **dict(self.fixed), **data)


@dataclass(frozen=True, kw_only=True)
class Section:
    """A card on the case page; it lists the kinds that name it, in declaration order."""

    key: str
    title: Promise
    # The tab of the case page it is on (sections.CASE_TABS).
    tab: str
    intro: Promise | None = None
    # Extra content above and below the lists (a chart, a due date, a form), by
    # template, and the selector (case, permissions) -> dict that feeds them.
    template: str | None = None
    footer_template: str | None = None
    extra: str | None = None
    # Sections without kinds say which class they show.
    info_class: InfoClass | None = None


@dataclass(frozen=True, kw_only=True)
class CaseTab:
    """A tab of the case page: a plain link (``?tab=key``) to a page with its sections only,
    so a case page reads and renders a few sections, not all of them."""

    key: str
    title: Promise
