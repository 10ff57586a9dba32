"""The hand-written demo cases, driven through the real services and stage engine, so
every stage of the default programme has cases with genuine evidence, moves and audit rows.

The stories the README and guides point at: Hazrat Bilal released into the community with
check-ins; Saif ur Rehman's move to release preparation waiting for approval; Khan Zeb, a restricted
case with an open escalation; Rashid Minhas and Usman Ghani, juveniles whose cases only the
trained youth worker and the programme's supervisor open.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from casemgmt import workflow
from casemgmt.demo import history
from casemgmt.demo.data import (
    DEMO_PEOPLE,
    FACILITY_URDU,
    GROUP_CONTEXTS,
    PATHS,
    RELEASED_STAGES,
    DemoPerson,
    Story,
)
from casemgmt.demo.satisfier import demo_move_reason, guardian_consent, satisfy
from casemgmt.demo.staff import Crew, crew_for, demo_agency
from casemgmt.factories import FacilityFactory, default_programme
from casemgmt.models import (
    Agency,
    Assessment,
    Case,
    CaseStatus,
    Consent,
    Eligibility,
    Facility,
    GroupCategory,
    LegalAuthority,
    MonitoringPlan,
    MultiAgencyReview,
    Person,
    Placement,
    Programme,
    Renunciation,
    StageCustody,
    TeamRole,
    TransitionStatus,
    Undertaking,
    User,
)
from casemgmt.services import cases as case_services
from casemgmt.services import escalations, people, placements, restriction, sharing
from casemgmt.services.monitoring import monitoring_check_overdue

# Days between two moves of a demo case.
STEP_DAYS = 45

# Evidence recorded for a past move is dated back to that move.
EVIDENCE_MODELS = [
    LegalAuthority,
    Eligibility,
    Consent,
    Renunciation,
    MultiAgencyReview,
    Undertaking,
    Assessment,
    MonitoringPlan,
]

# Support agencies the person consents to share with before they join the team.
EDUCATION_WING = "District Jail Swat, Education Wing"
SHARING_AGENCY_KINDS = ["counselling", "health", "education", "social_welfare", "family_liaison"]


@transaction.atomic
def seed_story_cases() -> int:
    """Create the hand-written demo cases once; return how many were created."""
    if Person.objects.filter(cnic=DEMO_PEOPLE[0].cnic).exists():
        return 0
    programme = default_programme()
    categories = list(GroupCategory.objects.order_by("pk"))
    facility = FacilityFactory(
        name=(name := "Central Prison Peshawar, Rehabilitation Block"),
        name_ur=FACILITY_URDU[name],
        agency=demo_agency("CP Peshawar"),
        capacity=60,
    )
    # First: the programme's supervisor opens and approves the juvenile cases.
    programme.supervisors.add(User.objects.get(username="supervisor"))
    for row in DEMO_PEOPLE:
        _tell(
            row,
            programme=programme,
            category=categories[row.category % len(categories)],
            facility=facility,
        )
    _transfer_one(facility)
    programme.supervisors.add(User.objects.get(username="supervisor"))
    # Released cases whose contacts lapsed show up as escalations, as the daily job would.
    monitoring_check_overdue()
    return len(DEMO_PEOPLE)


def _tell(
    row: DemoPerson, *, programme: Programme, category: GroupCategory, facility: Facility
) -> None:
    """One demo case from registration to its final stage, its history and its story."""
    lead = demo_agency(row.lead)
    crew = crew_for(lead, juvenile=row.story == Story.JUVENILE)
    path = PATHS[row.final_stage]
    start = timezone.now() - datetime.timedelta(days=STEP_DAYS * len(path) + 5)
    case = _open_case(
        row,
        lead=lead,
        crew=crew,
        programme=programme,
        category=category,
        facility=facility,
        start=start,
    )
    _drive(
        case, path, crew=crew, start=start, leave_last_pending=row.story == Story.PENDING_APPROVAL
    )
    if row.story == Story.RESTRICTED_ESCALATION:
        escalations.escalation_raise(
            case=case,
            by=crew.receiver,
            trigger="missed_contact",
            description="Missed two weekly visits.",
        )
    police = demo_agency("Police Swat")
    if row.final_stage in RELEASED_STAGES and not case.team.filter(agency=police).exists():
        # Police join for monitoring in the community (no consent needed: statutory).
        case_services.team_member_add(
            case=case, by=crew.writer, agency=police, role=TeamRole.SUPPORT
        )
    history.add_notes_and_referrals(case, crew=crew, final_stage=row.final_stage)
    history.add_assessments_interventions_monitoring(
        case, crew=crew, final_stage=row.final_stage, start=start
    )
    if row.story == Story.RESTRICTED_ESCALATION:
        # A high-profile case: only its allow-list may open it. Restricted last, so the
        # team's notes and records above go in as on any other case.
        restriction.case_set_restricted(case=case, by=crew.approver, restricted=True)
        restriction.allow_list_add(case=case, by=crew.approver, user=crew.writer)


def _open_case(
    row: DemoPerson,
    *,
    lead: Agency,
    crew: Crew,
    programme: Programme,
    category: GroupCategory,
    facility: Facility,
    start: datetime.datetime,
) -> Case:
    """Register the person, open their case and build its team."""
    person = people.person_register(
        by=crew.writer,
        full_name=row.name,
        cnic=row.cnic,
        date_of_birth=datetime.date.fromisoformat(row.date_of_birth),
        sex=row.sex,
        district=row.district,
        province="Khyber Pakhtunkhwa",
        languages="Pashto, Urdu",
        group_category=category,
        group_context=GROUP_CONTEXTS[row.category % len(GROUP_CONTEXTS)],
        family_contacts="Father and mother in the home village; elder brother (phone on file).",
        confirm_not_duplicate=True,
    )
    case = case_services.case_open(
        by=crew.writer,
        person=person,
        programme=programme,
        lead_agency=lead,
        assigned_caseworker=crew.writer,
        facility=facility if lead == facility.agency else None,
        opened_on=timezone.localdate(start),
        # Created when the story starts: its first stay (time per stage) counts from then.
        now=start,
    )
    _build_team(case, crew=crew, lead=lead, given_on=timezone.localdate(start))
    return case


def _build_team(case: Case, *, crew: Crew, lead: Agency, given_on: datetime.date) -> None:
    """Counselling joins, and probation supports a case it does not lead."""
    # The person's consent to share with support agencies comes before they join; a
    # minor's counts only with their guardian's.
    sharing.sharing_record(
        case=case,
        by=crew.writer,
        basis="consent",
        agency_kinds=SHARING_AGENCY_KINDS,
        purpose="rehabilitation",
        given_on=given_on,
        **(guardian_consent(given_on) if case.person.is_juvenile_on(given_on) else {}),
    )
    case_services.team_member_add(
        case=case, by=crew.writer, agency=demo_agency("Sabaoon"), role=TeamRole.COUNSELLING
    )
    probation = demo_agency("Probation Swat")
    if lead != probation:
        case_services.team_member_add(
            case=case, by=crew.writer, agency=probation, role=TeamRole.SUPPORT
        )


def _drive(
    case: Case,
    path: list[str],
    *,
    crew: Crew,
    start: datetime.datetime,
    leave_last_pending: bool,
) -> None:
    """Walk ``case`` along ``path``, one move every STEP_DAYS, recording each gate's evidence."""
    stages = {s.key: s for s in case.programme.stages.all()}
    last = len(path) - 1
    for index, key in enumerate(path[1:], start=1):
        when = start + datetime.timedelta(days=STEP_DAYS * index)
        case.refresh_from_db()
        transition = case.current_stage.exits.prefetch_related("gates").get(to_stage__key=key)
        recorded_from = timezone.now()
        satisfy(transition, case=case, crew=crew, when=when)
        _backdate(case, since=recorded_from, to=when - datetime.timedelta(days=1))
        case.refresh_from_db()
        move = workflow.request_transition(
            case=case,
            to_stage=stages[key],
            by=crew.writer,
            reason=f"Ready for {stages[key].name}.",
            now=when,
            reason_kind=(reason_kind := demo_move_reason(transition)),
            # The demo's recall also records its re-engagement event (Outcomes).
            record_reengagement=reason_kind in ("recalled", "rearrested"),
            facility=_facility_for(case, stages[key]),
        )
        if move.status == TransitionStatus.PENDING and not (index == last and leave_last_pending):
            workflow.approve_transition(
                stage_transition=move, by=crew.approver, reason="Agreed at review.", now=when
            )


def _facility_for(case: Case, stage) -> Facility | None:
    """Entering prison places the person: in the lead prison's block if the case opened
    there (it is kept), else in the district jail."""
    if stage.custody != StageCustody.HELD or case.facility_id:
        return None
    return FacilityFactory(
        name=EDUCATION_WING,
        name_ur=FACILITY_URDU[EDUCATION_WING],
        agency=demo_agency("CP Peshawar"),
        capacity=25,
    )


def _transfer_one(facility: Facility) -> None:
    """One person moves between facilities, so the history shows a transfer."""
    placement = (
        Placement.objects.current()
        .filter(facility=facility, case__status=CaseStatus.ACTIVE)
        .select_related("case")
        .order_by("case_id")
        .first()
    )
    if placement is None:
        return
    to = FacilityFactory(
        name=EDUCATION_WING,
        name_ur=FACILITY_URDU[EDUCATION_WING],
        agency=facility.agency,
        capacity=25,
    )
    if to == placement.facility:
        return
    placements.placement_transfer(
        case=placement.case,
        by=crew_for(facility.agency).writer,
        facility=to,
        moved_on=max(placement.started_on, timezone.localdate() - datetime.timedelta(days=7)),
        reason="Closer to his family for visits; a place in the education wing.",
    )


def _backdate(case: Case, *, since: datetime.datetime, to: datetime.datetime) -> None:
    """Demo history: records made for a past step carry that step's date."""
    for model in EVIDENCE_MODELS:
        model.objects.filter(case=case, recorded_at__gte=since).update(recorded_at=to)
