"""The one builder of the seeder's audit rows: every generated write gets the event its
service would have recorded, at the time it happened, in the same batch."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.apps import apps

from casemgmt.audit_trail.personal_values import Concealer
from casemgmt.demo.bulk.writer import BulkWriter
from casemgmt.models import AuditAction, AuditEvent, AuditPersonalValue
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
    person_id: int | None = None,
) -> int:
    model = apps.get_model("casemgmt", target)
    # As audit.record writes them: values retention erases as keyed hashes, the values
    # in the side table, written in the same batch (each digest once per run).
    concealer = Concealer(person_id=person_id, case_id=case_id)
    found = writer.add(
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
        changes=concealer.changes(model, withhold(model, changes)) if changes else {},
        metadata=concealer.metadata(action, {**SOURCE, **(metadata or {})}),
    )
    for digest, value in concealer.rows.items():
        if digest not in writer.personal_digests:
            writer.personal_digests.add(digest)
            writer.add(
                AuditPersonalValue,
                digest=digest,
                person_id=value.person_id,
                case_id=value.case_id,
                info_class=value.info_class,
                value=value.value,
            )
    return found


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
        person_id=draft.person_id,
    )
