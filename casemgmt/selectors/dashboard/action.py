"""The dashboard's "action needed": what waits for the supervisor or is slipping.

Case figures are caseload filter sets (selectors.dashboard.scope): the count is the
caseload's exact count of that list and the link opens it. Registrations held, referrals
waiting and departed users' work are not cases of the scope: their figures are the inbox's
and the departed-work page's own counts, and the page says the scope does not apply.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from casemgmt import access
from casemgmt.selectors import inbox
from casemgmt.selectors.caseload import usable_filters
from casemgmt.selectors.dashboard.scope import DashboardFilters, Figure, case_figure
from casemgmt.selectors.departed_work import departed_work_count

NO_ACTIVITY_DAYS = 60

# (key, label, the figure's own caseload filters). Escalation bands are by the case's
# oldest open escalation, so each case is in exactly one band.
CASE_FIGURES = [
    ("pending_moves", _("Cases with a move waiting for approval"), {"pending_move": True}),
    ("reviews_overdue", _("Reassessments overdue"), {"overdue": True}),
    ("contacts_overdue", _("Check-ins overdue"), {"contact_overdue": True}),
    ("contacts_missed", _("Check-ins missed (past the grace period)"), {"contact_missed": True}),
    ("escalations_new", _("Open escalation, under 2 days"), {"escalation_age_max": 2}),
    (
        "escalations_days",
        _("Open escalation, 2 to 7 days"),
        {"escalation_age": 2, "escalation_age_max": 7},
    ),
    ("escalations_old", _("Open escalation, 7 days or more"), {"escalation_age": 7}),
    ("review_actions_overdue", _("Review actions overdue"), {"review_action_overdue": True}),
    (
        "no_activity",
        _("No activity for 60 days"),
        {"no_activity_days": NO_ACTIVITY_DAYS},
    ),
]


@dataclass(frozen=True)
class OtherFigure:
    """A count that is not of cases in scope (its note says what it counts)."""

    key: str
    label: object
    count: int
    url: str
    note: object
    urgent: bool = True


def _usable(user, scope: DashboardFilters, figure: dict) -> bool:
    """False when the user may not filter by the figure's own information: the caseload
    would drop the filter, so the figure would mean something else (not shown)."""
    filters = scope.caseload(**figure)
    return usable_filters(user, filters) == filters


def case_figures(user, scope: DashboardFilters) -> list[Figure]:
    return [
        case_figure(user, scope, key, label, urgent=True, **figure)
        for key, label, figure in CASE_FIGURES
        if _usable(user, scope, figure)
    ]


def other_figures(user) -> list[OtherFigure]:
    not_scoped = _("Not cases: the dashboard's filters do not apply.")
    figures = [
        OtherFigure(
            "held_registrations",
            _("Registrations held for review"),
            inbox.held_registrations(user).count(),
            f"{reverse('inbox')}#h-held",
            not_scoped,
        ),
        OtherFigure(
            "referrals_waiting",
            _("Referrals waiting for my agency's answer"),
            inbox.waiting_referrals(user).count(),
            f"{reverse('inbox')}#h-referrals",
            _("Referrals to your agency, on cases it may not work on yet: filters do not apply."),
        ),
    ]
    if access.can_reassign_departed_work(user):
        figures.append(
            OtherFigure(
                "departed_work",
                _("Work of disabled users to reassign"),
                departed_work_count(user),
                reverse("departed_work"),
                _("Cases, review actions and moves: the dashboard's filters do not apply."),
            )
        )
    return figures


def section(user, scope: DashboardFilters) -> dict:
    return {
        "cases": case_figures(user, scope),
        "others": other_figures(user),
        "approvals_url": reverse("approvals") if access.can_approve(user) else None,
    }
