"""The canonical form is computed from what the database gives back, and is the same
whatever the database did to the JSON (jsonb reorders keys and rewrites numbers)."""

import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from casemgmt.audit_trail.canonical import EVENT_COLUMNS, chain_hash, event_bytes
from casemgmt.models import AuditAction, AuditEvent

# PostgreSQL text refuses NUL and lone surrogates, so no stored event can hold them.
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))
NUMBERS = st.integers(-(2**63), 2**63) | st.floats(allow_nan=False, allow_infinity=False)
JSON = st.recursive(
    st.none() | st.booleans() | NUMBERS | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)


def raw_row(event_id: int) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(EVENT_COLUMNS)} FROM casemgmt_auditevent WHERE id = %s",
            [event_id],
        )
        return cursor.fetchone()


def as_written(row: tuple, changes, metadata) -> tuple:
    """The row as the app meant it: its JSON exactly as the encoder wrote it."""
    encode = lambda value: json.dumps(value, cls=DjangoJSONEncoder)  # noqa: E731
    return (*row[:8], encode(changes), encode(metadata))


@pytest.mark.django_db
@settings(max_examples=60, deadline=None)
@given(
    changes=st.dictionaries(TEXT, JSON, max_size=5),
    metadata=st.dictionaries(TEXT, JSON, max_size=5),
)
def test_the_canonical_form_round_trips_through_the_database(changes, metadata):
    event = AuditEvent.objects.create(
        action=AuditAction.ACCESS_DENIED,
        target_type="test",
        target_id="1",
        changes=changes,
        metadata=metadata,
    )
    row = raw_row(event.pk)
    assert event_bytes(row) == event_bytes(as_written(row, changes, metadata))


def test_keys_order_whitespace_and_number_spelling_do_not_change_the_bytes():
    base = (7, "2026-12-04 10:00:00.000001", 3, "access.denied", "test", "1", "", None)
    written = base + ('{"b": 1e16, "a": [1.0, 0.5]}', '{"x": "\\u0688"}')
    as_jsonb = base + ('{"a": [1.0, 0.5], "b": 10000000000000000}', '{"x": "ڈ"}')
    assert event_bytes(written) == event_bytes(as_jsonb)


def test_every_value_counts():
    base = (7, "2026-12-04 10:00:00+00:00", 3, "access.denied", "test", "1", "", None, "{}", "{}")
    changed = [
        (8, *base[1:]),
        (7, "2026-12-04 10:00:01+00:00", *base[2:]),
        (*base[:2], 4, *base[3:]),
        (*base[:3], "read.case", *base[4:]),
        (*base[:7], 5, *base[8:]),
        (*base[:8], '{"a": 1}', "{}"),
        (*base[:9], '{"a": 1}'),
    ]
    assert len({event_bytes(row) for row in [base, *changed]}) == len(changed) + 1


def test_the_hash_covers_position_and_previous_hash():
    event = event_bytes((7, "2026-12-04 10:00:00+00:00", None, "a", "t", "1", "", None, "{}", "{}"))
    one = chain_hash(position=1, previous="0" * 64, event=event)
    assert one != chain_hash(position=2, previous="0" * 64, event=event)
    assert one != chain_hash(position=1, previous="1" * 64, event=event)
