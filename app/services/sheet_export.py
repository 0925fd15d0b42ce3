"""Exporting case files into IOM's HTCDS 2.0 single-select template, for an IOM-style partner.

Only cases whose person gave the `data_sharing` consent, and has not withdrawn it, are
written; the others are left out and counted. What is written is what the signed-in role may
read (`access.redact`). The workbook is a filled copy of the template shipped in
resources/htcds (CC BY 4.0), with Aftercare's case number, opening and closing dates and
guardian status in four columns after the template's, so that importing the file again gives
the same cases back (docs/htcds-mapping.md lists what the template cannot hold). Every cell
is written through app.sheet_cells, so a name such as `=HYPERLINK(...)` stays that text.
"""

from __future__ import annotations

import copy
import hashlib
import io
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app import access, sheet_cells
from app.access import Action, Level
from app.codes import ConsentPurpose, Section
from app.domain.model import Case
from app.errors import AftercareError
from app.i18n import _
from app.interchange import htcds
from app.interchange.sheets import column_index, column_letter, normalise_key
from app.services.base import VaultService
from app.storage import cases_repo

if TYPE_CHECKING:  # openpyxl is loaded when a sheet is written, not at start-up
    from openpyxl.worksheet.worksheet import Worksheet

DATE_FORMAT = "yyyy-mm-dd"
# The template's picklists (Excel's extension validation, which openpyxl cannot keep), put
# back as ordinary list validation: column -> range on the "validation" sheet.
PICKLISTS = {
    "H": "$B$4:$B$9",
    "I": "$E$4:$E$252",
    "S": "$O$4:$O$6",
    "T": "$P$4:$P$8",
    "U": "$F$4:$F$13",
    "W": "$G$4:$G$19",
    "X": "$H$4:$H$14",
    "Y": "$I$4:$I$24",
    "Z": "$J$4:$J$7",
    "AB": "$L$4:$L$7",
    "AF": "$M$4:$M$6",
    "AJ": "$N$4:$N$6",
}


@dataclass(frozen=True)
class SheetExportResult:
    data: bytes  # the .xlsx file
    exported: int
    left_out: int  # cases without a standing data_sharing consent


def shares_data(case: Case) -> bool:
    """The latest data_sharing consent is given and not withdrawn."""
    consents = [c for c in case.consents if c.purpose == ConsentPurpose.DATA_SHARING]
    if not consents:
        return False
    latest = max(consents, key=lambda c: c.recorded_on)
    return latest.given and latest.withdrawn_on is None


class SheetExport(VaultService):
    def export_htcds(self) -> SheetExportResult:
        """The cases with a standing data_sharing consent, in the HTCDS template layout."""
        self.require(Action.EXPORT_IDENTIFIABLE)
        if access.section_level(self.role, Section.PROFILE) < Level.READ:
            raise AftercareError(
                _("Exporting identifiable case files needs read access to the profile.")
            )
        ids = cases_repo.ids_by_number(self.conn)
        cases, left_out = [], 0
        for case_id in ids:
            case = cases_repo.load_case(self.conn, case_id)
            if case is None:
                continue
            if shares_data(case):
                cases.append(access.redact(case, self.role))
            else:
                left_out += 1
        data = fill_template(cases)
        with self.opened.write():
            self.opened.audit(
                "cases_exported",
                detail={
                    "format": "htcds",
                    "cases": len(cases),
                    "left_out_without_consent": left_out,
                    "sha256": hashlib.sha256(data).hexdigest(),
                },
            )
        return SheetExportResult(data, len(cases), left_out)


def fill_template(cases: list[Case]) -> bytes:
    """A filled copy of the single-select template, as the bytes of an .xlsx file."""
    import openpyxl
    from openpyxl.worksheet.datavalidation import DataValidation

    path = htcds.template_path()
    if not path.exists():
        raise AftercareError(
            _("The HTCDS template is missing from this installation ({file}).").format(
                file=path.name
            )
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the template's extension validation is dropped
        book = openpyxl.load_workbook(path)
    sheet = book[htcds.CASE_SHEET]
    positions = _positions(sheet)
    last = max(positions.values(), default=0)
    # A cell's font reads as a style proxy; its copy is a plain Font, which the stubs miss.
    label_font: Any = copy.copy(sheet.cell(row=2, column=2).font)
    for offset, column in enumerate(htcds.EXTRA_COLUMNS, start=1):
        index = last + offset
        sheet_cells.put(sheet, 1, index + 1, column.name)
        sheet_cells.put(sheet, 2, index + 1, column.label).font = label_font
        sheet.column_dimensions[column_letter(index)].width = 16
        positions[column.name] = index
    for n, case in enumerate(cases, start=1):
        row = htcds.FIRST_DATA_ROW + n - 1
        sheet_cells.put(sheet, row, 1, n)
        for name, value in htcds.case_row(case).items():
            cell = sheet_cells.put(sheet, row, positions[name] + 1, value)
            if htcds.is_date_field(name):
                cell.number_format = DATE_FORMAT
    # The template numbers 1,000 empty rows; only the filled ones are kept (a far smaller
    # file), while the picklists still cover the template's first 500 rows for new entries.
    first_empty = htcds.FIRST_DATA_ROW + len(cases)
    sheet.delete_rows(first_empty, max(sheet.max_row - first_empty + 1, 0))
    end = max(first_empty, 502)
    for letter, cells in PICKLISTS.items():
        rule = DataValidation(type="list", formula1=f"validation!{cells}", allow_blank=True)
        rule.add(f"{letter}{htcds.FIRST_DATA_ROW}:{letter}{end}")
        sheet.add_data_validation(rule)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _positions(sheet: Worksheet) -> dict[str, int]:
    """HTCDS field name -> column index, by the labels of row 2 (see app.interchange.htcds)."""
    by_label = {normalise_key(c.label): c.name for c in htcds.COLUMNS}
    out: dict[str, int] = {}
    for cell in sheet[2]:
        if isinstance(cell.value, str) and (name := by_label.get(normalise_key(cell.value))):
            out[name] = column_index(cell.column_letter)
    return out
