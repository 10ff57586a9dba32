"""Demo people and cases, driven through the real services so every stage of
the default programme has cases with genuine evidence, moves and audit rows;
plus a bulk path (``--cases N``) for volume, built with bulk inserts."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from casemgmt import access, workflow
from casemgmt.demo import demo_agency
from casemgmt.factories import FacilityFactory, default_programme
from casemgmt.models import (
    Agency,
    AgencyKind,
    Assessment,
    AuditAction,
    AuditEvent,
    Case,
    CaseStatus,
    CaseTeamMember,
    Consent,
    Eligibility,
    GroupCategory,
    LegalAuthority,
    MonitoringPlan,
    MultiAgencyReview,
    Person,
    Renunciation,
    Stage,
    StageTransition,
    TeamRole,
    TransitionStatus,
    Undertaking,
    User,
)
from casemgmt.services import (
    assessments,
    escalations,
    evidence,
    monitoring,
    notes,
    people,
    referrals,
    restriction,
    sharing,
)
from casemgmt.services import cases as case_services
from casemgmt.services.references import CASE_PREFIX, PERSON_PREFIX, allocate_references

# (name, CNIC, date of birth, district, category, final stage, lead agency short name, story)
DEMO_PEOPLE = [
    ("Abdul Wahid", "15602-1000001-1", "1994-02-11", "Swat", 0, "referral", "Probation Swat", ""),
    ("Sher Ali Khan", "15602-1000002-3", "1989-07-23", "Dir", 0, "referral", "CP Peshawar", ""),
    ("Gul Rahman", "15602-1000003-5", "1996-11-02", "Swat", 1, "intake", "Probation Swat", ""),
    ("Zahid Ullah", "17301-1000004-7", "1991-05-30", "Peshawar", 2, "intake", "CP Peshawar", ""),
    (
        "Noor Muhammad",
        "16101-1000005-9",
        "1987-01-15",
        "Mardan",
        0,
        "case_conference",
        "CP Peshawar",
        "",
    ),
    (
        "Ihsanullah",
        "15602-1000006-1",
        "1993-09-09",
        "Swat",
        3,
        "case_conference",
        "Probation Swat",
        "",
    ),
    (
        "Fazal Hadi",
        "15602-1000007-3",
        "1985-03-03",
        "Swat",
        0,
        "prison_rehabilitation",
        "CP Peshawar",
        "",
    ),
    (
        "Rahim Dad",
        "17301-1000008-5",
        "1990-12-12",
        "Peshawar",
        1,
        "prison_rehabilitation",
        "CP Peshawar",
        "",
    ),
    (
        "Bakht Zada",
        "15602-1000009-7",
        "1992-06-18",
        "Swat",
        4,
        "prison_rehabilitation",
        "CP Peshawar",
        "",
    ),
    (
        "Shah Faisal",
        "16101-1000010-9",
        "1995-08-21",
        "Mardan",
        0,
        "counselling",
        "Probation Swat",
        "",
    ),
    ("Amjad Iqbal", "15602-1000011-1", "1988-04-27", "Swat", 2, "counselling", "CP Peshawar", ""),
    (
        "Muhammad Idrees",
        "15602-1000012-3",
        "1986-10-05",
        "Dir",
        0,
        "release_preparation",
        "CP Peshawar",
        "",
    ),
    (
        "Saif ur Rehman",
        "17301-1000013-5",
        "1993-02-14",
        "Peshawar",
        1,
        "release_preparation",
        "CP Peshawar",
        "pending",
    ),
    ("Hazrat Bilal", "15602-1000014-7", "1990-01-01", "Swat", 0, "released", "CP Peshawar", ""),
    (
        "Khan Zeb",
        "15602-1000015-9",
        "1984-07-07",
        "Swat",
        3,
        "released",
        "CP Peshawar",
        "escalation",
    ),
    ("Wali Muhammad", "16101-1000016-1", "1991-09-19", "Mardan", 0, "released", "CP Peshawar", ""),
    ("Asfandyar", "15602-1000017-3", "1989-05-05", "Swat", 1, "completed", "CP Peshawar", ""),
    (
        "Tahir Mehmood",
        "17301-1000018-5",
        "1994-03-25",
        "Peshawar",
        2,
        "exited",
        "Probation Swat",
        "",
    ),
    ("Javed Akhtar", "15602-1000019-7", "1987-12-30", "Swat", 0, "suspended", "CP Peshawar", ""),
    (
        "Rashid Minhas",
        "15602-1000020-9",
        "2010-04-10",
        "Swat",
        5,
        "intake",
        "Probation Swat",
        "juvenile",
    ),
]

# The path through the default programme to each final stage.
PATHS = {
    "referral": ["referral"],
    "intake": ["referral", "intake"],
    "case_conference": ["referral", "intake", "case_conference"],
    "prison_rehabilitation": ["referral", "intake", "case_conference", "prison_rehabilitation"],
    "counselling": [
        "referral",
        "intake",
        "case_conference",
        "prison_rehabilitation",
        "counselling",
    ],
    "release_preparation": [
        "referral",
        "intake",
        "case_conference",
        "prison_rehabilitation",
        "counselling",
        "release_preparation",
    ],
    "released": [
        "referral",
        "intake",
        "case_conference",
        "prison_rehabilitation",
        "counselling",
        "release_preparation",
        "released",
    ],
}
PATHS["completed"] = [*PATHS["released"], "completed"]
PATHS["exited"] = ["referral", "intake", "exited"]
PATHS["suspended"] = [*PATHS["released"], "suspended"]

STEP_DAYS = 45
# Fixed seed: the demo looks the same on every machine.
_RNG = random.Random(2017)


@dataclass
class Crew:
    """The demo staff who act on a case: a writer, a second person, an approver."""

    writer: User
    second: User
    approver: User
    receiver: User


def _crew(lead: Agency) -> Crew:
    users = {u.username: u for u in User.objects.filter(agency__isnull=False)}
    if lead.kind == AgencyKind.PRISON:
        writer, approver = users["prison.officer"], users["prison.supervisor"]
    else:
        writer, approver = users["caseworker"], users["supervisor"]
    return Crew(
        writer=writer, second=users["counsellor"], approver=approver, receiver=users["caseworker"]
    )


class _Satisfier:
    """Records, through the services, the evidence each gate of a move needs."""

    def __init__(self, case: Case, crew: Crew, when: datetime.datetime):
        self.case, self.crew, self.when = case, crew, when
        self.day = timezone.localdate(when)

    def satisfy(self, transition) -> None:
        for configured in transition.gates.all():
            handler = getattr(self, configured.gate, None)
            if handler:
                handler(configured.params or {}, transition)

    def identity_verified(self, params, transition):
        people.person_verify_identity(
            person=self.case.person,
            by=self.crew.writer,
            document_reference="NADRA CNIC verification",
        )
        self.case.person.refresh_from_db()

    def legal_authority_recorded(self, params, transition):
        kind = params["kinds"][0]
        evidence.legal_authority_record(
            case=self.case,
            by=self.crew.writer,
            kind=kind,
            reference=f"{kind[:2].upper()}-{self.case.pk:04d}/{self.day.year}",
            issued_on=self.day - datetime.timedelta(days=3),
            issuing_body="Anti-Terrorism Court, Swat"
            if kind != "recall_order"
            else "Home Department",
            document_reference=f"DOC-{self.case.pk}-{kind}",
        )

    def eligible(self, params, transition):
        evidence.eligibility_record(
            case=self.case,
            by=self.crew.writer,
            decision="eligible",
            rationale="Court record and police report show no involvement in killing.",
            decided_on=self.day - datetime.timedelta(days=2),
        )

    def consent_signed(self, params, transition):
        evidence.consent_record(
            case=self.case,
            by=self.crew.writer,
            terms_version="Participation terms 2026.1",
            privacy_notice_version="Privacy notice 2026.1",
            signed_on=self.day - datetime.timedelta(days=2),
            witness_name="Jail welfare officer",
            guardian_name="Father, Gul Khan" if self.case.person.is_juvenile else "",
        )

    def initial_assessment_reviewed(self, params, transition):
        assessment = assessments.assessment_record_overall(
            case=self.case,
            by=self.crew.writer,
            kind="initial",
            assessed_on=self.day - datetime.timedelta(days=5),
            overall_concern=_RNG.choice(["low", "moderate", "high"]),
            rationale=(
                "Baseline across all domains; family ties strong, some ideological commitment."
            ),
        )
        assessments.assessment_second_review(assessment=assessment, by=self.crew.second)

    def juvenile_safeguards(self, params, transition):
        if self.case.person.is_juvenile:
            trained = User.objects.filter(
                agency=self.case.lead_agency, juvenile_trained=True
            ).first()
            if trained is None:
                trained = self.crew.writer
                User.objects.filter(pk=trained.pk).update(juvenile_trained=True)
                trained.refresh_from_db()
            case_services.case_assign_caseworker(
                case=self.case, by=self.crew.approver, caseworker=trained
            )
            self.case.refresh_from_db()

    def assessment_recent(self, params, transition):
        max_age = params["max_age_days"]
        assessments.assessment_record_overall(
            case=self.case,
            by=self.crew.writer,
            kind="pre_release" if max_age <= 30 else "review",
            assessed_on=self.day - datetime.timedelta(days=min(7, max_age)),
            overall_concern=_RNG.choice(["low", "moderate"]),
            rationale="Periodic reassessment: steady engagement with education and counselling.",
        )

    def _renunciation(self, kind):
        record = evidence.renunciation_record(
            case=self.case,
            by=self.crew.writer,
            kind=kind,
            declared_on=self.day - datetime.timedelta(days=10),
            witness_name="Religious scholar and jail superintendent",
            document_reference=f"REN-{self.case.pk}-{kind}",
        )
        evidence.renunciation_verify(renunciation=record, by=self.crew.second)

    def renunciation_violence_verified(self, params, transition):
        self._renunciation("violence")

    def renunciation_ideology_verified(self, params, transition):
        self._renunciation("violent_ideology")

    def multi_agency_review(self, params, transition):
        kinds = params.get("required_agency_kinds") or []
        agencies = {a.kind: a for a in Agency.objects.filter(kind__in=kinds).order_by("pk")}
        positions = [(agencies[k], "agree", "") for k in kinds if k in agencies]
        if self.case.lead_agency.kind not in kinds:
            positions.append((self.case.lead_agency, "agree", ""))
        welfare = Agency.objects.filter(kind=AgencyKind.SOCIAL_WELFARE).first()
        if welfare and welfare.kind not in kinds:
            positions.append((welfare, "abstain", ""))
        evidence.review_record(
            case=self.case,
            by=self.crew.writer,
            kind=params["review_kind"],
            held_on=self.day - datetime.timedelta(days=1),
            decision=f"Recommend: {transition.to_stage.name}.",
            minutes="Agencies reviewed progress, conduct and the plan; positions recorded.",
            recommended_stage=transition.to_stage,
            positions=positions,
        )

    def release_decision_recorded(self, params, transition):
        evidence.legal_authority_record(
            case=self.case,
            by=self.crew.writer,
            kind="release_order",
            reference=f"RB-{self.case.pk:04d}/{self.day.year}",
            issued_on=self.day - datetime.timedelta(days=1),
            issuing_body="Provincial Review Board",
        )

    def receiving_agency_accepted(self, params, transition):
        probation = demo_agency("Probation Swat")
        member = self.case.team.filter(agency=probation, left_on__isnull=True).first()
        if member is None:
            case_services.team_member_add(
                case=self.case, by=self.crew.writer, agency=probation, role=TeamRole.MONITORING
            )
        elif member.role != TeamRole.MONITORING:
            CaseTeamMember.objects.filter(pk=member.pk).update(role=TeamRole.MONITORING)
        case_services.team_member_accept_case(
            member=self.case.team.get(agency=self.crew.receiver.agency, left_on__isnull=True),
            by=self.crew.receiver,
        )

    def undertaking_recorded(self, params, transition):
        evidence.undertaking_record(
            case=self.case,
            by=self.crew.writer,
            kind="elders",
            guarantor_name="Jirga of the home village (five elders)",
            terms="Report any contact with the group; keep the person in the village.",
            signed_on=self.day - datetime.timedelta(days=4),
        )

    def monitoring_plan_exists(self, params, transition):
        monitoring.monitoring_plan_record(
            case=self.case,
            by=self.crew.writer,
            responsible_agency=demo_agency("Probation Swat"),
            contact_frequency="weekly",
            residence="With parents in the home village",
            family_arrangements="Father and elder brother as daily contacts.",
            work_arrangements="TEVTA electrician course, then placement.",
            conditions="No travel outside the district without permission.",
            starts_on=self.day,
        )


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


def _backdate(case: Case, since: datetime.datetime, when: datetime.datetime) -> None:
    """Demo history: records made for a past step carry that step's date."""
    for model in EVIDENCE_MODELS:
        model.objects.filter(case=case, recorded_at__gte=since).update(recorded_at=when)


def _drive(case: Case, path: list[str], crew: Crew, start: datetime.datetime, story: str) -> None:
    stages = {s.key: s for s in case.programme.stages.all()}
    when = start
    for index, key in enumerate(path[1:], start=1):
        when = start + datetime.timedelta(days=STEP_DAYS * index)
        case.refresh_from_db()
        transition = case.current_stage.exits.prefetch_related("gates").get(to_stage__key=key)
        recorded_from = timezone.now()
        _Satisfier(case, crew, when).satisfy(transition)
        _backdate(case, recorded_from, when - datetime.timedelta(days=1))
        case.refresh_from_db()
        last = index == len(path) - 1
        move = workflow.request_transition(
            case=case,
            to_stage=stages[key],
            by=crew.writer,
            reason=f"Ready for {stages[key].name}.",
            now=when,
        )
        if move.status == TransitionStatus.PENDING and not (last and story == "pending"):
            workflow.approve_transition(
                stage_transition=move, by=crew.approver, reason="Agreed at review.", now=when
            )
    if story == "escalation":
        escalations.escalation_raise(
            case=case,
            by=crew.receiver,
            trigger="missed_contact",
            description="Missed two weekly visits.",
        )


@transaction.atomic
def seed_demo_cases() -> int:
    """Create the hand-written demo cases once; return how many were created."""
    if Person.objects.filter(cnic=DEMO_PEOPLE[0][1]).exists():
        return 0
    programme = default_programme()
    categories = list(GroupCategory.objects.order_by("pk"))
    prison = demo_agency("CP Peshawar")
    facility = FacilityFactory(
        name="Central Prison Peshawar, Rehabilitation Block", agency=prison, capacity=60
    )
    counselling = demo_agency("Sabaoon")
    created = 0
    for name, cnic, dob, district, cat, final, lead_short, story in DEMO_PEOPLE:
        lead = demo_agency(lead_short)
        crew = _crew(lead)
        person = people.person_register(
            by=crew.writer,
            full_name=name,
            cnic=cnic,
            date_of_birth=datetime.date.fromisoformat(dob),
            sex="male",
            district=district,
            province="Khyber Pakhtunkhwa",
            languages="Pashto, Urdu",
            group_category=categories[cat % len(categories)],
            family_contacts="Father and mother in the home village; elder brother (phone on file).",
            confirm_not_duplicate=True,
        )
        path = PATHS[final]
        start = timezone.now() - datetime.timedelta(days=STEP_DAYS * len(path) + 5)
        case = case_services.case_open(
            by=crew.writer,
            person=person,
            programme=programme,
            lead_agency=lead,
            assigned_caseworker=crew.writer,
            facility=facility if lead == prison else None,
            opened_on=timezone.localdate(start),
        )
        # The person's consent to share with support agencies comes before they join.
        sharing.sharing_record(
            case=case,
            by=crew.writer,
            basis="consent",
            agency_kinds=["counselling", "health", "education", "social_welfare", "family_liaison"],
            purpose="rehabilitation",
            given_on=timezone.localdate(start),
        )
        case_services.team_member_add(
            case=case, by=crew.writer, agency=counselling, role=TeamRole.COUNSELLING
        )
        if lead != demo_agency("Probation Swat"):
            case_services.team_member_add(
                case=case,
                by=crew.writer,
                agency=demo_agency("Probation Swat"),
                role=TeamRole.SUPPORT,
            )
        _drive(case, path, crew, start, story)
        if final in {"released", "completed", "suspended"}:
            # Police join for monitoring in the community (no consent needed: statutory).
            case_services.team_member_add(
                case=case, by=crew.writer, agency=demo_agency("Police Swat"), role=TeamRole.SUPPORT
            )
        _add_notes_and_referrals(case, crew, final)
        _add_assessments_interventions_monitoring(case, crew, final, start)
        if story == "escalation":
            # A high-profile case: only its allow-list may open it.
            restriction.case_set_restricted(case=case, by=crew.approver, restricted=True)
            restriction.allow_list_add(case=case, by=crew.approver, user=crew.writer)
        created += 1
    programme.supervisors.add(User.objects.get(username="supervisor"))
    from casemgmt.services.monitoring import monitoring_check_overdue

    # Released cases whose contacts lapsed show up as escalations, as the daily job would.
    monitoring_check_overdue()
    return created


NOTE_TEXTS = [
    ("custody_conduct", "case_team", "Attends classes regularly; no conduct reports this month."),
    (
        "counselling",
        "case_team",
        "Session focused on anger and grief after the death of a brother.",
    ),
    ("family", "case_team", "Mother visited; family ready to receive him and supports the plan."),
    (
        "security_concern",
        "my_agency",
        "Visitor log shows a contact previously linked to the group.",
    ),
    ("education", "case_team", "Passed the electrician module assessment."),
]


def _add_notes_and_referrals(case: Case, crew: Crew, final: str) -> None:
    users = {u.username: u for u in User.objects.filter(agency__isnull=False)}
    authors = {
        "custody_conduct": crew.writer,
        "counselling": users["counsellor"],
        "family": users["caseworker"],
        "security_concern": users["police.liaison"],
        "education": users["tevta.instructor"],
    }
    for category, visibility, body in NOTE_TEXTS[: 2 + case.pk % 4]:
        author = authors[category]
        if not access.can_write_case(author, case):
            continue
        notes.note_add(case=case, by=author, category=category, visibility=visibility, body=body)
    if final in {"released", "completed", "suspended"}:
        tevta = demo_agency("TEVTA")
        referral = referrals.referral_send(
            case=case,
            by=crew.writer,
            to_agency=tevta,
            service="vocational",
            reason="Electrician course before and after release.",
        )
        referrals.referral_accept(referral=referral, by=users["tevta.instructor"])
    if final in {"release_preparation", "counselling"}:
        referrals.referral_send(
            case=case,
            by=crew.writer,
            to_agency=demo_agency("DHO Swat"),
            service="health",
            reason="Sleep problems and flashbacks reported; assessment for trauma care.",
        )


ASSESSED_STAGES = {
    "prison_rehabilitation",
    "counselling",
    "release_preparation",
    "released",
    "completed",
    "suspended",
}


def _add_assessments_interventions_monitoring(case, crew, final, start) -> None:
    """Structured assessments over time, interventions with sessions, and for released
    cases a monitoring history with some missed contacts."""
    from casemgmt.models import CheckInOutcome, Instrument, Item, StageKind
    from casemgmt.services import interventions

    if final not in ASSESSED_STAGES:
        return
    instrument = Instrument.objects.filter(is_active=True).order_by("-version").first()
    items = list(Item.objects.filter(domain__instrument=instrument).select_related("domain"))
    counsellor = User.objects.get(username="counsellor")
    steps = 4 if final in {"released", "completed", "suspended"} else 2
    for step in range(steps):
        # Concern falls over time: the disengagement track first, ideology more slowly.
        def rating(item, step=step):
            level = (
                max(0, 2 - step) if item.domain.track == "disengagement" else max(0, 2 - step // 2)
            )
            if item.is_protective:
                level = 2 - level
            return ["low", "moderate", "high"][level]

        assessed_on = timezone.localdate(start) + datetime.timedelta(days=60 + step * 90)
        assessed_on = min(assessed_on, timezone.localdate())
        ratings = {
            item.pk: (
                rating(item),
                "Observed in custody and sessions.",
                "",
                "Caseworker; counsellor",
            )
            for item in items
            if not item.domain.is_clinical
        }
        assessments.assessment_record(
            case=case,
            by=crew.writer,
            instrument=instrument,
            kind="review",
            assessed_on=assessed_on,
            overall_concern=["high", "moderate", "low", "low"][step],
            rationale="Periodic structured review.",
            ratings=ratings,
        )
    counselling = demo_agency("Sabaoon")
    course = interventions.intervention_start(
        case=case,
        by=counsellor,
        kind="counselling",
        provider=counselling,
        goals="Grief, anger and trauma; coping without violence.",
        starts_on=timezone.localdate(start) + datetime.timedelta(days=30),
    )
    for n in range(6):
        interventions.session_record(
            intervention=course,
            by=counsellor,
            held_on=min(course.starts_on + datetime.timedelta(days=14 * n), timezone.localdate()),
            duration_minutes=50,
            attendance="missed" if n == 3 else "attended",
            facilitator="Nadia Hussain",
            progress_note="Engaged; talked about his brother.",
        )
    case.refresh_from_db()
    if case.current_stage.kind == StageKind.COMMUNITY:
        receiver = crew.receiver
        if not access.can_write_case(receiver, case):
            return
        today = timezone.localdate()
        outcomes_ = [CheckInOutcome.MET, CheckInOutcome.MET, CheckInOutcome.MISSED]
        for n, outcome in enumerate(outcomes_):
            monitoring.check_in_record(
                case=case,
                by=receiver,
                held_on=today - datetime.timedelta(days=40 - 7 * n),
                kind="home_visit",
                outcome=outcome,
            )


FIRST_NAMES = [
    "Abdul",
    "Ahmad",
    "Akbar",
    "Amin",
    "Anwar",
    "Arif",
    "Asad",
    "Aziz",
    "Bashir",
    "Bilal",
    "Farid",
    "Fazal",
    "Gul",
    "Habib",
    "Hamid",
    "Hanif",
    "Haroon",
    "Idrees",
    "Imran",
    "Iqbal",
    "Jamal",
    "Javed",
    "Kamal",
    "Karim",
    "Khalid",
    "Latif",
    "Majid",
    "Nadir",
    "Naeem",
    "Nasir",
    "Noor",
    "Qadir",
    "Rafiq",
    "Rahim",
    "Rashid",
    "Saeed",
    "Salim",
    "Shafiq",
    "Sher",
    "Tariq",
    "Umar",
    "Wahid",
    "Yasin",
    "Zahid",
]
LAST_NAMES = [
    "Afridi",
    "Ahmed",
    "Ali",
    "Durrani",
    "Gul",
    "Hussain",
    "Iqbal",
    "Jan",
    "Khan",
    "Khattak",
    "Mehsud",
    "Mohmand",
    "Orakzai",
    "Qureshi",
    "Rahman",
    "Shah",
    "Shinwari",
    "Swati",
    "Ullah",
    "Wazir",
    "Yousafzai",
    "Zaman",
]
DISTRICTS = ["Swat", "Dir", "Peshawar", "Mardan", "Bajaur", "Khyber", "Buner", "Shangla"]


@transaction.atomic
def seed_bulk_cases(total: int) -> int:
    """Top the number of cases up to ``total`` with bulk inserts; return how many were added."""
    missing = total - Case.objects.count()
    if missing <= 0:
        return 0
    rng = random.Random(total)
    programme = default_programme()
    stages = [s for s in programme.stages.all() if not s.is_start] + [programme.start_stage]
    start = programme.start_stage
    categories = list(GroupCategory.objects.all())
    leads = list(Agency.objects.filter(kind__in=[AgencyKind.PRISON, AgencyKind.PROBATION]))
    writers = {a.pk: User.objects.filter(agency=a, role="caseworker").first() for a in leads}
    facility = FacilityFactory(
        name="District Jail Swat, De-radicalisation Wing",
        agency=leads[0] if leads[0].kind == AgencyKind.PRISON else leads[-1],
        capacity=400,
    )
    now = timezone.now()
    person_refs = allocate_references(prefix=PERSON_PREFIX, count=missing)
    case_refs = allocate_references(prefix=CASE_PREFIX, count=missing)

    persons = Person.objects.bulk_create(
        [
            Person(
                reference=ref,
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
                created_at=now,
            )
            for ref in person_refs
        ],
        batch_size=1000,
    )
    case_rows = []
    for ref, person in zip(case_refs, persons, strict=True):
        stage: Stage = rng.choice(stages)
        lead = rng.choice(leads)
        opened = timezone.localdate(now) - datetime.timedelta(days=rng.randint(30, 1500))
        status = (
            CaseStatus.CLOSED
            if stage.is_terminal
            else CaseStatus.SUSPENDED
            if stage.kind == "suspended"
            else CaseStatus.ACTIVE
        )
        case_rows.append(
            Case(
                reference=ref,
                person=person,
                programme=programme,
                current_stage=stage,
                stage_entered_at=now - datetime.timedelta(days=rng.randint(0, 300)),
                status=status,
                concern_level=rng.choice(["low", "moderate", "high"]),
                lead_agency=lead,
                assigned_caseworker=writers.get(lead.pk),
                facility=facility
                if stage.kind == "custody" and lead.kind == AgencyKind.PRISON
                else None,
                opened_on=opened,
                # About a quarter overdue, so the "overdue" filter has something to show.
                next_review_due=None
                if stage.is_terminal
                else timezone.localdate(now) + datetime.timedelta(days=rng.randint(-60, 180)),
                closed_on=timezone.localdate(now) if status == CaseStatus.CLOSED else None,
            )
        )
    created_cases = Case.objects.bulk_create(case_rows, batch_size=1000)
    CaseTeamMember.objects.bulk_create(
        [
            CaseTeamMember(case=c, agency=c.lead_agency, role=TeamRole.LEAD, joined_on=c.opened_on)
            for c in created_cases
        ],
        batch_size=2000,
    )
    LegalAuthority.objects.bulk_create(
        [
            LegalAuthority(
                case=c,
                kind="court_order",
                reference=f"ATC-{c.pk}/{c.opened_on.year}",
                issued_on=c.opened_on,
                issuing_body="Anti-Terrorism Court",
                recorded_by=c.assigned_caseworker,
            )
            for c in created_cases
            if c.assigned_caseworker
        ],
        batch_size=2000,
    )
    Eligibility.objects.bulk_create(
        [
            Eligibility(
                case=c,
                rule_applied=programme.exclusion_rule,
                decision="eligible",
                rationale="Imported from the programme's paper register.",
                decided_on=c.opened_on,
                decided_by=c.assigned_caseworker,
                recorded_by=c.assigned_caseworker,
            )
            for c in created_cases
            if c.assigned_caseworker
        ],
        batch_size=2000,
    )
    StageTransition.objects.bulk_create(
        [
            StageTransition(
                case=c,
                from_stage=start,
                to_stage=c.current_stage,
                requested_by=c.assigned_caseworker,
                requested_at=c.stage_entered_at,
                reason="Imported from the programme's paper register.",
                status=TransitionStatus.APPLIED,
                applied_at=c.stage_entered_at,
            )
            for c in created_cases
            if c.assigned_caseworker and c.current_stage_id != start.pk
        ],
        batch_size=2000,
    )
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                actor=None,
                action=AuditAction.CASE_IMPORTED,
                target_type="casemgmt.case",
                target_id=str(c.pk),
                target_label=c.reference,
                case=c,
                metadata={"source": "seed_demo --cases"},
            )
            for c in created_cases
        ],
        batch_size=2000,
    )
    if connection.vendor == "postgresql":
        # Fresh statistics after a bulk load, so the planner uses the indexes.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return len(created_cases)
