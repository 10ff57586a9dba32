"""Every action writes exactly its declared events (``casemgmt/audit_trail/declared.py``):
each declared action is performed for real, through its service or its page, and the
events written meanwhile must be the declared ones (action, target type, whether on a
case, how many), no more and no fewer."""

from __future__ import annotations

import datetime
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from casemgmt import factories, workflow
from casemgmt.audit_trail.declared import DECLARED, NOT_WRITTEN, markdown_table
from casemgmt.audit_trail.sealer import seal_pending
from casemgmt.models import (
    AgencyKind,
    AuditAction,
    AuditEvent,
    Case,
    CaseStatus,
    Consent,
    GroupCategory,
    Intervention,
    Notification,
    ReviewAction,
    StageTransition,
    TeamRole,
    TransitionStatus,
)
from casemgmt.roles import Role
from casemgmt.services import (
    account_security,
    assessments,
    audit_verification,
    authentication,
    cases,
    classification,
    consents,
    escalations,
    evidence,
    interventions,
    legal_hold,
    monitoring,
    notes,
    notifications,
    outcomes,
    people,
    person_corrections,
    person_merges,
    placements,
    referrals,
    registrations,
    restriction,
    retention,
    reviews,
    role_grants,
    second_factor,
    sharing,
    staff_accounts,
    user_sessions,
    users,
)
from tests.auth.conftest import PASSWORD, WRONG, attempt_sign_in
from tests.conftest import enrol_totp, totp_code

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
DOC = Path(settings.BASE_DIR) / "docs" / "auditor.md"


class World:
    """A prison case at release preparation with its people, shared by every action."""

    def __init__(self, make_case, caseworker, other_caseworker, supervisor, agency, stages):
        self.case = make_case("release_preparation")
        self.cw, self.cw2, self.sv, self.agency, self.stages = (
            caseworker,
            other_caseworker,
            supervisor,
            agency,
            stages,
        )
        self.probation = factories.AgencyFactory(kind=AgencyKind.PROBATION)
        self.welfare = factories.AgencyFactory(kind=AgencyKind.SOCIAL_WELFARE)
        self.officer = factories.CaseworkerFactory(agency=self.welfare)
        self.admin = factories.AdministratorFactory(agency=agency)
        self.admin2 = factories.AdministratorFactory(agency=agency)
        self.client = Client()

    def signed_in(self, user) -> Client:
        self.client.force_login(user)
        return self.client


@pytest.fixture
def w(make_case, caseworker, other_caseworker, supervisor, agency, stages, tmp_path):
    world = World(make_case, caseworker, other_caseworker, supervisor, agency, stages)
    world.tmp = tmp_path
    return world


# --- drivers: each performs one declared action; the set-up before ``yield`` writes
# events that are not counted. A driver may return {per: count} for "one per ..." events.

Driver = Callable[[World], object]
DRIVERS: dict[str, Driver] = {}


def drives(name: str):
    def register(driver):
        assert name in DECLARED, f"no declared action {name!r}"
        DRIVERS[name] = driver
        return driver

    return register


def _person_details(**extra):
    return {"full_name": "Zarak Khan", "date_of_birth": datetime.date(1992, 1, 1), "sex": "male"}


# People


@drives("register a person")
def _(w):
    yield
    people.person_register(by=w.cw, **_person_details())


@drives("register a person and open their case")
def _(w):
    yield
    people.person_register_with_case(
        by=w.cw, programme=w.case.programme, lead_agency=w.agency, **_person_details()
    )


def _restricted_elsewhere(w, stage: str = "intake"):
    """A restricted probation case (Khan Zeb) the welfare officer may not see."""
    lead = factories.SupervisorFactory(agency=w.probation)
    hidden = factories.CaseFactory(
        lead_agency=w.probation,
        programme=w.case.programme,
        current_stage=w.stages[stage],
        person=factories.PersonFactory(
            full_name="Khan Zeb", date_of_birth=datetime.date(1984, 7, 7), cnic="15602-1000015-9"
        ),
    )
    restriction.case_set_restricted(case=hidden, by=lead, restricted=True)
    return hidden, lead


def _hold_registration(w):
    return people.person_register_with_case(
        by=w.officer,
        programme=w.case.programme,
        lead_agency=w.welfare,
        full_name="Gul Zaman",
        date_of_birth=datetime.date(1990, 1, 1),
        sex="male",
        cnic="15602-1000015-9",
    )


@drives("a registration matches a person the registrar may not see (held)")
def _(w):
    _restricted_elsewhere(w)
    yield
    _hold_registration(w)


@drives("a registration matches a person the registrar may see")
def _(w):
    factories.CaseFactory(
        lead_agency=w.agency, person=factories.PersonFactory(cnic="15202-7654321-1")
    )
    yield
    with pytest.raises(people.SameCnic):
        people.person_register_with_case(
            by=w.cw,
            programme=w.case.programme,
            lead_agency=w.agency,
            cnic="15202-7654321-1",
            **_person_details(),
        )


@drives("registration refused after repeated matches")
def _(w):
    yield
    registrations.record_throttled(by=w.officer)


@drives("link a held registration to a person with an open case")
def _(w):
    hidden, lead = _restricted_elsewhere(w)
    held = _hold_registration(w)
    yield
    registrations.held_registration_link(held=held, by=lead, person=hidden.person)


@drives("link a held registration, opening the person's case")
def _(w):
    hidden, lead = _restricted_elsewhere(w, stage="exited")
    held = _hold_registration(w)
    yield
    registrations.held_registration_link(held=held, by=lead, person=hidden.person)


@drives("reject a held registration")
def _(w):
    _hidden, lead = _restricted_elsewhere(w)
    held = _hold_registration(w)
    yield
    registrations.held_registration_reject(held=held, by=lead, reason="Not the same man")


@drives("verify a person's identity")
def _(w):
    yield
    people.person_verify_identity(person=w.case.person, by=w.cw, document_reference="CNIC")


@drives("correct a person's details")
def _(w):
    yield
    person_corrections.person_correct(
        person=w.case.person, by=w.cw, changes={"district": "Chitral"}, reason="As on the CNIC"
    )


def _hold_correction(w):
    hidden, lead = _restricted_elsewhere(w)
    held = person_corrections.person_correct(
        person=w.case.person,
        by=w.cw,
        changes={"full_name": "Khan Zeb", "date_of_birth": hidden.person.date_of_birth},
        reason="Name as on the court order",
    )
    return held, lead


@drives("a correction matching a person the corrector may not see (held)")
def _(w):
    _restricted_elsewhere_then = _restricted_elsewhere(w)
    yield
    person_corrections.person_correct(
        person=w.case.person,
        by=w.cw,
        changes={
            "full_name": "Khan Zeb",
            "date_of_birth": _restricted_elsewhere_then[0].person.date_of_birth,
        },
        reason="Name as on the court order",
    )


@drives("apply a held correction after review")
def _(w):
    held, lead = _hold_correction(w)
    yield
    person_corrections.held_correction_apply(held=held, by=lead)


def _duplicate_with_cases(w, count: int):
    duplicate = factories.PersonFactory()
    for _n in range(count):
        factories.CaseFactory(
            programme=w.case.programme,
            current_stage=w.stages["exited"],
            lead_agency=w.agency,
            person=duplicate,
        )
    return duplicate


@drives("merge two person records")
def _(w):
    duplicate = _duplicate_with_cases(w, 2)
    yield {"case that moves": 2}
    person_merges.person_merge(by=w.sv, survivor=w.case.person, duplicate=duplicate, reason="Same")


@drives("reverse a merge")
def _(w):
    duplicate = _duplicate_with_cases(w, 2)
    merge = person_merges.person_merge(
        by=w.sv, survivor=w.case.person, duplicate=duplicate, reason="Same"
    )
    yield {"case that moves back": 2}
    person_merges.person_unmerge(by=w.sv, merge=merge, reason="Different fathers")


# Cases


@drives("open a case")
def _(w):
    yield
    cases.case_open(
        by=w.cw, person=factories.PersonFactory(), programme=w.case.programme, lead_agency=w.agency
    )


@drives("assign a caseworker")
def _(w):
    yield
    cases.case_assign_caseworker(case=w.case, by=w.sv, caseworker=w.cw2)


@drives("reassign cases between caseworkers of an agency")
def _(w):
    second = factories.CaseFactory(
        programme=w.case.programme,
        current_stage=w.case.current_stage,
        lead_agency=w.agency,
        assigned_caseworker=w.cw,
    )
    yield {"case reassigned": 2}
    cases.cases_reassign(cases=[w.case, second], by=w.sv, caseworker=w.cw2)


@drives("add an agency to the team")
def _(w):
    yield
    cases.team_member_add(case=w.case, by=w.cw, agency=w.probation, role=TeamRole.MONITORING)


@drives("remove an agency from the team")
def _(w):
    member = cases.team_member_add(
        case=w.case, by=w.cw, agency=w.probation, role=TeamRole.MONITORING
    )
    yield
    cases.team_member_remove(member=member, by=w.cw, reason="Handover cancelled")


@drives("the receiving agency accepts the case")
def _(w):
    member = cases.team_member_add(
        case=w.case, by=w.cw, agency=w.probation, role=TeamRole.MONITORING
    )
    officer = factories.CaseworkerFactory(agency=w.probation)
    yield
    cases.team_member_accept_case(member=member, by=officer)


@drives("classify a case")
def _(w):
    band = w.case.programme.classification_bands.first()
    yield
    classification.case_classify(case=w.case, by=w.sv, band=band, reason="Assessed")


@drives("transfer to another facility")
def _(w):
    case = factories.CaseFactory(
        programme=w.case.programme,
        current_stage=w.stages["prison_rehabilitation"],
        lead_agency=w.agency,
        facility=factories.FacilityFactory(),
    )
    yield
    placements.placement_transfer(
        case=case, by=w.cw, facility=factories.FacilityFactory(), moved_on=TODAY, reason="Room"
    )


@drives("restrict a case")
def _(w):
    yield
    restriction.case_set_restricted(case=w.case, by=w.sv, restricted=True)


@drives("lift a case's restriction")
def _(w):
    restriction.case_set_restricted(case=w.case, by=w.sv, restricted=True)
    yield
    restriction.case_set_restricted(case=w.case, by=w.sv, restricted=False)


def _programme_supervisor(w):
    w.case.programme.supervisors.add(w.sv)
    return w.sv


@drives("put a case on legal hold")
def _(w):
    sv = _programme_supervisor(w)
    yield
    legal_hold.case_legal_hold_set(case=w.case, by=sv, reason="Pending appeal in the High Court")


@drives("lift a case's legal hold")
def _(w):
    sv = _programme_supervisor(w)
    legal_hold.case_legal_hold_set(case=w.case, by=sv, reason="Pending appeal in the High Court")
    yield
    legal_hold.case_legal_hold_lift(case=w.case, by=sv, reason="The appeal was decided")


@drives("add a user to a case's allow-list")
def _(w):
    restriction.case_set_restricted(case=w.case, by=w.sv, restricted=True)
    yield
    restriction.allow_list_add(case=w.case, by=w.sv, user=w.cw2)


@drives("remove a user from a case's allow-list")
def _(w):
    restriction.case_set_restricted(case=w.case, by=w.sv, restricted=True)
    grant = restriction.allow_list_add(case=w.case, by=w.sv, user=w.cw2)
    yield
    restriction.allow_list_remove(grant=grant, by=w.sv)


@drives("emergency access")
def _(w):
    restriction.case_set_restricted(case=w.case, by=w.sv, restricted=True)
    other_supervisor = factories.SupervisorFactory(agency=w.agency)
    yield
    restriction.break_glass_open(
        by=other_supervisor, reference=w.case.reference, reason="Arrested tonight; risk history"
    )


@drives("emergency access refused (a reason too short)")
def _(w):
    restriction.case_set_restricted(case=w.case, by=w.sv, restricted=True)
    yield
    with pytest.raises(ValidationError):
        restriction.break_glass_open(by=w.officer, reference=w.case.reference, reason="Urgent")


@drives("emergency access refused (no such case)")
def _(w):
    yield
    with pytest.raises(ValidationError):
        restriction.break_glass_open(
            by=w.officer, reference="CS-0000-99999", reason="Arrested tonight; risk history"
        )


# The stage engine


@drives("request a stage move that needs approval")
def _(w):
    case = factories.CaseFactory(
        programme=w.case.programme, current_stage=w.stages["intake"], lead_agency=w.agency
    )
    yield
    move = workflow.request_transition(
        case=case,
        reason_kind="withdrawn",
        to_stage=w.stages["exited"],
        by=w.cw,
        reason="Transferred out",
    )
    assert move.status == TransitionStatus.PENDING


def _pending_move(w):
    case = factories.CaseFactory(
        programme=w.case.programme, current_stage=w.stages["intake"], lead_agency=w.agency
    )
    return workflow.request_transition(
        case=case,
        reason_kind="withdrawn",
        to_stage=w.stages["exited"],
        by=w.cw,
        reason="Transferred out",
    )


@drives("make a stage move that needs no approval")
def _(w):
    yield
    move = workflow.request_transition(
        case=w.case,
        to_stage=w.stages["prison_rehabilitation"],
        by=w.cw,
        reason="Back",
        facility=factories.FacilityFactory(),
    )
    assert move.status == TransitionStatus.APPLIED


@drives("approve a move")
def _(w):
    pending = _pending_move(w)
    yield
    move = workflow.approve_transition(stage_transition=pending, by=w.sv, reason="Confirmed")
    move.case.refresh_from_db()
    assert move.case.status == CaseStatus.CLOSED


@drives("reject a move")
def _(w):
    pending = _pending_move(w)
    yield
    workflow.reject_transition(stage_transition=pending, by=w.sv, reason="Not yet")


@drives("withdraw a move request")
def _(w):
    pending = _pending_move(w)
    yield
    workflow.withdraw_transition(stage_transition=pending, by=w.cw, reason="Wrong case")


# Evidence and reviews


@drives("record a legal authority")
def _(w):
    yield
    evidence.legal_authority_record(
        case=w.case,
        by=w.cw,
        kind="release_order",
        reference="R1",
        issued_on=TODAY,
        issuing_body="Board",
    )


def _eligibility(w):
    return evidence.eligibility_record(
        case=w.case, by=w.cw, decision="eligible", rationale="ok", decided_on=TODAY
    )


@drives("decide eligibility")
def _(w):
    yield
    _eligibility(w)


@drives("revoke eligibility")
def _(w):
    eligibility = _eligibility(w)
    yield
    evidence.eligibility_revoke(eligibility=eligibility, by=w.sv, reason="why")


def _consent(w) -> Consent:
    return evidence.consent_record(
        case=w.case,
        by=w.cw,
        terms_version="1",
        privacy_notice_version="1",
        signed_on=TODAY,
        witness_name="W",
    )


@drives("record consent")
def _(w):
    yield
    _consent(w)


@drives("withdraw consent")
def _(w):
    consent = _consent(w)
    yield
    consents.consent_withdraw(
        consent=consent, by=w.cw, withdrawn_on=TODAY, withdrawal_method="in_writing"
    )


def _renunciation(w):
    return evidence.renunciation_record(
        case=w.case, by=w.cw, kind="violence", declared_on=TODAY, witness_name="W"
    )


@drives("record a renunciation")
def _(w):
    yield
    _renunciation(w)


@drives("verify a renunciation")
def _(w):
    renunciation = _renunciation(w)
    yield
    evidence.renunciation_verify(renunciation=renunciation, by=w.cw2)


@drives("record an undertaking")
def _(w):
    yield
    evidence.undertaking_record(
        case=w.case,
        by=w.cw,
        kind="elders",
        guarantor_name="Jirga",
        terms="t",
        signed_on=TODAY,
    )


def _review(w, **extra):
    return reviews.review_record(
        case=w.case,
        by=w.cw,
        kind="release_review",
        held_on=TODAY,
        decision="Agreed",
        positions=[(w.agency, "agree", "")],
        **extra,
    )


@drives("record a multi-agency review")
def _(w):
    yield
    _review(w)


@drives("confirm an agency's position in a review")
def _(w):
    cases.team_member_add(case=w.case, by=w.cw, agency=w.probation, role=TeamRole.MONITORING)
    review = reviews.review_record(
        case=w.case,
        by=w.cw,
        kind="release_review",
        held_on=TODAY,
        decision="Agreed",
        positions=[(w.agency, "agree", ""), (w.probation, "agree", "", "Probation officer")],
    )
    position = review.positions.get(agency=w.probation)
    officer = factories.CaseworkerFactory(agency=w.probation)
    yield
    reviews.review_position_confirm(position=position, by=officer)


def _review_action(w) -> ReviewAction:
    review = _review(w, actions=[("Find a school place", w.cw, TODAY)])
    return review.actions.get()


@drives("mark a review action done")
def _(w):
    action = _review_action(w)
    yield
    evidence.review_action_done(action=action, by=w.cw)


@drives("reassign a review action")
def _(w):
    action = _review_action(w)
    yield
    evidence.review_action_reassign(action=action, by=w.sv, owner=w.cw2)


# Assessments, interventions, notes


@drives("record an assessment")
def _(w):
    yield
    factories.record_assessment(case=w.case, by=w.cw, kind="review", assessed_on=TODAY)


@drives("record an assessment's clinical part")
def _(w):
    assessment = factories.record_assessment(case=w.case, by=w.cw, kind="review", assessed_on=TODAY)
    assert assessment.clinical_pending
    counsellor = factories.counsellor_on_team(w.case)
    from casemgmt.models import Item

    items = Item.objects.filter(domain__instrument=assessment.instrument, domain__is_clinical=True)
    yield
    assessments.assessment_record_clinical(
        assessment=assessment, by=counsellor, ratings={i.pk: ("low", "", "", "") for i in items}
    )


@drives("second-review an assessment")
def _(w):
    assessment = factories.record_assessment(case=w.case, by=w.cw, kind="review", assessed_on=TODAY)
    yield
    assessments.assessment_second_review(assessment=assessment, by=w.cw2)


def _intervention(w, status: str = "active") -> Intervention:
    """An intervention under way, or put in ``status`` directly (the set-up, not the test)."""
    intervention = interventions.intervention_start(
        case=w.case, by=w.cw, kind="education", provider=w.agency, goals="g", starts_on=TODAY
    )
    if status != intervention.status:
        Intervention.objects.filter(pk=intervention.pk).update(status=status)
        intervention.refresh_from_db()
    return intervention


@drives("start an intervention")
def _(w):
    yield
    _intervention(w)


def _changes_status(start: str, to: str, **extra):
    def driver(w):
        intervention = _intervention(w, start)
        yield
        interventions.intervention_change_status(
            intervention=intervention, by=w.cw, status=to, **extra
        )

    return driver


drives("put an intervention under way")(_changes_status("planned", "active"))
drives("pause an intervention")(_changes_status("active", "paused", reason="Ill"))
drives("complete an intervention")(
    _changes_status("active", "completed", outcome="met", outcome_note="Done")
)
drives("stop an intervention")(
    _changes_status("active", "stopped", reason="Moved away", outcome="not_met")
)


@drives("resume an intervention")
def _(w):
    intervention = _intervention(w, "paused")
    yield
    interventions.intervention_resume(intervention=intervention, by=w.cw)


@drives("record a session")
def _(w):
    intervention = _intervention(w, "active")
    yield
    interventions.session_record(
        intervention=intervention,
        by=w.cw,
        held_on=TODAY,
        duration_minutes=45,
        attendance="attended",
        facilitator="Teacher",
    )


def _note(w):
    return notes.note_add(
        case=w.case, by=w.cw, category="general", visibility="my_agency", body="Met him"
    )


@drives("record a note")
def _(w):
    yield
    _note(w)


@drives("correct a note")
def _(w):
    note = _note(w)
    yield
    notes.note_correct(note=note, by=w.cw, body="Met him and his father")


@drives("record a re-engagement")
def _(w):
    case = factories.CaseFactory(
        programme=w.case.programme, current_stage=w.stages["released"], lead_agency=w.agency
    )
    StageTransition.objects.create(  # the release, as the stage engine records it
        case=case,
        from_stage=w.stages["release_preparation"],
        to_stage=w.stages["released"],
        requested_by=w.cw,
        reason="Released",
        status=TransitionStatus.APPLIED,
        applied_at=timezone.now() - datetime.timedelta(days=1),
    )
    yield
    outcomes.reengagement_record(case=case, by=w.cw, kind="arrest", occurred_on=TODAY)


# Monitoring


def _plan(w, case=None, starts_on=TODAY):
    return monitoring.monitoring_plan_record(
        case=case or w.case,
        by=w.cw,
        responsible_agency=w.agency,
        contact_frequency="weekly",
        residence="Home",
        starts_on=starts_on,
    )


@drives("record a monitoring plan")
def _(w):
    yield
    _plan(w)


@drives("record a check-in")
def _(w):
    case = factories.CaseFactory(
        programme=w.case.programme, current_stage=w.stages["released"], lead_agency=w.agency
    )
    _plan(w, case)
    yield
    monitoring.check_in_record(case=case, by=w.cw, held_on=TODAY, kind="home_visit", outcome="met")


def _escalation(w):
    return escalations.escalation_raise(case=w.case, by=w.cw, trigger="threat", description="d")


@drives("raise an escalation")
def _(w):
    yield
    _escalation(w)


@drives("acknowledge an escalation")
def _(w):
    escalation = _escalation(w)
    yield
    escalations.escalation_acknowledge(escalation=escalation, by=w.sv)


@drives("resolve an escalation")
def _(w):
    escalation = _escalation(w)
    yield
    escalations.escalation_resolve(escalation=escalation, by=w.sv, resolution="done")


@drives("missed contacts found (daily job)")
def _(w):
    for _n in range(2):
        case = factories.CaseFactory(
            programme=w.case.programme, current_stage=w.stages["released"], lead_agency=w.agency
        )
        _plan(w, case, starts_on=TODAY - datetime.timedelta(days=20))
    yield {"case with a missed contact": 2}
    monitoring.monitoring_check_overdue()


# Referrals and sharing


def _referral(w):
    sharing.sharing_record(
        case=w.case,
        by=w.cw,
        basis="consent",
        agency_kinds=["social_welfare"],
        purpose="reintegration",
        given_on=TODAY,
    )
    return referrals.referral_send(
        case=w.case, by=w.cw, to_agency=w.welfare, service="family", reason="r"
    )


@drives("send a referral")
def _(w):
    sharing.sharing_record(
        case=w.case,
        by=w.cw,
        basis="consent",
        agency_kinds=["social_welfare"],
        purpose="reintegration",
        given_on=TODAY,
    )
    yield
    referrals.referral_send(case=w.case, by=w.cw, to_agency=w.welfare, service="family", reason="r")


@drives("accept a referral")
def _(w):
    referral = _referral(w)
    yield
    referrals.referral_accept(referral=referral, by=w.officer)


@drives("decline a referral")
def _(w):
    referral = _referral(w)
    yield
    referrals.referral_decline(referral=referral, by=w.officer, reason="Full")


@drives("complete a referral")
def _(w):
    referral = _referral(w)
    referrals.referral_accept(referral=referral, by=w.officer)
    yield
    referrals.referral_complete(referral=referral, by=w.officer, outcome="Placed")


@drives("record sharing")
def _(w):
    yield
    sharing.sharing_record(
        case=w.case,
        by=w.cw,
        basis="consent",
        agency_kinds=["social_welfare"],
        purpose="reintegration",
        given_on=TODAY,
    )


@drives("end sharing")
def _(w):
    _referral(w)
    entry = w.case.sharing_consents.get()
    yield {"referral it no longer covers": 1}
    sharing.sharing_end(entry=entry, by=w.cw, reason="Withdrew consent")


@drives("sharing expires (daily job)")
def _(w):
    for _n in range(2):
        sharing.sharing_record(
            case=w.case,
            by=w.cw,
            basis="consent",
            agency_kinds=["social_welfare"],
            purpose="reintegration",
            given_on=TODAY - datetime.timedelta(days=400),
            expires_on=TODAY - datetime.timedelta(days=1),
        )
    yield {"expired entry": 2}
    sharing.sharing_expire()


# Sign-in and a user's own account


@drives("read a notification")
def _(w):
    notification = Notification.objects.create(user=w.cw, case=w.case, message="m")
    yield
    notifications.notification_mark_read(notification=notification, by=w.cw)


@drives("change own language")
def _(w):
    yield
    users.user_set_language(user=w.cw, language="ur")


@drives("sign in")
def _(w):
    yield
    assert attempt_sign_in(w.client, w.cw.username, PASSWORD).status_code == 302


@drives("sign out")
def _(w):
    w.signed_in(w.cw)
    yield
    w.client.post(reverse("logout"))


@drives("failed sign-in with a known name")
def _(w):
    yield
    attempt_sign_in(w.client, w.cw.username, WRONG)


@drives("failed sign-in with a name nobody has")
def _(w):
    yield
    attempt_sign_in(w.client, "nobody-has-this-name", WRONG)


@drives("wrong second-factor code")
def _(w):
    officer = factories.CaseworkerFactory(agency=factories.AgencyFactory(kind=AgencyKind.POLICE))
    enrol_totp(officer)
    w.client.post(reverse("account_login"), {"login": officer.username, "password": PASSWORD})
    yield
    w.client.post(reverse("mfa_authenticate"), {"code": "000000"})


@drives("lock out (the failure that locks)")
def _(w):
    for _n in range(9):
        attempt_sign_in(w.client, w.cw.username, WRONG)
    yield
    attempt_sign_in(w.client, w.cw.username, WRONG)


@drives("change own password")
def _(w):
    w.signed_in(w.cw)
    yield
    w.client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "A-new long pass 42",
            "password2": "A-new long pass 42",
        },
    )


def _activating_an_app(w) -> tuple[Client, str]:
    """A counsellor (second factor optional) on the page that activates an app, and the
    code their new app shows."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    counsellor = factories.CaseworkerFactory(
        agency=factories.AgencyFactory(kind=AgencyKind.COUNSELLING)
    )
    client = w.signed_in(counsellor)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.get(reverse("mfa_activate_totp"))
    secret = client.session["mfa.totp.secret"]
    return client, format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@drives("add a second factor")
def _(w):
    client, code = _activating_an_app(w)
    yield {"factor (the app, and its recovery codes)": 2}
    client.post(reverse("mfa_activate_totp"), {"code": code})


@drives("remove a second factor")
def _(w):
    client, code = _activating_an_app(w)
    client.post(reverse("mfa_activate_totp"), {"code": code})
    yield {"factor (the app, and its recovery codes)": 2}
    client.post(reverse("mfa_deactivate_totp"))


@drives("confirm identity again (step-up)")
def _(w):
    client = w.signed_in(w.sv)
    yield
    client.post(reverse("mfa_reauthenticate"), {"code": totp_code(enrol_totp(w.sv))})


@drives("end own other sessions")
def _(w):
    yield
    user_sessions.user_sessions_end(user=w.cw, by=w.cw)


# Administration


def _admin_post(client, name, data, *args):
    response = client.post(reverse(name, args=args), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


@drives("configuration created in the admin")
def _(w):
    client = w.signed_in(w.admin)
    yield
    _admin_post(client, "admin:casemgmt_groupcategory_add", {"name": "New", "is_active": "on"})


@drives("configuration changed in the admin")
def _(w):
    category = GroupCategory.objects.create(name="Old name")
    client = w.signed_in(w.admin)
    yield
    _admin_post(
        client,
        "admin:casemgmt_groupcategory_change",
        {"name": "New name", "is_active": "on"},
        category.pk,
    )


@drives("configuration deleted in the admin")
def _(w):
    category = GroupCategory.objects.create(name="Unused")
    client = w.signed_in(factories.AdministratorFactory(is_superuser=True))  # deletes
    yield
    _admin_post(client, "admin:casemgmt_groupcategory_delete", {"post": "yes"}, category.pk)


@drives("create a user with a password")
def _(w):
    user = factories.UserFactory.build(agency=w.agency, role=Role.CASEWORKER)
    yield
    staff_accounts.user_save(by=w.admin, user=user)


@drives("change a user")
def _(w):
    w.cw.first_name = "Changed"
    yield
    staff_accounts.user_save(by=w.admin, user=w.cw)


@drives("a change to a user refused")
def _(w):
    yield
    staff_accounts.user_change_refused(
        by=w.admin, user=w.cw, refused={"is_superuser": [False, True]}
    )


@drives("set a user's password in the admin")
def _(w):
    yield
    account_security.user_password_set_by_administrator(by=w.admin, user=w.cw)


@drives("reset a user's second factor")
def _(w):
    enrol_totp(w.sv)
    yield {"factor removed": 1}
    second_factor.second_factor_reset(user=w.sv, by=w.admin, reason="Lost phone")


@drives("end a user's sessions")
def _(w):
    yield
    user_sessions.user_sessions_end(user=w.cw, by=w.admin)


@drives("unlock a user's sign-in")
def _(w):
    for _n in range(10):
        attempt_sign_in(w.client, w.cw.username, WRONG)
    yield
    authentication.unlock_user(user=w.cw, by=w.admin)


@drives("unlock an address")
def _(w):
    for n in range(3):
        attempt_sign_in(w.client, f"sprayed{n}", WRONG, address="10.9.9.9")
    yield
    authentication.unlock_address(address="10.9.9.9", by=w.admin)


def _grant(w):
    return role_grants.role_grant_request(
        by=w.admin, user=w.cw, role=Role.SUPERVISOR, reason="Acting head of unit"
    )


@drives("role grant requested")
def _(w):
    yield
    _grant(w)


@drives("role grant confirmed")
def _(w):
    grant = _grant(w)
    yield
    role_grants.role_grant_confirm(grant=grant, by=w.admin2)


@drives("role grant rejected")
def _(w):
    grant = _grant(w)
    yield
    role_grants.role_grant_reject(grant=grant, by=w.admin2, reason="No")


@drives("disable dormant accounts (daily job)")
def _(w):
    from django.utils import timezone

    long_ago = timezone.now() - datetime.timedelta(days=400)
    for _n in range(2):
        factories.CaseworkerFactory(last_login=long_ago, date_joined=long_ago)
    yield {"account disabled": 2}
    from casemgmt.services import dormant_accounts

    dormant_accounts.accounts_disable_dormant()


# Reads and refusals


def _reads(name: str, url: Callable[[World], tuple], user: str = "cw", **params):
    def driver(w):
        url_name, *args = url(w)
        client = w.signed_in(getattr(w, user))
        yield
        response = client.get(reverse(url_name, args=args), params)
        assert response.status_code == 200, response.status_code

    drives(name)(driver)


_reads("read a case page", lambda w: ("case_detail", w.case.reference))
_reads("read a case page tab", lambda w: ("case_detail", w.case.reference), tab="legal")
_reads("open a form to add a record", lambda w: ("record_add", w.case.reference, "note"))
_reads("read a case's timeline", lambda w: ("case_timeline", w.case.reference))
_reads("read a case's history of changes", lambda w: ("case_history", w.case.reference))
_reads("print a case", lambda w: ("case_print", w.case.reference))
_reads("read a case's notes", lambda w: ("note_list", w.case.reference))
_reads("read a note's history", lambda w: ("note_history", w.case.reference, _note(w).pk))
_reads("read who may see a case", lambda w: ("case_access", w.case.reference), user="sv")
_reads("open the stage move page", lambda w: ("stage_move", w.case.reference))
_reads(
    "read an assessment",
    lambda w: (
        "assessment_detail",
        w.case.reference,
        factories.record_assessment(case=w.case, by=w.cw, kind="review", assessed_on=TODAY).pk,
    ),
)
_reads(
    "read an intervention",
    lambda w: ("intervention_detail", w.case.reference, _intervention(w).pk),
)
_reads("read a referral", lambda w: ("referral_respond", _referral(w).pk), user="officer")
_reads("read a person's page", lambda w: ("person_detail", w.case.person.reference))
_reads("open a person's correction page", lambda w: ("person_correct", w.case.person.reference))
_reads("read the inbox", lambda w: ("inbox",))
_reads("read the approvals queue", lambda w: ("approvals",), user="sv")
_reads("read disabled users' work", lambda w: ("departed_work",), user="sv")


@drives("read the cases to reassign")
def _(w):
    client = w.signed_in(w.sv)
    yield
    response = client.get(reverse("reassign_cases"), {"caseworker": w.cw.pk})
    assert response.status_code == 200 and response.context["cases"]


_reads("search the audit trail", lambda w: ("audit_trail",), user="sv")
_reads("read the oversight report (page or CSV)", lambda w: ("oversight_report",), user="sv")
_reads("search the caseload by CNIC", lambda w: ("caseload",), q="15602-1234567-3")


@drives("review a held registration")
def _(w):
    hidden, lead = _restricted_elsewhere(w)
    held = _hold_registration(w)
    client = w.signed_in(lead)
    yield {"person it matches": 1}
    response = client.get(reverse("held_registration_review", args=[held.pk]))
    assert response.status_code == 200


@drives("refused look-up (another agency's case)")
def _(w):
    client = w.signed_in(w.officer)
    yield
    assert client.get(reverse("case_detail", args=[w.case.reference])).status_code == 404


@drives("too many searches")
def _(w):
    from unittest import mock

    with (
        mock.patch("casemgmt.ratelimit.time.time", return_value=1_800_000_000.0),
        override_settings(CASEMGMT_SEARCH_RATE_LIMIT=1),
    ):
        client = w.signed_in(w.cw)  # on the same clock as the searches
        assert client.get(reverse("caseload"), {"q": "first"}).status_code == 200
        yield
        assert client.get(reverse("caseload"), {"q": "second"}).status_code == 429


@drives("erase a person's data at the end of its retention")
def _(w):
    administrator = factories.AdministratorFactory(agency=w.agency)
    yield
    retention.person_erase(person=w.case.person, by=administrator, reason="Rule R1 ended")


@drives("apply retention (the daily job, or manage.py apply_retention)")
def _(w):
    long_ago = datetime.date.today() - datetime.timedelta(days=365 * 12)
    Case.objects.filter(pk=w.case.pk).update(status="closed", closed_on=long_ago)
    yield {"person erased": 1}
    retention.retention_apply()


# The audit trail


@drives("verify the audit trail")
def _(w):
    yield
    audit_verification.verify_audit_trail()


@drives("write an audit checkpoint")
def _(w):
    users.user_set_language(user=w.cw, language="ur")  # something to seal (committed)
    assert seal_pending().head_position >= 1  # sealed as it committed
    yield
    audit_verification.write_checkpoint_file(directory=w.tmp)


# Exports


@drives("start an export")
def _(w):
    client = w.signed_in(w.sv)
    yield
    response = client.get(reverse("export_download"), {"export": "cases"})
    assert response.status_code == 200
    w.export_response = response  # not read: the export is still running


@drives("finish an export (or have it cut off)")
def _(w):
    client = w.signed_in(w.sv)
    response = client.get(reverse("export_download"), {"export": "cases"})
    yield
    b"".join(response.streaming_content)  # the end of the download closes the response


@drives("download an audit export's checkpoint")
def _(w):
    client = w.signed_in(w.sv)
    yield
    response = client.get(reverse("export_checkpoint"), {"export": "audit_trail"})
    assert response.status_code == 200


@drives("export while another export runs")
def _(w):
    client = w.signed_in(w.sv)
    client.get(reverse("export_download"), {"export": "cases"})  # running, not read
    yield
    assert client.get(reverse("export_download"), {"export": "cases"}).status_code == 429


# --- the tests ---------------------------------------------------------------------


def _written_since(mark: int) -> Counter:
    return Counter(
        (e.action, e.target_type, e.case_id is not None)
        for e in AuditEvent.objects.filter(pk__gt=mark)
    )


def _expected(name: str, per: dict[str, int]) -> Counter:
    expected = Counter()
    for event in DECLARED[name].events:
        expected[(event.action.value, event.target, event.case)] += (
            per[event.per] if event.per else 1
        )
    return expected


# Actions that need committed events (only committed events are sealed, on PostgreSQL).
COMMITTING = {"write an audit checkpoint"}


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=[pytest.mark.django_db(transaction=True)])
        if name in COMMITTING
        else name
        for name in DECLARED
    ],
)
def test_the_action_writes_exactly_its_declared_events(w, name):
    steps = iter(DRIVERS[name](w))
    per = next(steps) or {}  # the set-up, and how many of each "one per ..." to expect
    mark = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    for _rest in steps:  # the action itself
        pass
    assert sorted(_written_since(mark).elements()) == sorted(_expected(name, per).elements())


def test_every_declared_action_is_driven():
    assert set(DRIVERS) == set(DECLARED)


def test_every_audit_action_is_declared_by_some_action():
    declared = {event.action for action in DECLARED.values() for event in action.events}
    assert set(AuditAction) - declared == set(NOT_WRITTEN)
    assert declared & set(NOT_WRITTEN) == set()


@pytest.mark.parametrize("action", list(NOT_WRITTEN))
def test_an_action_declared_not_written_is_named_nowhere_in_the_code(action):
    member = f"AuditAction.{action.name}"
    for path in (Path(settings.BASE_DIR) / "casemgmt").rglob("*.py"):
        if "migrations" not in path.parts and path.name != "audit.py":
            assert member not in path.read_text(), path


def test_the_table_in_the_auditors_guide_is_the_declaration():
    text = DOC.read_text()
    start, end = "<!-- declared-events:start -->\n", "\n<!-- declared-events:end -->"
    documented = text[text.index(start) + len(start) : text.index(end)]
    assert documented == markdown_table(), (
        "docs/auditor.md is out of date: replace its table with markdown_table()"
    )
