"""Reads for an intervention's page."""

from __future__ import annotations

from casemgmt import access
from casemgmt.models import Case, Intervention
from casemgmt.selectors.scope import in_scope_or_404, refuse


def case_intervention_or_404(user, case: Case, pk) -> Intervention:
    """An intervention of ``case``; "not found" also for users who may not read interventions."""
    if not access.can_read(user, access.InfoClass.INTERVENTION):
        refuse(Intervention, pk)
    rows = Intervention.objects.filter(case=case).filter(
        access.record_rows_filter("intervention", user)
    )
    return in_scope_or_404(rows.select_related("provider"), pk)
