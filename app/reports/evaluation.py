"""The plan's evaluation over periods (summary-v1, A4): every indicator, period by period.

`evaluate(files)` reads roll-ups (rollup.json, signed or not) or unit summaries of several
periods of one kind, and returns the `evaluation.json` document:

    {"format": "aftercare.evaluation", "version": 1,
     "periods": ["2023", "2024", "2025", "2026"],
     "files": [{"file", "period", "status", "reason"}],
     "province": {"indicators": {id: [{"period", "numerator", "denominator", "value"}, ...]},
                  "baseline": {id: {"period", "value"}}, "latest": {...}, "change": {id: ...}},
     "prefectures": {code: {... the same ...}}}

Readings of the amendment where it leaves a choice:
- `periods` runs from the first period read to the last, every period in between included:
  one with no file is a gap (numerator, denominator and value null, "missing": true), never
  a zero.
- A period's figures come from the roll-up of that period given last; the summaries of a
  period without a roll-up are rolled up here, at the roll-up's threshold (default 5).
  Other files of a period that has a roll-up are reported as "replaced".
- `value` is the share numerator / denominator (0 to 1); where either is a range it is the
  range of shares they allow, [lowest, highest]; null where withheld, missing or the
  denominator is 0.
- The baseline is the first period with a value, the latest the last one; `change` is
  latest minus baseline (a range when either is), null when only one period has a value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from app.errors import AftercareError
from app.i18n import _
from app.reports.periods import parse_period
from app.reports.rollup import rollup
from app.reports.rollup_inputs import ROLLUP_FORMAT, check_scope, parse_json
from app.reports.summary_format import FORMAT as SUMMARY_FORMAT
from app.reports.tables import INDICATOR_IDS

FORMAT = "aftercare.evaluation"
VERSION = 1

Share = float | list[float] | None
Count = int | list[int | None] | None


def period_kind(label: str) -> str:
    if re.fullmatch(r"\d{4}", label):
        return "year"
    return "quarter" if "Q" in label else "month"


def _next(label: str) -> str:
    kind = period_kind(label)
    if kind == "year":
        return str(int(label) + 1)
    year, part = label.split("-")
    if kind == "quarter":
        q = int(part[1])
        return f"{int(year) + 1}-Q1" if q == 4 else f"{year}-Q{q + 1}"
    m = int(part)
    return f"{int(year) + 1}-01" if m == 12 else f"{year}-{m + 1:02d}"


def period_range(first: str, last: str) -> list[str]:
    out = [first]
    while out[-1] != last:
        out.append(_next(out[-1]))
    return out


def _bounds(value: Count) -> tuple[int, int | None] | None:
    if value is None:
        return None
    if isinstance(value, int):
        return value, value
    return value[0] or 0, value[1]


def share(numerator: Count, denominator: Count) -> Share:
    """numerator / denominator, or the range of it where either is a range."""
    n, d = _bounds(numerator), _bounds(denominator)
    if n is None or d is None or d[1] == 0:
        return None
    if n == (n[0], n[0]) and d == (d[0], d[0]):
        return round(n[0] / d[0], 6) if d[0] else None
    low = 0.0 if d[1] is None else n[0] / d[1]
    high = 1.0 if n[1] is None or d[0] == 0 else min(1.0, n[1] / d[0])
    return [round(low, 6), round(max(low, high), 6)]


def _change(baseline: Share, latest: Share) -> Share:
    if baseline is None or latest is None:
        return None
    if isinstance(baseline, float) and isinstance(latest, float):
        return round(latest - baseline, 6)
    b = baseline if isinstance(baseline, list) else [baseline, baseline]
    la = latest if isinstance(latest, list) else [latest, latest]
    return [round(la[0] - b[1], 6), round(la[1] - b[0], 6)]


def _series(scopes: dict[str, dict[str, Any] | None], periods: list[str]) -> dict[str, Any]:
    """Per indicator the points over `periods` (scope None: missing), baseline, latest."""
    indicators: dict[str, list[dict[str, Any]]] = {}
    for indicator_id in INDICATOR_IDS:
        points: list[dict[str, Any]] = []
        for label in periods:
            scope = scopes.get(label)
            found = (
                next((i for i in scope["indicators"] if i["id"] == indicator_id), None)
                if scope is not None
                else None
            )
            if found is None:
                points.append(
                    {
                        "period": label,
                        "numerator": None,
                        "denominator": None,
                        "value": None,
                        "missing": True,
                    }
                )
                continue
            n, d = found["numerator"], found["denominator"]
            points.append({"period": label, "numerator": n, "denominator": d, "value": share(n, d)})
        indicators[indicator_id] = points
    baseline: dict[str, dict[str, Any]] = {}
    latest: dict[str, dict[str, Any]] = {}
    change: dict[str, Any] = {}
    for indicator_id, points in indicators.items():
        valued = [p for p in points if p["value"] is not None]
        if valued:
            first, last = valued[0], valued[-1]
            baseline[indicator_id] = {"period": first["period"], "value": first["value"]}
            latest[indicator_id] = {"period": last["period"], "value": last["value"]}
            # One period with a value has no change to show.
            change[indicator_id] = None if first is last else _change(first["value"], last["value"])
    return {"indicators": indicators, "baseline": baseline, "latest": latest, "change": change}


def evaluate(
    files: Iterable[tuple[str, bytes]], *, threshold: int = 5, trust: dict[str, str] | None = None
) -> dict[str, Any]:
    """The evaluation document for `files` (name, content): roll-ups or summaries."""
    reports: list[dict[str, Any]] = []
    rollups: dict[str, tuple[int, dict[str, Any]]] = {}
    summaries: dict[str, list[tuple[int, str, bytes]]] = {}
    for index, (name, data) in enumerate(files):
        report: dict[str, Any] = {
            "file": name,
            "period": None,
            "status": "accepted",
            "reason": None,
        }
        reports.append(report)
        try:
            doc = parse_json(data)
            if not isinstance(doc, dict) or doc.get("format") not in (
                ROLLUP_FORMAT,
                SUMMARY_FORMAT,
            ):
                raise AftercareError(_("The file is neither a roll-up nor a summary."))
            label = parse_period(str((doc.get("period") or {}).get("label"))).label
            if doc["format"] == ROLLUP_FORMAT:
                check_scope(doc.get("province"), "province")
                for code, scope in (doc.get("prefectures") or {}).items():
                    check_scope(scope, code)
        except (AftercareError, AttributeError) as exc:
            report.update(status="rejected", reason=str(exc))
            continue
        report["period"] = label
        if doc["format"] == ROLLUP_FORMAT:
            earlier = rollups.get(label)
            if earlier is not None:
                reports[earlier[0]].update(
                    status="replaced",
                    reason=_("Replaced by {file}.").format(file=name),
                )
            rollups[label] = (index, doc)
        else:
            summaries.setdefault(label, []).append((index, name, data))

    kinds = {period_kind(label) for label in (*rollups, *summaries)}
    if not kinds:
        raise AftercareError(_("No file is a roll-up or a summary that can be evaluated."))
    if len(kinds) > 1:
        raise AftercareError(
            _(
                "The files are of periods of different kinds ({kinds}): evaluate years, or quarters, or months."
            ).format(kinds=", ".join(sorted(kinds)))
        )
    scopes: dict[str, dict[str, Any]] = {label: doc for label, (_i, doc) in rollups.items()}
    for label, items in summaries.items():
        if label in scopes:
            for index, _name, _data in items:
                reports[index].update(
                    status="replaced",
                    reason=_("The roll-up of {period} is used.").format(period=label),
                )
            continue
        scopes[label] = rollup(
            [(name, data) for _i, name, data in items], trust=trust, threshold=threshold
        )
        for (index, _n, _d), entry in zip(items, scopes[label]["files"], strict=True):
            if entry["status"] != "accepted":
                reports[index].update(status=entry["status"], reason=entry["reason"])
    ordered = sorted(scopes, key=lambda label: parse_period(label).start)
    periods = period_range(ordered[0], ordered[-1])
    prefecture_codes = sorted(
        {code for doc in scopes.values() for code in doc.get("prefectures", {})}
    )
    return {
        "format": FORMAT,
        "version": VERSION,
        "periods": periods,
        "files": reports,
        "province": _series({label: doc["province"] for label, doc in scopes.items()}, periods),
        "prefectures": {
            code: _series(
                {label: doc.get("prefectures", {}).get(code) for label, doc in scopes.items()},
                periods,
            )
            for code in prefecture_codes
        },
    }
