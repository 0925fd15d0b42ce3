"""The summary document (summary-v1): assembling it and checking one read from a file.

`validate_summary_document` checks everything but the signature (signing.verify_summary
does that): keys, format and version, the unit, the period, the protection, and each table
and indicator against the layout of tables.py. A `signature` member is allowed but not
required, so a document can be checked before it is signed.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, NoReturn

from app.errors import AftercareError
from app.i18n import _
from app.reports.periods import Period, parse_period
from app.reports.signing import SIGNATURE_KEYS
from app.reports.suppression import check_threshold
from app.reports.tables import INDICATOR_IDS, TABLE_LAYOUT

FORMAT = "aftercare.summary"
VERSION = 1
DOCUMENT_KEYS = (
    "format",
    "version",
    "unit",
    "period",
    "generated_on",
    "software",
    "protection",
    "tables",
    "indicators",
)
_PREFECTURE = re.compile(r"\d{6}")
# Optional: the sequence number of the unit's audit trail head when the summary was made
# (app.vault.audit_head), so the roll-up sees a unit whose trail went backwards.
AUDIT_SEQ = "audit_seq"


def protection_for(threshold: int | None) -> dict[str, Any]:
    """The `protection` member: exact counts for None, else suppression at `threshold`."""
    if threshold is None:
        return {"method": "none", "threshold": None}
    check_threshold(threshold)
    return {"method": "suppression", "threshold": threshold}


def make_summary_document(
    unit_code: str,
    prefecture: str,
    period: Period,
    generated_on: dt.date,
    software: str,
    body: dict[str, Any],
    protection: dict[str, Any],
    audit_seq: int | None = None,
) -> dict[str, Any]:
    """The unsigned summary; `body` is what tables.build_summary_body (and, for
    suppression, suppression.protect_body) returned, `protection` from `protection_for`."""
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "unit": {"code": unit_code, "prefecture": prefecture},
        "period": period.as_dict(),
        "generated_on": generated_on.isoformat(),
        "software": software,
        "protection": dict(protection),
        "tables": body["tables"],
        "indicators": body["indicators"],
    }
    if audit_seq is not None:
        doc[AUDIT_SEQ] = audit_seq
    validate_summary_document(doc)
    return doc


def _fail(message: str, **values: Any) -> NoReturn:
    raise AftercareError(message.format(**values))


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _exact_keys(obj: Any, keys: tuple[str, ...] | set[str], where: str) -> None:
    if not isinstance(obj, dict):
        _fail(_("{where} must be an object."), where=where)
    unknown = sorted(set(obj) - set(keys))
    if unknown:
        _fail(_("{where}: unknown key {key}."), where=where, key=unknown[0])
    missing = [key for key in keys if key not in obj]
    if missing:
        _fail(_("{where}: missing key {key}."), where=where, key=missing[0])


def _date(text: Any, where: str) -> dt.date:
    try:
        if not isinstance(text, str) or len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        _fail(_("{where} is not a date (YYYY-MM-DD)."), where=where)


def _check_protection(protection: Any) -> int | None:
    _exact_keys(protection, ("method", "threshold"), "protection")
    method, k = protection["method"], protection["threshold"]
    if method == "none" and k is None:
        return None
    if method == "suppression" and isinstance(k, int) and not isinstance(k, bool) and k >= 3:
        return k
    _fail(
        _(
            "protection must be method none with threshold null, or method suppression with "
            "a whole-number threshold of 3 or more."
        )
    )


def _check_line(values: list[Any], total: Any, where: str) -> None:
    """A total against its parts: equal when all are known, never below the known parts."""
    known = [v for v in values if v is not None]
    if total is None:
        return
    if len(known) == len(values) and sum(known) != total:
        _fail(
            _("{where}: the total {total} is not the sum of its parts."), where=where, total=total
        )
    if sum(known) > total:
        _fail(
            _("{where}: the parts add up to more than the total {total}."), where=where, total=total
        )


def _check_table(
    table: Any, expected: tuple[str, tuple[str, ...], tuple[str, ...]], k: int | None
) -> None:
    table_id, rows, cols = expected
    where = _("table {table}").format(table=table_id)
    _exact_keys(table, ("id", "rows", "cols", "cells"), where)
    if table["id"] != table_id:
        _fail(
            _("Table {found} is where table {table} should be."), found=table["id"], table=table_id
        )
    if table["rows"] != list(rows) or table["cols"] != list(cols):
        _fail(_("{where}: the rows or columns are not those of summary-v1."), where=where)
    cells = table["cells"]
    if not isinstance(cells, list) or len(cells) != len(rows):
        _fail(_("{where}: cells must have one list per row."), where=where)
    for i, row in enumerate(cells):
        if not isinstance(row, list) or len(row) != len(cols):
            _fail(_("{where}, row {row}: wrong number of cells."), where=where, row=rows[i])
        for j, value in enumerate(row):
            if value is None:
                if k is None:
                    _fail(
                        _(
                            "{where}, row {row}, column {col}: a withheld count in a file without suppression."
                        ),
                        where=where,
                        row=rows[i],
                        col=cols[j],
                    )
                continue
            if not _is_count(value):
                _fail(
                    _(
                        "{where}, row {row}, column {col}: not a count (a whole number of 0 or more)."
                    ),
                    where=where,
                    row=rows[i],
                    col=cols[j],
                )
            if k is not None and 1 <= value <= k - 1:
                _fail(
                    _(
                        "{where}, row {row}, column {col}: the count {value} is below the threshold {k}."
                    ),
                    where=where,
                    row=rows[i],
                    col=cols[j],
                    value=value,
                    k=k,
                )
        _check_line(row[:-1], row[-1], f"{where}, {rows[i]}")
    if rows[-1] == "total":
        for j, col in enumerate(cols):
            column = [row[j] for row in cells]
            _check_line(column[:-1], column[-1], f"{where}, {col}")


def _check_indicator(indicator: Any, indicator_id: str, k: int | None) -> None:
    where = _("indicator {indicator}").format(indicator=indicator_id)
    _exact_keys(indicator, ("id", "numerator", "denominator"), where)
    if indicator["id"] != indicator_id:
        _fail(
            _("Indicator {found} is where indicator {indicator} should be."),
            found=indicator["id"],
            indicator=indicator_id,
        )
    n, d = indicator["numerator"], indicator["denominator"]
    for value in (n, d):
        if value is None and k is None:
            _fail(_("{where}: a withheld count in a file without suppression."), where=where)
        if value is not None and not _is_count(value):
            _fail(_("{where}: not a count (a whole number of 0 or more)."), where=where)
        if value is not None and k is not None and 1 <= value <= k - 1:
            _fail(_("{where}: a count below the threshold {k}."), where=where, k=k)
    if n is not None and d is not None and n > d:
        _fail(_("{where}: the numerator is larger than the denominator."), where=where)


def validate_summary_document(doc: Any) -> None:
    """Raise AftercareError naming the first thing about `doc` that is not summary-v1."""
    if not isinstance(doc, dict):
        _fail(_("The summary must be a JSON object."))
    optional = {"signature", AUDIT_SEQ} & set(doc)
    _exact_keys(doc, set(DOCUMENT_KEYS) | optional, _("the summary"))
    seq = doc.get(AUDIT_SEQ, 0)
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        _fail(_("audit_seq must be a whole number, 0 or more."))
    if doc["format"] != FORMAT:
        _fail(_("The file is not a summary (format is not {format})."), format=FORMAT)
    if doc["version"] != VERSION or isinstance(doc["version"], bool):
        _fail(_("Summary version {version} is not supported."), version=doc["version"])
    unit = doc["unit"]
    _exact_keys(unit, ("code", "prefecture"), "unit")
    if not isinstance(unit["code"], str) or not unit["code"].strip():
        _fail(_("unit.code must be a non-empty text."))
    if not isinstance(unit["prefecture"], str) or not _PREFECTURE.fullmatch(unit["prefecture"]):
        _fail(_("unit.prefecture must be a six-digit division code."))
    period = doc["period"]
    _exact_keys(period, ("label", "start", "end"), "period")
    expected = parse_period(period["label"]) if isinstance(period["label"], str) else None
    if expected is None or expected.as_dict() != period:
        _fail(
            _("period: start and end are not the first and last days of {label}."),
            label=period["label"],
        )
    _date(doc["generated_on"], "generated_on")
    if not isinstance(doc["software"], str):
        _fail(_("software must be a text."))
    k = _check_protection(doc["protection"])
    tables, indicators = doc["tables"], doc["indicators"]
    if not isinstance(tables, list) or len(tables) != len(TABLE_LAYOUT):
        _fail(_("The summary must have the {count} tables of summary-v1."), count=len(TABLE_LAYOUT))
    for table, expected_table in zip(tables, TABLE_LAYOUT, strict=True):
        _check_table(table, expected_table, k)
    if not isinstance(indicators, list) or len(indicators) != len(INDICATOR_IDS):
        _fail(
            _("The summary must have the {count} indicators of summary-v1."),
            count=len(INDICATOR_IDS),
        )
    for indicator, indicator_id in zip(indicators, INDICATOR_IDS, strict=True):
        _check_indicator(indicator, indicator_id, k)
    if "signature" in doc:
        _exact_keys(doc["signature"], SIGNATURE_KEYS, "signature")
