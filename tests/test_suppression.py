"""Small-number suppression: no withheld count can be worked out from what is published.

The attacker here is independent of the code under test: exact rational elimination over
every published equation, then a search for two complete tables (non-negative counts,
every published figure the same) that differ in each withheld cell.
"""

from fractions import Fraction

from casemgmt.suppression import Line, lines_of_table, suppress

TOTAL = "T"


def table(name, grid, *, shared_columns=True):
    """Values and equations of a two-way table with margins; the column totals and the
    grand total are shared by every table built with ``shared_columns``."""
    rows, columns = range(len(grid)), range(len(grid[0]))
    cell = lambda r, c: (name, r, c)  # noqa: E731
    row_total = lambda r: (name, r, TOTAL)  # noqa: E731
    column_total = (lambda c: ("col", c)) if shared_columns else (lambda c: (name, TOTAL, c))
    grand = ("grand",) if shared_columns else (name, TOTAL, TOTAL)
    values = {cell(r, c): grid[r][c] for r in rows for c in columns}
    values |= {row_total(r): sum(grid[r]) for r in rows}
    values |= {column_total(c): sum(grid[r][c] for r in rows) for c in columns}
    values[grand] = sum(map(sum, grid))
    lines = lines_of_table(
        rows, columns, cell=cell, row_total=row_total, column_total=column_total, grand_total=grand
    )
    return values, lines


def attack(values, lines, withheld):
    """(cells recovered exactly, cells for which no alternative table was found)."""
    unknowns = sorted(withheld, key=repr)
    index = {k: i for i, k in enumerate(unknowns)}
    rows = []
    for line in lines:
        coefficients = [Fraction(0)] * len(unknowns)
        rhs = Fraction(0)
        for key, sign in [*((k, 1) for k in line.parts), (line.total, -1)]:
            if key in index:
                coefficients[index[key]] += sign
            else:
                rhs -= sign * values[key]
        if any(coefficients):
            rows.append(coefficients + [rhs])
    # Reduced row echelon form.
    pivots, r = [], 0
    for c in range(len(unknowns)):
        pivot = next((i for i in range(r, len(rows)) if rows[i][c] != 0), None)
        if pivot is None:
            continue
        rows[r], rows[pivot] = rows[pivot], rows[r]
        rows[r] = [v / rows[r][c] for v in rows[r]]
        for i in range(len(rows)):
            if i != r and rows[i][c] != 0:
                rows[i] = [a - rows[i][c] * b for a, b in zip(rows[i], rows[r], strict=True)]
        pivots.append(c)
        r += 1
    recovered = {
        unknowns[c]
        for i, c in enumerate(pivots)
        if all(v == 0 for j, v in enumerate(rows[i][:-1]) if j != c)
    }
    # Null space: one vector per free unknown; a step along it keeps every equation.
    free = [c for c in range(len(unknowns)) if c not in pivots]
    vectors = []
    for f in free:
        v = [Fraction(0)] * len(unknowns)
        v[f] = Fraction(1)
        for i, c in enumerate(pivots):
            v[c] = -rows[i][f]
        vectors.append(v)
    truth = [values[k] for k in unknowns]
    unmoved = set()
    for key in unknowns:
        i = index[key]
        moved = False
        for v in vectors:
            if v[i] == 0:
                continue
            for step in (Fraction(1), Fraction(-1)):
                scale = step / abs(v[i])
                other = [t + scale * d for t, d in zip(truth, v, strict=True)]
                if all(x >= 0 for x in other):
                    moved = True
        if not moved:
            unmoved.add(key)
    return recovered, unmoved


def test_a_lone_small_cell_takes_a_complement_in_its_row_and_column():
    values, lines = table("t", [[3, 20, 30], [12, 25, 40], [15, 18, 22]])
    withheld = suppress(values, lines, threshold=5)
    assert ("t", 0, 0) in withheld
    assert len(withheld) >= 4
    assert attack(values, lines, withheld) == (set(), set())


def test_a_small_margin_is_withheld_with_its_complements():
    values, lines = table("t", [[1, 2, 0], [10, 20, 30], [11, 9, 14]])
    withheld = suppress(values, lines, threshold=5)
    assert ("t", 0, TOTAL) in withheld  # the row total 3 is itself small
    assert attack(values, lines, withheld) == (set(), set())


def test_cells_that_several_lines_together_give_away_are_withheld_too():
    # Two blocks of small cells joined by one small cell: every row and column holds two
    # or more withheld cells, yet (row 0) - (columns 0 and 1) + (row 1) pins the joint.
    grid = [
        [2, 3, 4, 0, 50],
        [3, 2, 0, 0, 50],
        [0, 0, 2, 3, 50],
        [0, 0, 3, 2, 50],
        [50, 50, 50, 50, 50],
    ]
    values, lines = table("t", grid)
    withheld = suppress(values, lines, threshold=5)
    assert attack(values, lines, withheld) == (set(), set())


def test_tables_sharing_a_margin_are_protected_together():
    first_values, first_lines = table("a", [[1, 30, 40], [20, 2, 25], [30, 35, 3]])
    second_values, second_lines = table("b", [[50, 65, 66], [1, 2, 2]])
    assert first_values[("col", 0)] == second_values[("col", 0)]  # the same margin
    values = first_values | second_values
    lines = first_lines + second_lines
    withheld = suppress(values, lines, threshold=5)
    assert attack(values, lines, withheld) == (set(), set())
    # Checked one table at a time, each on its own, the pattern would not be enough to
    # judge: the attack above uses both at once.


def test_zeros_are_shown_and_large_tables_publish_everything():
    values, lines = table("t", [[0, 20], [12, 25]])
    assert suppress(values, lines, threshold=5) == set()


def test_unpublished_totals_need_no_protection_but_hide_nothing():
    values = {"a": 3, "b": 10, "c": 20, "p": 33}
    lines = [Line(("a", "b", "c"), "total"), Line(("p",), "total")]
    withheld = suppress(values, lines, threshold=5, unpublished={"total"})
    assert "a" in withheld and "total" in withheld
    recovered, unmoved = attack(values | {"total": 33}, lines, withheld)
    assert not (recovered | unmoved) - {"total"}


def test_the_same_pattern_every_time():
    values, lines = table("t", [[3, 20, 30], [12, 3, 40], [15, 18, 2]])
    assert suppress(values, lines, threshold=5) == suppress(dict(values), lines, threshold=5)
