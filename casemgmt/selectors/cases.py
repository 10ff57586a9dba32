"""Reads for case pages: scoped lookups and everything a case page shows."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.module_loading import import_string

from casemgmt import access, cadence
from casemgmt.models import (
    Case,
    CaseTeamMember,
    CheckIn,
    Consent,
    MonitoringPlan,
    Note,
    Person,
    Programme,
    StageTransition,
    TransitionStatus,
)
from casemgmt.models.monitoring import CheckInOutcome
from casemgmt.permissions import CasePermissions
from casemgmt.record_kinds import (
    CASE_TABS,
    RECORD_ACTIONS,
    SECTIONS,
    TIMELINE_TAB,
    CaseTab,
    RecordAction,
    RecordKind,
    Section,
    kinds_in,
)
from casemgmt.selectors import caseload_figures
from casemgmt.selectors.progress import case_progress
from casemgmt.selectors.scope import OutOfScope, in_scope_or_404
from casemgmt.selectors.workflow import pending_move


def _visible_cases(user) -> QuerySet:
    return Case.objects.visible_to(user).select_related(
        "person",
        "person__group_category",
        "programme",
        "current_stage",
        "lead_agency",
        "assigned_caseworker",
        "facility",
        "classification",
    )


def _case_or_404(qs: QuerySet, reference: str) -> Case:
    case = qs.filter(reference=reference).first()
    if case is None:
        raise OutOfScope("casemgmt.case", reference)
    return case


def visible_case_or_404(user, reference: str) -> Case:
    """The same 404 for "not yours" and "does not exist", so references reveal nothing."""
    return _case_or_404(_visible_cases(user), reference)


def case_page_case_or_404(user, reference: str) -> Case:
    """``visible_case_or_404`` for the case page, with the facts the page needs from
    other tables read in the same query, not in one query each: ``writable``
    (``access.can_write_case``, by its own filter), ``supervises_programme``
    (``access.supervises_programme``), ``open_escalations`` (those the reader may know
    of; None to a reader of no escalation), ``consents_all_withdrawn``
    (``selectors.consents.withdrawal_proposal``) and ``pending_move_id`` (``case_header``
    reads the move only when there is one the reader may know of)."""
    writable = ExpressionWrapper(access.working_cases_filter(user), output_field=BooleanField())
    open_escalations = Value(None, output_field=IntegerField())
    if access.can_read(user, access.RECORD_CLASSES["escalation"]):
        counted = (
            caseload_figures.open_escalations(user)
            .order_by()
            .values("case")
            .annotate(n=Count("pk"))
            .values("n")
        )
        open_escalations = Coalesce(Subquery(counted), 0)
    consents = Consent.objects.filter(case=OuterRef("pk"))
    supervisors = Programme.supervisors.through.objects.filter(
        programme_id=OuterRef("programme_id"), user_id=user.pk
    )
    qs = _visible_cases(user).annotate(
        writable=writable,
        supervises_programme=Exists(supervisors),
        # At most one per case (the constraint stage_transition_one_pending_per_case),
        # and only one the reader may know of, as the caseload's filter says.
        pending_move_id=Subquery(caseload_figures.pending_move(user).values("pk")[:1]),
        open_escalations=open_escalations,
        consents_all_withdrawn=Exists(consents)
        & ~Exists(consents.filter(withdrawn_on__isnull=True)),
    )
    return _case_or_404(qs, reference)


def case_record_or_404(user, case: Case, action: RecordAction, pk: int):
    """The record an action works on, on this case; "not found" is recorded like any refusal."""
    model = action.object_model
    rows = model.objects.filter(**{action.case_lookup: case})
    # A part (a review's action) is dated by its record: "review__case" → "review__".
    prefix = action.case_lookup.removesuffix("case")
    rows = rows.filter(access.juvenile_record_filter(action.record_kind, user, prefix))
    return in_scope_or_404(rows, pk)


def visible_people(user) -> QuerySet:
    return Person.objects.filter(cases__in=Case.objects.visible_to(user)).distinct()


def visible_person_or_404(user, reference: str) -> Person:
    person = (
        visible_people(user)
        .select_related("group_category", "merged_into", "identity_verified_by")
        .filter(reference=reference)
        .first()
    )
    if person is None:
        raise OutOfScope("casemgmt.person", reference)
    return person


def visible_notes(
    case: Case, user, *, latest_only: bool = True, limit: int | None = None
) -> list[Note]:
    """Notes the user may know exist, newest first (the ``limit`` latest when given);
    ``content_visible`` says whether they may read them."""
    qs = Note.objects.filter(case=case).filter(access.note_visibility_filter(user, case))
    if latest_only:
        qs = qs.filter(superseded_by__isnull=True)
    qs = qs.select_related("author", "agency", "thread")
    notes = list(qs[:limit] if limit else qs)
    for note in notes:
        note.content_visible = access.can_read_note_content(user, note)
    return notes


def kind_rows(kind: RecordKind, case: Case, user) -> list:
    """The rows of one kind on ``case`` that ``user`` may know about, one query each
    (plus the kind's declared prefetches), constant as records grow."""
    if kind.key == "note":
        # The latest few; the notes page lists them all.
        return visible_notes(case, user, limit=kind.limit)
    qs = (
        kind.model_class.objects.filter(case=case)
        .filter(access.record_rows_filter(kind.key, user))
        .select_related(*kind.select_related)
        .prefetch_related(*(_joined_prefetch(kind.model_class, p) for p in kind.prefetch_related))
    )
    if kind.annotate:
        qs = qs.annotate(**import_string(kind.annotate)())
    if kind.order_by:
        qs = qs.order_by(*kind.order_by)
    return list(qs[: kind.limit] if kind.limit else qs)


def _joined_prefetch(model, path: str) -> str | Prefetch:
    """``parts__owner`` (a record's parts and each part's foreign key) as one query, the
    parts joined to what they point at, instead of one query per level."""
    head, _, rest = path.partition("__")
    if not rest or "__" in rest:
        return path
    part = model._meta.get_field(head).related_model
    target = part._meta.get_field(rest)
    if not (target.concrete and (target.many_to_one or target.one_to_one)):
        return path
    return Prefetch(head, queryset=part._default_manager.select_related(rest))


@dataclass
class Block:
    kind: RecordKind
    rows: list
    can_add: bool
    # Only a form sent back with its errors; an empty add form loads when it is opened.
    form: object | None = None


@dataclass
class SectionView:
    section: Section
    blocks: list[Block]
    extra: dict = field(default_factory=dict)


def _attach_actions(perms: CasePermissions, kind: RecordKind, rows: list) -> None:
    """Each row (and each part an action works on) learns which actions the user has."""
    for row in rows:
        row.allowed_actions = perms.actions_on(kind.key, row)
        for action in RECORD_ACTIONS.values():
            if action.kind == kind.key and action.part:
                for part in getattr(row, action.part).all():
                    part.allowed_actions = [action.key] if perms.can(action.key, part) else []


def section_view(section: Section, case: Case, perms: CasePermissions, forms=None) -> SectionView:
    """One section's lists, extra figures and, given back with their errors, add forms."""
    forms = forms or {}
    blocks = []
    for kind in kinds_in(section.key):
        if not perms.can_read(kind.info_class):
            continue
        rows = kind_rows(kind, case, perms.user)
        _attach_actions(perms, kind, rows)
        can_add = perms.can_add(kind.key)
        form = forms.get(kind.key) if can_add else None
        blocks.append(Block(kind=kind, rows=rows, can_add=can_add, form=form))
    extra = import_string(section.extra)(case, perms) if section.extra else {}
    return SectionView(section=section, blocks=blocks, extra=extra)


def case_tabs(perms: CasePermissions) -> list[CaseTab]:
    """The case page's tabs with a section the user may read, and the timeline."""
    shown = {s.tab for s in SECTIONS if perms.shows(s)} | {TIMELINE_TAB}
    return [tab for tab in CASE_TABS if tab.key in shown]


def case_sections(case: Case, perms: CasePermissions, tab: str) -> list[SectionView]:
    """The sections of one tab of the case page that the user may read, in page order."""
    return [section_view(s, case, perms) for s in SECTIONS if s.tab == tab and perms.shows(s)]


def progress_extra(case: Case, perms: CasePermissions) -> dict:
    return {"progress": case_progress(case, perms.user)}


def monitoring_extra(case: Case, perms: CasePermissions) -> dict:
    # The next contact runs from the last one made: that date alone, not the history.
    plan = cadence.plan_in_force(MonitoringPlan.objects.filter(case=case))
    due = None
    if plan is not None:
        made = CheckIn.objects.filter(case=case).exclude(outcome=CheckInOutcome.MISSED)
        last = made.aggregate(last=Max("held_on"))["last"]
        due = cadence.contact_due_after(plan, [last] if last else [])
    return {
        "next_check_in_due": due,
        # Stored (services.cases.case_refresh_review_due): None outside the community stage.
        # Its interval follows the classification band by default: risk information.
        "next_meeting_due": case.next_meeting_due
        if "next_meeting_due" in perms.case_fields
        else None,
    }


def team_extra(case: Case, perms: CasePermissions) -> dict:
    from casemgmt.forms.evidence import AssignCaseworkerForm

    if not perms.can_assign:
        return {}
    return {
        "assign_form": AssignCaseworkerForm(
            case=case, initial={"caseworker": case.assigned_caseworker_id}
        )
    }


def case_header(case: Case) -> dict:
    """The header's facts for a case from ``case_page_case_or_404``: the active team and a
    move waiting for approval (read only when that query found one)."""
    pending = pending_move(case) if case.pending_move_id is not None else None
    return {
        "active_team": list(
            CaseTeamMember.objects.filter(case=case, left_on__isnull=True)
            .select_related("agency")
            .order_by("joined_on", "id")
        ),
        "pending_move": pending,
    }


def pending_moves_for(user) -> QuerySet:
    """Pending stage moves on cases the user works on (never through emergency access),
    oldest first."""
    return (
        StageTransition.objects.filter(
            access.record_rows_filter("stage_move", user),
            status=TransitionStatus.PENDING,
            case__in=Case.objects.filter(access.working_cases_filter(user)),
        )
        .select_related("case", "case__person", "from_stage", "to_stage", "requested_by")
        .order_by("requested_at")
    )
