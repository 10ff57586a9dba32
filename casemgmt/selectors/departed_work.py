"""The work of disabled (departed or dormant) users, for their supervisor to hand on.

What a supervisor sees is scoped twice: the case must be one they work on
(``access.working_cases_filter``: their agency on the team or a programme they
supervise, and the allow-list when restricted), and the work must be "theirs" to hand
on: the disabled user belonged to the supervisor's agency, or the case is in a
programme they supervise. A supervisor of another agency on the team sees nothing of it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet

from casemgmt import access
from casemgmt.models import (
    Case,
    CaseStatus,
    CaseTeamMember,
    Programme,
    ReviewAction,
    StageTransition,
    TransitionStatus,
    User,
)
from casemgmt.selectors.scope import in_scope_or_404, refuse

OPEN_STATUSES = [CaseStatus.ACTIVE, CaseStatus.SUSPENDED]
# Who may take a case or an action over: as on the case page's assignment form.
TAKER_ROLES = ["caseworker", "supervisor"]


def cases_in_reach(user) -> QuerySet:
    """Open cases ``user`` may change (never through emergency access): what a supervisor
    may hand on, here and on the reassignment page (selectors/reassignment.py)."""
    if not access.can_reassign_departed_work(user):
        return Case.objects.none()
    return Case.objects.filter(access.working_cases_filter(user), status__in=OPEN_STATUSES)


def _supervised(user) -> QuerySet:
    """Of those, the cases in a programme ``user`` supervises."""
    supervises = Programme.supervisors.through.objects.filter(
        programme_id=OuterRef("programme_id"), user_id=user.pk
    )
    return cases_in_reach(user).filter(Exists(supervises))


def _theirs(user, case_field: str, person_field: str) -> Q:
    """Work on a case in reach, by someone of ``user``'s agency or in a supervised programme.
    The work of disabled users is a handful of rows: each looks its case up (EXISTS), where
    ``IN`` hashed every case in reach first (44 ms at 100,000 cases, for one pending move)."""

    def in_reach(cases: QuerySet) -> Exists:
        return Exists(cases.filter(pk=OuterRef(case_field)))

    supervised = Q(in_reach(_supervised(user)))
    if user.agency_id is None:
        return supervised
    own_agency = Q(in_reach(cases_in_reach(user))) & Q(
        **{f"{person_field}__agency_id": user.agency_id}
    )
    return own_agency | supervised


def departed_cases(user) -> QuerySet:
    """Open cases whose assigned caseworker is disabled."""
    return (
        Case.objects.filter(assigned_caseworker__is_active=False)
        .filter(_theirs(user, "pk", "assigned_caseworker"))
        .select_related("person", "current_stage", "assigned_caseworker")
        .order_by("reference")
    )


def departed_review_actions(user) -> QuerySet:
    """Review actions not done whose owner is disabled (their description is of the
    review's information class: none for a supervisor whose agency may not read it)."""
    if not access.can_read(user, access.RECORD_CLASSES["review"]):
        return ReviewAction.objects.none()
    return (
        ReviewAction.objects.filter(owner__is_active=False, done_at__isnull=True)
        .filter(_theirs(user, "review__case", "owner"))
        .select_related("owner", "review", "review__case")
        .order_by("due_on", "pk")
    )


def departed_moves(user) -> QuerySet:
    """Pending stage moves requested by a disabled user (only the requester may withdraw
    one: an approver approves or rejects it from the case)."""
    return (
        StageTransition.objects.filter(status=TransitionStatus.PENDING)
        .filter(requested_by__is_active=False)
        .filter(_theirs(user, "case", "requested_by"))
        .select_related("case", "from_stage", "to_stage", "requested_by")
        .order_by("requested_at", "pk")
    )


def departed_work_count(user) -> int:
    """How many items the departed-work page lists for ``user`` (the home page's count)."""
    if not access.can_reassign_departed_work(user):
        return 0
    return (
        departed_cases(user).count()
        + departed_review_actions(user).count()
        + departed_moves(user).count()
    )


@dataclass
class DepartedUser:
    """One disabled user and the work of theirs ``user`` may hand on."""

    user: User
    cases: list = field(default_factory=list)
    actions: list = field(default_factory=list)
    moves: list = field(default_factory=list)


def _takers(case_ids: set[int]) -> dict[int, list[User]]:
    """Per case, the active users who may take its work over (two queries for all)."""
    team = CaseTeamMember.objects.filter(case_id__in=case_ids, left_on__isnull=True)
    agencies_by_case = defaultdict(set)
    for case_id, agency_id in team.values_list("case_id", "agency_id"):
        agencies_by_case[case_id].add(agency_id)
    agency_ids = set().union(*agencies_by_case.values()) if agencies_by_case else set()
    users = User.objects.filter(agency_id__in=agency_ids, is_active=True, role__in=TAKER_ROLES)
    by_agency = defaultdict(list)
    for taker in users.order_by("first_name", "last_name", "pk"):
        by_agency[taker.agency_id].append(taker)
    return {
        case_id: sorted(
            (t for a in agencies for t in by_agency[a]), key=lambda t: (t.display_name, t.pk)
        )
        for case_id, agencies in agencies_by_case.items()
    }


def departed_work(user) -> list[DepartedUser]:
    """The page: per disabled user, their open cases, review actions and pending moves;
    each case and action carries ``takers``, who may take it over."""
    cases = list(departed_cases(user))
    actions = list(departed_review_actions(user))
    moves = list(departed_moves(user))
    takers = _takers({c.pk for c in cases} | {a.review.case_id for a in actions})
    people: dict[int, DepartedUser] = {}

    def entry(person: User) -> DepartedUser:
        return people.setdefault(person.pk, DepartedUser(user=person))

    for case in cases:
        case.takers = takers.get(case.pk, [])
        entry(case.assigned_caseworker).cases.append(case)
    for action in actions:
        action.takers = [
            t for t in takers.get(action.review.case_id, []) if t.pk != action.owner_id
        ]
        entry(action.owner).actions.append(action)
    for move in moves:
        entry(move.requested_by).moves.append(move)
    return sorted(people.values(), key=lambda p: (p.user.display_name, p.user.pk))


def departed_case_or_404(user, reference: str) -> Case:
    """One case of the page, by reference; anything else is "not found" (and recorded)."""
    case = departed_cases(user).filter(reference=reference).first()
    if case is None:
        refuse(Case, reference)
    return case


def departed_action_or_404(user, pk: int) -> ReviewAction:
    """One review action of the page; anything else is "not found" (and recorded)."""
    return in_scope_or_404(departed_review_actions(user), pk)
