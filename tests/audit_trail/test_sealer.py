"""The sealer chains committed events, signs each batch, and never seals one twice."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from casemgmt.audit_trail.canonical import GENESIS_HASH, chain_hash, event_bytes
from casemgmt.audit_trail.sealer import seal_pending, unsealed_count
from casemgmt.audit_trail.signing import batch_message, signature_valid, trusted_keys
from casemgmt.models import AuditEvent, AuditSeal, AuditSealBatch
from tests.audit_trail.conftest import add_events

pytestmark = pytest.mark.django_db


def test_each_event_gets_the_next_position_and_a_hash_over_the_one_before(sealed_trail):
    seals = list(AuditSeal.objects.order_by("position"))
    assert [s.position for s in seals] == list(range(1, 13))
    assert [s.event_seq for s in seals] == [e.pk for e in sealed_trail]
    previous = GENESIS_HASH
    with connection.cursor() as cursor:
        for seal in seals:
            cursor.execute(
                "SELECT id, at, actor_id, action, target_type, target_id, target_label, "
                "case_id, changes, metadata FROM casemgmt_auditevent WHERE id = %s",
                [seal.event_seq],
            )
            expected = chain_hash(
                position=seal.position, previous=previous, event=event_bytes(cursor.fetchone())
            )
            assert seal.hash == expected
            previous = seal.hash


def test_each_batch_signs_its_head(sealed_trail):
    keys, _external = trusted_keys()
    batches = list(AuditSealBatch.objects.order_by("first_position"))
    assert [(b.first_position, b.last_position) for b in batches] == [(1, 5), (6, 10), (11, 12)]
    for batch in batches:
        assert batch.head_hash == AuditSeal.objects.get(position=batch.last_position).hash
        message = batch_message(
            first=batch.first_position,
            last=batch.last_position,
            head_hash=batch.head_hash,
            format=1,
        )
        assert signature_valid(keys, batch.key_id, batch.signature, message)
        assert not signature_valid(keys, batch.key_id, batch.signature, message + b"x")


def test_a_second_run_seals_only_what_is_new(sealed_trail):
    assert seal_pending().sealed == 0
    add_events(3, start=100)
    assert unsealed_count() == 3
    run = seal_pending()
    assert (run.sealed, run.head_position) == (3, 15)
    assert unsealed_count() == 0
    assert AuditSeal.objects.count() == AuditEvent.objects.count() == 15


def test_seals_and_batches_are_append_only_in_the_app(sealed_trail):
    seal = AuditSeal.objects.first()
    batch = AuditSealBatch.objects.first()
    for attempt in (
        lambda: AuditSeal.objects.update(hash="0"),
        lambda: AuditSeal.objects.all().delete(),
        lambda: seal.save(),
        lambda: seal.delete(),
        lambda: AuditSealBatch.objects.update(signature=""),
        lambda: batch.save(),
        lambda: batch.delete(),
    ):
        with pytest.raises(PermissionDenied):
            attempt()


@pytest.mark.django_db(transaction=True)
def test_where_jobs_run_eagerly_a_commit_seals_its_events(settings):
    settings.JOBS_EAGER = True
    add_events(2)  # autocommit: each insert commits, and is sealed when it does
    assert AuditSeal.objects.count() == 2
    assert unsealed_count() == 0


@pytest.mark.django_db(transaction=True)
def test_without_eager_jobs_events_wait_for_the_sealer(settings):
    settings.JOBS_EAGER = False
    add_events(2)
    assert AuditSeal.objects.count() == 0
    assert unsealed_count() == 2
    assert seal_pending().sealed == 2
