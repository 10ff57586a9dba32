"""What a printed case summary holds (for a case conference or a transfer): the latest
assessment, the current plan and classification, the team and the latest notes, each only
when the reader may read its class."""

from __future__ import annotations

from casemgmt.models import Case
from casemgmt.record_kinds import RECORD_KINDS
from casemgmt.selectors.cases import kind_rows

# (kind, how many of its latest rows), in the order printed.
PRINTED = [
    ("classification", 1),
    ("assessment", 1),
    ("monitoring_plan", 1),
    ("placement", 1),
    ("team_member", None),
    ("note", 10),
]


def case_print(case: Case, perms) -> dict:
    """The printed blocks (kind, rows) and the classes they show (for the read event)."""
    blocks, shown = [], set()
    for key, latest in PRINTED:
        kind = RECORD_KINDS[key]
        if not perms.can_read(kind.info_class):
            continue
        rows = kind_rows(kind, case, perms.user)
        rows = rows[:latest] if latest else rows
        if key == "team_member":
            rows = [member for member in rows if member.left_on is None]
        blocks.append((kind, rows))
        if rows:
            shown.add(kind.info_class)
    return {"blocks": blocks, "classes": shown}
