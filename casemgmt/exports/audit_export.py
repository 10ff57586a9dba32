"""The audit trail as an export, and the signed checkpoint of the rows it exported.

Only sealed events are exported, up to a position (``Filters.upto``, by default the
last sealed one when the export starts), in chain order: so the same filters and
position give the same rows, and the checkpoint file (a second download) can name them.
The checkpoint holds the SHA-256 of the exported rows' chain hashes (one per line, in
position order), how many there are, the filters, and the chain's signed head at that
position; this server signs it with the audit key (``audit_trail.signing``).
"""

from __future__ import annotations

import hashlib
import json

from django.utils.translation import gettext_lazy as _

from casemgmt.exports.columns import Column, Dialect, Kind
from casemgmt.exports.types import Export
from casemgmt.info_classes import InfoClass as C

KIND = "casemgmt-audit-export-checkpoint"
FORMAT = 1

# The raw values of an event may be of any class the trail holds in the clear (a
# transfer's reason is location, a classification risk; clinical and security values are
# never copied into it: services.audit.Redacted). The trail's pages check each value, an
# export cannot, so only a reader of all of those classes gets them.
TRAIL_VALUE_CLASSES = frozenset(C) - {C.CLINICAL, C.SECURITY}

# Replaced by the query builder with the cases whose content the reader may see.
VISIBLE_CASES = "{visible_cases}"


def _content(expr: str) -> str:
    """Only for events of no case or of a case the reader may open (as in the trail)."""
    return f"CASE WHEN m.case_id IS NULL OR m.case_id IN {VISIBLE_CASES} THEN {expr} END"


def _json_content(name: str):
    return lambda d: d.json_text(_content(name))


AUDIT_TRAIL = Export(
    key="audit_trail",
    title=_("Audit trail"),
    description="One row per sealed audit event, in chain order, with its hash.",
    info_class=C.CASE,
    model_label="casemgmt.AuditEvent",
    case_path="case",
    date_path="at",
    source=(
        "FROM casemgmt_auditevent m JOIN casemgmt_auditseal s ON s.event_seq = m.id "
        "LEFT JOIN casemgmt_case c ON c.id = m.case_id"
    ),
    id_column="s.position",
    columns=(
        Column("position", C.CASE, "s.position", Kind.NUMBER, "The event's place in the chain."),
        Column("event_id", C.CASE, "m.id", Kind.NUMBER, "The event's number."),
        Column("at", C.CASE, "m.at", Kind.TIMESTAMP, "When it happened (UTC)."),
        Column(
            "actor",
            C.CASE,
            "(SELECT u.username FROM casemgmt_user u WHERE u.id = m.actor_id)",
            Kind.TEXT,
            "The acting user's user name (empty for a job or an unknown user).",
        ),
        Column("action", C.CASE, "m.action", Kind.SAFE, "The action (docs: What is recorded)."),
        Column(
            "target_type", C.CASE, "m.target_type", Kind.TEXT, "The kind of record it is about."
        ),
        Column("target_id", C.CASE, "m.target_id", Kind.TEXT, "That record's number."),
        Column("case_reference", C.CASE, "c.reference", Kind.SAFE, "The case it is on, if any."),
        Column(
            "hash",
            C.CASE,
            "s.hash",
            Kind.SAFE,
            "The chain hash at this position (SHA-256, hex): verify_audit recomputes it.",
        ),
        Column("batch", C.CASE, "s.batch_id", Kind.NUMBER, "The signed batch that sealed it."),
        Column(
            "target_label",
            C.CASE,
            lambda d: d.text(_content("m.target_label")),
            Kind.TEXT,
            "The record as labelled when the event was written.",
            identifying=True,
        ),
        Column(
            "changes",
            C.CASE,
            _json_content("m.changes"),
            Kind.JSON,
            "What changed: {field: [before, after]} (JSON).",
            free_text=True,
            also_needs=TRAIL_VALUE_CLASSES,
        ),
        Column(
            "metadata",
            C.CASE,
            _json_content("m.metadata"),
            Kind.JSON,
            "The event's details (JSON).",
            free_text=True,
            also_needs=TRAIL_VALUE_CLASSES,
        ),
    ),
)


def digest(hashes) -> tuple[str, int, int | None, int | None]:
    """SHA-256 over the exported positions and hashes, their count, first and last."""
    sha = hashlib.sha256()
    count, first, last = 0, None, None
    for position, chain_hash in hashes:
        sha.update(f"{position} {chain_hash}\n".encode())
        count += 1
        first = position if first is None else first
        last = position
    return sha.hexdigest(), count, first, last


def message(data: dict) -> bytes:
    """What the checkpoint's signature covers: everything in it but the signature."""
    body = {k: v for k, v in data.items() if k not in ("signature", "key_id")}
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def checkpoint(*, rows, filters: dict, upto: int) -> dict:
    """The signed checkpoint of ``rows`` ((position, hash) in position order)."""
    from casemgmt.audit_trail import signing
    from casemgmt.models import AuditSealBatch

    sha, count, first, last = digest(rows)
    batch = AuditSealBatch.objects.filter(first_position__lte=upto, last_position__gte=upto).first()
    data = {
        "kind": KIND,
        "format": FORMAT,
        "filters": filters,
        "upto_position": upto,
        "rows": count,
        "first_position": first,
        "last_position": last,
        "rows_sha256": sha,
        "chain_batch": None
        if batch is None
        else {
            "first_position": batch.first_position,
            "last_position": batch.last_position,
            "head_hash": batch.head_hash,
            "signature": batch.signature,
            "key_id": batch.key_id,
            "format": batch.format,
        },
    }
    data["signature"], data["key_id"] = signing.sign(message(data))
    return data


__all__ = ["AUDIT_TRAIL", "Dialect", "checkpoint", "digest", "message"]
