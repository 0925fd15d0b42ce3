"""An exact interval audit of every suppressed summary a unit released (summary-v1, A2).

Written from the spec, not from app/reports/joint.py, so that it can catch that module out.
What a reader who holds all the released files knows is a system of linear equalities over
non-negative reals, solved by linear programming (scipy's HiGHS, a test-only dependency):

- every cell of every file is a variable; a published cell is fixed to its value;
- within a file: each row's `total` is the sum of its cells, the `total` row the sum of the
  rows above it, linked cells (tables.LINKED_CELLS) are equal, and a published indicator
  whose parts are table cells (tables.INDICATOR_CELLS) equals their sum;
- every month of the periods is a hidden table of its own (released or not) with the same
  sums; a file's flow cell is the sum of that cell over its months. Flow cells are those A2
  names (caseload `opened` and `closed`, age_sex, exploitation, origin, identified_by) and
  closures, which also count cases by the day they closed;
- two files of the same period (released at two thresholds) hold equal counts in every cell.

A withheld cell is exposed when its lowest and highest values leave fewer than two whole
numbers: the reader then knows it (rule 2: "wider than one value").
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from scipy.optimize import linprog
from scipy.sparse import coo_matrix

from app.reports.periods import parse_period
from app.reports.tables import INDICATOR_CELLS, LINKED_CELLS, TABLE_LAYOUT

FLOW_TABLES = {"age_sex", "exploitation", "origin", "identified_by", "closures"}
FLOW_CASELOAD_ROWS = {"opened", "closed"}


def _months(label: str) -> list[str]:
    period = parse_period(label)
    months, year, month = [], period.start.year, period.start.month
    while (year, month) <= (period.end.year, period.end.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _is_flow(table_id: str, row: str) -> bool:
    return table_id in FLOW_TABLES or (table_id == "caseload" and row in FLOW_CASELOAD_ROWS)


class _System:
    def __init__(self) -> None:
        self.lows: list[float] = []
        self.highs: list[float | None] = []
        self.rows: list[dict[int, float]] = []

    def var(self, fixed: int | None = None) -> int:
        self.lows.append(0.0 if fixed is None else float(fixed))
        self.highs.append(None if fixed is None else float(fixed))
        return len(self.lows) - 1

    def equal(self, left: Iterable[int], right: Iterable[int]) -> None:
        row: dict[int, float] = {}
        for v in left:
            row[v] = row.get(v, 0.0) + 1.0
        for v in right:
            row[v] = row.get(v, 0.0) - 1.0
        if any(row.values()):
            self.rows.append(row)

    def table(self, grid: list[list[int]], rows: Sequence[str]) -> None:
        for line in grid:
            self.equal([line[-1]], line[:-1])
        if rows[-1] == "total":
            for j in range(len(grid[0])):
                self.equal([grid[-1][j]], [grid[i][j] for i in range(len(grid) - 1)])

    def linked(self, cell_of: dict[tuple[str, str, str], int]) -> None:
        for group in LINKED_CELLS:
            present = [cell_of[ref] for ref in group if ref in cell_of]
            for other in present[1:]:
                self.equal([present[0]], [other])


def interval_audit(docs: Sequence[dict[str, Any]]) -> list[tuple[str, str, str, str, float, float]]:
    """(period, table, row, col, lowest, highest) of every withheld cell that is exposed."""
    system = _System()
    # Months that lie in the same files are seen only through their sum, and any valid table
    # is a valid sum (itself plus empty months): one hidden table per such segment is exact.
    segment_of: dict[str, frozenset[int]] = {}
    for month in sorted({m for doc in docs for m in _months(doc["period"]["label"])}):
        segment_of[month] = frozenset(
            f for f, doc in enumerate(docs) if month in _months(doc["period"]["label"])
        )
    month_cells: dict[frozenset[int], dict[tuple[str, str, str], int]] = {}
    for month in sorted(set(segment_of.values()), key=sorted):
        cells: dict[tuple[str, str, str], int] = {}
        for table_id, rows, cols in TABLE_LAYOUT:
            flow_rows = [r for r in rows if _is_flow(table_id, r)]
            if not flow_rows:
                continue
            grid = [[system.var() for _ in cols] for _ in flow_rows]
            system.table(grid, flow_rows if table_id != "caseload" else ["opened", "closed"])
            for i, row in enumerate(flow_rows):
                for j, col in enumerate(cols):
                    cells[(table_id, row, col)] = grid[i][j]
        system.linked(cells)
        month_cells[month] = cells

    withheld: list[tuple[int, str, str, str, str]] = []
    first_of_period: dict[str, dict[tuple[str, str, str], int]] = {}
    for doc in docs:
        label = doc["period"]["label"]
        cell_of: dict[tuple[str, str, str], int] = {}
        for (table_id, rows, cols), table in zip(TABLE_LAYOUT, doc["tables"], strict=True):
            grid = [[system.var(value) for value in line] for line in table["cells"]]
            system.table(grid, rows)
            for i, row in enumerate(rows):
                for j, col in enumerate(cols):
                    cell_of[(table_id, row, col)] = grid[i][j]
                    if table["cells"][i][j] is None:
                        withheld.append((grid[i][j], label, table_id, row, col))
        system.linked(cell_of)
        # Two files of the same period (two thresholds) hold the same counts in every cell.
        for ref, var in first_of_period.setdefault(label, cell_of).items():
            system.equal([var], [cell_of[ref]])
        for indicator in doc["indicators"]:
            num_refs, den_refs = INDICATOR_CELLS[indicator["id"]]
            for refs, value in (
                (num_refs, indicator["numerator"]),
                (den_refs, indicator["denominator"]),
            ):
                if refs and value is not None:
                    system.equal([system.var(value)], [cell_of[ref] for ref in refs])
        for ref, var in cell_of.items():
            if _is_flow(ref[0], ref[1]):
                segments = {segment_of[m] for m in _months(label)}
                system.equal([var], [month_cells[m][ref] for m in segments])

    # Published cells are constants: move them to the right-hand side, keep the withheld ones.
    column: dict[int, int] = {}
    for v, high in enumerate(system.highs):
        if high is None:
            column[v] = len(column)
    n = len(column)
    data, rows_i, cols_i, b_eq = [], [], [], []
    for row in system.rows:
        rhs = 0.0
        for v, coefficient in row.items():
            if v in column:
                rows_i.append(len(b_eq))
                cols_i.append(column[v])
                data.append(coefficient)
            else:
                rhs -= coefficient * system.lows[v]
        b_eq.append(rhs)
    a_eq = coo_matrix((data, (rows_i, cols_i)), shape=(len(b_eq), n)).tocsr()
    bounds = [(0.0, None)] * n

    # Every solution found is a point the reader cannot rule out: a cell whose values seen so
    # far already span two whole numbers is safe without solving for it.
    seen_low = [math.inf] * n
    seen_high = [-math.inf] * n

    def spans_two(low: float, high: float) -> bool:
        if high == math.inf:
            return True
        return low != math.inf and math.floor(high + 1e-6) - math.ceil(low - 1e-6) >= 1

    def extreme(var: int, sign: float) -> float:
        cost = [0.0] * n
        cost[column[var]] = sign
        result = linprog(cost, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        if result.status == 3:  # unbounded
            return math.inf
        assert result.status == 0, f"the released files do not agree: {result.message}"
        for c, value in enumerate(result.x):
            seen_low[c] = min(seen_low[c], value)
            seen_high[c] = max(seen_high[c], value)
        return sign * result.fun

    exposed = []
    for var, label, table_id, row, col in withheld:
        c = column[var]
        if spans_two(seen_low[c], seen_high[c]):
            continue
        high = extreme(var, -1.0)
        if spans_two(seen_low[c], seen_high[c]) or high == math.inf:
            continue
        low = extreme(var, 1.0)
        if not spans_two(low, high):
            exposed.append((label, table_id, row, col, low, high))
    return exposed
