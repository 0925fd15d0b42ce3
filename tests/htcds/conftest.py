"""Fixtures for the spreadsheet tests: filled copies of IOM's HTCDS templates, and a team vault.

The three templates (IOM's Toolkit/Excel) share one layout: row 1 field names, row 2 labels,
data from row 3, column A numbering the rows. `fill_template` writes rows into a copy of the
empty template in tmp_path, by label, the way a person fills it in Excel:

    PLAIN          "HTCDS Excel Spreadsheet v2.0.xlsx" (sheet "Sheet1", no validation)
    SINGLE_SELECT  "... single select with validation v2.0.xlsx" ("Case Sheet", "validation")
    MULTI_SELECT   the multi-select template is an .xlsm with the single-select's sheets and a
                   macro that writes several values per cell; it is not in shared/reference,
                   so it is made here from the single-select one, saved as .xlsm, with
                   semicolon-separated cells.
"""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path
from typing import Any

import pytest

from app.interchange import htcds
from app.services.sheet_export import SheetExport
from app.services.sheet_import import SheetImport
from app.vault.vault import Vault
from tests import helpers
from tests.case_examples import TODAY

REFERENCE = helpers.REPO_ROOT.parent / "shared" / "reference" / "htcds"
PLAIN_FILE = REFERENCE / "HTCDS Excel Spreadsheet v2.0.xlsx"
SINGLE_FILE = htcds.template_path()  # the shipped copy of the single-select template
VARIANT_SUFFIX = {htcds.PLAIN: ".xlsx", htcds.SINGLE_SELECT: ".xlsx", htcds.MULTI_SELECT: ".xlsm"}


def fill_template(folder: Path, variant: str, rows: dict[int, dict[str, Any]]) -> Path:
    """A copy of the empty template with `rows` (sheet row -> {label: value}) filled in."""
    import openpyxl

    source = PLAIN_FILE if variant == htcds.PLAIN else SINGLE_FILE
    if not source.exists():
        pytest.skip(f"HTCDS template not found: {source}")
    target = folder / f"cases-{variant}{VARIANT_SUFFIX[variant]}"
    shutil.copyfile(source, target)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(target)
    sheet = book.worksheets[0]
    columns = {cell.value: cell.column for cell in sheet[2] if cell.value}
    for row, values in rows.items():
        for header, value in values.items():
            if header not in columns:  # Aftercare's own columns, after the template's
                columns[header] = sheet.max_column + 1
                sheet.cell(row=2, column=columns[header], value=header)
            sheet.cell(row=row, column=columns[header], value=value)
    # Rows after the last filled one are dropped, as in a saved file: a faster test.
    last = max(rows, default=2)
    sheet.delete_rows(last + 1, max(sheet.max_row - last, 0))
    book.save(target)
    return target


class Team:
    """A team vault copy: services per role, unlocked lazily and locked at the end."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.open: dict[str, Any] = {}

    def opened(self, name: str):
        if name not in self.open:
            self.open[name] = Vault(self.folder).unlock(name, helpers.TEAM[name][1])
        return self.open[name]

    def importer(self, name: str = "wang") -> SheetImport:
        return SheetImport(self.opened(name), today=lambda: TODAY)

    def exporter(self, name: str = "chen") -> SheetExport:
        return SheetExport(self.opened(name), today=lambda: TODAY)

    def lock_all(self) -> None:
        for opened in self.open.values():
            opened.lock()
        self.open.clear()


@pytest.fixture
def team(make_vault):
    folder, _code = make_vault(team=True)
    crew = Team(folder)
    yield crew
    crew.lock_all()
