"""Disclosure control of summary tables by cell suppression (summary-v1, rules 1 to 4).

A table's cells and its sums form a network: a source S, a node per data row, a node per
data column, and a sink K. Each row total is an arc S -> row, each inner cell an arc
row -> column, each column total (the `total` row) an arc column -> K and the grand total
an arc K -> S. "Every total is the sum of its parts" is then exactly flow conservation at
every node. A table without a `total` row gets column and grand-total arcs that are never
published (virtual), which leaves its columns free, as they are.

The constraint matrix of such a network is totally unimodular, so the lowest and highest
value a suppressed cell can take over the real numbers are integers, and every integer in
between is reached by some whole-number table. That gives two exact, fast methods:

- `feasible_interval` works from the published table only: a max-flow finds a whole-number
  completion, and two more max-flows in its residual network push a cell as far up and down
  as the others allow. Where a cycle of suppressed arcs runs through the cell it is unbounded
  above, and the high end is None.
- `suppression_pattern` knows the true counts: a suppressed cell can be computed exactly iff
  no cycle through it, of suppressed arcs, can carry one unit (arcs crossed backwards need a
  count of at least 1). Any other whole-number table differs from the true one by a sum of
  such cycles, so this is exact too. Complementary suppression closes the cheapest cycle
  through a cell that is still exposed (a shortest path, costs below) and repeats.

Choices the spec leaves open:
- Zero cells are never primary, and never needed as complements: a cell of count >= 1 lies
  on a cycle through its row, column and grand totals, all >= 1. The cost still ranks a
  cycle with a zero after every cycle without one; among those the cheapest has the smallest
  sum of counts, then the fewest cells; ties go by the order of the arcs, so the result is
  deterministic (rule 4).
- Cells that hold the same count in two tables (tables.LINKED_CELLS) are withheld in all or
  none of them, and an indicator whose numerator or denominator is a sum of table cells is
  withheld when one of those cells is (rule 3 read across tables).
- An indicator is withheld whole (numerator and denominator null) when its numerator is
  1..k-1, its denominator is below k, or a linked cell is withheld.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from app.errors import AftercareError
from app.i18n import _
from app.reports.tables import INDICATOR_CELLS, LINKED_CELLS, CellRef

Pos = tuple[int, int]
Interval = tuple[int, int | None]  # high None: no upper bound


def check_threshold(k: int) -> None:
    if isinstance(k, bool) or not isinstance(k, int) or k < 3:
        raise AftercareError(_("The suppression threshold must be a whole number of 3 or more."))


def could_be_small(low: int, high: int | None, k: int) -> bool:
    """True when a count known to lie in [low, high] may not be published at threshold k.

    For an exact count (low == high) this is rule 1: 1..k-1. A range is withheld when its
    high end is 1..k-1, since it then says the count is small (conservative reading).
    """
    return high is not None and 1 <= high <= k - 1


# --- the network of a table -------------------------------------------------------------------


@dataclass(frozen=True)
class _Net:
    n_nodes: int
    arcs: tuple[tuple[int, int, Pos | None], ...]  # (tail, head, cell or None if virtual)
    arc_of: dict[Pos, int]


def _net(n_rows: int, n_cols: int, has_total_row: bool) -> _Net:
    data_rows = n_rows - 1 if has_total_row else n_rows
    data_cols = n_cols - 1
    source, sink = 0, 1 + data_rows + data_cols
    arcs: list[tuple[int, int, Pos | None]] = []
    for r in range(data_rows):
        arcs.append((source, 1 + r, (r, data_cols)))
        arcs.extend((1 + r, 1 + data_rows + c, (r, c)) for c in range(data_cols))
    total_row = data_rows if has_total_row else None
    for c in range(data_cols):
        arcs.append((1 + data_rows + c, sink, None if total_row is None else (total_row, c)))
    arcs.append((sink, source, None if total_row is None else (total_row, data_cols)))
    arc_of = {cell: a for a, (_t, _h, cell) in enumerate(arcs) if cell is not None}
    return _Net(sink + 1, tuple(arcs), arc_of)


def _table_net(table: dict[str, Any]) -> _Net:
    rows, cols = table["rows"], table["cols"]
    return _net(len(rows), len(cols), bool(rows) and rows[-1] == "total")


def _arc_values(net: _Net, cells: Sequence[Sequence[int]]) -> list[int]:
    """The flow on every arc for a complete table; virtual arcs carry what enters their tail."""
    values = [0 if cell is None else cells[cell[0]][cell[1]] for _t, _h, cell in net.arcs]
    # Virtual arcs come after the arcs that feed them (columns before K -> S).
    for a, (tail, _head, cell) in enumerate(net.arcs):
        if cell is None:
            values[a] = sum(values[b] for b, (_t, head, _c) in enumerate(net.arcs) if head == tail)
    return values


# --- rule 1 and rule 2 on a complete table ----------------------------------------------------


def _reachable(net: _Net, values: list[int], free: set[int], skip: int, src: int, dst: int) -> bool:
    """Is there a path src -> dst along free arcs (forwards, or backwards where >= 1)?"""
    adjacency: list[list[int]] = [[] for _ in range(net.n_nodes)]
    for a in free:
        if a == skip:
            continue
        tail, head, _cell = net.arcs[a]
        adjacency[tail].append(head)
        if values[a] >= 1:
            adjacency[head].append(tail)
    seen, todo = {src}, [src]
    while todo:
        node = todo.pop()
        if node == dst:
            return True
        for nxt in adjacency[node]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return False


def _exposed(net: _Net, values: list[int], free: set[int], a: int) -> bool:
    """True when the suppressed arc `a` could be computed exactly (cannot move by one)."""
    tail, head, _cell = net.arcs[a]
    if _reachable(net, values, free, a, head, tail):
        return False
    return not (values[a] >= 1 and _reachable(net, values, free, a, tail, head))


def _cheapest_path(
    net: _Net,
    values: list[int],
    free: set[int],
    skip: int,
    src: int,
    dst: int,
    barred: frozenset[int] = frozenset(),
) -> tuple[tuple[int, int, int], list[int]] | None:
    """The cheapest path src -> dst that may use any arc but `skip` and the published arcs in
    `barred`; (cost, published arcs)."""
    steps: list[list[tuple[int, int]]] = [[] for _ in range(net.n_nodes)]
    for a, (tail, head, _cell) in enumerate(net.arcs):
        if a == skip or (a in barred and a not in free):
            continue
        steps[tail].append((head, a))
        if values[a] >= 1:
            steps[head].append((tail, a))
    zero = (0, 0, 0)
    best: dict[int, tuple[int, int, int]] = {src: zero}
    back: dict[int, tuple[int, int]] = {}
    heap = [(zero, src)]
    while heap:
        cost, node = heapq.heappop(heap)
        if node == dst:
            break
        if cost != best[node]:
            continue
        for nxt, a in steps[node]:
            step = zero if a in free else (int(values[a] == 0), values[a], 1)
            new = (cost[0] + step[0], cost[1] + step[1], cost[2] + step[2])
            if nxt not in best or new < best[nxt]:
                best[nxt] = new
                back[nxt] = (node, a)
                heapq.heappush(heap, (new, nxt))
    if dst not in best:
        return None
    path, node = [], dst
    while node != src:
        node, a = back[node]
        if a not in free:
            path.append(a)
    return best[dst], path


def _complement(
    net: _Net, values: list[int], free: set[int], a: int, barred: frozenset[int] = frozenset()
) -> list[int] | None:
    """Published arcs to suppress so that `a` sits on a cycle that can carry one unit; None
    when only arcs in `barred` could close one."""
    tail, head, _cell = net.arcs[a]
    options = [_cheapest_path(net, values, free, a, head, tail, barred)]
    if values[a] >= 1:
        options.append(_cheapest_path(net, values, free, a, tail, head, barred))
    found = [o for o in options if o is not None]
    # Without barred arcs, moving forwards along every arc is always possible.
    return min(found, key=lambda option: option[0])[1] if found else None


def cannot_protect(table: dict[str, Any], cell: Pos) -> AftercareError:
    return AftercareError(
        _(
            "Table {table}, row {row}, column {col}: no cells that may still be withheld can hide this count."
        ).format(table=table.get("id", "?"), row=table["rows"][cell[0]], col=table["cols"][cell[1]])
    )


def _check_complete(table: dict[str, Any]) -> list[list[int]]:
    cells: list[list[int]] = table["cells"]
    for row in cells:
        for value in row:
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise AftercareError(
                    _("Table {table}: only complete, non-negative counts can be protected.").format(
                        table=table.get("id", "?")
                    )
                )
    return cells


def suppression_pattern(
    table: dict[str, Any],
    k: int,
    *,
    primary: Iterable[Pos] | None = None,
    also: Iterable[Pos] = (),
    fixed: Iterable[Pos] = (),
) -> set[Pos]:
    """The cells to withhold in a complete table: rule 1, then rule 2.

    `primary` replaces rule 1's choice (the roll-up decides it from ranges); `also` adds cells
    that must be withheld for another reason (a linked cell of another table); `fixed` cells
    are known from elsewhere (joint.py: released files) and are never chosen as complements.
    """
    check_threshold(k)
    cells = _check_complete(table)
    net = _table_net(table)
    values = _arc_values(net, cells)
    if primary is None:
        primary = [
            (i, j) for i, row in enumerate(cells) for j, v in enumerate(row) if 1 <= v <= k - 1
        ]
    free = {net.arc_of[p] for p in (*primary, *also)}
    free |= {a for a, (_t, _h, cell) in enumerate(net.arcs) if cell is None}
    barred = frozenset(net.arc_of[p] for p in fixed)
    while True:
        exposed = next(
            (
                a
                for a in sorted(free)
                if net.arcs[a][2] is not None and _exposed(net, values, free, a)
            ),
            None,
        )
        if exposed is None:
            break
        added = _complement(net, values, free, exposed, barred)
        if added is None:
            raise cannot_protect(table, net.arcs[exposed][2] or (0, 0))
        free.update(added)
    return {cell for a in free if (cell := net.arcs[a][2]) is not None}


def apply_pattern(table: dict[str, Any], pattern: set[Pos]) -> dict[str, Any]:
    cells = [
        [None if (i, j) in pattern else value for j, value in enumerate(row)]
        for i, row in enumerate(table["cells"])
    ]
    return {**table, "cells": cells}


def protect(table: dict[str, Any], k: int, *, also: Iterable[Pos] = ()) -> dict[str, Any]:
    """A copy of a complete table with the cells of rules 1 and 2 set to None."""
    return apply_pattern(table, suppression_pattern(table, k, also=also))


# --- a whole summary body: linked cells and indicators ----------------------------------------


def _position(tables: Sequence[dict[str, Any]], ref: CellRef) -> tuple[int, Pos] | None:
    table_id, row, col = ref
    for t, table in enumerate(tables):
        if table["id"] == table_id and row in table["rows"] and col in table["cols"]:
            return t, (table["rows"].index(row), table["cols"].index(col))
    return None


def linked_patterns(
    tables: Sequence[dict[str, Any]],
    k: int,
    primaries: Sequence[Iterable[Pos] | None],
    *,
    also: Sequence[set[Pos]] | None = None,
    fixed: Sequence[set[Pos]] | None = None,
) -> list[set[Pos]]:
    """Suppression patterns of several complete tables, equal across linked cells; `also`
    and `fixed` per table, as for suppression_pattern."""
    groups = [
        [p for ref in group if (p := _position(tables, ref)) is not None] for group in LINKED_CELLS
    ]
    primaries = [None if p is None else list(p) for p in primaries]
    forced: list[set[Pos]] = [set(s) for s in also] if also else [set() for _ in tables]
    barred: Sequence[set[Pos]] = fixed or [set() for _ in tables]
    while True:
        patterns = [
            suppression_pattern(table, k, primary=primaries[t], also=forced[t], fixed=barred[t])
            for t, table in enumerate(tables)
        ]
        changed = False
        for group in groups:
            if any(pos in patterns[t] for t, pos in group):
                for t, pos in group:
                    if pos not in patterns[t]:
                        forced[t].add(pos)
                        changed = True
        if not changed:
            return patterns


def linked_withheld(
    tables: Sequence[dict[str, Any]], patterns: Sequence[set[Pos]], indicator_id: str
) -> bool:
    """Is any table cell that the indicator's numerator or denominator sums withheld?"""
    numerator, denominator = INDICATOR_CELLS.get(indicator_id, ((), ()))
    for ref in (*numerator, *denominator):
        found = _position(tables, ref)
        if found is not None and found[1] in patterns[found[0]]:
            return True
    return False


def indicator_withheld(numerator: Interval, denominator: Interval, k: int, *, linked: bool) -> bool:
    """Rule 3: withheld when a linked cell is, the numerator may be 1..k-1 or the denominator
    may be below k."""
    return linked or could_be_small(*numerator, k) or denominator[0] < k


def protect_body(body: dict[str, Any], k: int) -> dict[str, Any]:
    """The tables and indicators of `build_summary_body` protected at threshold k."""
    tables = body["tables"]
    return body_with_patterns(body, k, linked_patterns(tables, k, [None] * len(tables)))


def body_with_patterns(
    body: dict[str, Any], k: int, patterns: Sequence[set[Pos]]
) -> dict[str, Any]:
    """The body with `patterns` withheld in its tables and rule 3 applied to its indicators."""
    tables = body["tables"]
    indicators = []
    for ind in body["indicators"]:
        n, d = ind["numerator"], ind["denominator"]
        withheld = indicator_withheld(
            (n, n), (d, d), k, linked=linked_withheld(tables, patterns, ind["id"])
        )
        indicators.append(
            {**ind, "numerator": None, "denominator": None} if withheld else dict(ind)
        )
    return {
        "tables": [apply_pattern(t, p) for t, p in zip(tables, patterns, strict=True)],
        "indicators": indicators,
    }


# --- intervals from a published table ---------------------------------------------------------


Graph = dict[int, dict[int, float]]  # node -> {neighbour: residual capacity}


def _max_flow(cap: Graph, src: int, dst: int) -> float:
    """Edmonds-Karp on sparse residual capacities (changed in place; every arc's reverse
    must be present); math.inf if unbounded. Tables have ~20 nodes and ~30 free arcs, so
    neighbour lists beat a matrix by an order of magnitude at the roll-up's scale."""
    total: float = 0
    while True:
        parent = {src: src}
        queue = deque([src])
        while queue and dst not in parent:
            u = queue.popleft()
            for v, c in cap[u].items():
                if c > 0 and v not in parent:
                    parent[v] = u
                    queue.append(v)
        if dst not in parent:
            return total
        push, v = math.inf, dst
        while v != src:
            push = min(push, cap[parent[v]][v])
            v = parent[v]
        if push == math.inf:
            return math.inf
        v = dst
        while v != src:
            u = parent[v]
            cap[u][v] -= push
            cap[v][u] += push
            v = u
        total += push


def _graph(n: int, arcs: list[tuple[int, int, float, float]]) -> Graph:
    """Residual capacities from (tail, head, forward, backward) arcs."""
    graph: Graph = {v: {} for v in range(n)}
    for tail, head, forward, backward in arcs:
        graph[tail][head] = graph[tail].get(head, 0) + forward
        graph[head][tail] = graph[head].get(tail, 0) + backward
    return graph


@dataclass(frozen=True)
class Bounds:
    """What a published table says about its withheld cells."""

    intervals: dict[Pos, Interval]  # every withheld cell: (lowest, highest or None)
    completion: list[list[int]]  # one whole-number table that agrees with the published one


def bounds_of(table: dict[str, Any]) -> Bounds:
    """Exact intervals of every withheld (None) cell of a published table.

    Raises AftercareError when no table of non-negative counts agrees with the published one.
    """
    net = _table_net(table)
    cells = table["cells"]
    n = net.n_nodes
    supply = [0] * n  # what the withheld arcs must carry out of each node
    free: list[int] = []
    for a, (tail, head, cell) in enumerate(net.arcs):
        value = None if cell is None else cells[cell[0]][cell[1]]
        if value is None:
            free.append(a)
        else:
            supply[head] += value
            supply[tail] -= value
    # Feasibility: a max-flow from a super source to a super sink through the free arcs.
    source, sink = n, n + 1
    arcs: list[tuple[int, int, float, float]] = [
        (net.arcs[a][0], net.arcs[a][1], math.inf, 0) for a in free
    ]
    for v in range(n):
        if supply[v] > 0:
            arcs.append((source, v, supply[v], 0))
        elif supply[v] < 0:
            arcs.append((v, sink, -supply[v], 0))
    cap = _graph(n + 2, arcs)
    needed = sum(s for s in supply if s > 0)
    if _max_flow(cap, source, sink) != needed:
        raise AftercareError(
            _("Table {table}: the published counts do not add up to its totals.").format(
                table=table.get("id", "?")
            )
        )
    flow = {}
    for a in free:
        tail, head, _cell = net.arcs[a]
        # Flow on an uncapacitated arc is what came back along its residual reverse arc.
        flow[a] = int(cap[head][tail])
    completion = [list(row) for row in cells]
    for a in free:
        cell = net.arcs[a][2]
        if cell is not None:
            completion[cell[0]][cell[1]] = flow[a]
    intervals: dict[Pos, Interval] = {}
    for a in free:
        cell = net.arcs[a][2]
        if cell is None:
            continue
        tail, head, _cell = net.arcs[a]
        others = [
            (net.arcs[b][0], net.arcs[b][1], math.inf, float(flow[b])) for b in free if b != a
        ]
        up = _max_flow(_graph(n, others), head, tail)
        down = _max_flow(_graph(n, others), tail, head)
        low = flow[a] - int(min(flow[a], down))
        intervals[cell] = (low, None if up == math.inf else flow[a] + int(up))
    return Bounds(intervals, completion)


Range = tuple[int, int | None]  # (lowest, highest or None: unbounded)


def _feasible_flows(net: _Net, lo: list[int], hi: list[int | None], what: str) -> list[int]:
    """One whole-number flow on every arc within [lo, hi] that keeps every sum; the same
    for the same bounds (a max-flow from the lower bounds' excesses)."""
    n = net.n_nodes
    excess = [0] * n
    arcs: list[tuple[int, int, float, float]] = []
    for a, (tail, head, _cell) in enumerate(net.arcs):
        excess[head] += lo[a]
        excess[tail] -= lo[a]
        top = hi[a]
        arcs.append((tail, head, math.inf if top is None else top - lo[a], 0))
    source, sink = n, n + 1
    for v in range(n):
        if excess[v] > 0:
            arcs.append((source, v, excess[v], 0))
        elif excess[v] < 0:
            arcs.append((v, sink, -excess[v], 0))
    cap = _graph(n + 2, arcs)
    if _max_flow(cap, source, sink) != sum(e for e in excess if e > 0):
        raise AftercareError(
            _("Table {table}: the published counts do not add up to its totals.").format(table=what)
        )
    return [lo[a] + int(cap[head][tail]) for a, (tail, head, _c) in enumerate(net.arcs)]


def ranges_of(
    table_id: str, rows: Sequence[str], cols: Sequence[str], cells: Sequence[Sequence[Range]]
) -> tuple[list[list[Range]], list[list[int]]]:
    """For a table whose cells are known to lie in ranges (a roll-up's: exact, [low, high]
    or withheld as (0, None)): the range each cell can take given all the others and the
    sums, and one whole-number completion. Raises AftercareError when none agrees."""
    net = _net(len(rows), len(cols), bool(rows) and rows[-1] == "total")
    lo = [0 if cell is None else cells[cell[0]][cell[1]][0] for _t, _h, cell in net.arcs]
    hi = [None if cell is None else cells[cell[0]][cell[1]][1] for _t, _h, cell in net.arcs]
    flows = _feasible_flows(net, lo, hi, table_id)
    out = [list(row) for row in cells]
    completion = [[0] * len(cols) for _ in rows]
    for a, (tail, head, cell) in enumerate(net.arcs):
        if cell is None:
            continue
        completion[cell[0]][cell[1]] = flows[a]
        if lo[a] == hi[a]:
            continue
        others = [
            (
                t,
                h,
                math.inf if hi[b] is None else float(hi[b] - flows[b]),  # type: ignore[operator]
                float(flows[b] - lo[b]),
            )
            for b, (t, h, _c) in enumerate(net.arcs)
            if b != a
        ]
        top = hi[a]
        up = min(
            _max_flow(_graph(net.n_nodes, others), head, tail),
            math.inf if top is None else top - flows[a],
        )
        down = min(_max_flow(_graph(net.n_nodes, others), tail, head), flows[a] - lo[a])
        out[cell[0]][cell[1]] = (
            flows[a] - int(down),
            None if up == math.inf else flows[a] + int(up),
        )
    return out, completion


def completion_of(
    table_id: str, rows: Sequence[str], cols: Sequence[str], cells: Sequence[Sequence[Range]]
) -> list[list[int]]:
    """One whole-number table within the ranges that keeps every sum (deterministic)."""
    net = _net(len(rows), len(cols), bool(rows) and rows[-1] == "total")
    lo = [0 if cell is None else cells[cell[0]][cell[1]][0] for _t, _h, cell in net.arcs]
    hi = [None if cell is None else cells[cell[0]][cell[1]][1] for _t, _h, cell in net.arcs]
    flows = _feasible_flows(net, lo, hi, table_id)
    completion = [[0] * len(cols) for _ in rows]
    for a, (_t, _h, cell) in enumerate(net.arcs):
        if cell is not None:
            completion[cell[0]][cell[1]] = flows[a]
    return completion


def feasible_interval(table_with_nulls: dict[str, Any], i: int, j: int) -> Interval:
    """The lowest and highest value cell (i, j) can take given the published cells, the sums
    and non-negative counts; high is None when nothing bounds it from above."""
    value = table_with_nulls["cells"][i][j]
    if value is not None:
        return value, value
    return bounds_of(table_with_nulls).intervals[(i, j)]
