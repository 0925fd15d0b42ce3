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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.errors import AftercareError
from app.i18n import _
from app.reports.periods import Period, parse_period
from app.reports.signing import key_id, verify_summary
from app.reports.summary_format import validate_summary_document
from app.reports.suppression import (
    bounds_of,
    check_threshold,
    could_be_small,
    indicator_withheld,
    linked_patterns,
    linked_withheld,
)
from app.reports.tables import ACTIVE_CELLS, INDICATOR_CELLS, TABLE_LAYOUT, CellRef

FORMAT = "aftercare.rollup"
VERSION = 1

# A cell's contribution: (low, high or None for unbounded, value in one consistent completion).
Span = tuple[int, int | None, int]


@dataclass
class _Summary:
    index: int
    name: str
    doc: dict[str, Any]
    tables: list[list[list[Span]]]  # per table, per row, per column
    indicators: list[tuple[Span, Span]]  # (numerator, denominator)

    @property
    def unit(self) -> str:
        return self.doc["unit"]["code"]


# --- reading and checking one file ------------------------------------------------------------


def _no_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise ValueError(key)
        obj[key] = value
    return obj


def _parse(data: bytes) -> Any:
    try:
        doc = json.loads(data.decode("utf-8"), object_pairs_hook=_no_repeated_keys)
        # An escaped lone surrogate ("\ud800") parses, but is no text: it cannot be written
        # back as UTF-8 (the signature check and the outputs would fail on it).
        json.dumps(doc, ensure_ascii=False).encode("utf-8")
    except (UnicodeError, ValueError, RecursionError) as exc:
        raise AftercareError(_("The file is not valid UTF-8 JSON.")) from exc
    return doc


def _add(a: Span, b: Span) -> Span:
    high = None if a[1] is None or b[1] is None else a[1] + b[1]
    return a[0] + b[0], high, a[2] + b[2]


def _cell_ref(ref: CellRef) -> tuple[int, int, int]:
    table_id, row, col = ref
    for t, (layout_id, rows, cols) in enumerate(TABLE_LAYOUT):
        if layout_id == table_id:
            return t, rows.index(row), cols.index(col)
    raise KeyError(table_id)


def _sum_refs(tables: list[list[list[Span]]], refs: tuple[CellRef, ...]) -> Span:
    total: Span = (0, 0, 0)
    for ref in refs:
        t, i, j = _cell_ref(ref)
        total = _add(total, tables[t][i][j])
    return total


def _table_spans(table: dict[str, Any]) -> list[list[Span]]:
    cells = table["cells"]
    if not any(value is None for row in cells for value in row):
        return [[(v, v, v) for v in row] for row in cells]
    bounds = bounds_of(table)
    return [
        [
            (v, v, v) if v is not None else (*bounds.intervals[(i, j)], bounds.completion[i][j])
            for j, v in enumerate(row)
        ]
        for i, row in enumerate(cells)
    ]


def _indicator_spans(
    indicator: dict[str, Any], tables: list[list[list[Span]]]
) -> tuple[Span, Span]:
    num_refs, den_refs = INDICATOR_CELLS[indicator["id"]]
    n, d = indicator["numerator"], indicator["denominator"]
    if d is not None:
        den: Span = (d, d, d)
    elif den_refs:
        den = _sum_refs(tables, den_refs)
    else:
        active = _sum_refs(tables, ACTIVE_CELLS)
        den = (0, active[1], 0)
    if n is not None:
        num: Span = (n, n, n)
    elif num_refs:
        num = _sum_refs(tables, num_refs)
    else:
        num = (0, den[1], 0)
    return num, den


def _read(index: int, name: str, data: bytes, trust: dict[str, str] | None) -> _Summary:
    doc = _parse(data)
    validate_summary_document(doc)
    verify_summary(doc)
    unit = doc["unit"]["code"]
    if trust is not None:
        expected = trust.get(unit)
        signed_by = doc["signature"]["key_id"]
        if expected is None:
            raise AftercareError(_("Unit {unit} is not in the trust list.").format(unit=unit))
        if signed_by != expected:
            raise AftercareError(
                _("Signed with key {key_id}, not with the key registered for unit {unit}.").format(
                    key_id=signed_by, unit=unit
                )
            )
    tables = [_table_spans(table) for table in doc["tables"]]
    indicators = [_indicator_spans(ind, tables) for ind in doc["indicators"]]
    return _Summary(index, name, doc, tables, indicators)


def _unit_of(data: bytes) -> str | None:
    """The unit code a file claims, for the report on a rejected file, if it can be read."""
    try:
        unit = _parse(data).get("unit", {}).get("code")
    except (AftercareError, AttributeError):
        return None
    return unit if isinstance(unit, str) else None


# --- adding up and protecting -----------------------------------------------------------------


def _zero_scope() -> tuple[list[list[list[Span]]], list[tuple[Span, Span]]]:
    tables = [[[(0, 0, 0) for _ in cols] for _ in rows] for _id, rows, cols in TABLE_LAYOUT]
    indicators = [((0, 0, 0), (0, 0, 0)) for _ in INDICATOR_CELLS]
    return tables, indicators


def _publish(low: int, high: int | None) -> int | list[int | None]:
    return low if low == high else [low, high]


def _scope(summaries: list[_Summary], k: int) -> dict[str, Any]:
    """Sums of `summaries`, protected at threshold k."""
    tables, indicators = _zero_scope()
    for summary in summaries:
        for t, table in enumerate(summary.tables):
            for i, row in enumerate(table):
                for j, span in enumerate(row):
                    tables[t][i][j] = _add(tables[t][i][j], span)
        for x, (num, den) in enumerate(summary.indicators):
            indicators[x] = (_add(indicators[x][0], num), _add(indicators[x][1], den))
    completions = [
        {
            "id": table_id,
            "rows": list(rows),
            "cols": list(cols),
            "cells": [[s[2] for s in row] for row in cells],
        }
        for (table_id, rows, cols), cells in zip(TABLE_LAYOUT, tables, strict=True)
    ]
    primaries = [
        {
            (i, j)
            for i, row in enumerate(cells)
            for j, s in enumerate(row)
            if could_be_small(s[0], s[1], k)
        }
        for cells in tables
    ]
    patterns = linked_patterns(completions, k, primaries)
    out_tables = [
        {
            **completion,
            "cells": [
                [None if (i, j) in pattern else _publish(s[0], s[1]) for j, s in enumerate(row)]
                for i, row in enumerate(cells)
            ],
        }
        for completion, cells, pattern in zip(completions, tables, patterns, strict=True)
    ]
    out_indicators = []
    for indicator_id, (num, den) in zip(INDICATOR_CELLS, indicators, strict=True):
        linked = linked_withheld(completions, patterns, indicator_id)
        if indicator_withheld(num[:2], den[:2], k, linked=linked):
            out_indicators.append({"id": indicator_id, "numerator": None, "denominator": None})
        else:
            out_indicators.append(
                {
                    "id": indicator_id,
                    "numerator": _publish(*num[:2]),
                    "denominator": _publish(*den[:2]),
                }
            )
    return {"units": len(summaries), "tables": out_tables, "indicators": out_indicators}


def _choose_period(valid: list[_Summary], reports: list[dict[str, Any]]) -> Period:
    if not valid:
        reasons = "; ".join(f"{r['file']}: {r['reason']}" for r in reports)
        raise AftercareError(
            _("No file is a valid summary, so the period is unknown ({reasons}).").format(
                reasons=reasons
            )
        )
    labels = [summary.doc["period"]["label"] for summary in valid]
    counts = Counter(labels)
    most = max(counts.values())
    return parse_period(next(label for label in labels if counts[label] == most))


def rollup(
    files: list[tuple[str, bytes]],
    *,
    trust: dict[str, str] | None,
    threshold: int = 5,
    period: Period | None = None,
) -> dict[str, Any]:
    """The roll-up document of summary-v1 for `files` (name, content) of one period."""
    check_threshold(threshold)
    reports: list[dict[str, Any]] = []
    valid: list[_Summary] = []
    for index, (name, data) in enumerate(files):
        report: dict[str, Any] = {"file": name, "status": "accepted", "unit": None, "reason": None}
        reports.append(report)
        try:
            summary = _read(index, name, data, trust)
        except AftercareError as exc:
            report.update(status="rejected", unit=_unit_of(data), reason=str(exc))
            continue
        report["unit"] = summary.unit
        valid.append(summary)

    target = period if period is not None else _choose_period(valid, reports)
    latest: dict[str, _Summary] = {}
    for summary in valid:
        label = summary.doc["period"]["label"]
        if label != target.label:
            reports[summary.index].update(
                status="other_period",
                reason=_("A summary of {found}, not of {period}.").format(
                    found=label, period=target.label
                ),
            )
            continue
        key = (summary.doc["generated_on"], summary.name, summary.index)
        kept = latest.get(summary.unit)
        if kept is None or key > (kept.doc["generated_on"], kept.name, kept.index):
            latest[summary.unit] = summary
    for summary in valid:
        kept = latest.get(summary.unit)
        if (
            kept is not None
            and kept is not summary
            and reports[summary.index]["status"] == "accepted"
        ):
            reports[summary.index].update(
                status="replaced",
                reason=_("Replaced by {file}, made on {date}.").format(
                    file=kept.name, date=kept.doc["generated_on"]
                ),
            )

    accepted = sorted(latest.values(), key=lambda s: s.index)
    by_prefecture: dict[str, list[_Summary]] = {}
    for summary in accepted:
        by_prefecture.setdefault(summary.doc["unit"]["prefecture"], []).append(summary)
    return {
        "format": FORMAT,
        "version": VERSION,
        "period": target.as_dict(),
        "protection": {"method": "suppression", "threshold": threshold},
        "files": reports,
        "province": _scope(accepted, threshold),
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
        data = json.loads(path.read_bytes().decode("utf-8"), object_pairs_hook=_no_repeated_keys)
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
