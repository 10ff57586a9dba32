"""Legal holds of a case, for the case page and the retention job."""

from __future__ import annotations

from casemgmt.models import Case, LegalHold


def current_legal_hold(case: Case) -> LegalHold | None:
    """The open hold on ``case`` (who set it, when, why), or None."""
    return (
        LegalHold.objects.filter(case=case, lifted_at__isnull=True)
        .select_related("set_by")
        .order_by("-set_at")
        .first()
    )
