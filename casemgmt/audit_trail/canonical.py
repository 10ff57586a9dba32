"""The canonical form of an audit event: the exact bytes its seal's hash covers.

The form is computed from the values as they read back from the database, never from
the objects a request built: PostgreSQL's ``jsonb`` reorders keys, drops whitespace and
rewrites numbers (``1e16`` comes back as ``10000000000000000``), SQLite keeps the JSON
text it was given. Both must give the same bytes, so JSON is parsed and written again
with sorted keys, no spaces, ASCII escapes, and every integral number as an integer.
A new column or rule is a new ``FORMAT``; a seal records the format it was made with.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from decimal import Decimal
from typing import Any

FORMAT = 1

GENESIS_HASH = "0" * 64

# The event's columns, in the order the canonical form lists them (format 1).
EVENT_COLUMNS = (
    "id",
    "at",
    "actor_id",
    "action",
    "target_type",
    "target_id",
    "target_label",
    "case_id",
    "changes",
    "metadata",
)


def _number(text: str) -> int | float:
    """A JSON number with a fraction or exponent: an integer when its value is one (as
    ``jsonb`` prints it), else the float, whose shortest form is the same on both sides."""
    value = Decimal(text)
    if value == value.to_integral_value():
        return int(value)
    return float(text)


def _json(value: Any) -> str:
    if not isinstance(value, str):
        # Already decoded (a driver that parses JSON): print it, then read it like text.
        value = json.dumps(value)
    parsed = json.loads(value, parse_float=_number)
    return json.dumps(parsed, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def _timestamp(value: Any) -> str:
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if value.tzinfo is None:  # SQLite stores UTC without an offset
        value = value.replace(tzinfo=datetime.UTC)
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _id(value: Any) -> int | None:
    return None if value is None else int(value)


def event_bytes(row: tuple) -> bytes:
    """The canonical bytes of one event row (its ``EVENT_COLUMNS``, read back raw)."""
    seq, at, actor, action, target_type, target_id, label, case, changes, metadata = row
    head = json.dumps(
        [FORMAT, int(seq), _timestamp(at), _id(actor), action, target_type, target_id, label],
        separators=(",", ":"),
        ensure_ascii=True,
    )
    # The JSON columns are appended already canonical (not re-escaped as strings).
    return f"{head[:-1]},{json.dumps(_id(case))},{_json(changes)},{_json(metadata)}]".encode()


def chain_hash(*, position: int, previous: str, event: bytes) -> str:
    """The hash of the event at ``position``: it covers its place, the previous hash and
    the event (whose canonical form includes its sequence value)."""
    digest = hashlib.sha256(f"casemgmt-audit-v{FORMAT}\n{position}\n{previous}\n".encode())
    digest.update(event)
    return digest.hexdigest()
