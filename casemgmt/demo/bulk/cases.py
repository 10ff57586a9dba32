"""The skeleton of a generated case: the person, the case, its lead agency, legal
authority, eligibility, and a stage history that follows the programme's transitions
(a request and a supervisor's approval where the programme asks for one)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from casemgmt.demo.bulk.events import case_event, event
from casemgmt.demo.bulk.setting import Setting, Staff
from casemgmt.demo.bulk.writer import BulkWriter
from casemgmt.demo.data import DISTRICTS, FEMALE_FIRST_NAMES, FIRST_NAMES, LAST_NAMES
from casemgmt.juveniles import adult_from
from casemgmt.models import (
    AuditAction,
    CaseTeamMember,
    Eligibility,
    LegalAuthority,
    Person,
    Stage,
    StageTransition,
    TeamRole,
    Transition,
    TransitionStatus,
)

DAY = datetime.timedelta(days=1)


def day(at: datetime.datetime) -> datetime.date:
    """The local date of ``at``, as the services date things (``timezone.localdate``)."""
    return timezone.localdate(at)


REASONS = {
    False: "Gates met; moved on the caseworker's recommendation.",
    True: "Gates met; recommended to the supervisor for approval.",
}


@dataclass
class Draft:
    """A case while it is generated: what later records depend on."""

    case_id: int
    reference: str
    opened: datetime.datetime
    lead: Staff
    writer_id: int
    supervisor_id: int | None
    # (stage, entered at) in order; the first is the start stage at opening.
    stages: list[tuple[Stage, datetime.datetime]]
    version: int = 1
    person_id: int | None = None  # the case's person (their values in the trail are hashed)
    team: dict[int, datetime.datetime] = field(default_factory=dict)  # agency -> joined at
    juvenile: bool = False
    # The next contact due under its monitoring plan (cadence.next_check_in_due).
    contact_due: datetime.date | None = None
    meeting_due: datetime.date | None = None

    @property
    def stage(self) -> Stage:
        return self.stages[-1][0]

    def entered(self, key: str) -> datetime.datetime | None:
        return next((at for s, at in self.stages if s.key == key), None)

    def reached_kind(self, kind: str) -> datetime.datetime | None:
        return next((at for s, at in self.stages if s.kind == kind), None)


def add_person(writer: BulkWriter, setting: Setting, reference: str, opened, *, juvenile) -> int:
    rng = setting.rng
    woman = rng.random() < 0.07
    age_at_opening = rng.randint(14, 15) if juvenile else rng.randint(19, 48)
    born = day(opened) - datetime.timedelta(days=age_at_opening * 365 + rng.randint(0, 360))
    first = rng.choice(FEMALE_FIRST_NAMES if woman else FIRST_NAMES)
    person_id = writer.add(
        Person,
        reference=reference,
        full_name=f"{first} {rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
        date_of_birth=born,
        adult_on=adult_from(born),
        sex="female" if woman else "male",
        district=rng.choice(DISTRICTS),
        province="Khyber Pakhtunkhwa",
        languages=rng.choice(["Pashto, Urdu", "Pashto", "Urdu, Punjabi", "Pashto, Urdu, English"]),
        group_category_id=rng.choice(setting.categories).pk,
        created_at=opened,
    )
    return person_id


def pick_path(setting: Setting) -> list[Transition]:
    """A path to a final stage drawn by the cohort's weights; shorter paths are likelier."""
    rng = setting.rng
    final = rng.choices(setting.finals, weights=setting.weights)[0]
    paths = sorted(setting.paths[final.pk], key=len)
    return paths[min(int(rng.expovariate(1.2)), len(paths) - 1)]


def move_times(setting: Setting, opened: datetime.datetime, count: int) -> list[datetime.datetime]:
    """``count`` increasing times between opening and now."""
    rng = setting.rng
    span = (setting.now - opened).total_seconds() * rng.uniform(0.55, 0.97)
    marks = sorted(rng.uniform(0.02, 1.0) for _ in range(count))
    return [opened + datetime.timedelta(seconds=span * m) for m in marks]


def open_draft(writer, setting: Setting, case_id: int, reference: str, opened) -> Draft:
    lead = setting.rng.choice(_leads(setting))
    writer_user = lead.writer(setting.rng)
    supervisor = setting.rng.choice(lead.supervisors or setting.supervisors or [None])
    return Draft(
        case_id=case_id,
        reference=reference,
        opened=opened,
        lead=lead,
        writer_id=writer_user.pk,
        supervisor_id=supervisor.pk if supervisor else None,
        stages=[(setting.start, opened)],
        team={lead.agency.pk: opened},
    )


def _leads(setting: Setting) -> list[Staff]:
    from casemgmt.models import AgencyKind

    return setting.staff.get(AgencyKind.PRISON, []) + setting.staff.get(AgencyKind.PROBATION, [])


def add_opening(writer: BulkWriter, setting: Setting, draft: Draft, person_id: int) -> None:
    """The events of registration and opening, the lead member, the legal authority and
    the eligibility decision."""
    at, by, case = draft.opened, draft.writer_id, draft.case_id
    event(
        writer,
        action=AuditAction.PERSON_REGISTERED,
        target="person",
        target_id=person_id,
        label=draft.reference,
        at=at,
        actor_id=by,
        case_id=None,
        person_id=person_id,
    )
    case_event(writer, draft, AuditAction.CASE_OPENED, "case", case, at)
    writer.add(
        CaseTeamMember,
        case_id=case,
        agency_id=draft.lead.agency.pk,
        role=TeamRole.LEAD,
        joined_on=day(at),
    )
    custodial = draft.lead.agency.kind == "prison" or setting.rng.random() < 0.8
    kind = "court_order" if custodial else "voluntary_referral"
    authority = writer.add(
        LegalAuthority,
        case_id=case,
        kind=kind,
        reference=f"ATC-{case}/{at.year}" if custodial else f"VR-{case}/{at.year}",
        issued_on=day(at) - DAY * setting.rng.randint(1, 40),
        issuing_body="Anti-Terrorism Court" if custodial else "District Coordination Committee",
        recorded_by_id=by,
        recorded_at=at,
    )
    case_event(
        writer,
        draft,
        AuditAction.EVIDENCE_LEGAL_AUTHORITY_RECORDED,
        "legalauthority",
        authority,
        at,
    )
    eligibility = writer.add(
        Eligibility,
        case_id=case,
        rule_applied=setting.programme.exclusion_rule,
        decision="eligible",
        rationale="Screened against the exclusion rule; no disqualifying offence on record.",
        decided_on=day(at),
        decided_by_id=by,
        recorded_by_id=by,
        recorded_at=at,
    )
    case_event(
        writer, draft, AuditAction.EVIDENCE_ELIGIBILITY_DECIDED, "eligibility", eligibility, at
    )


def add_moves(writer: BulkWriter, draft: Draft, path: list[Transition], times) -> None:
    """Each move of the path, applied at once or requested and then approved."""
    for transition, at in zip(path, times, strict=True):
        # A move is requested only once the previous one was approved (the engine allows
        # one pending move), however close the drawn times fall.
        at = max(at, draft.stages[-1][1] + datetime.timedelta(hours=1))
        needs_approval = transition.requires_approval and draft.supervisor_id is not None
        decided = at + datetime.timedelta(hours=30) if needs_approval else at
        move = writer.add(
            StageTransition,
            case_id=draft.case_id,
            transition_id=transition.pk,
            from_stage_id=transition.from_stage_id,
            to_stage_id=transition.to_stage_id,
            requested_by_id=draft.writer_id,
            requested_at=at,
            reason=REASONS[needs_approval],
            gate_results=[{"gate": g.gate, "met": True} for g in transition.gates.all()],
            status=TransitionStatus.APPLIED,
            decided_by_id=draft.supervisor_id if needs_approval else None,
            decided_at=decided if needs_approval else None,
            decision_reason="Evidence checked." if needs_approval else "",
            applied_at=decided,
        )
        _move_events(writer, draft, transition, move, at, decided, needs_approval)
        draft.stages.append((transition.to_stage, decided))


def _move_events(writer, draft: Draft, transition, move, at, decided, needs_approval) -> None:
    """The engine's events for one move; each bumps the case's version once."""
    keys = {"from": transition.from_stage.key, "to": transition.to_stage.key, "move": move}
    if needs_approval:
        steps = [
            (AuditAction.CASE_TRANSITION_REQUESTED, at, draft.writer_id, keys),
            (AuditAction.CASE_TRANSITION_APPROVED, decided, draft.supervisor_id, {"move": move}),
        ]
    else:
        steps = [(AuditAction.CASE_TRANSITION_APPLIED, at, draft.writer_id, keys)]
    for action, when, actor, metadata in steps:
        case_event(
            writer, draft, action, "case", draft.case_id, when, actor_id=actor, metadata=metadata
        )
        draft.version += 1
