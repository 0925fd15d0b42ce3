"""The PJC Office's roll-up of unit summaries into prefecture and provincial tables.

`rollup` reads summary files, verifies each one, keeps one summary per unit, adds them up
and protects what it publishes; it returns the `rollup.json` document of summary-v1.

Readings of the spec where it leaves a choice:
- Every file is checked in this order: JSON (UTF-8, no repeated keys), summary-v1 format,
  signature, trust list, and whether its withheld cells can be completed at all; the first
  failure rejects it with that reason. The other files still roll up.
- Without a given period, the roll-up is for the period most of the valid files are about
  (on a tie, the period of the first of them in the order given).
- Of several summaries of one unit, the one with the latest `generated_on` is kept; on the
  same day, the one whose file name sorts last, then the one given last.
- A cell withheld in a summary contributes its exact interval (suppression.bounds_of). An
  indicator withheld in a summary contributes the sum of the intervals of the table cells it
  is made of (tables.INDICATOR_CELLS); an indicator in no table contributes [0, h], where h
  bounds the active cases (its denominator) or its denominator (its numerator).
- A high end that nothing bounds is null: `[low, null]` means "at least low".
- Protection at the roll-up's threshold k: a cell whose range has its high end in 1..k-1 is
  withheld (it would say the count is small; for exact counts that is rule 1). Complementary
  suppression then runs on one whole-number table that agrees with every input (the sum of
  each input's completion), with published ranges taken as known exactly: a reader knows
  less than that, so a withheld cell that cannot be worked out there cannot be worked out
  from the published roll-up either. Linked cells and indicators follow suppression.py.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from app.errors import AftercareError
from app.i18n import _
from app.reports.periods import Period, parse_period
from app.reports.rollup_inputs import (
    N_SPANS,
    NO_HIGH,
    ROLLUP_FORMAT,
    ROLLUP_VERSION,
    Input,
    Part,
    claimed_code,
    no_repeated_keys,
    read_input,
)
from app.reports.signing import key_id
from app.reports.suppression import (
    Range,
    check_threshold,
    completion_of,
    could_be_small,
    indicator_withheld,
    linked_patterns,
    linked_withheld,
)
from app.reports.tables import INDICATOR_IDS, TABLE_LAYOUT

FORMAT = ROLLUP_FORMAT
VERSION = ROLLUP_VERSION


# --- adding up and protecting -----------------------------------------------------------------


def _publish(low: int, high: int | None) -> int | list[int | None]:
    return low if low == high else [low, high]


def _sum_parts(parts: list[Part]) -> list[Range]:
    lows = [0] * N_SPANS
    highs: list[int | None] = [0] * N_SPANS
    for part in parts:
        spans = part.spans
        for x in range(N_SPANS):
            lows[x] += spans[2 * x]
            top, high = spans[2 * x + 1], highs[x]
            highs[x] = None if top == NO_HIGH or high is None else high + top
    return list(zip(lows, highs, strict=True))


def _scope(parts: list[Part], k: int | None) -> dict[str, Any]:
    """Sums of `parts`, protected at threshold k (None: published as added up)."""
    spans = _sum_parts(parts)
    tables: list[list[list[Range]]] = []
    x = 0
    for _id, rows, cols in TABLE_LAYOUT:
        tables.append(
            [[spans[x + i * len(cols) + j] for j in range(len(cols))] for i in range(len(rows))]
        )
        x += len(rows) * len(cols)
    indicators = [(spans[x + 2 * i], spans[x + 2 * i + 1]) for i in range(len(INDICATOR_IDS))]
    layouts: list[dict[str, Any]] = [
        {"id": table_id, "rows": list(rows), "cols": list(cols)}
        for table_id, rows, cols in TABLE_LAYOUT
    ]
    if k is None:
        patterns: list[set[tuple[int, int]]] = [set() for _ in tables]
        completions = layouts
    else:
        # One whole-number table within the sums' ranges (the same for the same ranges, so
        # that rolling up roll-ups protects as rolling up their units does).
        completions = [
            {**lay, "cells": completion_of(lay["id"], lay["rows"], lay["cols"], cells)}
            for lay, cells in zip(layouts, tables, strict=True)
        ]
        primaries = [
            {
                (i, j)
                for i, row in enumerate(cells)
                for j, s in enumerate(row)
                if could_be_small(*s, k)
            }
            for cells in tables
        ]
        patterns = linked_patterns(completions, k, primaries)
    out_tables = [
        {
            **lay,
            "cells": [
                [None if (i, j) in pattern else _publish(*s) for j, s in enumerate(row)]
                for i, row in enumerate(cells)
            ],
        }
        for lay, cells, pattern in zip(layouts, tables, patterns, strict=True)
    ]
    out_indicators: list[dict[str, Any]] = []
    for indicator_id, (num, den) in zip(INDICATOR_IDS, indicators, strict=True):
        withheld = k is not None and indicator_withheld(
            num, den, k, linked=linked_withheld(completions, patterns, indicator_id)
        )
        if withheld:
            out_indicators.append({"id": indicator_id, "numerator": None, "denominator": None})
        else:
            out_indicators.append(
                {"id": indicator_id, "numerator": _publish(*num), "denominator": _publish(*den)}
            )
    units = sum(len(part.units) for part in parts)
    return {"units": units, "tables": out_tables, "indicators": out_indicators}


def _choose_period(
    periods: Counter[str], order: list[str], reports: list[dict[str, Any]]
) -> Period:
    if not order:
        reasons = "; ".join(f"{r['file']}: {r['reason']}" for r in reports[:10])
        raise AftercareError(
            _("No file is a valid summary, so the period is unknown ({reasons}).").format(
                reasons=reasons
            )
        )
    most = max(periods.values())
    return parse_period(next(label for label in order if periods[label] == most))


def _later(a: Input, b: Input | None) -> bool:
    return b is None or (a.generated_on, a.name, a.index) > (b.generated_on, b.name, b.index)


def _flag_trails_gone_back(
    trails: dict[str, list[tuple[str, int, int]]], reports: list[dict[str, Any]]
) -> None:
    """A unit's audit trail only grows, so a summary made on a later day with a lower
    `audit_seq` than one made before means the unit's vault was put back to an earlier copy
    of the whole folder, which the laptop alone cannot see. Such a file gets a `warning`."""
    for unit, made in trails.items():
        highest: tuple[int, int] | None = None  # (audit_seq, index) of the days before
        day_best: tuple[int, int] | None = None
        day = None
        for generated_on, seq, index in sorted(made):
            if generated_on != day:
                if day_best is not None and (highest is None or day_best[0] > highest[0]):
                    highest = day_best
                day, day_best = generated_on, None
            if highest is not None and seq < highest[0]:
                reports[index]["warning"] = _(
                    "The audit trail of unit {unit} went backwards: this summary was made at "
                    "entry {seq}, after {file} was made at entry {earlier}. The unit's vault "
                    "may have been put back to an earlier copy; ask the unit."
                ).format(unit=unit, seq=seq, file=reports[highest[1]]["file"], earlier=highest[0])
            if day_best is None or seq > day_best[0]:
                day_best = (seq, index)


def rollup(
    files: Iterable[tuple[str, bytes]],
    *,
    trust: dict[str, str] | None,
    threshold: int | None = 5,
    period: Period | None = None,
) -> dict[str, Any]:
    """The roll-up document of summary-v1 for `files` (name, content) of one period: unit
    summaries, or signed roll-ups of the level below (A3), or both. `files` may be a
    generator: each file is read, checked, reduced to its sums and let go. Threshold None
    publishes the sums unprotected (a roll-up for the office of the next level only)."""
    if threshold is not None:
        check_threshold(threshold)
    reports: list[dict[str, Any]] = []
    latest: dict[tuple[str, str, str], Input] = {}  # (period, kind, unit or office) -> input
    losers: dict[tuple[str, str, str], list[int]] = {}
    periods: Counter[str] = Counter()
    order: list[str] = []
    trails: dict[str, list[tuple[str, int, int]]] = {}  # unit -> (made on, audit_seq, index)
    for index, (name, data) in enumerate(files):
        report: dict[str, Any] = {"file": name, "status": "accepted", "unit": None, "reason": None}
        reports.append(report)
        try:
            found = read_input(index, name, data, trust)
        except AftercareError as exc:
            report.update(status="rejected", unit=claimed_code(data), reason=str(exc))
            continue
        report["unit"] = found.key
        if found.audit_seq is not None:
            trails.setdefault(found.key, []).append((found.generated_on, found.audit_seq, index))
        periods[found.period] += 1
        if found.period not in order:
            order.append(found.period)
        slot = (found.period, found.kind, found.key)
        kept = latest.get(slot)
        if kept is None or _later(found, kept):
            latest[slot] = found
        if kept is not None:
            losers.setdefault(slot, []).append(kept.index if latest[slot] is found else index)
    for slot, indexes in losers.items():
        winner = latest[slot]
        for loser in indexes:
            reports[loser].update(
                status="replaced",
                reason=_("Replaced by {file}, made on {date}.").format(
                    file=winner.name, date=winner.generated_on
                ),
            )

    _flag_trails_gone_back(trails, reports)
    target = period if period is not None else _choose_period(periods, order, reports)
    accepted: list[Input] = []
    counted: dict[str, str] = {}  # unit -> the file it is counted in
    kept_inputs = sorted(latest.values(), key=lambda i: (i.kind != "rollup", i.index))
    for item in kept_inputs:
        report = reports[item.index]
        if item.period != target.label:
            report.update(
                status="other_period",
                reason=_("A summary of {found}, not of {period}.").format(
                    found=item.period, period=target.label
                ),
            )
            continue
        twice = [u for u in item.units if u in counted]
        if twice:
            where = counted[twice[0]]
            report.update(
                status="replaced" if item.kind == "summary" else "rejected",
                reason=_("Unit {unit} is already counted in {file}.").format(
                    unit=", ".join(twice[:10]), file=where
                ),
            )
            continue
        counted.update(dict.fromkeys(item.units, item.name))
        accepted.append(item)
    accepted.sort(key=lambda i: i.index)
    by_prefecture: dict[str, list[Part]] = {}
    for item in accepted:
        for part in item.parts:
            by_prefecture.setdefault(part.prefecture, []).append(part)
    return {
        "format": FORMAT,
        "version": VERSION,
        "period": target.as_dict(),
        "protection": {
            "method": "none" if threshold is None else "suppression",
            "threshold": threshold,
        },
        "files": reports,
        "units": {
            code: sorted(u for part in by_prefecture[code] for u in part.units)
            for code in sorted(by_prefecture)
        },
        "province": _scope(
            [p for code in sorted(by_prefecture) for p in by_prefecture[code]], threshold
        ),
        "prefectures": {
            code: _scope(by_prefecture[code], threshold) for code in sorted(by_prefecture)
        },
    }


# --- trust list -------------------------------------------------------------------------------


def _record(item: Any, where: str) -> tuple[str, str]:
    if (
        not isinstance(item, dict)
        or not {"unit", "key_id"} <= set(item)
        or not set(item)
        <= {
            "unit",
            "prefecture",
            "key_id",
            "public_key",
        }
    ):
        raise AftercareError(
            _(
                "{where}: a unit key needs unit and key_id (prefecture, public_key optional)."
            ).format(where=where)
        )
    unit, kid = item["unit"], item["key_id"]
    if "public_key" in item:
        try:
            raw = base64.b64decode(str(item["public_key"]), validate=True)
        except (ValueError, binascii.Error):
            raw = b""
        if len(raw) != 32 or key_id(raw) != kid:
            raise AftercareError(
                _("{where}: the key_id of unit {unit} does not match its public key.").format(
                    where=where, unit=unit
                )
            )
    return unit, kid


def load_trust_file(path: str | Path) -> dict[str, str]:
    """The trust list: unit code -> key_id.

    The file is JSON, either an object {"350100-S01": "<key_id>", ...}, or one unit-key record
    as `aftercare unit-key` writes it (signing.unit_key_record: unit, prefecture, key_id,
    public_key), or a list of such records. A key_id is 16 lowercase hex digits; where a
    record has its public key, the key_id must be the one of that key. A unit listed twice
    with different keys is an error.
    """
    path = Path(path)
    try:
        data = json.loads(path.read_bytes().decode("utf-8"), object_pairs_hook=no_repeated_keys)
    except OSError as exc:
        raise AftercareError(_("Cannot read the trust list {path}.").format(path=path)) from exc
    except (UnicodeDecodeError, ValueError) as exc:
        raise AftercareError(
            _("The trust list {path} is not valid JSON.").format(path=path)
        ) from exc
    where = str(path)
    if isinstance(data, dict) and "unit" in data and "key_id" in data:
        pairs = [_record(data, where)]
    elif isinstance(data, list):
        pairs = [_record(item, f"{where}[{i}]") for i, item in enumerate(data)]
    elif isinstance(data, dict):
        pairs = list(data.items())
    else:
        raise AftercareError(
            _("The trust list {path} must be a JSON object or list.").format(path=path)
        )
    trust: dict[str, str] = {}
    for unit, kid in pairs:
        if not isinstance(unit, str) or not unit or not isinstance(kid, str) or not _is_key_id(kid):
            raise AftercareError(
                _("{where}: unit {unit} needs a key_id of 16 hex digits.").format(
                    where=where, unit=unit
                )
            )
        if trust.get(unit, kid) != kid:
            raise AftercareError(
                _("{where}: unit {unit} is listed with two different keys.").format(
                    where=where, unit=unit
                )
            )
        trust[unit] = kid
    return trust


def _is_key_id(text: str) -> bool:
    return len(text) == 16 and all(c in "0123456789abcdef" for c in text)
