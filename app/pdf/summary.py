"""A summary (summary-v1) as a PDF: the unit, the period, how the counts are protected,
each table with translated labels, and the indicators as a table and a bar chart.

The table and indicator helpers here also serve the roll-up report, whose cells may be
intervals `[low, high]` besides counts and withheld cells (None).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from reportlab.platypus import Flowable, KeepTogether

from app.codes import (
    ClosureReason,
    Exploitation,
    Group,
    IdentifiedBy,
    ServiceKind,
    Sex,
    label,
    prefecture_label,
)
from app.i18n import N_, _, format_date, format_number, format_percent
from app.pdf import layout
from app.pdf.layout import SUPPRESSED, Bar, PageInfo, ShareChart, list_table, para

Cell = int | list[int] | None  # a count, an interval [low, high] (roll-ups), or withheld

TABLE_TITLES: dict[str, str] = {
    "caseload": N_("Caseload"),
    "age_sex": N_("Cases opened, by age and sex"),
    "exploitation": N_("Cases opened, by main form of exploitation"),
    "origin": N_("Cases opened, by origin"),
    "identified_by": N_("Cases opened, by who identified the person"),
    "services": N_("Active cases that received each service"),
    "closures": N_("Cases closed, by reason"),
    "followups": N_("Follow-ups due in the period"),
}

# Row codes of each table that come from a code list of app.codes.
ROW_CODE_LISTS: dict[str, type[StrEnum]] = {
    "exploitation": Exploitation,
    "identified_by": IdentifiedBy,
    "services": ServiceKind,
    "closures": ClosureReason,
}

# Row and column codes that are not in a code list, per table ("*" for any table).
SPECIAL_LABELS: dict[str, dict[str, str]] = {
    "*": {"total": N_("Total")},
    "caseload": {
        "open_at_start": N_("Open at the start of the period"),
        "opened": N_("Opened in the period"),
        "closed": N_("Closed in the period"),
        "open_at_end": N_("Open at the end of the period"),
    },
    "age_sex": {
        "0-5": N_("0–5 years"),
        "6-15": N_("6–15 years"),
        "16-17": N_("16–17 years"),
        "18-24": N_("18–24 years"),
        "25-39": N_("25–39 years"),
        "40+": N_("40 years and over"),
        "unknown": N_("Age unknown"),
    },
    "origin": {
        "fujian": N_("Fujian"),
        "other_province": N_("Another province"),
        "foreign": N_("Another country"),
        "unknown": N_("Unknown"),
    },
    "followups": {
        "on_time": N_("Done on time"),
        "late": N_("Done late"),
        "not_done": N_("Not done"),
    },
}

INDICATOR_TITLES: dict[str, str] = {
    "medical_care": N_("Received medical care"),
    "psychological_care": N_("Received psychological care"),
    "legal_aid": N_("Received legal aid"),
    "school_enrolment": N_("Children aged 6–15 in school"),
    "training_women_girls_16plus": N_("Women and girls 16+ in training"),
    "employment_support_16plus": N_("People 16+ given employment support"),
    "children_without_guardian_in_care": N_("Children without a guardian placed in care"),
    "reintegrated": N_("Closed cases reintegrated"),
    "followup_on_time": N_("Follow-ups done on time"),
}


def table_title(table_id: str) -> str:
    return _(TABLE_TITLES[table_id]) if table_id in TABLE_TITLES else table_id


def row_label(table_id: str, code: str) -> str:
    special = SPECIAL_LABELS.get(table_id, {})
    if code in special:
        return _(special[code])
    if code in SPECIAL_LABELS["*"]:
        return _(SPECIAL_LABELS["*"][code])
    if table_id in ROW_CODE_LISTS:
        return label(ROW_CODE_LISTS[table_id], code)
    return code


def col_label(table_id: str, code: str) -> str:
    if code == "total":
        return _("Total")
    if table_id == "age_sex":
        return label(Sex, code)
    return label(Group, code)


def indicator_title(indicator_id: str) -> str:
    return _(INDICATOR_TITLES[indicator_id]) if indicator_id in INDICATOR_TITLES else indicator_id


def format_cell(cell: Cell) -> str:
    """A count, "low–high" for an interval, or the withheld mark."""
    if cell is None:
        return SUPPRESSED
    if isinstance(cell, list):
        low, high = cell
        if high is None:  # a roll-up knows only a lower bound: "at least low"
            return f"{format_number(low)}+"
        if low == high:
            return format_number(low)
        return f"{format_number(low)}–{format_number(high)}"
    return format_number(cell)


def _bounds(cell: Cell) -> tuple[int, float] | None:
    """(low, high) of a count; high is infinite where a roll-up knows only a lower bound."""
    if cell is None:
        return None
    if isinstance(cell, list):
        return cell[0], float("inf") if cell[1] is None else cell[1]
    return cell, cell


def share_bounds(numerator: Cell, denominator: Cell) -> tuple[float, float] | None:
    """The share, or bounds of it when the counts are intervals; None when withheld or
    undefined (a zero denominator)."""
    num, den = _bounds(numerator), _bounds(denominator)
    if num is None or den is None or den[1] == 0:
        return None
    low = num[0] / den[1]
    high = min(1.0, num[1] / den[0]) if den[0] > 0 else 1.0
    return min(low, 1.0), max(high, low)


def format_share(numerator: Cell, denominator: Cell) -> str:
    bounds = share_bounds(numerator, denominator)
    if bounds is None:
        return SUPPRESSED if (numerator is None or denominator is None) else "–"
    low, high = bounds
    if abs(high - low) < 1e-9:
        return format_percent(low)
    return f"{format_percent(low)}–{format_percent(high)}"


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


def period_text(period: dict[str, str]) -> str:
    start = format_date(dt.date.fromisoformat(period["start"]))
    end = format_date(dt.date.fromisoformat(period["end"]))
    return _("{label} ({start} to {end})").format(label=period["label"], start=start, end=end)


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
