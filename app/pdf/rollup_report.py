"""The PJC Office's roll-up (rollup.json of summary-v1) as a PDF report.

It says for which period, how the published counts are protected, how many units reported
and did not per prefecture, the indicators of the province and by prefecture as charts and
tables, the provincial tables, the tables of each prefecture, the files read (counts by
result and the first problems; rollup.json lists every file), and an annex of the units'
codes by prefecture, consecutive codes written as one run (20,000 units fit on a few pages).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.platypus import Flowable

from app.codes import prefecture_label
from app.i18n import N_, _, format_number
from app.pdf import layout
from app.pdf.layout import PageInfo, list_table, para
from app.pdf.summary import (
    data_table,
    indicator_bar,
    indicator_chart,
    indicator_table,
    protection_text,
)
from app.summary_labels import indicator_title, period_text

FILE_STATUS: dict[str, str] = {
    "accepted": N_("Accepted"),
    "replaced": N_("Replaced by a later summary"),
    "rejected": N_("Rejected"),
    "other_period": N_("Another period"),
}


def _status(code: str) -> str:
    return _(FILE_STATUS[code]) if code in FILE_STATUS else code


FIRST_FILES = 10  # problems listed by name in the report; rollup.json lists every file


def _reported(rollup: dict[str, Any]) -> dict[str, list[str]]:
    """Units counted, by prefecture (the roll-up's `units`; older documents: the files')."""
    if isinstance(rollup.get("units"), dict):
        units: dict[str, list[str]] = rollup["units"]
        return units
    out: dict[str, list[str]] = {}
    for f in rollup["files"]:
        if f["status"] == "accepted" and f.get("unit"):
            out.setdefault(f["unit"][:6], []).append(f["unit"])
    return out


def compact_codes(codes: Sequence[str]) -> str:
    """Unit codes with runs of consecutive numbers written once: 350100-S01–S12."""
    runs: list[list[tuple[str, int, str]]] = []
    for code in sorted(codes):
        digits = len(code) - len(code.rstrip("0123456789"))
        stem, number = code[: len(code) - digits], code[len(code) - digits :]
        item = (stem, int(number) if number else -1, code)
        last = runs[-1][-1] if runs else None
        if (
            last
            and number
            and last[0] == stem
            and last[1] + 1 == item[1]
            and len(last[2]) == len(code)
        ):
            runs[-1].append(item)
        else:
            runs.append([item])
    parts = []
    for run in runs:
        first, end = run[0][2], run[-1][2]
        prefix = len(run[0][0]) - len(run[0][0].split("-")[-1]) if "-" in run[0][0] else 0
        parts.append(first if len(run) == 1 else f"{first}–{end[prefix:]}")
    return ", ".join(parts)


def _units(rollup: dict[str, Any], expected_units: Sequence[str] | None) -> list[Flowable]:
    reported = _reported(rollup)
    expected: dict[str, list[str]] = {}
    for unit in expected_units or ():
        expected.setdefault(unit[:6], []).append(unit)
    counted = {u for units in reported.values() for u in units}
    rows = []
    for code in sorted(set(reported) | set(expected)):
        missing = [u for u in expected.get(code, []) if u not in counted]
        rows.append(
            [
                prefecture_label(code),
                format_number(len(reported.get(code, []))),
                format_number(len(missing)) if expected_units is not None else "",
            ]
        )
    if not rows:
        return [para(_("None."))]
    headers = [_("Prefecture"), _("Units counted"), _("Registered, not reporting")]
    return [
        list_table(headers, rows, [2, 1.2, 1.6]),
        para(_("The units' codes are in the annex at the end of the report.")),
    ]


def _codes_by_prefecture(by_code: dict[str, list[str]]) -> list[Flowable]:
    """A heading with the count, then the codes as a paragraph (a paragraph can run over
    pages; a table cell of thousands of codes could not)."""
    out: list[Flowable] = []
    for code, units in sorted(by_code.items()):
        out += [
            layout.subheading(
                _("{prefecture} ({count})").format(
                    prefecture=prefecture_label(code), count=format_number(len(units))
                )
            ),
            para(compact_codes(units)),
        ]
    return out or [layout.none_recorded()]


def _annex(rollup: dict[str, Any], expected_units: Sequence[str] | None) -> list[Flowable]:
    reported = _reported(rollup)
    out = [para(_("Units counted, by prefecture")), *_codes_by_prefecture(reported)]
    if expected_units is not None:
        counted = {u for units in reported.values() for u in units}
        missing: dict[str, list[str]] = {}
        for unit in expected_units:
            if unit not in counted:
                missing.setdefault(unit[:6], []).append(unit)
        out += [layout.gap(3), para(_("Registered units that did not report"))]
        out += (
            _codes_by_prefecture(missing)
            if missing
            else [para(_("None: every registered unit reported."))]
        )
    return out


def _files(rollup: dict[str, Any]) -> list[Flowable]:
    files = rollup["files"]
    if not files:
        return [layout.none_recorded()]
    counts: dict[str, int] = {}
    for f in files:
        counts[f["status"]] = counts.get(f["status"], 0) + 1
    out: list[Flowable] = [
        list_table(
            [_("Result"), _("Files")],
            [[_status(code), format_number(n)] for code, n in counts.items()],
            [3, 1],
        )
    ]
    problems = [f for f in files if f["status"] != "accepted"]
    if problems:
        rows = [
            [f["file"], f.get("unit") or "", _status(f["status"]), f.get("reason") or ""]
            for f in problems[:FIRST_FILES]
        ]
        out += [
            layout.gap(2),
            list_table([_("File"), _("Unit"), _("Result"), _("Reason")], rows, [1.6, 1.2, 1.4, 3]),
        ]
        if len(problems) > FIRST_FILES:
            out.append(
                para(
                    _(
                        "The first {shown} of {count}; rollup.json and rollup.xlsx list every file."
                    ).format(shown=FIRST_FILES, count=format_number(len(problems)))
                )
            )
    return out


def _by_prefecture_charts(rollup: dict[str, Any]) -> list[Flowable]:
    prefectures: dict[str, Any] = rollup.get("prefectures", {})
    province = {i["id"]: i for i in rollup["province"].get("indicators", [])}
    ids = list(province)
    for part in prefectures.values():
        ids += [i["id"] for i in part.get("indicators", []) if i["id"] not in ids]
    out: list[Flowable] = []
    for indicator_id in ids:
        bars = []
        if indicator_id in province:
            bars.append(indicator_bar(_("Province"), province[indicator_id]))
        for code in sorted(prefectures):
            found = [i for i in prefectures[code].get("indicators", []) if i["id"] == indicator_id]
            if found:
                bars.append(indicator_bar(prefecture_label(code), found[0]))
        out += [layout.subheading(indicator_title(indicator_id)), indicator_chart(bars)]
    return out


def _part(part: dict[str, Any]) -> list[Flowable]:
    out: list[Flowable] = []
    if part.get("indicators"):
        out += [layout.gap(1), indicator_table(part["indicators"])]
    for table in part.get("tables", []):
        out += data_table(table)
    return out


def render_rollup_pdf(rollup: dict[str, Any], *, expected_units: list[str] | None) -> bytes:
    """The roll-up report as PDF bytes; `expected_units` (from the trust list), when given,
    lets the report name the units that sent nothing."""
    period = rollup["period"]
    heading = _("Provincial roll-up {period}").format(period=period["label"])
    province = rollup["province"]
    facts = [
        (_("Period"), period_text(period)),
        (_("Units in the roll-up"), format_number(province.get("units", 0))),
        (_("Files read"), format_number(len(rollup["files"]))),
    ]
    story: list[Flowable] = [
        layout.title(heading),
        layout.kv_table(facts),
        layout.gap(3),
        para(protection_text(rollup["protection"], intervals=True)),
        *layout.section(_("Units"), *_units(rollup, expected_units)),
    ]
    if province.get("indicators"):
        story += layout.section(
            _("Indicators for the province"),
            indicator_chart(
                [indicator_bar(indicator_title(i["id"]), i) for i in province["indicators"]]
            ),
            layout.gap(3),
            indicator_table(province["indicators"]),
        )
    if rollup.get("prefectures"):
        story += layout.section(_("Indicators by prefecture"), *_by_prefecture_charts(rollup))
    story += layout.section(_("Provincial tables"), *_part({"tables": province.get("tables", [])}))
    for code in sorted(rollup.get("prefectures", {})):
        part = rollup["prefectures"][code]
        title = _("{prefecture} (units reporting: {units})").format(
            prefecture=prefecture_label(code), units=format_number(part.get("units", 0))
        )
        story += layout.section(title, *_part(part))
    story += layout.section(_("Files read"), *_files(rollup))
    story += layout.section(_("Annex: units"), *_annex(rollup, expected_units))
    page = PageInfo(unit=_("PJC Office"), title=heading)
    return layout.build_pdf(story, page, pdf_title=heading)
