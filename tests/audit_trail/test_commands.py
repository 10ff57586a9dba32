"""The audit trail's commands and jobs: what an operator runs by hand does what the
worker does on its schedule."""

import io
import json
import stat

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.management import CommandError, call_command

from casemgmt.audit_trail.signing import load_public_key
from casemgmt.jobs import audit as audit_jobs
from casemgmt.models import AuditAction, AuditEvent, AuditSeal
from tests.audit_trail.conftest import add_events

pytestmark = pytest.mark.django_db


def run(name, *args) -> str:
    out = io.StringIO()
    call_command(name, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_seal_audit_seals_what_is_ready(settings):
    settings.JOBS_EAGER = False
    add_events(7)
    assert "Sealed 7 events in 1 batches; the chain's head is at position 7." in run("seal_audit")
    assert "Sealed 0 events" in run("seal_audit")


def test_audit_keygen_writes_a_private_key_for_its_owner_only_and_never_overwrites(tmp_path):
    private, public = tmp_path / "signing.pem", tmp_path / "public.pem"
    run("audit_keygen", "--private", str(private), "--public", str(public))
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    key = serialization.load_pem_private_key(private.read_bytes(), password=None)
    assert load_public_key(public.read_bytes()).public_bytes_raw() == (
        key.public_key().public_bytes_raw()
    )
    before = private.read_bytes()
    with pytest.raises(CommandError, match="never overwritten"):
        run("audit_keygen", "--private", str(private))
    assert private.read_bytes() == before


def test_audit_checkpoint_to_stdout_and_recorded(settings):
    settings.JOBS_EAGER = False
    add_events(3)
    checkpoint = json.loads(run("audit_checkpoint"))
    assert checkpoint["kind"] == "casemgmt-audit-checkpoint"
    assert checkpoint["position"] == AuditSeal.objects.count() == 3
    event = AuditEvent.objects.get(action=AuditAction.AUDIT_CHECKPOINT_WRITTEN)
    assert event.metadata["position"] == 3 and event.metadata["destination"] == "-"


def test_no_checkpoint_before_anything_is_sealed():
    with pytest.raises(CommandError, match="Nothing is sealed yet"):
        run("audit_checkpoint")


def test_the_jobs_run_the_same_services(settings, tmp_path):
    settings.JOBS_EAGER = False
    settings.CASEMGMT_AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    add_events(4)
    assert audit_jobs.audit_seal() == 4
    assert audit_jobs.audit_checkpoint() == 4
    written = list((tmp_path / "checkpoints").glob("checkpoint-*.json"))
    assert [p.name for p in written] == ["checkpoint-000000000004.json"]
    assert audit_jobs.audit_verify() is True
    verified = AuditEvent.objects.get(action=AuditAction.AUDIT_VERIFIED)
    assert verified.metadata["ok"] is True and verified.actor is None
