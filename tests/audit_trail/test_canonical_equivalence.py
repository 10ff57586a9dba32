"""The canonical form is computed quickly (encoders built once, timestamps by
``isoformat``, short JSON texts remembered), and must still give exactly the bytes of the
form as first written: those bytes are what every seal's hash covers. The original
(format 1, as sealed since the trail began) is kept here verbatim as the oracle, and both
are run over every event of a generated trail and over random values."""

import datetime
import json
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from casemgmt.audit_trail.canonical import EVENT_COLUMNS, FORMAT, event_bytes
from casemgmt.demo.bulk import seed_bulk_cases
from casemgmt.demo.staff import seed_agencies_and_users

# --- The original canonical form (casemgmt/audit_trail/canonical.py at 594f8aa) ---------


def _number(text: str) -> int | float:
    value = Decimal(text)
    if value == value.to_integral_value():
        return int(value)
    return float(text)


def _json(value: Any) -> str:
    if not isinstance(value, str):
        value = json.dumps(value)
    parsed = json.loads(value, parse_float=_number)
    return json.dumps(parsed, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def _timestamp(value: Any) -> str:
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _id(value: Any) -> int | None:
    return None if value is None else int(value)


def original_event_bytes(row: tuple) -> bytes:
    seq, at, actor, action, target_type, target_id, label, case, changes, metadata = row
    head = json.dumps(
        [FORMAT, int(seq), _timestamp(at), _id(actor), action, target_type, target_id, label],
        separators=(",", ":"),
        ensure_ascii=True,
    )
    return f"{head[:-1]},{json.dumps(_id(case))},{_json(changes)},{_json(metadata)}]".encode()


# --- The two side by side ---------------------------------------------------------------


def raw_rows() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(EVENT_COLUMNS)} FROM casemgmt_auditevent ORDER BY id")
        return cursor.fetchall()


def handed_over_differently(row: tuple) -> list[tuple]:
    """The same row as other drivers or settings could give it: the time as text, naive,
    in another zone; the JSON already decoded."""
    at = row[1]
    if isinstance(at, str):
        at = datetime.datetime.fromisoformat(at)
    if at.tzinfo is None:
        at = at.replace(tzinfo=datetime.UTC)
    karachi = datetime.timezone(datetime.timedelta(hours=5))
    decoded = tuple(json.loads(v) if isinstance(v, str) else v for v in row[8:])
    return [
        (row[0], at, *row[2:]),
        (row[0], at.replace(tzinfo=None), *row[2:]),
        (row[0], at.astimezone(karachi), *row[2:]),
        (row[0], at.isoformat(), *row[2:]),
        (*row[:8], *decoded),
    ]


@pytest.mark.django_db
def test_every_event_of_a_generated_trail_gives_the_original_bytes():
    seed_agencies_and_users()
    seed_bulk_cases(120)
    rows = raw_rows()
    assert len(rows) > 4000
    assert len({row[3] for row in rows}) > 20  # many kinds of event
    for row in rows:
        assert event_bytes(row) == original_event_bytes(row), row
    # Twice: the second time short JSON texts come from what was remembered.
    for row in rows:
        assert event_bytes(row) == original_event_bytes(row), row
    for row in rows[:: max(1, len(rows) // 500)]:
        for variant in handed_over_differently(row):
            assert event_bytes(variant) == original_event_bytes(variant), variant


TEXT = st.text(st.characters(blacklist_categories=("Cs",)))
NUMBERS = st.integers(-(2**63), 2**63) | st.floats(allow_nan=False, allow_infinity=False)
JSON = st.recursive(
    st.none() | st.booleans() | NUMBERS | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)
ZONES = st.sampled_from(
    [None, datetime.UTC, datetime.timezone(datetime.timedelta(hours=5, minutes=30))]
)
TIMES = st.datetimes(
    min_value=datetime.datetime(2, 1, 1), max_value=datetime.datetime(9998, 12, 31), timezones=ZONES
)
AS_TEXT = st.booleans()


@settings(max_examples=400, deadline=None)
@given(
    seq=st.integers(1, 2**63),
    at=TIMES,
    at_as_text=AS_TEXT,
    actor=st.none() | st.integers(1, 2**63),
    strings=st.lists(TEXT, min_size=4, max_size=4),
    case=st.none() | st.integers(1, 2**63),
    changes=st.dictionaries(TEXT, JSON, max_size=5),
    metadata=st.dictionaries(TEXT, JSON, max_size=5),
    json_as_text=AS_TEXT,
)
def test_random_values_give_the_original_bytes(
    seq, at, at_as_text, actor, strings, case, changes, metadata, json_as_text
):
    if json_as_text:
        changes, metadata = json.dumps(changes), json.dumps(metadata)
    row = (seq, at.isoformat() if at_as_text else at, actor, *strings, case, changes, metadata)
    assert event_bytes(row) == original_event_bytes(row)
