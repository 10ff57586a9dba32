"""Fixtures for the audit trail: a sealed trail, and tampering as a database owner would."""

from contextlib import contextmanager

import pytest
from django.db import connection

from casemgmt.audit_trail.sealer import seal_pending
from casemgmt.models import AuditAction, AuditEvent
from casemgmt.services import audit


def add_events(count: int, *, start: int = 0) -> list[AuditEvent]:
    return [
        audit.record_untargeted(
            actor=None,
            action=AuditAction.ACCESS_RATE_LIMITED,
            target_type="test",
            target_id=str(start + n),
            metadata={"n": start + n, "ratio": 0.25, "big": 1e16, "text": "ڈیٹا"},
        )
        for n in range(count)
    ]


@pytest.fixture
def sealed_trail(db):
    """Twelve events sealed in three signed batches (5, 5, 2)."""
    events = add_events(12)
    run = seal_pending(batch_size=5)
    assert (run.sealed, run.batches) == (12, 3)
    return events


@contextmanager
def as_database_owner():
    """Raw statements past the app: on PostgreSQL a superuser first switches triggers off
    for the session (``session_replication_role``), the append-only ones included."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        try:
            yield cursor
        finally:
            if connection.vendor == "postgresql":
                cursor.execute("SET session_replication_role = origin")
