"""Reads for stage moves outside the case page."""

from __future__ import annotations

from casemgmt import access
from casemgmt.models import Case, StageTransition
from casemgmt.selectors.scope import in_scope_or_404


def visible_move_or_404(user, pk) -> StageTransition:
    """A stage move on a case ``user`` can see."""
    moves = StageTransition.objects.filter(
        access.record_rows_filter("stage_move", user), case__in=Case.objects.visible_to(user)
    ).select_related("case", "to_stage", "from_stage")
    return in_scope_or_404(moves, pk)
