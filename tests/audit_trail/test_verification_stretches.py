"""The walk reads the chain a stretch of positions at a time (on PostgreSQL a COPY of
each), and the batches between stretches: a chain longer than a stretch is checked the
same, breaks across a boundary are named the same, and a break in the middle of a
stretch leaves the connection usable (the verification is then recorded)."""

import pytest
from django.db import connection

from casemgmt.audit_trail import verification
from casemgmt.audit_trail.sealer import seal_pending
from casemgmt.audit_trail.signing import trusted_keys
from casemgmt.audit_trail.verification import sealed_rows, verify_chain
from casemgmt.models import AuditAction, AuditEvent
from casemgmt.services.audit_verification import verify_audit_trail
from tests.audit_trail.conftest import as_database_owner

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def short_stretches(monkeypatch):
    """Stretches of 4 positions, batches read 2 at a time: 12 events in 5, 5 and 2 make
    three stretches, and batches that end inside and at a stretch's end."""
    monkeypatch.setattr(verification, "STRETCH", 4)
    monkeypatch.setattr(verification, "BATCH_PAGE", 2)


def walk(**kwargs):
    keys, _external = trusted_keys()
    return verify_chain(keys=keys, **kwargs)


def test_a_chain_of_several_stretches_holds(sealed_trail):
    result = walk()
    assert result.ok and (result.checked, result.head_position) == (12, 12)
    # Started inside a batch and a stretch, as the daily incremental run does.
    with connection.cursor() as cursor:
        cursor.execute("SELECT hash FROM casemgmt_auditseal WHERE position = 3")
        (third,) = cursor.fetchone()
    result = walk(start_after=(3, third))
    assert result.ok and result.checked == 9


def test_the_rows_are_the_seals_in_order_with_their_events(sealed_trail):
    rows = list(sealed_rows(after=2, up_to=7))
    assert [row[0] for row in rows] == [3, 4, 5, 6, 7]
    assert [row[1] for row in rows] == [row[4] for row in rows]
    assert [row[4] for row in rows] == [event.pk for event in sealed_trail[2:7]]


def test_a_change_in_a_later_stretch_is_named(sealed_trail):
    target = sealed_trail[9]
    with as_database_owner() as cursor:
        cursor.execute(
            "UPDATE casemgmt_auditevent SET target_label = 'x' WHERE id = %s", [target.pk]
        )
    result = walk()
    assert result.broken.kind == "changed event"
    assert (result.broken.position, result.broken.event_seq, result.checked) == (10, target.pk, 9)


def test_a_seal_missing_at_a_stretch_boundary(sealed_trail):
    with as_database_owner() as cursor:
        cursor.execute("DELETE FROM casemgmt_auditseal WHERE position IN (5, 8)")
    result = walk()
    assert (result.broken.kind, result.broken.position) == ("missing seal", 5)


def test_a_break_mid_stretch_leaves_the_connection_usable(monkeypatch, settings):
    # A stretch long enough that the database is still sending it at the break.
    settings.JOBS_EAGER = False
    monkeypatch.setattr(verification, "STRETCH", 5000)
    AuditEvent.objects.bulk_create(
        AuditEvent(
            action=AuditAction.ACCESS_DENIED,
            target_type="test",
            target_id=str(n),
            metadata={"path": f"/cases/CS-2026-{n:06d}/"},
        )
        for n in range(5000)
    )
    assert seal_pending(batch_size=5000).sealed == 5000
    first = AuditEvent.objects.order_by("id").first()
    with as_database_owner() as cursor:
        cursor.execute("UPDATE casemgmt_auditevent SET target_id = 'x' WHERE id = %s", [first.pk])
    result = verify_audit_trail()
    assert result.broken.position == 1
    recorded = AuditEvent.objects.filter(action=AuditAction.AUDIT_VERIFIED).get()
    assert recorded.metadata["ok"] is False and "changed event" in recorded.metadata["break"]
