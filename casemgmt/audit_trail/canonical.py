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
from functools import lru_cache
from json.encoder import encode_basestring_ascii
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


# What json.loads and json.dumps do with these arguments, built once rather than per call
# (the bytes are the same; building them was most of the cost of a row).
_decode = json.JSONDecoder(parse_float=_number).decode
_encode_sorted = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode
_encode_compact = json.JSONEncoder(separators=(",", ":"), ensure_ascii=True).encode
_encode_default = json.JSONEncoder().encode
# Short JSON texts repeat (``{}``, a read's classes): their canonical text is kept. Longer
# ones are not, so the cache stays small whatever the trail holds.
_CACHED_UP_TO = 512


def _canonical_json(text: str) -> str:
    return _encode_sorted(_decode(text))


_canonical_json_cached = lru_cache(maxsize=4096)(_canonical_json)


def _json(value: Any) -> str:
    if not isinstance(value, str):
        # Already decoded (a driver that parses JSON): print it, then read it like text.
        value = _encode_default(value)
    if len(value) <= _CACHED_UP_TO:
        return _canonical_json_cached(value)
    return _canonical_json(value)


def _timestamp(value: Any) -> str:
    if type(value) is datetime.datetime and value.year >= 1000:
        # The common case, written by ``isoformat`` (C) rather than ``strftime``: the same
        # text for every year of four digits, in UTC or naive (SQLite's UTC).
        if value.tzinfo is datetime.UTC:
            return value.isoformat(timespec="microseconds")[:-6] + "Z"
        if value.tzinfo is None:
            return value.isoformat(timespec="microseconds") + "Z"
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if value.tzinfo is None:  # SQLite stores UTC without an offset
        value = value.replace(tzinfo=datetime.UTC)
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _scalar(value: Any) -> str:
    """A value as the compact encoder writes it inside a list."""
    if isinstance(value, str):
        return encode_basestring_ascii(value)
    return _encode_compact(value)


def _integer(value: Any) -> str:
    return "null" if value is None else str(int(value))


def event_bytes(row: tuple) -> bytes:
    """The canonical bytes of one event row (its ``EVENT_COLUMNS``, read back raw).

    Written out piece by piece, it is exactly ``json.dumps([FORMAT, seq, time, actor,
    action, target_type, target_id, label], separators=(",", ":"), ensure_ascii=True)``
    with the case and the canonical JSON columns appended (not re-escaped as strings);
    tests/audit_trail/test_canonical_equivalence.py holds the two to the same bytes.
    """
    seq, at, actor, action, target_type, target_id, label, case, changes, metadata = row
    return (
        f"[{FORMAT},{int(seq)},{encode_basestring_ascii(_timestamp(at))},{_integer(actor)},"
        f"{_scalar(action)},{_scalar(target_type)},{_scalar(target_id)},{_scalar(label)},"
        f"{_integer(case)},{_json(changes)},{_json(metadata)}]"
    ).encode()


def chain_hash(*, position: int, previous: str, event: bytes) -> str:
    """The hash of the event at ``position``: it covers its place, the previous hash and
    the event (whose canonical form includes its sequence value)."""
    digest = hashlib.sha256(f"casemgmt-audit-v{FORMAT}\n{position}\n{previous}\n".encode())
    digest.update(event)
    return digest.hexdigest()
