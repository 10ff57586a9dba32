"""The home page: today's work as counts, each linking to exactly the list it counts.

Case counts are caseload filters (``CaseloadFilters``): the count is the caseload's own
count of those filters and the link opens the caseload with them, so the two cannot
differ. The other counts are the inbox's lists (``selectors.inbox``), counted by the same
query the inbox shows. The supervisor's dashboard reuses these selectors.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, Max, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from casemgmt import access
from casemgmt.models import AuditAction, AuditEvent, Case, Note, StageTransition
from casemgmt.roles import Role
from casemgmt.selectors import inbox
from casemgmt.selectors.caseload import (
    COUNT_CAP,
    CaseloadFilters,
    caseload_query,
    filtered_cases,
    usable_filters,
)
from casemgmt.selectors.cases import pending_moves_for
from casemgmt.selectors.departed_work import departed_work_count


@dataclass(frozen=True)
class WorkCount:
    key: str
    label: Promise
    count: int
    url: str
    # Past the caseload's count cap: shown as "1000+", as the caseload shows it.
    capped: bool = False
    urgent: bool = False  # overdue work: shown in warning colours when not zero


def case_count(user, key: str, label, filters: CaseloadFilters, *, urgent=False):
    """A count of caseload rows, or None when a filter is on information ``user`` may not
    read (the caseload would drop it, so the count would mean something else)."""
    if usable_filters(user, filters) != filters:
        return None
    # Unordered: which rows make up the cap does not matter to a count, and the model's
    # order had PostgreSQL walk the cases newest first for the 1,001 it needed.
    count = filtered_cases(user, filters).order_by()[: COUNT_CAP + 1].count()
    url = f"{reverse('caseload')}?{caseload_query(filters)}"
    return WorkCount(key, label, min(count, COUNT_CAP), url, count > COUNT_CAP, urgent)


def inbox_count(key: str, label, queryset, anchor: str, *, urgent=False) -> WorkCount:
    """A count of one inbox list (the same queryset the inbox shows)."""
    return WorkCount(key, label, queryset.count(), f"{reverse('inbox')}#{anchor}", urgent=urgent)


# The caseworker's cases: (key, label, filters, overdue?). Each is "assigned to me".
MY_CASE_COUNTS = [
    ("my_reviews_overdue", _("Reassessments overdue"), {"overdue": True}, True),
    ("my_contacts_overdue", _("Check-ins overdue"), {"contact_overdue": True}, True),
    ("my_contacts_this_week", _("Check-ins due this week"), {"contact_due_soon": True}, False),
    ("my_meetings_overdue", _("Multi-agency reviews overdue"), {"meeting_overdue": True}, True),
    ("my_escalations", _("Open escalations"), {"open_escalation": True}, True),
]
# The same across every case the supervisor's agency works on.
AGENCY_CASE_COUNTS = [
    ("reviews_overdue", _("Reassessments overdue"), {"overdue": True}, True),
    ("contacts_overdue", _("Check-ins overdue"), {"contact_overdue": True}, True),
    ("meetings_overdue", _("Multi-agency reviews overdue"), {"meeting_overdue": True}, True),
    ("escalations", _("Cases with an open escalation"), {"open_escalation": True}, True),
    ("escalations_week", _("… open a week or more"), {"escalation_age": 7}, True),
    ("escalations_month", _("… open a month or more"), {"escalation_age": 30}, True),
]


def _case_counts(user, rows, **common) -> list[WorkCount]:
    counts = []
    for key, label, filters, urgent in rows:
        item = case_count(user, key, label, CaseloadFilters(**common, **filters), urgent=urgent)
        if item is not None:
            counts.append(item)
    return counts


def caseworker_counts(user) -> list[WorkCount]:
    counts = _case_counts(user, MY_CASE_COUNTS, assigned_to_me=True)
    counts.append(
        inbox_count(
            "referrals",
            _("Referrals waiting for my agency"),
            inbox.waiting_referrals(user),
            "h-referrals",
        )
    )
    counts.append(
        inbox_count("actions", _("Review actions I own"), inbox.open_actions(user), "h-actions")
    )
    return counts


def supervisor_counts(user) -> list[WorkCount]:
    counts = [
        WorkCount(
            "approvals",
            _("Approvals waiting"),
            pending_moves_for(user).count(),
            reverse("approvals"),
        ),
        inbox_count(
            "held_registrations",
            _("Registrations held for review"),
            inbox.held_registrations(user),
            "h-held",
        ),
    ]
    counts += _case_counts(user, AGENCY_CASE_COUNTS)
    if access.can_reassign_departed_work(user):
        departed = departed_work_count(user)
        counts.append(
            WorkCount(
                "departed_work",
                _("Work of disabled users to reassign"),
                departed,
                reverse("departed_work"),
                urgent=True,
            )
        )
    return counts


def my_requested_moves(user, limit: int = 5) -> list[StageTransition]:
    """The moves ``user`` asked for, newest first, with their state (cases they still see)."""
    return list(
        StageTransition.objects.filter(requested_by=user, case__in=Case.objects.visible_to(user))
        .select_related("case", "from_stage", "to_stage", "decided_by")
        .order_by("-requested_at", "-pk")[:limit]
    )


def new_notes_on_my_cases(user, limit: int = 10) -> dict:
    """Notes by others on the cases assigned to ``user`` since they last opened each case
    (their latest read of it; a case never opened counts every such note): how many in
    all, and the cases with the most recent ones."""
    last_read = (
        AuditEvent.objects.filter(case=OuterRef("case"), actor=user, action=AuditAction.READ_CASE)
        .order_by("-at")
        .values("at")[:1]
    )
    notes = (
        Note.objects.filter(access.record_rows_filter("note", user))
        .filter(case__in=Case.objects.visible_to(user).filter(assigned_caseworker=user))
        .exclude(author=user)
        .annotate(last_read=Subquery(last_read))
        .filter(Q(last_read__isnull=True) | Q(created_at__gt=F("last_read")))
    )
    by_case = list(
        notes.values("case__reference", "case__person__full_name")
        .annotate(new=Count("id"), latest=Max("created_at"))
        .order_by("-latest", "case__reference")
    )
    return {
        "total": sum(row["new"] for row in by_case),
        "cases": by_case[:limit],
        "more": max(len(by_case) - limit, 0),
    }


def entry_points(user) -> list[tuple]:
    """Where an auditor or an administrator starts: (title, url, what it is for)."""
    if user.role == Role.AUDITOR:
        return [
            (_("Caseload"), reverse("caseload"), _("Every case you oversee, with its filters.")),
            (
                _("Emergency access"),
                reverse("break_glass"),
                _("Open a case outside your scope for a stated reason: recorded, time-limited."),
            ),
        ]
    if user.role == Role.ADMINISTRATOR and user.is_staff:
        admin = [
            ("programme", _("Programmes"), _("Stages, moves and their gates, cadences, bands.")),
            ("user", _("Users"), _("Accounts, roles, agencies, second factors, sessions.")),
            ("agency", _("Agencies"), _("Which agency reads which information.")),
            ("facility", _("Facilities"), _("Prisons and centres with their capacity.")),
            ("groupcategory", _("Group categories"), _("The neutral list of categories.")),
        ]
        return [
            (title, reverse(f"admin:casemgmt_{model}_changelist"), text)
            for model, title, text in admin
        ]
    return []


def home_for(user) -> dict:
    """Everything the home page shows for ``user``'s role: groups of counts and lists."""
    if user.role not in access.WRITER_ROLES:
        return {"groups": [], "entry_points": entry_points(user)}
    groups = []
    if user.role == Role.SUPERVISOR:
        groups.append((_("My agency's work"), supervisor_counts(user)))
    groups.append((_("My cases"), caseworker_counts(user)))
    return {
        "groups": groups,
        "dashboard_url": reverse("dashboard") if access.can_view_dashboard(user) else None,
        "requested_moves": my_requested_moves(user),
        "new_notes": new_notes_on_my_cases(user),
    }
