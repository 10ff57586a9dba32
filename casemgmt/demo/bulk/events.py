"""The one builder of the seeder's audit rows: every generated write gets the event its
service would have recorded, at the time it happened, in the same batch."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.apps import apps

from casemgmt.demo.bulk.writer import BulkWriter
from casemgmt.models import AuditAction, AuditEvent
from casemgmt.services.audit import withhold

if TYPE_CHECKING:
    from casemgmt.demo.bulk.cases import Draft

SOURCE = {"source": "seed_demo --cases"}


def event(
    writer: BulkWriter,
    *,
    action: AuditAction,
    target: str,
    target_id: int,
    label: str,
    at: datetime.datetime,
    actor_id: int | None,
    case_id: int | None,
    changes: dict | None = None,
    metadata: dict | None = None,
) -> int:
    return writer.add(
        AuditEvent,
        at=at,
        actor_id=actor_id,
        action=AuditAction(action).value,
        target_type=f"casemgmt.{target}",
        target_id=str(target_id),
        target_label=label[:200],
        case_id=case_id,
        # As audit.record writes them: no clinical or security value (without the row, a
        # field that may hold one never is copied).
        changes=withhold(apps.get_model("casemgmt", target), changes) if changes else {},
        metadata={**SOURCE, **(metadata or {})},
    )


def case_event(
    writer: BulkWriter,
    draft: Draft,
    action: AuditAction,
    target: str,
    target_id: int,
    at: datetime.datetime,
    *,
    actor_id: int | None = None,
    metadata: dict | None = None,
) -> int:
    """An event on one of the draft case's records, by its caseworker unless ``actor_id``."""
    return event(
        writer,
        action=action,
        target=target,
        target_id=target_id,
        label=draft.reference,
        at=at,
        actor_id=actor_id or draft.writer_id,
        case_id=draft.case_id,
        metadata=metadata,
    )
