"""Volume for ``seed_demo --cases N`` and the benchmarks: generated people and cases,
written with bulk inserts (no services: tens of thousands of cases in seconds), each with
its lead team member, legal authority, eligibility, import move and audit row."""

import datetime
import random
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from casemgmt.demo.data import DISTRICTS, FIRST_NAMES, LAST_NAMES
from casemgmt.factories import FacilityFactory, default_programme
from casemgmt.models import (
    Agency,
    AgencyKind,
    AuditAction,
    AuditEvent,
    Case,
    CaseStatus,
    CaseTeamMember,
    Eligibility,
    Facility,
    GroupCategory,
    LegalAuthority,
    Person,
    Programme,
    Stage,
    StageTransition,
    TeamRole,
    TransitionStatus,
    User,
)
from casemgmt.services.references import CASE_PREFIX, PERSON_PREFIX, allocate_references

IMPORTED = "Imported from the programme's paper register."


@dataclass
class Setting:
    """What every generated case draws from."""

    rng: random.Random
    now: datetime.datetime
    programme: Programme
    stages: list[Stage]
    leads: list[Agency]
    writers: dict[int, User | None]
    facility: Facility

    @property
    def today(self) -> datetime.date:
        return timezone.localdate(self.now)


@transaction.atomic
def seed_bulk_cases(total: int) -> int:
    """Top the number of cases up to ``total`` with bulk inserts; return how many were added."""
    missing = total - Case.objects.count()
    if missing <= 0:
        return 0
    setting = _setting(seed=total)
    person_refs = allocate_references(prefix=PERSON_PREFIX, count=missing)
    case_refs = allocate_references(prefix=CASE_PREFIX, count=missing)
    categories = list(GroupCategory.objects.all())
    persons = Person.objects.bulk_create(
        [_person(setting, ref, categories) for ref in person_refs], batch_size=1000
    )
    cases = Case.objects.bulk_create(
        [_case(setting, ref, person) for ref, person in zip(case_refs, persons, strict=True)],
        batch_size=1000,
    )
    _add_records(cases, programme=setting.programme)
    if connection.vendor == "postgresql":
        # Fresh statistics after a bulk load, so the planner uses the indexes.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return len(cases)


def _setting(*, seed: int) -> Setting:
    programme = default_programme()
    leads = list(Agency.objects.filter(kind__in=[AgencyKind.PRISON, AgencyKind.PROBATION]))
    return Setting(
        # Seeded by the total: the same command gives the same cases.
        rng=random.Random(seed),
        now=timezone.now(),
        programme=programme,
        # The start stage last, as the generator has always drawn them.
        stages=[s for s in programme.stages.all() if not s.is_start] + [programme.start_stage],
        leads=leads,
        writers={a.pk: User.objects.filter(agency=a, role="caseworker").first() for a in leads},
        facility=FacilityFactory(
            name="District Jail Swat, De-radicalisation Wing",
            agency=leads[0] if leads[0].kind == AgencyKind.PRISON else leads[-1],
            capacity=400,
        ),
    )


def _person(setting: Setting, reference: str, categories: list[GroupCategory]) -> Person:
    rng = setting.rng
    return Person(
        reference=reference,
        full_name=" ".join(
            [rng.choice(FIRST_NAMES), rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)]
        ),
        date_of_birth=datetime.date(
            rng.randint(1975, 2005), rng.randint(1, 12), rng.randint(1, 28)
        ),
        sex="male" if rng.random() < 0.95 else "female",
        district=rng.choice(DISTRICTS),
        province="Khyber Pakhtunkhwa",
        languages="Pashto, Urdu",
        group_category=rng.choice(categories),
        created_at=setting.now,
    )


def _status(stage: Stage) -> str:
    if stage.is_terminal:
        return CaseStatus.CLOSED
    if stage.kind == "suspended":
        return CaseStatus.SUSPENDED
    return CaseStatus.ACTIVE


def _case(setting: Setting, reference: str, person: Person) -> Case:
    # The order of the draws below fixes the generated data: keep it.
    rng, today = setting.rng, setting.today
    stage: Stage = rng.choice(setting.stages)
    lead = rng.choice(setting.leads)
    opened = today - datetime.timedelta(days=rng.randint(30, 1500))
    stage_entered_at = setting.now - datetime.timedelta(days=rng.randint(0, 300))
    concern_level = rng.choice(["low", "moderate", "high"])
    # About a quarter overdue, so the "overdue" filter has something to show.
    next_review_due = (
        None if stage.is_terminal else today + datetime.timedelta(days=rng.randint(-60, 180))
    )
    status = _status(stage)
    in_prison = stage.kind == "custody" and lead.kind == AgencyKind.PRISON
    return Case(
        reference=reference,
        person=person,
        programme=setting.programme,
        current_stage=stage,
        stage_entered_at=stage_entered_at,
        status=status,
        concern_level=concern_level,
        lead_agency=lead,
        assigned_caseworker=setting.writers.get(lead.pk),
        facility=setting.facility if in_prison else None,
        opened_on=opened,
        next_review_due=next_review_due,
        closed_on=today if status == CaseStatus.CLOSED else None,
    )


def _add_records(cases: list[Case], *, programme: Programme) -> None:
    """The lead team member, legal authority, eligibility, import move and audit row."""
    staffed = [c for c in cases if c.assigned_caseworker]
    CaseTeamMember.objects.bulk_create([_lead_member(c) for c in cases], batch_size=2000)
    LegalAuthority.objects.bulk_create([_court_order(c) for c in staffed], batch_size=2000)
    Eligibility.objects.bulk_create([_eligibility(c, programme) for c in staffed], batch_size=2000)
    start = programme.start_stage
    StageTransition.objects.bulk_create(
        [_import_move(c, start) for c in staffed if c.current_stage_id != start.pk],
        batch_size=2000,
    )
    AuditEvent.objects.bulk_create([_import_event(c) for c in cases], batch_size=2000)


def _lead_member(case: Case) -> CaseTeamMember:
    return CaseTeamMember(
        case=case, agency=case.lead_agency, role=TeamRole.LEAD, joined_on=case.opened_on
    )


def _court_order(case: Case) -> LegalAuthority:
    return LegalAuthority(
        case=case,
        kind="court_order",
        reference=f"ATC-{case.pk}/{case.opened_on.year}",
        issued_on=case.opened_on,
        issuing_body="Anti-Terrorism Court",
        recorded_by=case.assigned_caseworker,
    )


def _eligibility(case: Case, programme: Programme) -> Eligibility:
    return Eligibility(
        case=case,
        rule_applied=programme.exclusion_rule,
        decision="eligible",
        rationale=IMPORTED,
        decided_on=case.opened_on,
        decided_by=case.assigned_caseworker,
        recorded_by=case.assigned_caseworker,
    )


def _import_move(case: Case, start: Stage) -> StageTransition:
    return StageTransition(
        case=case,
        from_stage=start,
        to_stage=case.current_stage,
        requested_by=case.assigned_caseworker,
        requested_at=case.stage_entered_at,
        reason=IMPORTED,
        status=TransitionStatus.APPLIED,
        applied_at=case.stage_entered_at,
    )


def _import_event(case: Case) -> AuditEvent:
    return AuditEvent(
        actor=None,
        action=AuditAction.CASE_IMPORTED,
        target_type="casemgmt.case",
        target_id=str(case.pk),
        target_label=case.reference,
        case=case,
        metadata={"source": "seed_demo --cases"},
    )
