"""Reads for stage moves outside the case page."""

from __future__ import annotations

from django.db.models import Prefetch

from casemgmt import access
from casemgmt.models import Assessment, Case, ReviewPosition, StageTransition, TransitionStatus
from casemgmt.selectors.scope import in_scope_or_404


def visible_move_or_404(user, pk) -> StageTransition:
    """A stage move on a case ``user`` can see."""
    moves = StageTransition.objects.filter(
        access.record_rows_filter("stage_move", user), case__in=Case.objects.visible_to(user)
    ).select_related("case", "to_stage", "from_stage", "decided_by")
    return in_scope_or_404(moves, pk)


def pending_move(case: Case) -> StageTransition | None:
    """The case's move waiting for approval, if any (the engine re-exports it)."""
    return (
        StageTransition.objects.filter(case=case, status=TransitionStatus.PENDING)
        .select_related("from_stage", "to_stage", "requested_by")
        .first()
    )


def known_pending_move(case: Case, user) -> StageTransition | None:
    """``pending_move`` for a reader: None when ``user`` may not know of it (one requested
    before the person's 18th birthday, for untrained staff), as in the caseload's filter."""
    return (
        StageTransition.objects.filter(
            access.record_rows_filter("stage_move", user),
            case=case,
            status=TransitionStatus.PENDING,
        )
        .select_related("from_stage", "to_stage", "requested_by")
        .first()
    )


def case_with_evidence(pk: int) -> Case:
    """The case with everything gates read prefetched, so evaluating all its moves costs a
    fixed number of queries (the engine reads it again after locking the row)."""
    return (
        Case.objects.filter(pk=pk)
        .select_related("person", "programme", "current_stage", "assigned_caseworker")
        .prefetch_related(
            "legal_authorities",
            "eligibility_decisions",
            "consents",
            "renunciations__verified_by",
            Prefetch(
                "reviews__positions", queryset=ReviewPosition.objects.select_related("agency")
            ),
            "undertakings",
            Prefetch("assessments", queryset=Assessment.objects.select_related("instrument")),
            "monitoring_plans",
            "escalations",
            "team__agency",
        )
        .get()
    )
