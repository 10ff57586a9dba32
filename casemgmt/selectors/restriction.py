"""Reads behind a restricted case's allow-list."""

from __future__ import annotations

from casemgmt.models import Case, CaseAccessGrant
from casemgmt.selectors.scope import in_scope_or_404


def access_grant_or_404(case: Case, pk) -> CaseAccessGrant:
    """One allow-list grant of ``case`` (the caller has checked who may manage it)."""
    return in_scope_or_404(CaseAccessGrant.objects.filter(case=case).select_related("case"), pk)
