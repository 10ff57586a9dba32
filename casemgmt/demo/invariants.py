"""What the services keep true of every case, checked over a set of cases: the stage
history follows the programme, the version counts the versioned writes, the review due
date is the one the history implies, the team holds every writer, and every record has
its audit event. Tests run it over both the service-built stories and generated cases,
so the rules here are the services' rules, not the generator's."""

from __future__ import annotations

from collections import Counter, defaultdict

from django.db.models import Q
from django.utils import timezone

from casemgmt import access, cadence
from casemgmt.models import (
    Assessment,
    AuditAction,
    AuditEvent,
    Case,
    CaseStatus,
    CaseTeamMember,
    CheckIn,
    ClassificationChange,
    Consent,
    Eligibility,
    Escalation,
    Intervention,
    LegalAuthority,
    MonitoringPlan,
    MultiAgencyReview,
    Note,
    ReengagementEvent,
    Referral,
    Session,
    SharingConsent,
    StageTransition,
    Transition,
    TransitionStatus,
)

# Audit actions whose write bumps the case's version (``save_case_fields``).
VERSIONED_ACTIONS = {
    AuditAction.CASE_TRANSITION_REQUESTED,
    AuditAction.CASE_TRANSITION_APPLIED,
    AuditAction.CASE_TRANSITION_APPROVED,
    AuditAction.CASE_TRANSITION_REJECTED,
    AuditAction.CASE_TRANSITION_WITHDRAWN,
    AuditAction.CASE_ASSIGNED,
    AuditAction.CASE_RESTRICTED,
    AuditAction.CASE_UNRESTRICTED,
    AuditAction.CASE_LEGAL_HOLD_SET,
    AuditAction.CASE_LEGAL_HOLD_LIFTED,
    AuditAction.CASE_PERSON_CHANGED,
    AuditAction.PLACEMENT_TRANSFERRED,
    AuditAction.CASE_CLASSIFIED,
}
# Records whose every row has an audit event naming it.
AUDITED_RECORDS = [
    Assessment,
    ClassificationChange,
    MultiAgencyReview,
    CheckIn,
    Consent,
    Eligibility,
    Escalation,
    Intervention,
    LegalAuthority,
    MonitoringPlan,
    Note,
    ReengagementEvent,
    Referral,
    SharingConsent,
]


def check_cases(case_ids: list[int]) -> list[str]:
    """Every broken rule over the cases ``case_ids``, one line each (empty: all kept)."""
    cases = Case.objects.filter(pk__in=case_ids).select_related("current_stage", "programme")
    events = _events(case_ids)
    problems: list[str] = []
    moves = _by_case(
        StageTransition.objects.filter(case__in=case_ids, status=TransitionStatus.APPLIED)
        .select_related("to_stage")
        .order_by("applied_at", "pk")
    )
    allowed = set(Transition.objects.values_list("from_stage_id", "to_stage_id"))
    for case in cases:
        problems += _stage_history(case, moves[case.pk], allowed)
        problems += _version(case, events[case.pk])
        problems += _review_due(case, moves[case.pk])
    problems += _team(case_ids)
    problems += _audited(case_ids)
    return problems


def _by_case(queryset) -> dict[int, list]:
    out: dict[int, list] = defaultdict(list)
    for row in queryset:
        out[row.case_id].append(row)
    return out


def _events(case_ids) -> dict[int, Counter]:
    out: dict[int, Counter] = defaultdict(Counter)
    rows = AuditEvent.objects.filter(case__in=case_ids).values_list("case_id", "action")
    for case_id, action in rows:
        out[case_id][action] += 1
    return out


def _stage_history(case: Case, moves: list, allowed: set) -> list[str]:
    ref, problems = case.reference, []
    here = case.programme.start_stage.pk
    for move in moves:
        if move.from_stage_id != here:
            problems.append(f"{ref}: move {move.pk} leaves a stage the case was not in")
        if (move.from_stage_id, move.to_stage_id) not in allowed:
            problems.append(f"{ref}: move {move.pk} is not a transition of the programme")
        here = move.to_stage_id
    if here != case.current_stage_id:
        problems.append(f"{ref}: current stage is not where its moves lead")
    if moves and case.stage_entered_at != moves[-1].applied_at:
        problems.append(f"{ref}: entered its stage at another time than its last move")
    for move in moves:
        if move.stay_began_at is None or move.stay_began_at > move.applied_at:
            problems.append(f"{ref}: move {move.pk} ends a stay that begins after it")
    stage = case.current_stage
    expected = (
        CaseStatus.CLOSED
        if stage.is_terminal
        else CaseStatus.SUSPENDED
        if stage.kind == "suspended"
        else CaseStatus.ACTIVE
    )
    if case.status != expected or (case.closed_on is None) == (expected == CaseStatus.CLOSED):
        problems.append(f"{ref}: status {case.status} does not fit stage {stage.key}")
    return problems


def _version(case: Case, events: Counter) -> list[str]:
    writes = sum(n for action, n in events.items() if action in VERSIONED_ACTIONS)
    if case.version != 1 + writes:
        return [f"{case.reference}: version {case.version}, but {writes} versioned writes"]
    return []


def _review_due(case: Case, moves: list) -> list[str]:
    due = cadence.replay_review_due(
        opened_on=case.opened_on,
        start=case.programme.start_stage,
        initial_days=case.programme.initial_assessment_days,
        moves=[(m.applied_at, m.to_stage) for m in moves],
        assessments=list(case.assessments.values_list("recorded_at", "assessed_on")),
        escalations=list(Escalation.objects.filter(case=case).values_list("raised_at", flat=True)),
    )
    problems = []
    if case.next_review_due != due:
        problems.append(f"{case.reference}: review due {case.next_review_due}, history says {due}")
    contact = cadence.contact_due_for(case, stage=case.current_stage)
    if case.next_contact_due != contact:
        problems.append(
            f"{case.reference}: contact due {case.next_contact_due}, records say {contact}"
        )
    meeting = cadence.meeting_due_for(case, stage=case.current_stage)
    if case.next_meeting_due != meeting:
        problems.append(
            f"{case.reference}: review meeting due {case.next_meeting_due}, records say {meeting}"
        )
    return problems


def _team(case_ids) -> list[str]:
    """The lead is on the team; the assigned caseworker's, every note's and every
    non-exempt member's agency is on it or covered by the sharing ledger."""
    problems = []
    team = defaultdict(dict)
    for m in CaseTeamMember.objects.filter(case__in=case_ids).select_related("agency"):
        team[m.case_id][m.agency_id] = m
    covered = defaultdict(set)
    for case_id, kinds in SharingConsent.objects.filter(case__in=case_ids).values_list(
        "case_id", "agency_kinds"
    ):
        covered[case_id].update(kinds)
    for case in Case.objects.filter(pk__in=case_ids).select_related("assigned_caseworker"):
        members = team[case.pk]
        lead = members.get(case.lead_agency_id)
        if lead is None or lead.role != "lead":
            problems.append(f"{case.reference}: the lead agency is not on the team as lead")
        worker = case.assigned_caseworker
        if worker and worker.agency_id not in members:
            problems.append(f"{case.reference}: the assigned caseworker's agency is not on it")
        for m in members.values():
            exempt = m.agency.kind in access.CONSENT_EXEMPT_KINDS
            if not exempt and m.agency.kind not in covered[case.pk]:
                problems.append(f"{case.reference}: {m.agency} is on the team without consent")
    for note in Note.objects.filter(case__in=case_ids):
        member = team[note.case_id].get(note.agency_id)
        if member is None or member.joined_on > timezone.localdate(note.created_at):
            problems.append(f"note {note.pk}: written by an agency not on the team")
    return problems


def _audited(case_ids) -> list[str]:
    """Every record of the cases has an audit event naming it; applied moves one each."""
    problems = []
    for model in [*AUDITED_RECORDS, Session]:
        case_field = "intervention__case__in" if model is Session else "case__in"
        ids = {
            str(pk)
            for pk in model.objects.filter(**{case_field: case_ids}).values_list("pk", flat=True)
        }
        seen = set(
            AuditEvent.objects.filter(
                target_type=model._meta.label_lower, target_id__in=ids
            ).values_list("target_id", flat=True)
        )
        for missing in sorted(ids - seen):
            problems.append(f"{model._meta.verbose_name} {missing}: no audit event")
    applied = StageTransition.objects.filter(case__in=case_ids, status=TransitionStatus.APPLIED)
    moved = AuditEvent.objects.filter(
        Q(action=AuditAction.CASE_TRANSITION_APPLIED)
        | Q(action=AuditAction.CASE_TRANSITION_APPROVED),
        case__in=case_ids,
    )
    if applied.count() != moved.count():
        problems.append(f"{applied.count()} applied moves but {moved.count()} move events")
    return problems
