"""Reads for case pages: scoped lookups and everything a case page shows."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from casemgmt.models import (
    Case,
    CaseTeamMember,
    MultiAgencyReview,
    Person,
    ReviewPosition,
    StageTransition,
    TransitionStatus,
)


def visible_case_or_404(user, reference: str) -> Case:
    """The same 404 for "not yours" and "does not exist", so references reveal nothing."""
    return get_object_or_404(
        Case.objects.visible_to(user).select_related(
            "person",
            "person__group_category",
            "programme",
            "current_stage",
            "lead_agency",
            "assigned_caseworker",
            "facility",
        ),
        reference=reference,
    )


def visible_people(user) -> QuerySet:
    return Person.objects.filter(cases__in=Case.objects.visible_to(user)).distinct()


def visible_person_or_404(user, reference: str) -> Person:
    return get_object_or_404(
        visible_people(user).select_related(
            "group_category", "merged_into", "identity_verified_by"
        ),
        reference=reference,
    )


def case_detail(case: Case) -> dict:
    """Every list on the case page, each one query (constant as records grow)."""
    team = list(
        CaseTeamMember.objects.filter(case=case)
        .select_related("agency", "accepted_by")
        .order_by("left_on", "joined_on", "id")
    )
    reviews = list(
        MultiAgencyReview.objects.filter(case=case)
        .select_related("recommended_stage", "recorded_by")
        .prefetch_related(
            Prefetch("positions", queryset=ReviewPosition.objects.select_related("agency"))
        )
    )
    pending = (
        StageTransition.objects.filter(case=case, status=TransitionStatus.PENDING)
        .select_related("from_stage", "to_stage", "requested_by")
        .first()
    )
    return {
        "team": team,
        "active_team": [m for m in team if m.left_on is None],
        "legal_authorities": list(case.legal_authorities.select_related("recorded_by")),
        "eligibility_decisions": list(
            case.eligibility_decisions.select_related("decided_by", "revoked_by")
        ),
        "consents": list(case.consents.select_related("recorded_by")),
        "renunciations": list(case.renunciations.select_related("recorded_by", "verified_by")),
        "reviews": reviews,
        "undertakings": list(case.undertakings.select_related("recorded_by")),
        "assessments": list(case.assessments.select_related("assessor", "second_reviewed_by")),
        "monitoring_plans": list(case.monitoring_plans.select_related("responsible_agency")),
        "escalations": list(case.escalations.select_related("raised_by", "resolved_by")),
        "pending_move": pending,
    }


def pending_moves_for(user) -> QuerySet:
    """Pending stage moves on cases the user can see, oldest first."""
    return (
        StageTransition.objects.filter(
            status=TransitionStatus.PENDING, case__in=Case.objects.visible_to(user)
        )
        .select_related("case", "case__person", "from_stage", "to_stage", "requested_by")
        .order_by("requested_at")
    )
