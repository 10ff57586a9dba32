"""Verifying the audit trail and writing checkpoints, each recorded in the trail itself
(the auditor's page shows the latest of each)."""

from __future__ import annotations

from casemgmt.audit_trail import checkpoints as checkpoint_files
from casemgmt.audit_trail.checkpoints import Checkpoint
from casemgmt.audit_trail.sealer import seal_pending
from casemgmt.audit_trail.signing import trusted_keys
from casemgmt.audit_trail.verification import Verification, verify_chain
from casemgmt.models import AuditAction, AuditEvent
from casemgmt.services import audit

CHAIN = "audit.chain"


def last_good_head() -> tuple[int, str] | None:
    """Where the last verification that held ended: an incremental run starts there."""
    event = (
        AuditEvent.objects.filter(action=AuditAction.AUDIT_VERIFIED, metadata__ok=True)
        .order_by("-id")
        .values_list("metadata", flat=True)
        .first()
    )
    if not event or not event.get("head_position"):
        return None
    return int(event["head_position"]), str(event["head_hash"])


def verify_audit_trail(
    *,
    actor=None,
    incremental: bool = False,
    key_files: list[str] | None = None,
    checkpoints: list[Checkpoint] = (),
    progress=None,
) -> Verification:
    """Seal what is ready, walk the chain (from the last good head when ``incremental``),
    and record the result as an event."""
    seal_pending()
    keys, external = trusted_keys(key_files)
    start = last_good_head() if incremental else None
    result = verify_chain(keys=keys, start_after=start, checkpoints=checkpoints, progress=progress)
    if not external:
        result.notes.append(
            "Verified with this server's own public key: verify with the inspectorate's "
            "copy (--public-key) to show who signed the chain."
        )
    broken = result.broken
    audit.record_untargeted(
        actor=actor,
        action=AuditAction.AUDIT_VERIFIED,
        target_type=CHAIN,
        target_id=str(result.head_position),
        metadata={
            "ok": result.ok,
            "incremental": start is not None,
            "started_after": result.started_after,
            "checked": result.checked,
            "head_position": result.head_position,
            "head_hash": result.head_hash,
            "unsealed": result.unsealed,
            "checkpoints": result.checkpoints,
            "external_keys": external,
            "break": broken.describe() if broken else "",
        },
    )
    return result


def checkpoint_written(*, checkpoint: Checkpoint, destination: str, actor=None) -> None:
    """Record that a checkpoint left the database (when, which head, where to)."""
    audit.record_untargeted(
        actor=actor,
        action=AuditAction.AUDIT_CHECKPOINT_WRITTEN,
        target_type=CHAIN,
        target_id=str(checkpoint.position),
        metadata={
            "position": checkpoint.position,
            "hash": checkpoint.hash,
            "destination": destination[:300],
        },
    )


def write_checkpoint_file(*, directory) -> Checkpoint | None:
    """Seal, then write the latest head to a new file in ``directory`` (the hourly job)."""
    seal_pending()
    checkpoint = checkpoint_files.latest()
    if checkpoint is None:
        return None
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"checkpoint-{checkpoint.position:012d}.json"
    if not path.exists():
        path.write_text(checkpoint.as_json())
    checkpoint_written(checkpoint=checkpoint, destination=str(path))
    return checkpoint


def request_verification(*, actor) -> None:
    """An auditor's "verify now": queued for a worker (one waits at a time), or run at
    once where jobs run eagerly (SQLite); the result is recorded like the daily run's."""
    from casemgmt.jobs import defer
    from casemgmt.jobs.audit import audit_verify

    defer(audit_verify, actor_id=actor.pk)
