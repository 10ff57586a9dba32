"""The caseload list: scoped, searched, filtered, sorted and keyset-paginated.

Keyset ("after this row") pagination keeps deep pages as fast as the first
at 100,000 cases; counts are capped so no page pays for a full COUNT.
"""

from __future__ import annotations

import base64
import datetime
import json
import re
from dataclasses import dataclass, field, fields, replace
from urllib.parse import urlencode

from django.db.models import DateField, Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from casemgmt import access
from casemgmt.models import (
    Case,
    CaseStatus,
    CaseTeamMember,
    StageKind,
)
from casemgmt.models.people import normalise_cnic
from casemgmt.selectors import caseload_figures
from casemgmt.selectors.dashboard.stored import counted_list

PAGE_SIZE = 25
# "Due this week": the next seven days, today included.
CONTACT_SOON_DAYS = 7
COUNT_CAP = 1000
FAR_FUTURE = datetime.date(9999, 12, 31)


def due_sort_expression() -> Coalesce:
    """Review due date with "no date" last; the same expression is indexed (migration 0007)."""
    return Coalesce("next_review_due", Value(FAR_FUTURE), output_field=DateField())


# sort key -> (expression annotated as "sort_value", label is in the form)
SORTS = {
    "-opened": "opened_on",
    "reference": "reference",
    "name": "person__full_name",
    "stage": "current_stage__order",
    "due": "due",
}


@dataclass
class CaseScope:
    """The filters every dashboard figure shares with the caseload it links to (declared
    once: ``CaseloadFilters`` and ``selectors.dashboard.scope.DashboardFilters`` both
    have them): lead agency, the case's district and age group when it opened, the
    person's sex, and the opening date's range."""

    agency: int | None = None
    district: str = ""
    sex: str = ""
    age_group: str = ""
    opened_from: datetime.date | None = None
    opened_to: datetime.date | None = None


@dataclass
class CaseloadFilters(CaseScope):
    q: str = ""
    programme: int | None = None
    stage: int | None = None
    status: str = ""
    facility: int | None = None
    overdue: bool = False
    contact_overdue: bool = False
    juvenile: bool = False
    contact_due_soon: bool = False
    classification: int | None = None
    open_escalation: bool = False
    # An escalation open for at least this many days (the supervisor's "by age" counts).
    escalation_age: int | None = None
    meeting_overdue: bool = False
    # The user's own cases (assigned to them): the home page's "my" counts link here.
    assigned_to_me: bool = False
    team_agency: int | None = None
    # Outcome, engagement and facility figures (selectors.caseload_figures): cases first
    # released in a year, whose last multi-agency review was complete or not, with a
    # single agency on the team, with a referral waiting for an agency (and for how long).
    released_in: int | None = None
    last_review: str = ""
    single_agency_team: bool = False
    referral_waiting_for: int | None = None
    referral_age: str = ""
    # An exact count (uncapped): the list a dashboard figure links to says the same number.
    exact: bool = False
    # The supervisor's dashboard figures (selectors.dashboard.action and .caseload).
    # A stage move waiting for approval (the approvals queue's rows, on cases in scope).
    pending_move: bool = False
    # Past the programme's grace after a missed check-in (services.monitoring.missed_contacts).
    contact_missed: bool = False
    # The oldest open escalation open for less than this many days (with escalation_age,
    # a band: each case in exactly one band).
    escalation_age_max: int | None = None
    # A review action past its due date and not done (whoever owns it).
    review_action_overdue: bool = False
    # Open, opened this many days ago or more, and nothing recorded since that the user
    # may read (a note, check-in, assessment, review or stage move).
    no_activity_days: int | None = None
    # Assigned to this caseworker (the dashboard's caseload per caseworker).
    caseworker: int | None = None
    # The cases a dashboard figure counted when its snapshot was taken (a
    # ``DashboardFigureList``): the list then holds those, whatever the other filters say
    # now (they are the figure's), so it says the figure's number "as of" its time.
    counted: int | None = None
    sort: str = "-opened"


@dataclass
class CaseloadPage:
    cases: list[Case]
    next_cursor: str | None
    prev_cursor: str | None
    count: int | None
    count_capped: bool
    filters: CaseloadFilters = field(default_factory=CaseloadFilters)
    # The dashboard figure's list the rows are (``CaseloadFilters.counted``), if usable.
    counted: object | None = None


def _encode(values: list) -> str:
    raw = json.dumps(values, default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


# Our cursors are under 200 characters; anything much longer was not made here.
MAX_CURSOR_LENGTH = 400


def _decode(cursor: str) -> list | None:
    if len(cursor) > MAX_CURSOR_LENGTH:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError, RecursionError):
        # RecursionError: deeply nested JSON, crafted to crash the page.
        return None
    if not isinstance(values, list) or len(values) != 3:
        return None
    sort, value, pk = values
    if sort not in SORTS or not isinstance(pk, int) or isinstance(pk, bool):
        return None
    # The value must have the type its sort compares: a date, a name, a stage order.
    try:
        if SORTS[sort] in ("opened_on", "due"):
            datetime.date.fromisoformat(value)
        elif SORTS[sort] == "current_stage__order":
            if not isinstance(value, int) or isinstance(value, bool):
                return None
        elif not isinstance(value, str) or "\x00" in value:
            # PostgreSQL refuses NUL in text: such a cursor was crafted, not made here.
            return None
    except (TypeError, ValueError):
        return None
    return values


REFERENCE = re.compile(r"^(CS|RC)-\d{4}-\d{6}$", re.IGNORECASE)


CNIC = re.compile(r"\d{5}-\d{7}-\d")
SEARCH_KINDS = ("reference", "cnic", "name")


def search_kind(q: str) -> str:
    """What a search matches: "reference", "cnic" or "name" (each declared in the access
    policy's ``CASELOAD_PARAM_CLASSES["q"]``)."""
    q = q.strip()
    if REFERENCE.match(q):
        return "reference"
    if CNIC.fullmatch(normalise_cnic(q)):
        return "cnic"
    return "name"


def _search(q: str) -> Q:
    """References and CNICs are exact (indexed) look-ups; anything else searches names."""
    kind = search_kind(q)
    if kind == "reference":
        ref = q.upper()
        return Q(reference=ref) if ref.startswith("CS") else Q(person__reference=ref)
    if kind == "cnic":
        return Q(person__cnic=normalise_cnic(q))
    # Trigram-indexed on PostgreSQL (migration 0007).
    return Q(person__full_name__icontains=q)


def param_kind(name: str, value) -> str:
    """The kind of a search or sort parameter, as the access policy declares it."""
    if name == "q":
        return search_kind(value)
    if name == "sort":
        return value
    return ""


def caseload_query(filters: CaseloadFilters) -> str:
    """The caseload's query string for ``filters`` (what its form would submit), so a link
    from a count opens exactly the list counted."""
    defaults = CaseloadFilters()
    params = {}
    for f in fields(filters):
        value = getattr(filters, f.name)
        if value == getattr(defaults, f.name):
            continue
        params[f.name] = "on" if value is True else str(value)
    return urlencode(params)


def usable_filters(user, filters: CaseloadFilters) -> CaseloadFilters:
    """``filters`` without every parameter on a field ``user`` may not read (dropped, so
    neither the rows nor their count depend on it)."""
    defaults = CaseloadFilters()
    dropped = {}
    for f in fields(filters):
        value = getattr(filters, f.name)
        if value == getattr(defaults, f.name):
            continue
        if not access.may_use_caseload_param(user, f.name, param_kind(f.name, value)):
            dropped[f.name] = getattr(defaults, f.name)
    return replace(filters, **dropped) if dropped else filters


def counted_for(user, filters: CaseloadFilters):
    """The dashboard figure's list ``filters.counted`` names, if ``user`` may read it as
    counted and it was counted for exactly these filters (``stored.counted_list``)."""
    if not filters.counted:
        return None
    query = caseload_query(replace(usable_filters(user, filters), counted=None))
    return counted_list(user, filters.counted, query)


_UNSET = object()


def filtered_cases(
    user, filters: CaseloadFilters, *, by_name: bool = False, counted=_UNSET
) -> QuerySet:
    """The user's caseload with search and filters applied (no ordering, no page);
    ``by_name``: the caller sorts by the person's name; ``counted``: ``counted_for``'s
    answer, when the caller has it already."""
    filters = usable_filters(user, filters)
    q = filters.q.strip()
    # A search or a sort by name joins each case to its person (access.juvenile_case_filter).
    qs = Case.objects.visible_to(user, person_joined=by_name or bool(q))
    if q:
        qs = qs.filter(_search(q))
    if filters.counted:
        if counted is _UNSET:
            counted = counted_for(user, filters)
        if counted is not None:
            return qs.filter(pk__in=counted.members.values("case_id"))
        # Not the reader's view, not these filters, or recomputed since: the live list.
    if filters.programme:
        qs = qs.filter(programme_id=filters.programme)
    if filters.stage:
        qs = qs.filter(current_stage_id=filters.stage)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.facility:
        qs = qs.filter(facility_id=filters.facility)
    if filters.overdue:
        qs = qs.filter(
            next_review_due__lt=timezone.localdate(),
            status__in=[CaseStatus.ACTIVE, CaseStatus.SUSPENDED],
        )
    if filters.contact_overdue:
        # The inbox's "check-ins overdue" list in full (selectors.inbox.overdue_contacts).
        qs = qs.filter(
            next_contact_due__lt=timezone.localdate(),
            status__in=[CaseStatus.ACTIVE, CaseStatus.SUSPENDED],
            current_stage__kind=StageKind.COMMUNITY,
        )
    if filters.classification:
        qs = qs.filter(classification_id=filters.classification)
    if filters.juvenile:
        # Under 18 today, as juveniles.py and the access policy count it (indexed adult_on).
        qs = qs.filter(person__adult_on__gt=timezone.localdate())
    if filters.open_escalation:
        qs = qs.filter(Exists(caseload_figures.open_escalations(user)))
    if filters.escalation_age is not None:
        raised_before = timezone.now() - datetime.timedelta(days=filters.escalation_age)
        qs = qs.filter(
            Exists(caseload_figures.open_escalations(user).filter(raised_at__lte=raised_before))
        )
    if filters.contact_due_soon:
        # Released cases whose next check-in falls in the coming week (today included).
        today = timezone.localdate()
        qs = qs.filter(
            next_contact_due__gte=today,
            next_contact_due__lte=today + datetime.timedelta(days=CONTACT_SOON_DAYS - 1),
            status__in=[CaseStatus.ACTIVE, CaseStatus.SUSPENDED],
            current_stage__kind=StageKind.COMMUNITY,
        )
    if filters.meeting_overdue:
        # The inbox's "multi-agency reviews overdue" list in full (selectors.inbox).
        qs = qs.filter(next_meeting_due__lt=timezone.localdate(), status=CaseStatus.ACTIVE)
    if filters.assigned_to_me:
        qs = qs.filter(assigned_caseworker=user)
    if filters.team_agency:
        qs = qs.filter(Exists(active_team_member(filters.team_agency)))
    if filters.agency:
        qs = qs.filter(lead_agency_id=filters.agency)
    if filters.district:
        qs = qs.filter(district=filters.district)
    if filters.sex:
        qs = qs.filter(person__sex=filters.sex)
    if filters.age_group:
        qs = qs.filter(age_group_at_opening=filters.age_group)
    if filters.opened_from:
        qs = qs.filter(opened_on__gte=filters.opened_from)
    if filters.opened_to:
        qs = qs.filter(opened_on__lte=filters.opened_to)
    # The dashboard's own figures (action needed, outcomes, engagement).
    return caseload_figures.apply(qs, user, filters)


def active_team_member(agency_id: int) -> QuerySet:
    """The agency's active membership of the outer case's team; served by the partial
    unique index team_one_active_membership (case, agency where left_on is null)."""
    return CaseTeamMember.objects.filter(
        case=OuterRef("pk"), agency_id=agency_id, left_on__isnull=True
    )


def caseload_page(
    user, filters: CaseloadFilters, *, after: str = "", before: str = "", page_size: int = PAGE_SIZE
) -> CaseloadPage:
    """One page of the caseload; ``after``/``before`` are cursors from a previous page."""
    filters = usable_filters(user, filters)
    counted = counted_for(user, filters)
    sort = filters.sort if filters.sort in SORTS else "-opened"
    descending = sort.startswith("-")
    source = SORTS[sort]
    qs = filtered_cases(user, filters, by_name=sort == "name", counted=counted)
    if source == "due":
        qs = qs.annotate(sort_value=due_sort_expression())
    else:
        qs = qs.annotate(sort_value=F(source))

    cursor = _decode(before or after) if (before or after) else None
    backwards = bool(before) and cursor is not None
    if cursor is not None:
        _sort, value, pk = cursor
        if _sort == sort:
            # Rows strictly past (value, pk) in the page's direction.
            forward_gt = descending == backwards
            if forward_gt:
                qs = qs.filter(Q(sort_value__gt=value) | Q(sort_value=value, pk__gt=pk))
            else:
                qs = qs.filter(Q(sort_value__lt=value) | Q(sort_value=value, pk__lt=pk))
        else:
            backwards = False
    ascending = not descending if not backwards else descending
    ordering = ["sort_value", "pk"] if ascending else ["-sort_value", "-pk"]
    rows = list(
        qs.select_related(
            "person", "programme", "current_stage", "lead_agency", "assigned_caseworker", "facility"
        ).order_by(*ordering)[: page_size + 1]
    )
    has_more = len(rows) > page_size
    rows = rows[:page_size]
    if backwards:
        rows.reverse()

    def cursor_for(case: Case) -> str:
        return _encode([sort, case.sort_value, case.pk])

    at_start = (cursor is None) or (backwards and not has_more)
    next_cursor = cursor_for(rows[-1]) if rows and (has_more or backwards) else None
    prev_cursor = cursor_for(rows[0]) if rows and not at_start else None
    # Counted on the first page only: deeper pages keep what the first one said. A list
    # reached from a dashboard figure counts exactly, so it says the figure's number.
    cap = None if filters.exact else COUNT_CAP
    count = None
    if cursor is None:
        # Unordered: which rows make up the cap does not matter to a count (ordered, the
        # capped count walked the visible cases newest first for the 1,001 it needed).
        matching = filtered_cases(user, filters, counted=counted).order_by()
        count = matching.count() if cap is None else matching[: cap + 1].count()
    return CaseloadPage(
        cases=rows,
        next_cursor=next_cursor,
        prev_cursor=prev_cursor,
        count=count if count is None or cap is None else min(count, cap),
        count_capped=cap is not None and count is not None and count > cap,
        filters=filters,
        counted=counted,
    )
