"""A summary (summary-v1) as a PDF: the unit, the period, how the counts are protected,
each table with translated labels, and the indicators as a table and a bar chart.

The table and indicator helpers here also serve the roll-up report, whose cells may be
intervals `[low, high]` besides counts and withheld cells (None).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from reportlab.platypus import Flowable, KeepTogether

from app.codes import (
    prefecture_label,
)
from app.i18n import _, format_date
from app.pdf import layout
from app.pdf.layout import Bar, PageInfo, ShareChart, list_table, para
from app.summary_labels import (
    SUPPRESSED,
    col_label,
    format_cell,
    format_share,
    indicator_title,
    period_text,
    row_label,
    share_bounds,
    table_title,
)


def data_table(table: dict[str, Any]) -> list[Flowable]:
    """One summary table with its title, translated row and column labels."""
    table_id = table["id"]
    headers = ["", *(col_label(table_id, c) for c in table["cols"])]
    rows = [
        [row_label(table_id, code), *(format_cell(c) for c in cells)]
        for code, cells in zip(table["rows"], table["cells"], strict=True)
    ]
    n_cols = len(table["cols"])
    style: list[tuple[Any, ...]] = [("BACKGROUND", (-1, 1), (-1, -1), layout.LABEL_BG)]
    if table["rows"] and table["rows"][-1] == "total":
        style.append(("BACKGROUND", (0, -1), (-1, -1), layout.LABEL_BG))
    flow = list_table(
        headers,
        rows,
        [3.2] + [1.0] * n_cols,
        numeric_cols=range(1, n_cols + 1),
        extra_style=style,
    )
    return [KeepTogether([layout.subheading(table_title(table_id)), flow])]


def indicator_table(indicators: Sequence[dict[str, Any]]) -> Flowable:
    rows = [
        [
            indicator_title(i["id"]),
            format_cell(i["numerator"]),
            format_cell(i["denominator"]),
            format_share(i["numerator"], i["denominator"]),
        ]
        for i in indicators
    ]
    headers = [_("Indicator"), _("Cases"), _("Out of"), _("Share")]
    return list_table(headers, rows, [4, 1.1, 1.1, 1.4], numeric_cols=(1, 2, 3))


def indicator_bar(title: str, indicator: dict[str, Any]) -> Bar:
    num, den = indicator["numerator"], indicator["denominator"]
    bounds = share_bounds(num, den)
    if bounds is None:
        return Bar(title, None, None, format_share(num, den))
    text = f"{format_share(num, den)} ({format_cell(num)} / {format_cell(den)})"
    return Bar(title, bounds[0], bounds[1], text)


def indicator_chart(bars: Sequence[Bar]) -> Flowable:
    return ShareChart(bars, withheld_text=_("withheld or no cases"))


def protection_text(protection: dict[str, Any], *, intervals: bool = False) -> str:
    if protection.get("method") == "suppression":
        k = int(protection["threshold"])
        text = _(
            "Protected by suppression with threshold {k}: every count from 1 to {k_below} is "
            "withheld, and so is any further count from which a withheld one could be worked "
            "out. Withheld counts are shown as {mark}. These tables may be passed on."
        ).format(k=k, k_below=k - 1, mark=SUPPRESSED)
    else:
        text = _(
            "Exact counts, not protected: small numbers could point to a person. This "
            "document is for the PJC Office only and must not be passed on."
        )
    if intervals:
        text += " " + _(
            "Where some units withheld a count, the total is only known to lie in a range, "
            "shown as low–high."
        )
    return text


def render_summary_pdf(doc: dict[str, Any]) -> bytes:
    """The summary document as PDF bytes, for the preview before sending and for printing."""
    unit = doc["unit"]
    heading = _("Summary {period} of unit {unit}").format(
        period=doc["period"]["label"], unit=unit["code"]
    )
    facts = [
        (_("Unit"), unit["code"]),
        (_("Prefecture"), prefecture_label(unit.get("prefecture"))),
        (_("Period"), period_text(doc["period"])),
        (_("Made on"), format_date(dt.date.fromisoformat(doc["generated_on"]))),
        (_("Made with"), doc.get("software", "")),
    ]
    signature = doc.get("signature") or {}
    if signature.get("key_id"):
        facts.append((_("Signing key"), signature["key_id"]))
    story: list[Flowable] = [
        layout.title(heading),
        layout.kv_table(facts),
        layout.gap(3),
        para(protection_text(doc["protection"])),
        layout.gap(1),
        para(
            _("No names, numbers, dates or notes about any person are in this summary."),
            layout.styles().small,
        ),
    ]
    indicators = doc.get("indicators", [])
    if indicators:
        story += layout.section(
            _("Indicators"),
            indicator_chart([indicator_bar(indicator_title(i["id"]), i) for i in indicators]),
            layout.gap(3),
            indicator_table(indicators),
        )
    story.append(layout.heading(_("Tables")))
    for table in doc.get("tables", []):
        story += data_table(table)
    where = " · ".join(x for x in (unit["code"], prefecture_label(unit.get("prefecture"))) if x)
    page = PageInfo(unit=where, title=heading)
    return layout.build_pdf(story, page, pdf_title=heading)
