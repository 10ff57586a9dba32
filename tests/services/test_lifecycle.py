"""Lifecycles as data: every declared move succeeds with one audit row (old → new), every
other move is refused with a message and writes nothing, and every status is declared."""

import datetime
import itertools

import pytest
from django.apps import apps
from django.utils import timezone

from casemgmt.errors import InvalidStatusChange
from casemgmt.lifecycles import LIFECYCLES
from casemgmt.models import (
    AuditAction,
    AuditEvent,
    Escalation,
    EscalationStatus,
    RoleGrant,
    RoleGrantStatus,
    SharingConsent,
    SharingStatus,
)
from casemgmt.services.lifecycle import change_status
from tests.services.conftest import build_in_status

TODAY = datetime.date.today()


# Models with a status that no lifecycle here governs, and why.
GOVERNED_ELSEWHERE = {
    "casemgmt.case": "the stage engine (workflow.py) moves a case",
    "casemgmt.stagetransition": "the stage engine records each move's own status",
}


def _fields_for(model, status, world) -> dict:
    # What the database requires alongside the status (the services set these too).
    if model is SharingConsent and status != SharingStatus.ACTIVE:
        return {"ended_at": timezone.now()}
    if model is RoleGrant and status != RoleGrantStatus.PENDING:
        # Decided by someone other than its requester and its user (a database constraint).
        return {"decided_by": world["sv"], "decided_at": timezone.now()}
    return {}


def _pairs(allowed: bool):
    for model, lifecycle in LIFECYCLES.items():
        for old, new in itertools.product(lifecycle.statuses.values, repeat=2):
            if lifecycle.allows(old, new) == allowed:
                yield pytest.param(model, old, new, id=f"{model.__name__}:{old}->{new}")


@pytest.mark.parametrize(("model", "old", "new"), list(_pairs(allowed=True)))
def test_every_declared_move_succeeds_with_one_audit_row(status_world, model, old, new):
    obj = build_in_status(model, old, status_world)
    before = AuditEvent.objects.count()
    moved = change_status(
        obj, to=new, by=status_world["sv"], fields=_fields_for(model, new, status_world)
    )
    obj.refresh_from_db()
    assert moved.status == obj.status == new
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert event.action == LIFECYCLES[model].action_for(old, new)
    assert event.changes["status"] == [old, new]
    assert event.target_id == str(obj.pk)
    # Configuration (a role grant) belongs to no case.
    has_case = any(f.name == "case" for f in model._meta.concrete_fields)
    assert event.case_id == (status_world["case"].pk if has_case else None)
    assert event.actor == status_world["sv"]


@pytest.mark.parametrize(("model", "old", "new"), list(_pairs(allowed=False)))
def test_every_other_move_is_refused_and_writes_nothing(status_world, model, old, new):
    obj = build_in_status(model, old, status_world)
    before = AuditEvent.objects.count()
    with pytest.raises(InvalidStatusChange) as excinfo:
        change_status(
            obj, to=new, by=status_world["sv"], fields=_fields_for(model, new, status_world)
        )
    obj.refresh_from_db()
    assert obj.status == old
    assert AuditEvent.objects.count() == before
    assert excinfo.value.message  # a sentence for people, naming the current status
    assert str(model._meta.verbose_name) in excinfo.value.message


def test_an_unknown_status_is_refused(status_world):
    escalation = build_in_status(Escalation, EscalationStatus.OPEN, status_world)
    with pytest.raises(ValueError):
        change_status(escalation, to="closed", by=status_world["sv"])


def test_the_refusal_says_what_is_wrong(status_world):
    escalation = build_in_status(Escalation, EscalationStatus.RESOLVED, status_world)
    with pytest.raises(InvalidStatusChange, match="This escalation is already resolved."):
        change_status(escalation, to=EscalationStatus.RESOLVED, by=status_world["sv"])
    with pytest.raises(InvalidStatusChange, match="is resolved: it cannot become acknowledged"):
        change_status(escalation, to=EscalationStatus.ACKNOWLEDGED, by=status_world["sv"])


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
