"""Reads for case pages: scoped lookups and everything a case page shows."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from casemgmt import access, cadence
from casemgmt.models import (
    Case,
    CaseTeamMember,
    MultiAgencyReview,
    Note,
    Person,
    ReviewAction,
    ReviewAttendee,
    ReviewPosition,
    StageTransition,
    TransitionStatus,
)
from casemgmt.selectors.progress import case_progress


class OutOfScope(Http404):
    """A look-up outside the user's scope; the middleware records the refusal."""

    def __init__(self, target_type: str, target_id: str):
        super().__init__("Not found")
        self.target_type = target_type
        self.target_id = target_id


def visible_case_or_404(user, reference: str) -> Case:
    """The same 404 for "not yours" and "does not exist", so references reveal nothing."""
    qs = Case.objects.visible_to(user).select_related(
        "person",
        "person__group_category",
        "programme",
        "current_stage",
        "lead_agency",
        "assigned_caseworker",
        "facility",
    )
    case = qs.filter(reference=reference).first()
    if case is None:
        raise OutOfScope("casemgmt.case", reference)
    return case


def visible_people(user) -> QuerySet:
    return Person.objects.filter(cases__in=Case.objects.visible_to(user)).distinct()


def visible_person_or_404(user, reference: str) -> Person:
    person = (
        visible_people(user)
        .select_related("group_category", "merged_into", "identity_verified_by")
        .filter(reference=reference)
        .first()
    )
    if person is None:
        raise OutOfScope("casemgmt.person", reference)
    return person


def visible_notes(case: Case, user, *, latest_only: bool = True) -> list[Note]:
    """Notes the user may know exist; ``content_visible`` says whether they may read them."""
    qs = Note.objects.filter(case=case).filter(access.note_visibility_filter(user, case))
    if latest_only:
        qs = qs.filter(superseded_by__isnull=True)
    notes = list(qs.select_related("author", "agency", "thread"))
    for note in notes:
        note.content_visible = access.can_read_note_content(user, note)
    return notes


def _interventions(case):
    from casemgmt.services.interventions import attendance_rate

    items = list(case.interventions.select_related("provider").prefetch_related("sessions"))
    for item in items:
        sessions = list(item.sessions.all())
        item.session_count = len(sessions)
        item.rate = attendance_rate(sessions)
    return items


def case_detail(case: Case, user) -> dict:
    """Every list on the case page the user may read; each one query, constant as records grow."""
    classes = access.info_classes(user)
    C = access.InfoClass

    def when(info_class, fetch):
        return fetch() if info_class in classes else []

    team = list(
        CaseTeamMember.objects.filter(case=case)
        .select_related("agency", "accepted_by")
        .order_by("left_on", "joined_on", "id")
    )

    def reviews():
        return list(
            MultiAgencyReview.objects.filter(case=case)
            .select_related("recommended_stage", "recorded_by")
            .prefetch_related(
                Prefetch("positions", queryset=ReviewPosition.objects.select_related("agency")),
                Prefetch("attendees", queryset=ReviewAttendee.objects.select_related("agency")),
                Prefetch("actions", queryset=ReviewAction.objects.select_related("owner")),
            )
        )

    pending = (
        StageTransition.objects.filter(case=case, status=TransitionStatus.PENDING)
        .select_related("from_stage", "to_stage", "requested_by")
        .first()
    )
    hidden_triggers = [t for t, c in access.ESCALATION_TRIGGER_CLASSES.items() if c not in classes]
    return {
        "team": team,
        "active_team": [m for m in team if m.left_on is None],
        "legal_authorities": when(
            C.LEGAL, lambda: list(case.legal_authorities.select_related("recorded_by"))
        ),
        "eligibility_decisions": when(
            C.LEGAL,
            lambda: list(case.eligibility_decisions.select_related("decided_by", "revoked_by")),
        ),
        "consents": when(C.LEGAL, lambda: list(case.consents.select_related("recorded_by"))),
        "sharing_consents": when(
            C.LEGAL,
            lambda: list(case.sharing_consents.select_related("legal_authority", "recorded_by")),
        ),
        "renunciations": when(
            C.LEGAL,
            lambda: list(case.renunciations.select_related("recorded_by", "verified_by")),
        ),
        "reviews": when(C.INTERVENTION, lambda: reviews()),
        "undertakings": when(
            C.LEGAL, lambda: list(case.undertakings.select_related("recorded_by"))
        ),
        "assessments": when(
            C.RISK,
            lambda: list(case.assessments.select_related("assessor", "second_reviewed_by")),
        ),
        "monitoring_plans": when(
            C.LOCATION, lambda: list(case.monitoring_plans.select_related("responsible_agency"))
        ),
        "escalations": when(
            C.RISK,
            lambda: list(
                case.escalations.exclude(trigger__in=hidden_triggers).select_related(
                    "raised_by", "resolved_by"
                )
            ),
        ),
        "referrals": when(
            C.INTERVENTION,
            lambda: list(case.referrals.select_related("from_agency", "to_agency", "sent_by")),
        ),
        "notes": visible_notes(case, user),
        "interventions": when(C.INTERVENTION, lambda: _interventions(case)),
        "check_ins": when(C.INTERVENTION, lambda: list(case.check_ins.all()[:20])),
        "next_check_in_due": cadence.next_check_in_due(case) if C.INTERVENTION in classes else None,
        "reengagement_events": when(C.RISK, lambda: list(case.reengagement_events.all())),
        "progress": case_progress(case, user) if C.RISK in classes else {"chart": None},
        "pending_move": pending,
        "show": {c.value: c in classes for c in C},
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
