"""One input of a roll-up, read, checked and reduced to what the roll-up adds up.

An input is a unit's summary, or a signed roll-up of the level below (summary-v1, A3). It
becomes one *part* per prefecture it covers: the prefecture code and a flat array of
(low, high) per table cell (in TABLE_LAYOUT order) then per indicator (numerator,
denominator), high -1 for "no upper bound". The roll-up streams: it keeps these arrays
(a few kilobytes per unit), never the documents.
"""

from __future__ import annotations

import json
from array import array
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from app.errors import AftercareError
from app.i18n import _
from app.reports.signing import verify_summary
from app.reports.summary_format import validate_summary_document
from app.reports.suppression import Range, check_threshold, ranges_of
from app.reports.tables import ACTIVE_CELLS, INDICATOR_CELLS, INDICATOR_IDS, TABLE_LAYOUT, CellRef

ROLLUP_FORMAT = "aftercare.rollup"
ROLLUP_VERSION = 1
NO_HIGH = -1


@dataclass
class Part:
    prefecture: str
    units: list[str]
    spans: array  # type: ignore[type-arg]  # 'q': low, high (NO_HIGH) per cell, then indicators


@dataclass
class Input:
    index: int
    name: str
    kind: str  # "summary" or "rollup"
    key: str  # the unit's code, or the office's for a roll-up
    period: str
    generated_on: str
    parts: list[Part]
    audit_seq: int | None = None  # a summary's optional audit head (summary_format.AUDIT_SEQ)

    @property
    def units(self) -> list[str]:
        return [u for part in self.parts for u in part.units]


def no_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A json object hook that refuses a key given twice (which one would count?)."""
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise ValueError(key)
        obj[key] = value
    return obj


def parse_json(data: bytes) -> Any:
    try:
        doc = json.loads(data.decode("utf-8"), object_pairs_hook=no_repeated_keys)
        # An escaped lone surrogate ("\ud800") parses, but is no text: it cannot be written
        # back as UTF-8 (the signature check and the outputs would fail on it).
        json.dumps(doc, ensure_ascii=False).encode("utf-8")
    except (UnicodeError, ValueError, RecursionError) as exc:
        raise AftercareError(_("The file is not valid UTF-8 JSON.")) from exc
    return doc


def _cell_index() -> dict[CellRef, int]:
    index, n = {}, 0
    for table_id, rows, cols in TABLE_LAYOUT:
        for row in rows:
            for col in cols:
                index[(table_id, row, col)] = n
                n += 1
    return index


CELL = _cell_index()
N_CELLS = len(CELL)
N_SPANS = N_CELLS + 2 * len(INDICATOR_IDS)


def _sum(spans: list[Range], refs: tuple[CellRef, ...]) -> Range:
    low = 0
    high_or_none: int | None = 0
    for ref in refs:
        lo, hi = spans[CELL[ref]]
        low += lo
        high_or_none = None if high_or_none is None or hi is None else high_or_none + hi
    return low, high_or_none


def _indicator(value: Any, refs: tuple[CellRef, ...], fallback: Range, spans: list[Range]) -> Range:
    if isinstance(value, int):
        return value, value
    if isinstance(value, list):
        return value[0], value[1]
    return _sum(spans, refs) if refs else fallback


def _indicator_spans(indicators: list[dict[str, Any]], spans: list[Range]) -> list[Range]:
    out: list[Range] = []
    active = _sum(spans, ACTIVE_CELLS)
    for ind in indicators:
        num_refs, den_refs = INDICATOR_CELLS[ind["id"]]
        den = _indicator(ind["denominator"], den_refs, (0, active[1]), spans)
        num = _indicator(ind["numerator"], num_refs, (0, den[1]), spans)
        out += [num, den]
    return out


@lru_cache(maxsize=4096)
def _withheld_ranges(t: int, cells: tuple[tuple[Range | None, ...], ...]) -> tuple[Range, ...]:
    """Every cell's range, withheld ones worked out from the rest of the table. Cached:
    small units send the same small tables again and again (and it is pure)."""
    table_id, rows, cols = TABLE_LAYOUT[t]
    known = [[(0, None) if c is None else c for c in row] for row in cells]
    ranges, _completion = ranges_of(table_id, rows, cols, known)
    return tuple(c for row in ranges for c in row)


def _table_ranges(t: int, cells: tuple[tuple[Range | None, ...], ...]) -> tuple[Range, ...]:
    if any(c is None for row in cells for c in row):
        return _withheld_ranges(t, cells)
    return tuple(c for row in cells for c in row if c is not None)


def _range(value: Any) -> Range | None:
    if value is None:
        return None
    if isinstance(value, int):
        return value, value
    return value[0], value[1]


def _scope_spans(tables: list[dict[str, Any]], indicators: list[dict[str, Any]]) -> array:  # type: ignore[type-arg]
    spans: list[Range] = []
    for t, table in enumerate(tables):
        cells = tuple(tuple(_range(v) for v in row) for row in table["cells"])
        spans += _table_ranges(t, cells)
    spans += _indicator_spans(indicators, spans)
    flat = array("q")
    for low, high in spans:
        flat.append(low)
        flat.append(NO_HIGH if high is None else high)
    return flat


def _check_trust(code: str, doc: dict[str, Any], trust: dict[str, str] | None) -> None:
    if trust is None:
        return
    expected = trust.get(code)
    signed_by = doc["signature"]["key_id"]
    if expected is None:
        raise AftercareError(_("Unit {unit} is not in the trust list.").format(unit=code))
    if signed_by != expected:
        raise AftercareError(
            _("Signed with key {key_id}, not with the key registered for unit {unit}.").format(
                key_id=signed_by, unit=code
            )
        )


def read_input(index: int, name: str, data: bytes, trust: dict[str, str] | None) -> Input:
    """The input in `data`, checked (format, signature, trust list, tables that add up);
    AftercareError with the reason otherwise."""
    doc = parse_json(data)
    if isinstance(doc, dict) and doc.get("format") == ROLLUP_FORMAT:
        return _read_rollup(index, name, doc, trust)
    validate_summary_document(doc)
    verify_summary(doc)
    unit = doc["unit"]["code"]
    _check_trust(unit, doc, trust)
    part = Part(doc["unit"]["prefecture"], [unit], _scope_spans(doc["tables"], doc["indicators"]))
    return Input(
        index,
        name,
        "summary",
        unit,
        doc["period"]["label"],
        doc["generated_on"],
        [part],
        doc.get("audit_seq"),
    )


def claimed_code(data: bytes) -> str | None:
    """The unit (or office) code a file claims, for the report on a rejected file."""
    try:
        doc = parse_json(data)
        code = (doc.get("office") or doc.get("unit") or {}).get("code")
    except (AftercareError, AttributeError):
        return None
    return code if isinstance(code, str) else None


# --- a signed roll-up as an input (A3) ----------------------------------------------------------


def _bad(where: str) -> AftercareError:
    return AftercareError(_("The roll-up's {where} is not that of summary-v1.").format(where=where))


def check_scope(scope: Any, where: str) -> None:
    """Raise AftercareError unless `scope` has the tables and indicators of summary-v1, with
    counts, ranges or withheld cells."""
    if not isinstance(scope, dict) or not isinstance(scope.get("tables"), list):
        raise _bad(where)
    tables, indicators = scope["tables"], scope.get("indicators")
    if len(tables) != len(TABLE_LAYOUT) or not isinstance(indicators, list):
        raise _bad(where)
    for table, (table_id, rows, cols) in zip(tables, TABLE_LAYOUT, strict=True):
        if (
            not isinstance(table, dict)
            or table.get("id") != table_id
            or table.get("rows") != list(rows)
            or table.get("cols") != list(cols)
            or not isinstance(table.get("cells"), list)
            or len(table["cells"]) != len(rows)
        ):
            raise _bad(f"{where}: {table_id}")
        for row in table["cells"]:
            if not isinstance(row, list) or len(row) != len(cols):
                raise _bad(f"{where}: {table_id}")
            for value in row:
                _check_value(value, f"{where}: {table_id}")
    if [i.get("id") if isinstance(i, dict) else None for i in indicators] != list(INDICATOR_IDS):
        raise _bad(f"{where}: indicators")
    for ind in indicators:
        _check_value(ind.get("numerator"), f"{where}: {ind['id']}")
        _check_value(ind.get("denominator"), f"{where}: {ind['id']}")


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _check_value(value: Any, where: str) -> None:
    if value is None or _is_count(value):
        return
    if (
        isinstance(value, list)
        and len(value) == 2
        and _is_count(value[0])
        and (value[1] is None or (_is_count(value[1]) and value[1] >= value[0]))
    ):
        return
    raise _bad(where)


def _read_rollup(index: int, name: str, doc: dict[str, Any], trust: dict[str, str] | None) -> Input:
    if doc.get("version") != ROLLUP_VERSION or isinstance(doc.get("version"), bool):
        raise AftercareError(
            _("Roll-up version {version} is not supported.").format(version=doc.get("version"))
        )
    if "signature" not in doc:
        raise AftercareError(
            _("The roll-up is not signed: only a signed roll-up can be rolled up again.")
        )
    office = doc.get("office")
    if not isinstance(office, dict) or not isinstance(office.get("code"), str):
        raise _bad("office")
    verify_summary(doc)
    _check_trust(office["code"], doc, trust)
    protection = doc.get("protection")
    if not isinstance(protection, dict):
        raise _bad("protection")
    if protection.get("threshold") is not None:
        check_threshold(protection["threshold"])
    period = doc.get("period")
    if not isinstance(period, dict) or not isinstance(period.get("label"), str):
        raise _bad("period")
    units = doc.get("units")
    prefectures = doc.get("prefectures")
    if (
        not isinstance(units, dict)
        or not isinstance(prefectures, dict)
        or set(units) != set(prefectures)
    ):
        raise _bad("units")
    parts = []
    for code in sorted(prefectures):
        codes = units[code]
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            raise _bad(f"units {code}")
        scope = prefectures[code]
        check_scope(scope, code)
        parts.append(Part(code, list(codes), _scope_spans(scope["tables"], scope["indicators"])))
    made = doc.get("generated_on")
    return Input(index, name, "rollup", office["code"], period["label"], str(made or ""), parts)
