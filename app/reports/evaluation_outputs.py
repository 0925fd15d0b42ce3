"""Writing the evaluation's three outputs into a folder: evaluation.json, evaluation.pdf and
evaluation.xlsx (summary-v1, A4). The command and the office window's Evaluation page both
call `run_evaluation`; it needs no case vault."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from app import sheet_cells
from app.codes import prefecture_label
from app.errors import AftercareError
from app.fileio import atomic_write, atomic_write_bytes
from app.i18n import _
from app.pdf.evaluation_report import change_text, render_evaluation_pdf, share_text
from app.reports.evaluation import evaluate
from app.reports.rollup_outputs import read_inputs
from app.summary_labels import format_cell, indicator_title

OUTPUT_NAMES = ("evaluation.json", "evaluation.xlsx", "evaluation.pdf")
_BOLD = Font(bold=True)


def write_evaluation_xlsx(doc: dict[str, Any], path: Path) -> None:
    """One sheet of every indicator by area and period (share, numerator, denominator; empty
    where a period is missing), one of baseline against latest. Written atomically."""
    wb = Workbook()
    ws = wb.worksheets[0]
    ws.title = _("Indicators")[:31]
    periods = doc["periods"]
    sheet_cells.append(ws, [_("Area"), _("Indicator"), _("Figure"), *periods])
    for cell in ws[1]:
        cell.font = _BOLD
    scopes = [(_("Province"), doc["province"])]
    scopes += [(prefecture_label(code), s) for code, s in doc["prefectures"].items()]
    figures: tuple[tuple[str, Callable[[dict[str, Any]], str]], ...] = (
        (_("Share"), lambda p: "" if p.get("missing") else share_text(p["value"])),
        (_("Numerator"), lambda p: "" if p.get("missing") else format_cell(p["numerator"])),
        (_("Denominator"), lambda p: "" if p.get("missing") else format_cell(p["denominator"])),
    )
    for name, scope in scopes:
        for indicator_id, points in scope["indicators"].items():
            for figure, text in figures:
                sheet_cells.append(
                    ws, [name, indicator_title(indicator_id), figure, *(text(p) for p in points)]
                )
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 40
    change = wb.create_sheet(_("Baseline and latest")[:31])
    sheet_cells.append(
        change,
        [
            _("Area"),
            _("Indicator"),
            _("Baseline"),
            _("Period"),
            _("Latest"),
            _("Period"),
            _("Change"),
        ],
    )
    for cell in change[1]:
        cell.font = _BOLD
    for name, scope in scopes:
        for indicator_id in scope["indicators"]:
            base, last = scope["baseline"].get(indicator_id), scope["latest"].get(indicator_id)
            sheet_cells.append(
                change,
                [
                    name,
                    indicator_title(indicator_id),
                    share_text(base["value"]) if base else "",
                    base["period"] if base else "",
                    share_text(last["value"]) if last else "",
                    last["period"] if last else "",
                    change_text(scope["change"].get(indicator_id)),
                ],
            )
    atomic_write(path, wb.save)


def run_evaluation(paths: list[Path], out_dir: Path, *, threshold: int = 5) -> dict[str, Any]:
    doc = evaluate(read_inputs(paths), threshold=threshold)
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AftercareError(
            _("Cannot create the folder {path}: {reason}").format(path=out_dir, reason=exc.strerror)
        ) from None
    pdf = render_evaluation_pdf(doc)
    atomic_write_bytes(
        out_dir / "evaluation.json",
        (json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8"),
    )
    write_evaluation_xlsx(doc, out_dir / "evaluation.xlsx")
    atomic_write_bytes(out_dir / "evaluation.pdf", pdf)
    return doc
