"""The words and figures of a summary (summary-v1) and a roll-up, wherever they are shown:
table titles, row and column labels, indicator titles, cells (a count, an interval
`[low, high]` of a roll-up, or the withheld mark), shares and the period.

The PDFs (app.pdf), the workbooks (app.reports) and the window's models (ui) all take them
from here, so a label reads the same in each.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from app.codes import ClosureReason, Exploitation, Group, IdentifiedBy, ServiceKind, Sex, label
from app.i18n import N_, _, format_date, format_number, format_percent

SUPPRESSED = "—"  # shown where a count is withheld

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


def period_text(period: dict[str, str]) -> str:
    start = format_date(dt.date.fromisoformat(period["start"]))
    end = format_date(dt.date.fromisoformat(period["end"]))
    return _("{label} ({start} to {end})").format(label=period["label"], start=start, end=end)
