"""Checkpoints: the latest signed head of the chain, written out of the database.

A checkpoint names a position, the chain's hash there and the batch signature over it.
Kept somewhere the database's owner cannot rewrite (a log server, write-once storage,
an email to the inspectorate), it catches what the chain and the signatures cannot: a
truncated tail, or the whole trail rewritten and re-signed with a stolen key.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from casemgmt.models import AuditSealBatch

KIND = "casemgmt-audit-checkpoint"


class CheckpointError(ValueError):
    """A checkpoint file that cannot be read as one."""


@dataclass(frozen=True)
class Checkpoint:
    position: int
    hash: str
    first_position: int
    signature: str
    key_id: str
    format: int
    sealed_at: str
    source: str = ""

    def as_json(self) -> str:
        data = {"kind": KIND, **asdict(self)}
        data.pop("source")
        return json.dumps(data, indent=2, sort_keys=True) + "\n"


def latest() -> Checkpoint | None:
    """The head of the last signed batch, or None before anything is sealed."""
    batch = AuditSealBatch.objects.order_by("-last_position").first()
    if batch is None:
        return None
    return Checkpoint(
        position=batch.last_position,
        hash=batch.head_hash,
        first_position=batch.first_position,
        signature=batch.signature,
        key_id=batch.key_id,
        format=batch.format,
        sealed_at=batch.sealed_at.astimezone(datetime.UTC).isoformat(),
    )


def load(path: str) -> Checkpoint:
    """Read a checkpoint file; a clear error for anything else."""
    try:
        data = json.loads(Path(path).read_text())
    except OSError as error:
        raise CheckpointError(f"{path}: cannot read it ({error.strerror}).") from error
    except ValueError as error:
        raise CheckpointError(f"{path}: not a checkpoint (not JSON).") from error
    if not isinstance(data, dict) or data.get("kind") != KIND:
        raise CheckpointError(f"{path}: not a casemgmt audit checkpoint.")
    try:
        return Checkpoint(
            position=int(data["position"]),
            hash=str(data["hash"]),
            first_position=int(data["first_position"]),
            signature=str(data["signature"]),
            key_id=str(data["key_id"]),
            format=int(data["format"]),
            sealed_at=str(data["sealed_at"]),
            source=str(path),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise CheckpointError(f"{path}: a field is missing or malformed ({error}).") from error
