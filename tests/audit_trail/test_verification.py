"""verify_audit from the attacker's side: each way of rewriting history is caught, and
named (the first broken event or seal, and the kind of break)."""

import io
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command

from casemgmt.audit_trail.canonical import chain_hash
from casemgmt.audit_trail.sealer import seal_pending
from casemgmt.audit_trail.signing import public_pem, signing_key
from casemgmt.models import AuditAction, AuditEvent, AuditSeal, AuditSealBatch
from casemgmt.services.audit_verification import verify_audit_trail
from tests.audit_trail.conftest import add_events, as_database_owner

pytestmark = pytest.mark.django_db


def verify(*args) -> str:
    out = io.StringIO()
    call_command("verify_audit", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def broken(*args) -> str:
    with pytest.raises(CommandError) as refused:
        verify(*args)
    return str(refused.value)


def test_an_untouched_trail_verifies(sealed_trail):
    assert "The audit trail holds: 12 events checked (positions 1-12)" in verify()


def test_a_changed_value_names_the_event(sealed_trail):
    target = sealed_trail[6]
    with as_database_owner() as cursor:
        cursor.execute(
            "UPDATE casemgmt_auditevent SET metadata = %s WHERE id = %s",
            [json.dumps({"n": 999}), target.pk],
        )
    message = broken()
    assert "changed event" in message
    assert f"position 7, event {target.pk}" in message
    assert AuditAction.ACCESS_RATE_LIMITED.value in message
    assert "6 events were checked before it" in message


def test_a_deleted_middle_event(sealed_trail):
    target = sealed_trail[4]
    with as_database_owner() as cursor:
        cursor.execute("DELETE FROM casemgmt_auditevent WHERE id = %s", [target.pk])
    message = broken()
    assert "missing event" in message and f"position 5, event {target.pk}" in message


def test_a_deleted_seal(sealed_trail):
    with as_database_owner() as cursor:
        cursor.execute("DELETE FROM casemgmt_auditseal WHERE position = 3")
    assert "missing seal" in broken() and "position 3" in broken()


def test_two_events_swapped(sealed_trail):
    first, second = sealed_trail[2], sealed_trail[3]
    with as_database_owner() as cursor:
        for seq, position in ((-1, 3), (first.pk, 4), (second.pk, 3)):
            cursor.execute(
                "UPDATE casemgmt_auditseal SET event_seq = %s WHERE position = %s", [seq, position]
            )
    message = broken()
    assert "changed event" in message and f"position 3, event {second.pk}" in message


def test_two_events_contents_swapped(sealed_trail):
    first, second = sealed_trail[2], sealed_trail[3]
    with as_database_owner() as cursor:
        cursor.execute(
            "UPDATE casemgmt_auditevent SET target_id = CASE id WHEN %s THEN %s ELSE %s END "
            "WHERE id IN (%s, %s)",
            [first.pk, second.target_id, first.target_id, first.pk, second.pk],
        )
    assert f"position 3, event {first.pk}" in broken()


def forge_appended_event() -> AuditSeal:
    """An event added after the fact, with its hash computed as the sealer would."""
    from django.db import connection

    from casemgmt.audit_trail.canonical import EVENT_COLUMNS, event_bytes

    forged = AuditEvent.objects.create(
        action=AuditAction.ACCESS_DENIED, target_type="test", target_id="x"
    )
    tail = AuditSeal.objects.order_by("-position").first()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(EVENT_COLUMNS)} FROM casemgmt_auditevent WHERE id = %s", [forged.pk]
        )
        row = cursor.fetchone()
    return AuditSeal(
        position=tail.position + 1,
        event_seq=forged.pk,
        hash=chain_hash(position=tail.position + 1, previous=tail.hash, event=event_bytes(row)),
        batch=tail.batch,
    )


def test_a_forged_event_appended_with_a_recomputed_chain(sealed_trail):
    forge_appended_event().save()
    message = broken()
    assert "unsigned seal" in message and "position 13" in message


def test_a_forged_event_with_a_batch_it_signed_itself(sealed_trail):
    seal = forge_appended_event()
    thief = Ed25519PrivateKey.generate()
    batch = AuditSealBatch.objects.create(
        first_position=seal.position,
        last_position=seal.position,
        head_hash=seal.hash,
        signature="A" * 88,
        key_id=signing_key_id(thief),
    )
    seal.batch = batch
    seal.save()
    message = broken()
    assert "bad signature" in message and "not a trusted key" in message


def signing_key_id(key) -> str:
    from casemgmt.audit_trail.signing import key_id

    return key_id(key.public_key())


def test_an_altered_batch_signature(sealed_trail):
    with as_database_owner() as cursor:
        cursor.execute(
            "UPDATE casemgmt_auditsealbatch SET signature = %s WHERE last_position = 10",
            ["B" * 86 + "=="],
        )
    message = broken()
    assert "bad signature" in message and "position 10" in message


def test_a_truncated_tail_is_caught_by_a_checkpoint_held_outside(sealed_trail, tmp_path):
    held = tmp_path / "checkpoint.json"
    call_command("audit_checkpoint", "--output", str(held), stdout=io.StringIO())
    assert json.loads(held.read_text())["position"] == 12
    with as_database_owner() as cursor:
        cursor.execute("DELETE FROM casemgmt_auditseal WHERE position > 10")
        cursor.execute("DELETE FROM casemgmt_auditsealbatch WHERE last_position > 10")
        cursor.execute("DELETE FROM casemgmt_auditevent WHERE id > %s", [sealed_trail[9].pk])
    # The chain itself is whole (it just ends sooner): only the checkpoint shows the loss.
    assert "The audit trail holds: 10 events checked" in verify()
    message = broken("--checkpoint", str(held))
    assert "truncated" in message and "position 12" in message


def test_an_altered_checkpoint_file(sealed_trail, tmp_path):
    held = tmp_path / "checkpoint.json"
    call_command("audit_checkpoint", "--output", str(held), stdout=io.StringIO())
    data = json.loads(held.read_text())
    data["hash"] = "f" * 64
    held.write_text(json.dumps(data))
    assert "bad checkpoint" in broken("--checkpoint", str(held))


def test_a_good_checkpoint_holds(sealed_trail, tmp_path):
    held = tmp_path / "checkpoint.json"
    call_command("audit_checkpoint", "--output", str(held), stdout=io.StringIO())
    add_events(2, start=50)
    assert "1 checkpoints held" in verify("--checkpoint", str(held))


def test_a_file_that_is_not_a_checkpoint_is_a_clear_error(sealed_trail, tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("hello")
    assert "not a checkpoint" in broken("--checkpoint", str(bad))
    assert "cannot read it" in broken("--checkpoint", str(tmp_path / "missing.json"))


def test_the_inspectorates_own_key(sealed_trail, tmp_path):
    ours = tmp_path / "public.pem"
    ours.write_bytes(public_pem(signing_key().public_key()))
    assert "holds" in verify("--public-key", str(ours))
    other = tmp_path / "other.pem"
    other.write_bytes(public_pem(Ed25519PrivateKey.generate().public_key()))
    assert "not a trusted key" in broken("--public-key", str(other))


def test_each_verification_is_recorded_and_the_next_starts_where_it_ended(sealed_trail):
    first = verify_audit_trail()
    assert first.ok and first.head_position == 12
    add_events(3, start=200)
    second = verify_audit_trail(incremental=True)
    assert second.ok and second.started_after == 12
    # The first run's own event (13) and the three new ones.
    assert second.checked == 4
    recorded = AuditEvent.objects.filter(action=AuditAction.AUDIT_VERIFIED).order_by("id")
    assert [e.metadata["ok"] for e in recorded] == [True, True]
    assert recorded.last().metadata["incremental"] is True


def test_an_incremental_run_notices_a_change_to_its_starting_point(sealed_trail):
    verify_audit_trail()
    with as_database_owner() as cursor:
        cursor.execute("UPDATE casemgmt_auditseal SET hash = %s WHERE position = 12", ["e" * 64])
    result = verify_audit_trail(incremental=True)
    assert not result.ok and result.broken.kind == "changed seal"


def test_events_not_sealed_yet_are_reported(sealed_trail):
    seal_pending()
    assert "0 events not sealed yet" in verify()
