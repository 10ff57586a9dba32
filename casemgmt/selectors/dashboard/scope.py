"""The dashboard's scope: which cases every figure counts, and the link to those cases.

Every case figure is a caseload filter set: the dashboard's scope (``DashboardFilters``)
plus the figure's own filters. Its count is the caseload's count of those filters and its
link opens the caseload with them and ``exact``, so the list says the same number.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

from django.db.models import QuerySet
from django.urls import reverse

from casemgmt.selectors.caseload import (
    CaseloadFilters,
    CaseScope,
    caseload_query,
    filtered_cases,
    usable_filters,
)
from casemgmt.selectors.dashboard import stored


@dataclass
class DashboardFilters(CaseScope):
    """The dashboard's own filters, kept in its URL (forms.dashboard): the programme and
    the scope it shares with the caseload."""

    programme: int | None = None

    def caseload(self, **figure) -> CaseloadFilters:
        """The caseload filters of a figure: this scope and the figure's own filters."""
        return CaseloadFilters(**asdict(self), **figure, exact=True)


@dataclass(frozen=True)
class Figure:
    """One number on the dashboard and the exact list it counts (None: no list)."""

    key: str
    label: object
    count: int
    url: str | None = None
    urgent: bool = False


def scoped_cases(user, scope: DashboardFilters, **figure) -> QuerySet:
    """The cases a figure counts: visible to ``user``, in scope, with the figure's filters
    (a filter on information the user may not read is dropped, as the caseload drops it)."""
    return filtered_cases(user, scope.caseload(**figure))


def caseload_url(user, scope: DashboardFilters, **figure) -> str:
    """The caseload with exactly the filters ``scoped_cases`` applies for this figure."""
    filters = usable_filters(user, scope.caseload(**figure))
    return f"{reverse('caseload')}?{stored.figure_link(caseload_query(filters), filters)}"


def case_figure(user, scope: DashboardFilters, key: str, label, *, urgent=False, **figure):
    """A figure counted from the caseload's own filters, linking to that list."""
    count = stored.measured(f"count:{key}", lambda: scoped_cases(user, scope, **figure).count())
    return Figure(key, label, count, caseload_url(user, scope, **figure), urgent=urgent)


def with_scope(scope: DashboardFilters, **changes) -> DashboardFilters:
    return replace(scope, **changes)
