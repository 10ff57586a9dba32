"""Reads for moving cases between caseworkers of a supervisor's agency (the reassignment
page, views/reassignment.py).

Whose cases: an active caseworker or supervisor of the supervisor's own agency. Which
cases: their open cases the supervisor may change (``departed_work.cases_in_reach``: the
supervisor's agency on the team or a programme they supervise, the allow-list when
restricted, never emergency access). To whom: an active caseworker or supervisor of the
same agency; ``services.cases.case_assign_caseworker`` checks again, on each locked case,
that their agency is on its team.
"""

from __future__ import annotations

from django.db.models import QuerySet

from casemgmt import access
from casemgmt.models import Case, User
from casemgmt.selectors.departed_work import TAKER_ROLES, cases_in_reach
from casemgmt.selectors.scope import refuse


def agency_staff(user) -> QuerySet:
    """Active caseworkers and supervisors of ``user``'s agency: whose cases the page lists,
    and who may take them over."""
    if not access.can_reassign_cases(user):
        return User.objects.none()
    return User.objects.filter(
        agency_id=user.agency_id, is_active=True, role__in=TAKER_ROLES
    ).order_by("first_name", "last_name", "pk")


def reassignable_cases(user, caseworker: User) -> QuerySet:
    """The open cases assigned to ``caseworker`` that ``user`` may reassign, by reference."""
    return (
        cases_in_reach(user)
        .filter(assigned_caseworker=caseworker)
        .select_related("person", "current_stage", "programme", "assigned_caseworker")
        .order_by("reference")
    )


def chosen_cases_or_404(user, caseworker: User, pks: list[int]) -> list[Case]:
    """The cases posted by id, each an open case of ``caseworker`` that ``user`` may
    reassign (what the page listed); any other id (another agency's caseworker's case, a
    closed case, one reassigned since) is "not found", and recorded. A case changed
    meanwhile in another way is refused by the service, by its version."""
    if not access.can_reassign_cases(user):
        refuse(Case, pks[0] if pks else "")
    cases = list(reassignable_cases(user, caseworker).filter(pk__in=pks))
    missing = sorted(set(pks) - {c.pk for c in cases})
    if missing:
        refuse(Case, missing[0])
    return cases
