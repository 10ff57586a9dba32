"""Small-number suppression for tables that leave the programme (the oversight report).

Every table is a two-way table of counts with its margins: interior cells, a total per
row, a total per column and a grand total. Tables that share a margin (every table of
the report is "something by sex", so they share the sex totals and the grand total)
name those cells by the same key, so a cell is published or withheld the same way in
every table that shows it.

The rule, applied until nothing changes:

1. Primary: a count from 1 to ``threshold - 1`` is withheld, margins included. A zero
   describes nobody and is shown.
2. Complementary, per line: a row or column (with its total) holding exactly one
   withheld cell would give it away by subtraction, so the smallest other count of that
   line is withheld too (a non-zero one when there is one; ties go to the first in
   reading order, so the pattern is the same every time).
3. Complementary, across lines and tables: a withheld cell can still be pinned down by
   combining several lines (two rows minus a column, a margin shared with another
   table). Each withheld cell is checked against every published equation at once
   (linear algebra, exact); when one is determined, the smallest published count in one
   of its lines is withheld and the loop goes on.

This is a heuristic: it withholds enough for no withheld count to be recovered exactly
from what is published, not the fewest cells (optimal suppression over linked tables
is NP-hard).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

# The cell keys an equation is written over; shared keys make tables share a margin.
CellKey = Hashable
_PRIME = (1 << 61) - 1  # exact enough: every coefficient is 1 or -1


@dataclass(frozen=True)
class Line:
    """One equation a reader can use: ``sum(parts) == total``."""

    parts: tuple[CellKey, ...]
    total: CellKey

    @property
    def cells(self) -> tuple[CellKey, ...]:
        return (*self.parts, self.total)


def lines_of_table(
    rows: Sequence[Hashable],
    columns: Sequence[Hashable],
    *,
    cell,
    row_total,
    column_total,
    grand_total: CellKey,
) -> list[Line]:
    """The equations of one two-way table: each row, each column, and both margins.
    ``cell(r, c)``, ``row_total(r)`` and ``column_total(c)`` give the cell keys."""
    lines = [Line(tuple(cell(r, c) for c in columns), row_total(r)) for r in rows]
    lines += [Line(tuple(cell(r, c) for r in rows), column_total(c)) for c in columns]
    lines.append(Line(tuple(row_total(r) for r in rows), grand_total))
    lines.append(Line(tuple(column_total(c) for c in columns), grand_total))
    return lines


def suppress(
    values: dict[CellKey, int],
    lines: Iterable[Line],
    *,
    threshold: int,
    unpublished: Iterable[CellKey] = (),
) -> set[CellKey]:
    """The keys of the cells to withhold (see the module's docstring). ``unpublished``:
    totals a reader's equations use but the report never shows (withheld from the start;
    they need no value in ``values``)."""
    lines = [line for line in lines if line.parts]
    unpublished = set(unpublished)  # unknown to readers, but harmless to work out
    withheld = set(unpublished)
    values = {**{key: 0 for key in withheld}, **values}
    order = {key: i for i, key in enumerate(values)}
    withheld |= {key for key, value in values.items() if 0 < value < threshold}
    lines_of: dict[CellKey, list[Line]] = {}
    for line in lines:
        for key in line.cells:
            lines_of.setdefault(key, []).append(line)

    def smallest_published(line: Line) -> CellKey | None:
        published = [key for key in line.cells if key not in withheld]
        if not published:
            return None
        return min(published, key=lambda k: (values[k] == 0, values[k], order[k]))

    while True:
        changed = False
        for line in lines:
            unknown = [key for key in line.cells if key in withheld]
            if len(unknown) == 1 and unknown[0] not in unpublished:
                extra = smallest_published(line)
                if extra is not None:
                    withheld.add(extra)
                    changed = True
        if changed:
            continue
        determined = determined_cells(withheld, lines) - unpublished
        if not determined:
            return withheld
        key = min(determined, key=order.__getitem__)
        options = [k for line in lines_of[key] if (k := smallest_published(line)) is not None]
        if not options:  # cannot happen while the true values satisfy every line
            return withheld
        withheld.add(min(options, key=lambda k: (values[k] == 0, values[k], order[k])))


def determined_cells(withheld: set[CellKey], lines: Iterable[Line]) -> set[CellKey]:
    """The withheld cells a reader can compute exactly from the published cells and the
    equations: those whose unit vector lies in the row space of the equations restricted
    to the withheld cells (reduced row echelon form, modulo a large prime)."""
    unknowns = sorted(withheld, key=repr)
    column = {key: i for i, key in enumerate(unknowns)}
    matrix = []
    for line in lines:
        row = {}
        for key in line.parts:
            if key in column:
                row[column[key]] = 1
        if line.total in column:
            row[column[line.total]] = (_PRIME - 1) % _PRIME
        if row:
            matrix.append(row)
    pivots: dict[int, dict[int, int]] = {}  # pivot column -> its reduced row
    for row in matrix:
        row = dict(row)
        for col, prow in pivots.items():
            factor = row.get(col)
            if factor:
                for c, v in prow.items():
                    row[c] = (row.get(c, 0) - factor * v) % _PRIME
                row = {c: v for c, v in row.items() if v}
        if not row:
            continue
        col = min(row)
        inverse = pow(row[col], _PRIME - 2, _PRIME)
        row = {c: v * inverse % _PRIME for c, v in row.items()}
        for other, orow in pivots.items():
            factor = orow.get(col)
            if factor:
                for c, v in row.items():
                    orow[c] = (orow.get(c, 0) - factor * v) % _PRIME
                pivots[other] = {c: v for c, v in orow.items() if v}
        pivots[col] = row
    return {unknowns[col] for col, row in pivots.items() if len(row) == 1}
