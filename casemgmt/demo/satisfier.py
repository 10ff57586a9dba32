"""Records, through the real services, the evidence each gate of a move needs.

Every gate in the registry (``casemgmt.gates.REGISTRY``) is either in ``HANDLERS`` or in
``EVIDENCE_FREE``; a gate in neither raises ``UnknownGateError`` rather than being skipped,
so a new gate cannot quietly leave the demo cases stuck before it.
"""

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from casemgmt.demo import assessing
from casemgmt.demo.data import CLASSIFICATION_REASONS
from casemgmt.demo.staff import Crew, demo_agency
from casemgmt.models import Agency, AgencyKind, Case, CaseTeamMember, TeamRole, User
from casemgmt.services import assessments, evidence, monitoring, people
from casemgmt.services import cases as case_services

# Fixed seed: the demo looks the same on every machine.
_RNG = random.Random(2017)


class UnknownGateError(LookupError):
    """A move's gate that the demo has no handler for and that is not marked evidence-free."""


@dataclass
class Step:
    """One move of a demo case: who records the evidence, and when."""

    case: Case
    crew: Crew
    when: datetime.datetime

    @property
    def day(self) -> datetime.date:
        return timezone.localdate(self.when)

    def days_before(self, days: int) -> datetime.date:
        return self.day - datetime.timedelta(days=days)


GateHandler = Callable[[Step, dict, object], None]


def satisfy(transition, *, case: Case, crew: Crew, when: datetime.datetime) -> None:
    """Record the evidence for every gate configured on ``transition``."""
    step = Step(case=case, crew=crew, when=when)
    for configured in transition.gates.all():
        handler = handler_for(configured.gate)
        if handler is not None:
            handler(step, configured.params or {}, transition)


def handler_for(gate: str) -> GateHandler | None:
    """The handler that satisfies ``gate``; None for an evidence-free gate."""
    if gate in HANDLERS:
        return HANDLERS[gate]
    if gate in EVIDENCE_FREE:
        return None
    raise UnknownGateError(
        f"The demo does not know how to satisfy the gate {gate!r}: add a handler to "
        "HANDLERS in casemgmt/demo/satisfier.py, or list it in EVIDENCE_FREE."
    )


def _identity_verified(step: Step, params: dict, transition) -> None:
    people.person_verify_identity(
        person=step.case.person, by=step.crew.writer, document_reference="NADRA CNIC verification"
    )
    step.case.person.refresh_from_db()


def _legal_authority_recorded(step: Step, params: dict, transition) -> None:
    kind = params["kinds"][0]
    evidence.legal_authority_record(
        case=step.case,
        by=step.crew.writer,
        kind=kind,
        reference=f"{kind[:2].upper()}-{step.case.pk:04d}/{step.day.year}",
        issued_on=step.days_before(3),
        issuing_body="Anti-Terrorism Court, Swat" if kind != "recall_order" else "Home Department",
        document_reference=f"DOC-{step.case.pk}-{kind}",
    )


def _eligible(step: Step, params: dict, transition) -> None:
    evidence.eligibility_record(
        case=step.case,
        by=step.crew.writer,
        decision="eligible",
        rationale="Court record and police report show no involvement in killing.",
        decided_on=step.days_before(2),
    )


def _consent_signed(step: Step, params: dict, transition) -> None:
    signed_on = step.days_before(2)
    evidence.consent_record(
        case=step.case,
        by=step.crew.writer,
        terms_version="Participation terms 2026.1",
        privacy_notice_version="Privacy notice 2026.1",
        signed_on=signed_on,
        witness_name="Jail welfare officer",
        **(guardian_consent(signed_on) if step.case.person.is_juvenile_on(signed_on) else {}),
    )


def guardian_consent(on: datetime.date) -> dict:
    """A demo minor's father consents with them, in person."""
    return {
        "guardian_name": "Gul Khan",
        "guardian_relationship": "Father",
        "guardian_consented_on": on,
        "guardian_consent_how": "signed",
    }


def _initial_assessment_reviewed(step: Step, params: dict, transition) -> None:
    assessment = assessing.record(
        case=step.case,
        crew=step.crew,
        kind="initial",
        assessed_on=step.days_before(5),
        overall_concern=_RNG.choice(["low", "moderate", "high"]),
        rationale="Baseline across all domains; family ties strong, some ideological commitment.",
        level=_RNG.choice([0, 1, 2]),
    )
    assessments.assessment_second_review(assessment=assessment, by=step.crew.second)


def _juvenile_safeguards(step: Step, params: dict, transition) -> None:
    case = step.case
    if not case.person.is_juvenile:
        return
    trained = User.objects.filter(agency=case.lead_agency, juvenile_trained=True).first()
    if trained is None:
        # The demo's lead agency has nobody trained yet: train the writer.
        trained = step.crew.writer
        User.objects.filter(pk=trained.pk).update(juvenile_trained=True)
        trained.refresh_from_db()
    case_services.case_assign_caseworker(case=case, by=step.crew.approver, caseworker=trained)
    case.refresh_from_db()


def _assessment_recent(step: Step, params: dict, transition) -> None:
    max_age = params["max_age_days"]
    assessment = assessing.record(
        case=step.case,
        crew=step.crew,
        kind="pre_release" if max_age <= 30 else "review",
        assessed_on=step.days_before(min(7, max_age)),
        overall_concern=_RNG.choice(["low", "moderate"]),
        rationale="Periodic reassessment: steady engagement with education and counselling.",
        level=_RNG.choice([0, 1]),
    )
    if params.get("second_reviewed"):
        assessments.assessment_second_review(assessment=assessment, by=step.crew.second)


def _verified_renunciation(step: Step, kind: str) -> None:
    record = evidence.renunciation_record(
        case=step.case,
        by=step.crew.writer,
        kind=kind,
        declared_on=step.days_before(10),
        witness_name="Religious scholar and jail superintendent",
        document_reference=f"REN-{step.case.pk}-{kind}",
    )
    evidence.renunciation_verify(renunciation=record, by=step.crew.second)


def _renunciation_violence_verified(step: Step, params: dict, transition) -> None:
    _verified_renunciation(step, "violence")


def _renunciation_ideology_verified(step: Step, params: dict, transition) -> None:
    _verified_renunciation(step, "violent_ideology")


def _review_positions(lead: Agency, kinds: list[str]) -> list[tuple[Agency, str, str]]:
    """Every required agency and the lead agree; social welfare, when not required, abstains."""
    agencies = {a.kind: a for a in Agency.objects.filter(kind__in=kinds).order_by("pk")}
    positions = [(agencies[k], "agree", "") for k in kinds if k in agencies]
    if lead.kind not in kinds:
        positions.append((lead, "agree", ""))
    welfare = Agency.objects.filter(kind=AgencyKind.SOCIAL_WELFARE).first()
    if welfare and welfare.kind not in kinds:
        positions.append((welfare, "abstain", ""))
    return positions


def _multi_agency_review(step: Step, params: dict, transition) -> None:
    """The chair records every agency's position; each agency's own staff confirm it (P3)."""
    from casemgmt.services import reviews

    kinds = params.get("required_agency_kinds") or []
    on_team = set(step.case.team.filter(left_on__isnull=True).values_list("agency", flat=True))
    positions = []
    for agency, position, dissent in _review_positions(step.case.lead_agency, kinds):
        if agency.pk not in on_team and agency.kind in kinds:
            # A required agency joins the team to take its position (P3).
            case_services.team_member_add(
                case=step.case, by=step.crew.writer, agency=agency, role=TeamRole.SUPPORT
            )
        elif agency.pk not in on_team:
            continue
        positions.append((agency, position, dissent))
    chair = step.crew.writer
    review = reviews.review_record(
        case=step.case,
        by=chair,
        kind=params["review_kind"],
        held_on=step.days_before(1),
        decision=f"Recommend: {transition.to_stage.name}.",
        minutes="Agencies reviewed progress, conduct and the plan; positions recorded.",
        recommended_stage=transition.to_stage,
        positions=[(a, p, d, f"Representative of {a.name}") for a, p, d in positions],
        **_demo_classification(step.case, params["review_kind"]),
    )
    step.case.refresh_from_db()  # a classification bumps the case's version
    for position in review.positions.select_related("agency"):
        if not position.on_behalf:
            continue
        staff = User.objects.filter(
            agency=position.agency, is_active=True, role__in=["caseworker", "supervisor"]
        ).first()
        if staff is not None:
            reviews.review_position_confirm(position=position, by=staff)


def _demo_classification(case, review_kind: str) -> dict:
    """The case conference classifies (the band follows the case, so the demo has all
    three); at the release review every other case steps one band down for its progress."""
    bands = list(case.programme.classification_bands.filter(is_active=True).order_by("rank"))
    if not bands:
        return {}
    if review_kind == "case_conference" and case.classification_id is None:
        band = bands[case.pk % len(bands)]
        reason = CLASSIFICATION_REASONS.get(band.code, "Agreed at the case conference.")
    elif review_kind == "release_review" and case.classification_id and case.pk % 2 == 0:
        current = next((b for b in bands if b.pk == case.classification_id), None)
        if current is None or current == bands[0]:
            return {}
        band = bands[bands.index(current) - 1]
        reason = "Progress in counselling and vocational training; family ready to receive them."
    else:
        return {}
    return {"classification": band, "classification_reason": reason}


def demo_move_reason(transition) -> str:
    """The reason the demo gives a move that asks for one: the programme's first."""
    for configured in transition.gates.all():
        if configured.gate == "move_reason":
            return configured.params["reasons"][0]
    return ""


def _move_reason(step: Step, params: dict, transition) -> None:
    reason = params["reasons"][0]
    if reason not in params.get("authority_for", []):
        return
    kind = (params.get("authority_kinds") or ["recall_order"])[0]
    evidence.legal_authority_record(
        case=step.case,
        by=step.crew.writer,
        kind=kind,
        reference=f"{kind.upper()}-{step.case.pk:04d}/{step.day.year}",
        issued_on=step.day,
        issuing_body="Anti-Terrorism Court",
    )


def _release_decision_recorded(step: Step, params: dict, transition) -> None:
    evidence.legal_authority_record(
        case=step.case,
        by=step.crew.writer,
        kind="release_order",
        reference=f"RB-{step.case.pk:04d}/{step.day.year}",
        issued_on=step.days_before(1),
        issuing_body="Provincial Review Board",
    )


def _receiving_agency_accepted(step: Step, params: dict, transition) -> None:
    case, probation = step.case, demo_agency("Probation Swat")
    member = case.team.filter(agency=probation, left_on__isnull=True).first()
    if member is None:
        case_services.team_member_add(
            case=case, by=step.crew.writer, agency=probation, role=TeamRole.MONITORING
        )
    elif member.role != TeamRole.MONITORING:
        # Demo shortcut: the supporting probation office becomes the monitoring one.
        CaseTeamMember.objects.filter(pk=member.pk).update(role=TeamRole.MONITORING)
    case_services.team_member_accept_case(
        member=case.team.get(agency=step.crew.receiver.agency, left_on__isnull=True),
        by=step.crew.receiver,
    )


def _undertaking_recorded(step: Step, params: dict, transition) -> None:
    evidence.undertaking_record(
        case=step.case,
        by=step.crew.writer,
        kind="elders",
        guarantor_name="Jirga of the home village (five elders)",
        terms="Report any contact with the group; keep the person in the village.",
        signed_on=step.days_before(4),
    )


def _monitoring_plan_exists(step: Step, params: dict, transition) -> None:
    monitoring.monitoring_plan_record(
        case=step.case,
        by=step.crew.writer,
        responsible_agency=demo_agency("Probation Swat"),
        contact_frequency="weekly",
        residence="With parents in the home village",
        family_arrangements="Father and elder brother as daily contacts.",
        work_arrangements="TEVTA electrician course, then placement.",
        conditions="No travel outside the district without permission.",
        starts_on=step.day,
    )


HANDLERS: dict[str, GateHandler] = {
    "identity_verified": _identity_verified,
    "legal_authority_recorded": _legal_authority_recorded,
    "eligible": _eligible,
    "consent_signed": _consent_signed,
    "initial_assessment_reviewed": _initial_assessment_reviewed,
    "juvenile_safeguards": _juvenile_safeguards,
    "assessment_recent": _assessment_recent,
    "renunciation_violence_verified": _renunciation_violence_verified,
    "renunciation_ideology_verified": _renunciation_ideology_verified,
    "multi_agency_review": _multi_agency_review,
    "release_decision_recorded": _release_decision_recorded,
    "receiving_agency_accepted": _receiving_agency_accepted,
    "undertaking_recorded": _undertaking_recorded,
    "monitoring_plan_exists": _monitoring_plan_exists,
    "move_reason": _move_reason,
}

# Gates that pass on the state the demo builds anyway; there is nothing to record for them.
EVIDENCE_FREE = frozenset(
    {
        # Passes while the eligibility recorded for ``eligible`` stands.
        "eligibility_not_revoked",
        # Passes until a story raises an escalation, after the case's last move.
        "no_open_escalation",
        # Passes because the demo dates each move STEP_DAYS after the one before.
        "min_time_in_stage",
    }
)
