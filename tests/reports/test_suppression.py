"""Suppression: rule 1 and rule 2 checked against an independent brute-force search.

The brute force enumerates every whole-number completion of a protected table (within a
cap) by depth-first search over the withheld inner cells, and knows nothing of networks.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.errors import AftercareError
from app.reports.periods import parse_period
from app.reports.suppression import bounds_of, feasible_interval, protect, protect_body
from app.reports.tables import build_summary_body

from .test_tables import CASES


def make_table(inner: list[list[int]], total_row: bool) -> dict:
    cells = [[*row, sum(row)] for row in inner]
    rows = [f"r{i}" for i in range(len(inner))]
    if total_row:
        cells.append([sum(col) for col in zip(*cells, strict=True)])
        rows.append("total")
    cols = [f"c{j}" for j in range(len(inner[0]))] + ["total"]
    return {"id": "t", "rows": rows, "cols": cols, "cells": cells}


def completions(table: dict, cap: int):
    """Every table of counts 0..cap that agrees with the published cells and the sums."""
    cells = table["cells"]
    total_row = table["rows"][-1] == "total"
    n_rows = len(cells) - 1 if total_row else len(cells)
    n_cols = len(cells[0]) - 1
    grid = [[0] * n_cols for _ in range(n_rows)]
    known_row = [cells[i][n_cols] for i in range(n_rows)]
    known_col = [cells[n_rows][j] for j in range(n_cols + 1)] if total_row else None

    def finish():
        full = [[*row, sum(row)] for row in grid]
        for i in range(n_rows):
            if known_row[i] is not None and full[i][n_cols] != known_row[i]:
                return None
        if total_row:
            full.append([sum(col) for col in zip(*full, strict=True)])
            for j in range(n_cols + 1):
                if known_col[j] is not None and full[n_rows][j] != known_col[j]:
                    return None
        return full

    def visit(pos: int):
        if pos == n_rows * n_cols:
            full = finish()
            if full is not None:
                yield full
            return
        i, j = divmod(pos, n_cols)
        published = cells[i][j]
        options = [published] if published is not None else range(cap + 1)
        # The last withheld cell of a row (or of a column, in the last row) under a known
        # total has only one possible value.
        if (
            published is None
            and known_row[i] is not None
            and all(cells[i][c] is not None for c in range(j + 1, n_cols))
        ):
            options = [
                known_row[i] - sum(grid[i][:j]) - sum(cells[i][c] for c in range(j + 1, n_cols))
            ]
        elif published is None and i == n_rows - 1 and total_row and known_col[j] is not None:
            options = [known_col[j] - sum(grid[r][j] for r in range(i))]
        options = [v for v in options if v >= 0]
        for value in options:
            grid[i][j] = value
            # Prune: a row or column already above a known total cannot recover.
            if known_row[i] is not None and sum(grid[i][: j + 1]) > known_row[i]:
                break
            if (
                total_row
                and known_col[j] is not None
                and sum(grid[r][j] for r in range(i + 1)) > known_col[j]
            ):
                break
            if (
                total_row
                and known_col[n_cols] is not None
                and sum(map(sum, grid[: i + 1])) > known_col[n_cols]
            ):
                break
            yield from visit(pos + 1)
        grid[i][j] = 0

    yield from visit(0)


def brute_ranges(table: dict, cap: int) -> dict[tuple[int, int], tuple[int, int]]:
    nulls = [(i, j) for i, row in enumerate(table["cells"]) for j, v in enumerate(row) if v is None]
    seen: dict[tuple[int, int], set[int]] = {p: set() for p in nulls}
    for full in completions(table, cap):
        for i, j in nulls:
            seen[(i, j)].add(full[i][j])
    return {p: (min(v), max(v)) for p, v in seen.items()}


small_tables = st.builds(
    make_table,
    st.integers(1, 3).flatmap(
        lambda n_cols: st.lists(
            st.lists(
                st.sampled_from([0, 0, 1, 1, 2, 3, 4, 6, 9]), min_size=n_cols, max_size=n_cols
            ),
            min_size=1,
            max_size=max(1, 6 // n_cols),
        )
    ),
    st.booleans(),
)


@settings(max_examples=60, deadline=None)
@given(table=small_tables, k=st.integers(3, 5))
def test_protected_tables_hide_small_counts_and_cannot_be_worked_out(table, k):
    protected = protect(table, k)
    cells, original = protected["cells"], table["cells"]
    for row, orig in zip(cells, original, strict=True):
        for value, true in zip(row, orig, strict=True):
            assert value is None or value == true
            assert value is None or not 1 <= value <= k - 1
            if 1 <= true <= k - 1:
                assert value is None
    nulls = [(i, j) for i, row in enumerate(cells) for j, v in enumerate(row) if v is None]
    if not nulls:
        return
    grand = sum(row[-1] for row in original[: len(original) - (table["rows"][-1] == "total")])
    cap = grand + 2
    brute = brute_ranges(protected, cap)
    bounds = bounds_of(protected)
    for pos in nulls:
        low, high = brute[pos]
        assert high - low >= 1, (pos, brute[pos])  # wider than one value
        assert low <= original[pos[0]][pos[1]] <= high
        exact_low, exact_high = bounds.intervals[pos]
        assert exact_low == low
        if exact_high is None:
            assert high >= original[pos[0]][pos[1]] + 1
        else:
            assert exact_high == high


def test_protect_is_deterministic_and_prefers_small_cells():
    table = make_table([[1, 7], [6, 9]], total_row=True)
    first, second = protect(table, 3), protect(table, 3)
    assert first == second
    # The 1 needs a cycle; the cheapest one goes through 7, 6 and 9 rather than the totals.
    assert first["cells"] == [[None, None, 8], [None, None, 15], [7, 16, 23]]
    assert table["cells"][0][0] == 1  # the input is not changed


def test_zero_cells_stay_published():
    # The 2 could hide behind the 0 at a cost of 10; the cycle through 5 and 10 is taken.
    table = make_table([[2, 0], [5, 5]], total_row=True)
    assert protect(table, 3)["cells"] == [[None, 0, None], [None, 5, None], [7, 5, 12]]
    table = make_table([[2, 0], [0, 5]], total_row=False)
    assert protect(table, 3)["cells"] == [[None, 0, None], [0, 5, 5]]


def test_feasible_interval_of_a_published_cell_and_unbounded_cells():
    table = make_table([[1, 1]], total_row=False)
    protected = protect(table, 3)
    assert protected["cells"] == [[None, None, None]]
    assert feasible_interval(protected, 0, 0) == (0, None)
    published = {"id": "t", "rows": ["a"], "cols": ["x", "total"], "cells": [[5, 5]]}
    assert feasible_interval(published, 0, 0) == (5, 5)


def test_inconsistent_published_table_is_refused():
    table = {
        "id": "t",
        "rows": ["a", "b"],
        "cols": ["x", "y", "total"],
        "cells": [[None, 5, 3], [1, 1, 2]],
    }
    with pytest.raises(AftercareError, match="do not add up"):
        bounds_of(table)


def test_threshold_below_three_is_refused():
    with pytest.raises(AftercareError, match="3 or more"):
        protect(make_table([[1]], total_row=False), 2)


def test_protect_body_links_tables_and_indicators():
    body = build_summary_body(CASES, parse_period("2026-Q3"))
    protected = protect_body(body, 3)
    tables = {t["id"]: t for t in protected["tables"]}
    opened = tables["caseload"]["cells"][1]
    for table_id in ("exploitation", "origin", "identified_by"):
        assert tables[table_id]["cells"][-1] == opened
    assert tables["closures"]["cells"][-1] == tables["caseload"]["cells"][2]
    for table in protected["tables"]:
        for row in table["cells"]:
            assert all(v is None or not 1 <= v <= 2 for v in row)
    # Published: medical care 0 of 7 (its cells, services total 0 and caseload totals 3 + 4,
    # are published) and employment support 0 of 4. Every other indicator has a numerator of
    # 1 or 2, or a denominator below 3.
    published = {
        i["id"]: (i["numerator"], i["denominator"])
        for i in protected["indicators"]
        if i["numerator"] is not None
    }
    assert published == {"medical_care": (0, 7), "employment_support_16plus": (0, 4)}
    assert all(i["denominator"] is None for i in protected["indicators"] if i["numerator"] is None)
    assert protect_body(body, 3) == protected
