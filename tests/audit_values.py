"""The trail holds values retention erases as keyed hashes (``audit_trail.personal_values``):
tests that check what an event recorded read them back through the side table."""

from typing import Any

from casemgmt.audit_trail.personal_values import MARKER, is_marker
from casemgmt.models import AuditPersonalValue


def revealed(data: Any) -> Any:
    """``data`` (an event's changes or metadata) with each marker replaced by its value."""
    if is_marker(data):
        return AuditPersonalValue.objects.get(digest=data[MARKER]).value
    if isinstance(data, list):
        return [revealed(v) for v in data]
    if isinstance(data, dict):
        return {k: revealed(v) for k, v in data.items()}
    return data
