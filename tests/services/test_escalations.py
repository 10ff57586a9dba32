"""Escalations: raise, acknowledge, resolve, each move audited old → new."""

import pytest
from django.core.exceptions import ValidationError

from casemgmt.errors import InvalidStatusChange, NotPermitted
from casemgmt.models import AuditAction, AuditEvent, Escalation, EscalationStatus
from casemgmt.services import escalations
from tests.audit_values import revealed
from tests.services.conftest import audit_events, build_in_status

pytestmark = pytest.mark.django_db


def test_resolve_needs_a_reason_and_a_supervisor(released, caseworker, supervisor):
    escalation = escalations.escalation_raise(
        case=released, by=caseworker, trigger="threat", description="d"
    )
    escalations.escalation_acknowledge(escalation=escalation, by=supervisor)
    with pytest.raises(ValidationError, match="Say how the escalation was resolved"):
        escalations.escalation_resolve(escalation=escalation, by=supervisor, resolution=" ")
    escalations.escalation_resolve(
        escalation=escalation, by=supervisor, resolution="Visited; resolved"
    )


class TestEscalations:
    def test_acknowledge_then_resolve(self, status_world):
        escalation = build_in_status(Escalation, EscalationStatus.OPEN, status_world)
        escalations.escalation_acknowledge(escalation=escalation, by=status_world["sv"])
        resolved = escalations.escalation_resolve(
            escalation=escalation, by=status_world["sv"], resolution="Met"
        )
        assert (resolved.status, resolved.resolution, resolved.resolved_by) == (
            "resolved",
            "Met",
            status_world["sv"],
        )
        (ack,) = audit_events(AuditAction.MONITORING_ESCALATION_ACKNOWLEDGED)
        assert ack.changes["status"] == ["open", "acknowledged"]
        (res,) = audit_events(AuditAction.MONITORING_ESCALATION_RESOLVED)
        assert res.changes["status"] == ["acknowledged", "resolved"]
        assert revealed(res.changes)["resolution"] == ["", "Met"]

    def test_resolving_twice_is_refused_and_writes_nothing(self, status_world):
        escalation = build_in_status(Escalation, EscalationStatus.OPEN, status_world)
        escalations.escalation_resolve(
            escalation=escalation, by=status_world["sv"], resolution="Met"
        )
        before = AuditEvent.objects.count()
        with pytest.raises(InvalidStatusChange, match="already resolved"):
            escalations.escalation_resolve(
                escalation=escalation, by=status_world["sv"], resolution="x"
            )
        with pytest.raises(InvalidStatusChange, match="cannot become acknowledged"):
            escalations.escalation_acknowledge(escalation=escalation, by=status_world["sv"])
        assert AuditEvent.objects.count() == before
        escalation.refresh_from_db()
        assert escalation.resolution == "Met"

    def test_only_a_supervisor(self, status_world):
        escalation = build_in_status(Escalation, EscalationStatus.OPEN, status_world)
        with pytest.raises(NotPermitted):
            escalations.escalation_acknowledge(escalation=escalation, by=status_world["cw"])
        escalation.refresh_from_db()
        assert escalation.status == EscalationStatus.OPEN
