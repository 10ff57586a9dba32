"""Lifecycles as data: every declared move succeeds with one audit row (old → new), every
other move is refused with a message and writes nothing, and every status is declared."""

import datetime
import itertools

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import timezone

from casemgmt import factories
from casemgmt.errors import InvalidStatusChange, NotPermitted
from casemgmt.lifecycles import LIFECYCLES
from casemgmt.models import (
    AgencyKind,
    AuditAction,
    AuditEvent,
    CaseTeamMember,
    Escalation,
    EscalationStatus,
    Intervention,
    InterventionStatus,
    Referral,
    ReferralStatus,
    SharingConsent,
    SharingStatus,
    TeamRole,
)
from casemgmt.services import escalations, interventions, referrals, sharing
from casemgmt.services.lifecycle import change_status

TODAY = datetime.date.today()

# Models with a status that no lifecycle here governs, and why.
GOVERNED_ELSEWHERE = {
    "casemgmt.case": "the stage engine (workflow.py) moves a case",
    "casemgmt.stagetransition": "the stage engine records each move's own status",
}


@pytest.fixture
def world(make_case, caseworker, supervisor, agency):
    welfare = factories.AgencyFactory(kind=AgencyKind.SOCIAL_WELFARE)
    return {
        "case": make_case("release_preparation"),
        "cw": caseworker,
        "sv": supervisor,
        "agency": agency,
        "welfare": welfare,
        "officer": factories.CaseworkerFactory(agency=welfare),
    }


def _build(model, status, w):
    """A row of ``model`` already in ``status`` (written directly: the set-up, not the test)."""
    case, cw = w["case"], w["cw"]
    if model is Referral:
        return Referral.objects.create(
            case=case,
            from_agency=w["agency"],
            to_agency=w["welfare"],
            service="family",
            reason="r",
            sent_by=cw,
            status=status,
        )
    if model is Escalation:
        return Escalation.objects.create(
            case=case, trigger="breach", description="d", raised_by=cw, status=status
        )
    if model is Intervention:
        return Intervention.objects.create(
            case=case,
            kind="education",
            provider=w["agency"],
            goals="g",
            starts_on=TODAY,
            recorded_by=cw,
            status=status,
        )
    if model is SharingConsent:
        return SharingConsent.objects.create(
            case=case,
            basis="consent",
            agency_kinds=["social_welfare"],
            purpose="reintegration",
            given_on=TODAY,
            recorded_by=cw,
            status=status,
            ended_at=None if status == SharingStatus.ACTIVE else timezone.now(),
        )
    raise AssertionError(model)


def _fields_for(model, status) -> dict:
    # What the database requires alongside the status (the services set these too).
    if model is SharingConsent and status != SharingStatus.ACTIVE:
        return {"ended_at": timezone.now()}
    return {}


def _pairs(allowed: bool):
    for model, lifecycle in LIFECYCLES.items():
        for old, new in itertools.product(lifecycle.statuses.values, repeat=2):
            if lifecycle.allows(old, new) == allowed:
                yield pytest.param(model, old, new, id=f"{model.__name__}:{old}->{new}")


@pytest.mark.parametrize(("model", "old", "new"), list(_pairs(allowed=True)))
def test_every_declared_move_succeeds_with_one_audit_row(world, model, old, new):
    obj = _build(model, old, world)
    before = AuditEvent.objects.count()
    moved = change_status(obj, to=new, by=world["sv"], fields=_fields_for(model, new))
    obj.refresh_from_db()
    assert moved.status == obj.status == new
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert event.action == LIFECYCLES[model].actions[new]
    assert event.changes["status"] == [old, new]
    assert event.target_id == str(obj.pk)
    assert event.case_id == world["case"].pk
    assert event.actor == world["sv"]


@pytest.mark.parametrize(("model", "old", "new"), list(_pairs(allowed=False)))
def test_every_other_move_is_refused_and_writes_nothing(world, model, old, new):
    obj = _build(model, old, world)
    before = AuditEvent.objects.count()
    with pytest.raises(InvalidStatusChange) as excinfo:
        change_status(obj, to=new, by=world["sv"], fields=_fields_for(model, new))
    obj.refresh_from_db()
    assert obj.status == old
    assert AuditEvent.objects.count() == before
    assert excinfo.value.message  # a sentence for people, naming the current status
    assert str(model._meta.verbose_name) in excinfo.value.message


def test_an_unknown_status_is_refused(world):
    escalation = _build(Escalation, EscalationStatus.OPEN, world)
    with pytest.raises(ValueError):
        change_status(escalation, to="closed", by=world["sv"])


def test_the_refusal_says_what_is_wrong(world):
    escalation = _build(Escalation, EscalationStatus.RESOLVED, world)
    with pytest.raises(InvalidStatusChange, match="This escalation is already resolved."):
        change_status(escalation, to=EscalationStatus.RESOLVED, by=world["sv"])
    with pytest.raises(InvalidStatusChange, match="is resolved: it cannot become acknowledged"):
        change_status(escalation, to=EscalationStatus.ACKNOWLEDGED, by=world["sv"])


@pytest.mark.parametrize("model", list(LIFECYCLES), ids=lambda m: m.__name__)
def test_every_status_of_the_model_is_declared(model):
    lifecycle = LIFECYCLES[model]
    field_values = {value for value, _label in model._meta.get_field("status").choices}
    assert set(lifecycle.statuses.values) == field_values
    assert set(lifecycle.moves) == field_values, "a status has no declared moves (not even ())"
    targets = set().union(*lifecycle.moves.values())
    assert targets <= field_values
    assert set(lifecycle.actions) == targets, "every status one can move into has its action"
    assert all(isinstance(action, AuditAction) for action in lifecycle.actions.values())


def test_every_model_with_a_status_has_a_lifecycle():
    with_status = {
        model._meta.label_lower: model
        for model in apps.get_app_config("casemgmt").get_models()
        if any(f.name == "status" for f in model._meta.concrete_fields)
    }
    undeclared = {
        label
        for label, model in with_status.items()
        if model not in LIFECYCLES and label not in GOVERNED_ELSEWHERE
    }
    assert undeclared == set()


# The services: each move goes through the helper, keeps its permission rule and its fields.


def _events(action) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


class TestReferrals:
    @pytest.fixture
    def referral(self, world):
        sharing.sharing_record(
            case=world["case"],
            by=world["cw"],
            basis="consent",
            agency_kinds=["social_welfare"],
            purpose="reintegration",
            given_on=TODAY,
        )
        return referrals.referral_send(
            case=world["case"],
            by=world["cw"],
            to_agency=world["welfare"],
            service="family",
            reason="r",
        )

    def test_accept_joins_the_team(self, world, referral):
        accepted = referrals.referral_accept(referral=referral, by=world["officer"])
        assert accepted.status == ReferralStatus.ACCEPTED
        assert accepted.responded_by == world["officer"]
        (event,) = _events(AuditAction.REFERRAL_ACCEPTED)
        assert event.changes["status"] == ["sent", "accepted"]
        assert event.metadata == {"joined_team": True}
        assert CaseTeamMember.objects.filter(case=world["case"], agency=world["welfare"]).exists()

    def test_accept_twice_is_refused_and_writes_nothing(self, world, referral):
        referrals.referral_accept(referral=referral, by=world["officer"])
        before = AuditEvent.objects.count()
        with pytest.raises(InvalidStatusChange, match="already accepted"):
            referrals.referral_accept(referral=referral, by=world["officer"])
        assert AuditEvent.objects.count() == before

    def test_only_the_receiving_agency_answers(self, world, referral):
        with pytest.raises(NotPermitted):
            referrals.referral_accept(referral=referral, by=world["cw"])
        referral.refresh_from_db()
        assert referral.status == ReferralStatus.SENT

    def test_decline_then_complete_is_refused(self, world, referral):
        declined = referrals.referral_decline(referral=referral, by=world["officer"], reason="Full")
        assert (declined.status, declined.response_note) == ("declined", "Full")
        (event,) = _events(AuditAction.REFERRAL_DECLINED)
        assert event.changes["status"] == ["sent", "declined"]
        assert event.metadata == {"reason": "Full"}
        before = AuditEvent.objects.count()
        with pytest.raises(InvalidStatusChange, match="is declined: it cannot become completed"):
            referrals.referral_complete(referral=referral, by=world["sv"], outcome="Done")
        assert AuditEvent.objects.count() == before

    def test_complete_an_accepted_referral(self, world, referral):
        referrals.referral_accept(referral=referral, by=world["officer"])
        done = referrals.referral_complete(referral=referral, by=world["sv"], outcome="Done")
        assert (done.status, done.response_note) == ("completed", "Done")
        (event,) = _events(AuditAction.REFERRAL_COMPLETED)
        assert event.changes["status"] == ["accepted", "completed"]

    def test_ending_consent_revokes_the_referral_with_its_own_audit_row(self, world, referral):
        entry = world["case"].sharing_consents.get(agency_kinds=["social_welfare"])
        sharing.sharing_end(entry=entry, by=world["cw"], reason="Withdrawn")
        referral.refresh_from_db()
        assert referral.status == ReferralStatus.REVOKED
        (revoked,) = _events(AuditAction.REFERRAL_REVOKED)
        assert revoked.changes["status"] == ["sent", "revoked"]
        assert revoked.target_id == str(referral.pk)
        (ended,) = _events(AuditAction.SHARING_ENDED)
        assert ended.changes["status"] == ["active", "ended"]
        assert ended.metadata["referrals_revoked"] == [referral.pk]


class TestEscalations:
    def test_acknowledge_then_resolve(self, world):
        escalation = _build(Escalation, EscalationStatus.OPEN, world)
        escalations.escalation_acknowledge(escalation=escalation, by=world["sv"])
        resolved = escalations.escalation_resolve(
            escalation=escalation, by=world["sv"], resolution="Met"
        )
        assert (resolved.status, resolved.resolution, resolved.resolved_by) == (
            "resolved",
            "Met",
            world["sv"],
        )
        (ack,) = _events(AuditAction.MONITORING_ESCALATION_ACKNOWLEDGED)
        assert ack.changes["status"] == ["open", "acknowledged"]
        (res,) = _events(AuditAction.MONITORING_ESCALATION_RESOLVED)
        assert res.changes["status"] == ["acknowledged", "resolved"]
        assert res.changes["resolution"] == ["", "Met"]

    def test_resolving_twice_is_refused_and_writes_nothing(self, world):
        escalation = _build(Escalation, EscalationStatus.OPEN, world)
        escalations.escalation_resolve(escalation=escalation, by=world["sv"], resolution="Met")
        before = AuditEvent.objects.count()
        with pytest.raises(InvalidStatusChange, match="already resolved"):
            escalations.escalation_resolve(escalation=escalation, by=world["sv"], resolution="x")
        with pytest.raises(InvalidStatusChange, match="cannot become acknowledged"):
            escalations.escalation_acknowledge(escalation=escalation, by=world["sv"])
        assert AuditEvent.objects.count() == before
        escalation.refresh_from_db()
        assert escalation.resolution == "Met"

    def test_only_a_supervisor(self, world):
        escalation = _build(Escalation, EscalationStatus.OPEN, world)
        with pytest.raises(NotPermitted):
            escalations.escalation_acknowledge(escalation=escalation, by=world["cw"])
        escalation.refresh_from_db()
        assert escalation.status == EscalationStatus.OPEN


class TestInterventions:
    def test_planned_to_active_to_completed(self, world):
        intervention = _build(Intervention, InterventionStatus.PLANNED, world)
        for status in (InterventionStatus.ACTIVE, InterventionStatus.COMPLETED):
            intervention = interventions.intervention_change_status(
                intervention=intervention, by=world["cw"], status=status
            )
        assert intervention.status == InterventionStatus.COMPLETED
        assert [e.changes["status"] for e in AuditEvent.objects.order_by("id")] == [
            ["planned", "active"],
            ["active", "completed"],
        ]

    def test_stopping_needs_a_reason_and_keeps_it(self, world):
        intervention = _build(Intervention, InterventionStatus.ACTIVE, world)
        with pytest.raises(ValidationError, match="Say why the intervention is stopped"):
            interventions.intervention_change_status(
                intervention=intervention, by=world["cw"], status=InterventionStatus.STOPPED
            )
        assert not AuditEvent.objects.exists()
        interventions.intervention_change_status(
            intervention=intervention,
            by=world["cw"],
            status=InterventionStatus.STOPPED,
            reason="Moved away",
        )
        (event,) = _events(AuditAction.INTERVENTION_STOPPED)
        assert event.metadata == {"reason": "Moved away"}

    def test_a_completed_intervention_does_not_restart(self, world):
        intervention = _build(Intervention, InterventionStatus.COMPLETED, world)
        with pytest.raises(InvalidStatusChange, match="is completed: it cannot become active"):
            interventions.intervention_change_status(
                intervention=intervention, by=world["cw"], status=InterventionStatus.ACTIVE
            )
        assert not AuditEvent.objects.exists()

    def test_a_reader_may_not_change_it(self, world, auditor):
        intervention = _build(Intervention, InterventionStatus.ACTIVE, world)
        with pytest.raises(NotPermitted):
            interventions.intervention_change_status(
                intervention=intervention, by=auditor, status=InterventionStatus.COMPLETED
            )
        intervention.refresh_from_db()
        assert intervention.status == InterventionStatus.ACTIVE
        assert not AuditEvent.objects.exists()


class TestSharing:
    def test_end_then_end_again_is_refused(self, world):
        entry = _build(SharingConsent, SharingStatus.ACTIVE, world)
        ended = sharing.sharing_end(entry=entry, by=world["cw"], reason="Withdrawn")
        assert (ended.status, ended.ended_by, ended.end_reason) == (
            "ended",
            world["cw"],
            "Withdrawn",
        )
        before = AuditEvent.objects.count()
        with pytest.raises(InvalidStatusChange, match="already ended"):
            sharing.sharing_end(entry=entry, by=world["cw"], reason="Again")
        assert AuditEvent.objects.count() == before

    def test_expiry_moves_active_entries_only(self, world):
        past = _build(SharingConsent, SharingStatus.ACTIVE, world)
        SharingConsent.objects.filter(pk=past.pk).update(
            expires_on=TODAY - datetime.timedelta(days=1)
        )
        welfare_member = CaseTeamMember.objects.create(
            case=world["case"], agency=world["welfare"], role=TeamRole.SUPPORT
        )
        assert sharing.sharing_expire() == 1
        past.refresh_from_db()
        assert past.status == SharingStatus.EXPIRED and past.ended_by is None
        (event,) = _events(AuditAction.SHARING_EXPIRED)
        assert event.actor is None
        assert event.changes["status"] == ["active", "expired"]
        assert event.metadata["agencies_removed"] == [world["welfare"].pk]
        welfare_member.refresh_from_db()
        assert welfare_member.left_on == TODAY
        assert sharing.sharing_expire() == 0
