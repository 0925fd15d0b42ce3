"""The roll-up as a workbook: one sheet per table (the province, then each prefecture), a
sheet of indicators by prefecture and a sheet of the files read.

Counts are numbers; a withheld cell is the withheld mark of the PDFs, a range is text
"low–high" ("low+" where nothing bounds it). Labels are translated in the current locale.
The workbook is written to a temporary file in the target folder and moved into place, so
a reader never sees half a file. Cells are written through app.sheet_cells: file names, unit
codes and reasons come from files anyone could have made, and stay text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from app import sheet_cells
from app.codes import prefecture_label
from app.fileio import atomic_write
from app.i18n import _, format_number, ngettext
from app.summary_labels import SUPPRESSED, col_label, indicator_title, row_label, table_title

_BOLD = Font(bold=True)


def _cell(value: Any) -> int | str:
    if value is None:
        return SUPPRESSED
    if isinstance(value, list):
        low, high = value
        return (
            f"{format_number(low)}+"
            if high is None
            else f"{format_number(low)}–{format_number(high)}"
        )
    count: int = value
    return count


def _scopes(doc: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    scopes = [(_("Province"), doc["province"])]
    scopes += [
        (f"{prefecture_label(code)} ({code})", scope) for code, scope in doc["prefectures"].items()
    ]
    return scopes


def _sheet_name(text: str, used: set[str]) -> str:
    # Excel: at most 31 characters, none of []:*?/\ and unique in the workbook.
    name = "".join(c for c in text if c not in "[]:*?/\\")[:31] or "sheet"
    base, n = name, 2
    while name in used:
        name = f"{base[: 31 - len(str(n)) - 1]} {n}"
        n += 1
    used.add(name)
    return name


def _write_table_sheet(
    ws: Worksheet, table_id: str, scopes: list[tuple[str, dict[str, Any]]]
) -> None:
    sheet_cells.append(ws, [table_title(table_id)])
    ws["A1"].font = _BOLD
    for title, scope in scopes:
        table = next(t for t in scope["tables"] if t["id"] == table_id)
        sheet_cells.append(ws, [])
        sheet_cells.append(
            ws,
            [
                title,
                ngettext("{count} unit", "{count} units", scope["units"]).format(
                    count=scope["units"]
                ),
            ],
        )
        ws.cell(ws.max_row, 1).font = _BOLD
        sheet_cells.append(ws, ["", *(col_label(table_id, col) for col in table["cols"])])
        for code, cells in zip(table["rows"], table["cells"], strict=True):
            sheet_cells.append(ws, [row_label(table_id, code), *(_cell(c) for c in cells)])
    ws.column_dimensions["A"].width = 40


def _write_indicators(ws: Worksheet, scopes: list[tuple[str, dict[str, Any]]]) -> None:
    sheet_cells.append(ws, [_("Area"), _("Units"), _("Indicator"), _("Cases"), _("Out of")])
    for cell in ws[1]:
        cell.font = _BOLD
    for title, scope in scopes:
        for indicator in scope["indicators"]:
            sheet_cells.append(
                ws,
                [
                    title,
                    scope["units"],
                    indicator_title(indicator["id"]),
                    _cell(indicator["numerator"]),
                    _cell(indicator["denominator"]),
                ],
            )
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["C"].width = 44


def _write_files(ws: Worksheet, files: list[dict[str, Any]]) -> None:
    statuses = {
        "accepted": _("Accepted"),
        "replaced": _("Replaced"),
        "rejected": _("Rejected"),
        "other_period": _("Another period"),
    }
    sheet_cells.append(ws, [_("File"), _("Status"), _("Unit"), _("Reason")])
    for cell in ws[1]:
        cell.font = _BOLD
    for entry in files:
        sheet_cells.append(
            ws,
            [
                entry["file"],
                statuses.get(entry["status"], entry["status"]),
                entry["unit"] or "",
                entry["reason"] or "",
            ],
        )
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["D"].width = 60


def write_rollup_xlsx(rollup_doc: dict[str, Any], path: str | Path) -> None:
    """Write the roll-up workbook to `path`, replacing it atomically."""
    path = Path(path)
    scopes = _scopes(rollup_doc)
    wb = Workbook()
    used: set[str] = set()
    first = True
    for table in rollup_doc["province"]["tables"]:
        ws = wb.worksheets[0] if first else wb.create_sheet()
        first = False
        ws.title = _sheet_name(table_title(table["id"]), used)
        _write_table_sheet(ws, table["id"], scopes)
    indicators = wb.create_sheet(_sheet_name(_("Indicators"), used))
    _write_indicators(indicators, scopes)
    files = wb.create_sheet(_sheet_name(_("Files"), used))
    _write_files(files, rollup_doc["files"])

    atomic_write(path, wb.save)
