"""Reads for an intervention's page."""

from __future__ import annotations

from casemgmt import access
from casemgmt.models import Case, Intervention
from casemgmt.selectors.scope import in_scope_or_404, refuse


def case_intervention_or_404(user, case: Case, pk) -> Intervention:
    """An intervention of ``case``; "not found" also for users who may not read interventions."""
    if not access.can_read(user, access.InfoClass.INTERVENTION):
        refuse(Intervention, pk)
    return in_scope_or_404(Intervention.objects.filter(case=case).select_related("provider"), pk)
