"""A summary protected together with the unit's released summaries of overlapping periods
(summary-v1, amendment A2).

A quarter's flow cells are the sums of its months' cells, so files that each hide their
small cells can give them away together. The reader's knowledge is linear: every released
file, the sums within its tables, and "a file's flow cell is the sum of that cell over its
months". Flow cells are those A2 names (caseload `opened` and `closed`, age_sex,
exploitation, origin, identified_by) and closures, which also counts cases by the day they
closed. The other cells (open at start or end, services, follow-ups) depend on a period's
ends and are protected within their own file.

Months that lie in the same released files (and the new one) can only be told apart
through their sum, so they form one *segment*; each file is the sum of its segments. A
withheld cell is safe when a certificate moves it by one and keeps every released file
true: a cycle through the cell in one segment's table, along arcs that every file holding
that segment withholds, where arcs crossed backwards hold at least one case in the segment.
Adding the cycle to that segment (and so to every file holding it) changes no published
cell, keeps every sum and every count non-negative. Or a unit moved between two segments:
the cycle added to one that holds the cell's file and taken from one that does not, so
that files holding both see no change (a month released after its year needs this). This
is the method of suppression.py applied to segments; it is sound (a certified cell cannot
be worked out) but may miss a certificate that needs three segments at once;
tests/reports/lp_audit.py checks the result by linear programming over every file.

The new file is protected first on its own; then, while some withheld cell of it or of a
released file it overlaps has no certificate, more of the new file is withheld: the
cheapest cycle (smallest counts first) in a segment of the new file that only the new file
publishes. A cell that no choice of the new file can hide (its value follows from released
files) is never chosen as a complement. Where no cycle exists, the new file withholds the
whole flow part of that table, zeros included, so that it tells nothing about it.

Choices the amendment leaves open:
- Released files are taken as they were published, and the segments' counts as the vault
  holds them now; a case edited after a release changes the counts the certificates use.
- The same period released at another threshold holds the same counts in every cell (not
  only the flow cells): the new file withholds exactly what the released one did, which
  must include every count the new threshold withholds; otherwise the release is refused
  (AftercareError naming the earlier file). A lower threshold therefore gains nothing.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.errors import AftercareError
from app.i18n import _
from app.reports.periods import Period, parse_period
from app.reports.suppression import (
    Pos,
    _arc_values,
    _exposed,
    _Net,
    _table_net,
    body_with_patterns,
    linked_patterns,
)

FLOW_TABLES = frozenset({"age_sex", "exploitation", "origin", "identified_by", "closures"})
FLOW_CASELOAD_ROWS = frozenset({"opened", "closed"})


@dataclass(frozen=True)
class Released:
    """One suppressed summary the vault released, as its ledger keeps it."""

    period: Period
    threshold: int
    released_on: str
    tables: list[dict[str, Any]]  # as published: None where withheld
    indicators: list[dict[str, Any]]


def is_flow(table_id: str, row: str) -> bool:
    return table_id in FLOW_TABLES or (table_id == "caseload" and row in FLOW_CASELOAD_ROWS)


def month_labels(period: Period) -> list[str]:
    """`2026-07`, `2026-08`, ...: the calendar months of a period."""
    labels, day = [], period.start
    while day <= period.end:
        labels.append(f"{day.year:04d}-{day.month:02d}")
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return labels


def overlaps(a: Period, b: Period) -> bool:
    return a.start <= b.end and b.start <= a.end


@dataclass(frozen=True)
class _Table:
    net: _Net
    flow: frozenset[int]  # arcs of flow cells
    other: frozenset[int]  # arcs of the other cells
    virtual: frozenset[int]  # arcs of sums that are never published


def _layout(table: dict[str, Any]) -> _Table:
    net = _table_net(table)
    flow, other, virtual = set(), set(), set()
    for a, (_t, _h, cell) in enumerate(net.arcs):
        if cell is None:
            virtual.add(a)
        elif is_flow(table["id"], table["rows"][cell[0]]):
            flow.add(a)
        else:
            other.add(a)
    return _Table(net, frozenset(flow), frozenset(other), frozenset(virtual))


def _withheld(table: _Table, cells: list[list[int | None]]) -> set[int]:
    return {
        a
        for a, (_t, _h, cell) in enumerate(table.net.arcs)
        if cell and cells[cell[0]][cell[1]] is None
    }


def _add_cells(a: list[list[int]], b: list[list[int]]) -> list[list[int]]:
    return [[x + y for x, y in zip(ra, rb, strict=True)] for ra, rb in zip(a, b, strict=True)]


@dataclass
class _Segment:
    files: frozenset[int]  # indexes into the released files; NEW for the new one
    values: list[list[int]]  # per table, the flow of every arc (summed over its months)


NEW = -1


class _Joint:
    def __init__(
        self,
        body: dict[str, Any],
        k: int,
        period: Period,
        released: Sequence[Released],
        months: Mapping[str, dict[str, Any]],
    ):
        self.tables = body["tables"]
        self.k = k
        self.layouts = [_layout(t) for t in self.tables]
        self.values = [
            _arc_values(lay.net, t["cells"])
            for lay, t in zip(self.layouts, self.tables, strict=True)
        ]
        self.released = list(released)
        self.old_withheld = [
            [_withheld(lay, t["cells"]) for lay, t in zip(self.layouts, r.tables, strict=True)]
            for r in self.released
        ]
        self.old_months = [set(month_labels(r.period)) for r in self.released]
        new_months = set(month_labels(period))
        by_files: dict[frozenset[int], list[str]] = {}
        for month in sorted(new_months.union(*self.old_months)):
            files = frozenset(
                [NEW] * (month in new_months)
                + [f for f, ms in enumerate(self.old_months) if month in ms]
            )
            by_files.setdefault(files, []).append(month)
        self.segments = []
        for files, labels in by_files.items():
            cells = [months[labels[0]]["tables"][t]["cells"] for t in range(len(self.tables))]
            for label in labels[1:]:
                cells = [
                    _add_cells(c, months[label]["tables"][t]["cells"]) for t, c in enumerate(cells)
                ]
            values = [_arc_values(lay.net, c) for lay, c in zip(self.layouts, cells, strict=True)]
            self.segments.append(_Segment(files, values))
        self.whole_tables: set[int] = set()  # tables whose flow part the new file withholds whole

    # --- what may move ----------------------------------------------------------------------

    def _withheld_by_all(self, files: frozenset[int], t: int, new: list[set[int]]) -> set[int]:
        """Flow arcs of table t that every one of `files` withholds."""
        free = set(self.layouts[t].flow)
        for f in files:
            free &= new[t] if f == NEW else self.old_withheld[f][t]
        return free

    def _moves(self, f: int, t: int) -> list[tuple[frozenset[int], list[bool], list[bool]]]:
        """Ways to move a flow cell of file f: (files that see the move, may an arc go up, may
        it go down). One segment that f holds; or one unit taken from a segment f does not
        hold and put in one it does (files that hold both see no change)."""
        moves = []
        inside = [s for s in self.segments if f in s.files]
        for s in inside:
            moves.append((s.files, [True] * len(s.values[t]), [v >= 1 for v in s.values[t]]))
        for s in inside:
            for other in self.segments:
                if f not in other.files:
                    moves.append(
                        (
                            s.files ^ other.files,
                            [v >= 1 for v in other.values[t]],
                            [v >= 1 for v in s.values[t]],
                        )
                    )
        return moves

    def _certified(self, f: int, t: int, a: int, new: list[set[int]]) -> bool:
        lay = self.layouts[t]
        if a in lay.flow:
            for files, up, down in self._moves(f, t):
                free = self._withheld_by_all(files, t, new) | lay.virtual
                if _can_move(lay.net, free, up, down, a):
                    return True
            return False
        return not _exposed(lay.net, self.values[t], set((lay.other & new[t]) | lay.virtual), a)

    def fixed(self) -> list[set[Pos]]:
        """Flow cells of the new file that released files already tell: withholding all of
        the new file would still not let them move."""
        everything = [set(lay.flow) for lay in self.layouts]
        out: list[set[Pos]] = []
        for t, lay in enumerate(self.layouts):
            out.append(
                {
                    cell
                    for a in lay.flow
                    if (cell := lay.net.arcs[a][2]) is not None
                    and not self._certified(NEW, t, a, everything)
                }
            )
        return out

    # --- checking and repairing -------------------------------------------------------------

    def first_uncertified(self, new: list[set[int]]) -> tuple[int, int, int] | None:
        """(file, table, arc) of a withheld cell without a certificate; the new file's first."""
        for t in range(len(self.tables)):
            for a in sorted(new[t]):
                if self.layouts[t].net.arcs[a][2] is not None and not self._certified(
                    NEW, t, a, new
                ):
                    return NEW, t, a
        for f in range(len(self.released)):
            for t in range(len(self.tables)):
                if t in self.whole_tables:
                    continue  # the new file tells nothing about this table's flow cells
                for a in sorted(self.old_withheld[f][t] & self.layouts[t].flow):
                    if not self._certified(f, t, a, new):
                        return f, t, a
        return None

    def repair(self, f: int, t: int, a: int, new: list[set[int]]) -> set[int] | None:
        """Arcs of table t the new file withholds so that arc `a` of file f gets a certificate;
        None when no cycle can."""
        lay = self.layouts[t]
        every = [set(lay.flow) for _ in self.layouts]
        options = []
        if a in lay.flow:
            for files, up, down in self._moves(f, t):
                if NEW not in files:
                    continue
                free = self._withheld_by_all(files, t, new) | lay.virtual
                addable = self._withheld_by_all(files, t, every) - free
                found = _cheapest_cycle(lay.net, self.values[t], free, addable, up, down, a)
                if found is not None:
                    options.append(found)
        else:
            free = set((lay.other & new[t]) | lay.virtual)
            up = [True] * len(lay.net.arcs)
            down = [v >= 1 for v in self.values[t]]
            found = _cheapest_cycle(
                lay.net, self.values[t], free, set(lay.other - free), up, down, a
            )
            if found is not None:
                options.append(found)
        if not options:
            return None
        return set(min(options, key=lambda o: o[0])[1])


def _steps(
    net: _Net, usable: set[int], up: list[bool], down: list[bool], skip: int
) -> list[list[tuple[int, int]]]:
    steps: list[list[tuple[int, int]]] = [[] for _ in range(net.n_nodes)]
    for b in usable:
        if b == skip:
            continue
        tail, head, _cell = net.arcs[b]
        if up[b]:
            steps[tail].append((head, b))
        if down[b]:
            steps[head].append((tail, b))
    return steps


def _can_move(net: _Net, free: set[int], up: list[bool], down: list[bool], a: int) -> bool:
    """Can arc `a` go up (or down) by one along a cycle of `free` arcs, each arc only in the
    directions allowed?"""
    steps = _steps(net, free, up, down, a)
    tail, head, _cell = net.arcs[a]
    for ok, src, dst in ((up[a], head, tail), (down[a], tail, head)):
        if not ok:
            continue
        seen, todo = {src}, [src]
        while todo:
            node = todo.pop()
            if node == dst:
                return True
            for nxt, _b in steps[node]:
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
    return False


def _cheapest_cycle(
    net: _Net,
    values: list[int],
    free: set[int],
    addable: set[int],
    up: list[bool],
    down: list[bool],
    a: int,
) -> tuple[tuple[int, int, int], list[int]] | None:
    """The cheapest cycle through `a` of free and addable arcs (cost: the addable arcs, zeros
    last, then smallest counts, then fewest); (cost, addable arcs on it)."""
    steps = _steps(net, free | addable, up, down, a)
    tail, head, _cell = net.arcs[a]
    found = []
    for ok, src, dst in ((up[a], head, tail), (down[a], tail, head)):
        if not ok:
            continue
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
            for nxt, b in steps[node]:
                step = zero if b in free else (int(values[b] == 0), values[b], 1)
                new = (cost[0] + step[0], cost[1] + step[1], cost[2] + step[2])
                if nxt not in best or new < best[nxt]:
                    best[nxt] = new
                    back[nxt] = (node, b)
                    heapq.heappush(heap, (new, nxt))
        if dst in best:
            path, node = [], dst
            while node != src:
                node, b = back[node]
                if b not in free:
                    path.append(b)
            found.append((best[dst], path))
    return min(found, key=lambda option: option[0]) if found else None


def protect_jointly(
    body: dict[str, Any],
    k: int,
    period: Period,
    released: Sequence[Released],
    months: Mapping[str, dict[str, Any]],
) -> dict[str, Any]:
    """`body` (exact counts of `period`) protected at threshold k on its own and together with
    the `released` files of overlapping periods; `months` holds the exact body of every month
    of every one of these periods, by label."""
    same = [r for r in released if r.period == period]
    if same:
        return _same_period(body, k, same[0])
    joint = _Joint(body, k, period, released, months)
    tables = joint.tables
    fixed = joint.fixed()
    forced: list[set[Pos]] = [set() for _ in tables]
    while True:
        try:
            patterns = linked_patterns(tables, k, [None] * len(tables), also=forced, fixed=fixed)
        except AftercareError:
            raise _refusal(period, k, released) from None
        new = [
            {lay.net.arc_of[p] for p in pattern}
            for lay, pattern in zip(joint.layouts, patterns, strict=True)
        ]
        found = joint.first_uncertified(new)
        if found is None:
            return body_with_patterns(body, k, patterns)
        f, t, a = found
        if t in joint.whole_tables:
            raise _refusal(period, k, released)  # nothing more of it left to withhold
        arcs = joint.repair(f, t, a, new)
        lay = joint.layouts[t]
        if arcs is None:
            joint.whole_tables.add(t)
            arcs = set(lay.flow)
        added = {cell for arc in arcs if (cell := lay.net.arcs[arc][2]) is not None} - fixed[t]
        if added <= patterns[t] | forced[t]:
            raise _refusal(period, k, released)
        forced[t] |= added


def _same_period(body: dict[str, Any], k: int, earlier: Released) -> dict[str, Any]:
    """The period released before at another threshold: every cell is the same, so the new
    file withholds what the released one did, which must include all that threshold k
    withholds (else the release is refused)."""
    for table, published in zip(body["tables"], earlier.tables, strict=True):
        for row, shown in zip(table["cells"], published["cells"], strict=True):
            if any(1 <= v <= k - 1 and p is not None for v, p in zip(row, shown, strict=True)):
                raise _refusal(earlier.period, k, [earlier])
    indicators = []
    for ind in earlier.indicators:
        n, d = ind["numerator"], ind["denominator"]
        small = n is not None and d is not None and (1 <= n <= k - 1 or d < k)
        indicators.append({**ind, "numerator": None, "denominator": None} if small else dict(ind))
    return {"tables": [dict(t) for t in earlier.tables], "indicators": indicators}


def _refusal(period: Period, k: int, released: Sequence[Released]) -> AftercareError:
    earlier = ", ".join(
        _("{period} (threshold {k}, released {date})").format(
            period=r.period.label, k=r.threshold, date=r.released_on
        )
        for r in released
    )
    return AftercareError(
        _(
            "The summary of {period} at threshold {k} cannot be protected together with the "
            "summaries already released: {earlier}. They show counts this one would have to "
            "withhold; release it at the threshold they used."
        ).format(period=period.label, k=k, earlier=earlier)
    )


def overlapping(period: Period, released: Sequence[Released]) -> list[Released]:
    return [r for r in released if overlaps(period, r.period)]


def months_needed(period: Period, released: Sequence[Released]) -> list[Period]:
    """Every month of `period` and of the released periods: what protect_jointly needs."""
    labels = set(month_labels(period)).union(*(month_labels(r.period) for r in released))
    return [parse_period(label) for label in sorted(labels)]
