"""Breakdowns of a dashboard figure by sex, age group (when the case opened) and district.

A figure's cases are counted in SQL by (sex, age group, district, the figure's value)
(``tracks.case_counts``, one query for the outcomes section); each breakdown adds those
few groups up over the other two dimensions (a loop over groups, never over cases). A
dimension the reader may not read (the district is location information) is neither
grouped by nor shown.

Small numbers are shown as they are, not withheld (``casemgmt.suppression`` is for
published reports): the dashboard is internal to supervisors, who may open every case
counted here anyway, and a withheld cell would break "each figure equals its list".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from casemgmt import access
from casemgmt.field_classes import PERSON_FIELD_CLASSES
from casemgmt.models import AgeGroup, Sex

# Key of a group: (sex, age group, district, value).
Groups = dict[tuple[str, str, str, object], int]


@dataclass(frozen=True)
class Cell:
    count: int
    url: str | None = None


@dataclass(frozen=True)
class BreakdownRow:
    label: str
    cells: list[Cell]
    total: int


@dataclass(frozen=True)
class Breakdown:
    key: str  # "sex", "age_group" or "district"
    heading: object
    rows: list[BreakdownRow]


DIMENSIONS = [
    ("sex", _("Sex"), 0),
    ("age_group", _("Age group when opened"), 1),
    ("district", _("District"), 2),
]


def readable_dimensions(user) -> list[str]:
    out = []
    if access.can_read(user, PERSON_FIELD_CLASSES["sex"]):
        out.append("sex")
    if access.can_read_case_field(user, "age_group_at_opening"):
        out.append("age_group")
    if access.can_read_case_field(user, "district"):
        out.append("district")
    return out


def totals(groups: Groups) -> dict[object, int]:
    """Counts by the figure's value alone."""
    out: dict[object, int] = {}
    for (_s, _a, _d, value), n in groups.items():
        out[value] = out.get(value, 0) + n
    return out


def _rows_of(key: str, index: int, groups: Groups) -> list[tuple[str, str]]:
    if key == "sex":
        rows = [(v, str(label)) for v, label in Sex.choices]
    elif key == "age_group":
        rows = [(v, str(label)) for v, label in AgeGroup.choices]
    else:
        found = {g[2] for g in groups if g[2]}
        rows = [(d, d) for d in sorted(found, key=str.casefold)]
    if any(not g[index] for g in groups):
        rows.append(("", str(_("Not recorded"))))
    return rows


def breakdowns(
    user,
    groups: Groups,
    columns: list[object],
    *,
    link: Callable[[str, str, object], str] | None = None,
) -> list[Breakdown]:
    """One table per readable dimension: a row per value of it, a cell per column (the
    figure's values). ``link(dimension, value, column)`` gives a cell's list, when the
    figure has one; a row of cases with no value recorded has none (no filter selects it)."""
    out = []
    for key, heading, index in DIMENSIONS:
        if key not in readable_dimensions(user):
            continue
        counts: dict[tuple[str, object], int] = {}
        for group, n in groups.items():
            counts[(group[index], group[3])] = counts.get((group[index], group[3]), 0) + n
        rows = []
        for value, label in _rows_of(key, index, groups):
            cells = [
                Cell(
                    counts.get((value, column), 0),
                    link(key, value, column) if link and value else None,
                )
                for column in columns
            ]
            rows.append(BreakdownRow(label, cells, sum(c.count for c in cells)))
        out.append(Breakdown(key, heading, rows))
    return out
