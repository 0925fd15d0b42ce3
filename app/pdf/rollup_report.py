"""The PJC Office's roll-up (rollup.json of summary-v1) as a PDF report.

It says for which period, how the published counts are protected, which units reported and
which did not, the indicators of the province and by prefecture as charts and tables, the
provincial tables, the tables of each prefecture, and every file read with what became of it.
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
    indicator_title,
    period_text,
    protection_text,
)

FILE_STATUS: dict[str, str] = {
    "accepted": N_("Accepted"),
    "replaced": N_("Replaced by a later summary"),
    "rejected": N_("Rejected"),
    "other_period": N_("Another period"),
}


def _status(code: str) -> str:
    return _(FILE_STATUS[code]) if code in FILE_STATUS else code


def _units(rollup: dict[str, Any], expected_units: Sequence[str] | None) -> list[Flowable]:
    reported = sorted({f["unit"] for f in rollup["files"] if f["status"] == "accepted"})
    out: list[Flowable] = [
        layout.subheading(
            _("Units that reported ({count})").format(count=format_number(len(reported)))
        ),
        para(", ".join(reported) if reported else _("None.")),
    ]
    if expected_units is not None:
        missing = sorted(set(expected_units) - set(reported))
        out += [
            layout.subheading(
                _("Registered units that did not report ({count})").format(
                    count=format_number(len(missing))
                )
            ),
            para(", ".join(missing) if missing else _("None: every registered unit reported.")),
        ]
    return out


def _files(rollup: dict[str, Any]) -> Flowable:
    rows = [
        [f["file"], f.get("unit") or "", _status(f["status"]), f.get("reason") or ""]
        for f in rollup["files"]
    ]
    if not rows:
        return layout.none_recorded()
    return list_table([_("File"), _("Unit"), _("Result"), _("Reason")], rows, [1.6, 1.2, 1.4, 3])


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
    story += layout.section(_("Files read"), _files(rollup))
    page = PageInfo(unit=_("PJC Office"), title=heading)
    return layout.build_pdf(story, page, pdf_title=heading)
