"""Importing a spreadsheet of case records: detect, map, preview every row, then commit.

The steps, as the command and the window's wizard take them:

    book = importer.open(path)                 # read into memory, SHA-256 of its bytes
    found = importer.detect(book, sheet=None)  # HTCDS template or not; columns, first values,
                                               # and a proposed Mapping
    preview = importer.preview(book, mapping, skip_rows={7})
                                               # every row as it will be imported, each
                                               # problem against its row and cell
    result = importer.commit(preview)          # all or nothing, audited; refuses problems

Nothing is written before `commit`, and nothing of the spreadsheet is copied anywhere: the
file is read from its path into memory. A row with problems is imported only after the
person fixes the sheet; the only other way is to skip it, by number, explicitly, and each
skipped row is listed in the result and the audit entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.access import Action
from app.domain.model import Case
from app.domain.validation import validate_case
from app.errors import AftercareError
from app.i18n import _
from app.interchange import htcds, sheets
from app.interchange.mapping import (
    DEFAULT_PATTERN,
    GIVEN_FAMILY,
    IGNORE,
    NOTE,
    ROW_NUMBER,
    CellProblem,
    ColumnRule,
    Mapping,
    RowContext,
    RowResult,
    build_vocabulary,
    check_mapping,
    convert_row,
    guess_field,
    is_blank_row,
    resolve_columns,
)
from app.interchange.sheet_messages import in_sheet_terms
from app.interchange.sheets import Table, Workbook, cell_text, normalise_key
from app.services.base import VaultService
from app.services.transfer import Transfer
from app.storage import cases_repo

Progress = Callable[[int, int], None]
SAMPLES = 3  # first values shown per column
_HEADER_SCAN = 10  # rows searched for a header row in a sheet that is not a template


@dataclass(frozen=True)
class ColumnInfo:
    """One column as the wizard shows it: letter, header, first values, proposed field."""

    index: int
    letter: str
    header: str | None
    samples: list[str]
    field: str


@dataclass
class Detection:
    source: str
    sha256: str
    sheet_names: list[str]
    sheet: str | None
    template: str | None  # an htcds variant, or None for any other sheet
    columns: list[ColumnInfo]
    mapping: Mapping  # proposed: the template's, or guessed from the headers


@dataclass
class PreviewRow:
    row: int  # the row's number in the sheet
    case: Case  # as it will be imported (with stand-ins where a cell has a problem)
    problems: list[CellProblem] = field(default_factory=list)
    noted: list[str] = field(default_factory=list)  # headers kept in the case's note
    skipped: bool = False


@dataclass
class Preview:
    source: str
    sha256: str
    sheet: str | None
    template: str | None
    mapping: Mapping
    rows: list[PreviewRow]
    blank_rows: list[int]

    @property
    def problems(self) -> list[CellProblem]:
        """The problems that stop the import: those of rows not skipped."""
        return [p for r in self.rows if not r.skipped for p in r.problems]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def cases(self) -> list[Case]:
        return [r.case for r in self.rows if not r.skipped]

    @property
    def skipped_rows(self) -> list[int]:
        return [r.row for r in self.rows if r.skipped]

    @property
    def noted_fields(self) -> list[str]:
        """Every header whose values are kept in a note, in column order of first use."""
        return list(dict.fromkeys(h for r in self.rows for h in r.noted))


@dataclass(frozen=True)
class SheetImportResult:
    imported: int
    rows: int  # data rows in the sheet (blank rows not counted)
    skipped_rows: list[int]
    sha256: str


class SheetImport(VaultService):
    def open(self, path: str | Path) -> Workbook:
        """The spreadsheet read into memory (never copied to disk)."""
        return sheets.read_file(path)

    def detect(self, book: Workbook, sheet: str | None = None) -> Detection:
        """What the sheet is, its columns with their first values, and a proposed mapping."""
        found = htcds.detect(book) if sheet is None else None
        if sheet is not None:
            table = book.table(sheet)
            recognition = htcds.recognise(table, htcds.detect_variant(book))
            found = (sheet, recognition) if recognition else None
        if found is not None:
            name, recognition = found
            table = book.table(name)
            mapping = recognition.mapping(name)
        else:
            table = book.table(sheet)
            name = table.name if book.kind != "csv" else None
            mapping = _guess_mapping(table, name)
        return Detection(
            source=book.source,
            sha256=book.sha256,
            sheet_names=book.sheet_names,
            sheet=name,
            template=mapping.template,
            columns=_columns(table, mapping),
            mapping=mapping,
        )

    def preview(
        self,
        book: Workbook,
        mapping: Mapping | None = None,
        *,
        skip_rows: Iterable[int] = (),
    ) -> Preview:
        """Every data row as it will be imported, with each problem at its row and cell."""
        self.require(Action.IMPORT_CASES)
        if mapping is None:
            mapping = self.detect(book).mapping
        check_mapping(mapping, book.source)
        table = book.table(mapping.sheet) if book.kind != "csv" else book.tables[0]
        headers = _headers(table, mapping.header_row)
        fields = resolve_columns(mapping, headers, max(table.width, len(headers)))
        ctx = RowContext(
            headers=headers,
            fields=fields,
            mapping=mapping,
            vocabulary=build_vocabulary(htcds.VALUES),
            countries=htcds.country_names(),
            today=self.today(),
            source=book.source,
            choices=htcds.CHOICES if mapping.template in htcds.VARIANTS else {},
        )
        skip = set(skip_rows)
        rows, blank = [], []
        status_index = next((i for i, f in fields.items() if f == "status"), None)
        formula_rows = {row for row, _index in table.uncalculated}
        for number, cells in table.rows:
            if number < mapping.data_start:
                continue
            if is_blank_row(cells, fields) and number not in formula_rows:
                blank.append(number)
                continue
            result = convert_row(ctx, number, cells)
            _formula_problems(result, table, number, fields, headers)
            if mapping.template in htcds.VARIANTS and status_index is not None:
                htcds.complete(result, cells[status_index] if status_index < len(cells) else None)
            rows.append(result)
        unknown = sorted(skip - {r.row for r in rows})
        if unknown:
            raise AftercareError(
                _("Row {rows} of {source} is not a data row; nothing was imported.").format(
                    rows=", ".join(map(str, unknown)), source=book.source
                )
            )
        self._number_cases(rows, mapping, fields)
        previews = [self._check(r, fields, headers, ctx.today) for r in rows]
        for p in previews:
            p.skipped = p.row in skip
        self._duplicates([p for p in previews if not p.skipped], fields, headers)
        return Preview(
            book.source, book.sha256, mapping.sheet, mapping.template, mapping, previews, blank
        )

    def commit(self, preview: Preview, *, progress: Progress | None = None) -> SheetImportResult:
        """Import the rows of a preview that has no problems (skipped rows aside): all or none."""
        self.require(Action.IMPORT_CASES)
        problems = preview.problems
        if problems:
            shown = "; ".join(str(p) for p in problems[:10])
            if len(problems) > 10:
                shown += "; " + _("and {count} more").format(count=len(problems) - 10)
            raise AftercareError(
                _(
                    "{source}: {count} problems; fix the sheet or skip those rows. Nothing was imported: {problems}"
                ).format(source=preview.source, count=len(problems), problems=shown)
            )
        detail: dict[str, Any] = {
            "source": "spreadsheet",
            "file_sha256": preview.sha256,
            "rows": len(preview.rows),
            "skipped_rows": preview.skipped_rows,
            "template": preview.template,
        }
        imported = Transfer(self.opened, today=self.today).import_built(
            preview.cases, detail, progress=progress
        )
        return SheetImportResult(imported, len(preview.rows), preview.skipped_rows, preview.sha256)

    # --- checks ------------------------------------------------------------------------

    def _number_cases(
        self, rows: list[RowResult], mapping: Mapping, fields: dict[int, str]
    ) -> None:
        has_column = "case_number" in fields.values()
        pattern = mapping.case_number_pattern or DEFAULT_PATTERN
        for n, result in enumerate(rows, start=1):
            case = result.case
            if case.case_number or (has_column and not mapping.case_number_pattern):
                continue
            year = case.opened_on.year if case.opened_on != dt.date.min else 0
            number = result.number if result.number is not None else n
            case.case_number = pattern.format(n=n, row=result.row, number=number, year=year)

    def _check(
        self, result: RowResult, fields: dict[int, str], headers: list[Any], today: dt.date
    ) -> PreviewRow:
        problems = list(result.problems)
        index_of = {f: i for i, f in sorted(fields.items(), reverse=True)}
        headers_of = {f: _header_text(headers, i) or "" for f, i in index_of.items()}
        for problem in validate_case(result.case, today):
            index = _column_for(problem.path, result.origin, index_of)
            column = sheets.column_letter(index) if index is not None else None
            header = _header_text(headers, index)
            message = in_sheet_terms(problem, header, headers_of)
            problems.append(CellProblem(result.row, column, header, message, "invalid"))
        return PreviewRow(result.row, result.case, problems, result.noted)

    def _duplicates(
        self, previews: list[PreviewRow], fields: dict[int, str], headers: list[Any]
    ) -> None:
        """Case numbers repeated among the rows to import, or already in the vault."""
        index = next((i for i, f in fields.items() if f == "case_number"), None)
        column = sheets.column_letter(index) if index is not None else None
        header = _header_text(headers, index)
        first_row: dict[str, int] = {}
        for preview in previews:
            number = preview.case.case_number
            if not number:
                continue
            if number in first_row:
                message = _(
                    "case number {number} is also in row {row}; correct one, or number the rows "
                    "with --case-numbers FZ-2024-{{n:04d}} (in the window: “Case numbers”)"
                ).format(number=number, row=first_row[number])
                preview.problems.append(
                    CellProblem(preview.row, column, header, message, "duplicate")
                )
            else:
                first_row[number] = preview.row
        taken = cases_repo.existing_numbers(self.conn, list(first_row))
        for preview in previews:
            if preview.case.case_number in taken:
                message = _(
                    "case number {number} already exists in this vault; number the rows with "
                    "--case-numbers PATTERN (in the window: “Case numbers”), or leave the row "
                    "out (--skip-row)"
                ).format(number=preview.case.case_number)
                preview.problems.append(
                    CellProblem(preview.row, column, header, message, "duplicate")
                )


# Validation paths that have no column of their own, and the field whose column shows them.
_PATH_FALLBACK = {
    "closed_on": ("closed_on", "status"),
    "closure_reason": ("closure_reason", "status"),
    "guardian": ("guardian.status", "person.date_of_birth", "person.age_at_intake"),
    "person.full_name": ("person.full_name", "person.given_name", "person.family_name"),
}


def _formula_problems(
    result: RowResult, table: Table, number: int, fields: dict[int, str], headers: list[Any]
) -> None:
    """A formula with no saved value would be read as blank: a problem, not a blank."""
    for row, index in sorted(table.uncalculated):
        if row == number and fields.get(index) != IGNORE:
            result.problems.append(
                CellProblem(
                    number,
                    sheets.column_letter(index),
                    _header_text(headers, index),
                    _(
                        "this cell is a formula Excel has not calculated; open and save the "
                        "file in Excel or WPS, then import it again"
                    ),
                    "formula",
                )
            )


def _column_for(path: str, origin: dict[str, int], index_of: dict[str, int]) -> int | None:
    """The column a validation problem at `path` belongs to, or None for the row as a whole."""
    best = None
    for known, index in origin.items():
        if (path == known or path.startswith(known + ".") or path.startswith(known + "[")) and (
            best is None or len(known) > len(best[0])
        ):
            best = (known, index)
    if best is not None:
        return best[1]
    for key in _PATH_FALLBACK.get(path, (path,)):
        if key in index_of:
            return index_of[key]
    return None


def _header_text(headers: list[str | None], index: int | None) -> str | None:
    if index is None:
        return None
    header = headers[index] if index < len(headers) else None
    return header or sheets.column_letter(index)


def _headers(table: Table, header_row: int) -> list[str | None]:
    for number, cells in table.rows:
        if number == header_row:
            return [cell_text(c) for c in cells]
    return []


def _guess_mapping(table: Table, sheet: str | None) -> Mapping:
    """For a sheet that is no template: the first row with two or more texts holds the headers."""
    header_row = 1
    for number, cells in table.rows[:_HEADER_SCAN]:
        if sum(1 for c in cells if isinstance(c, str) and c.strip()) >= 2:
            header_row = number
            break
    headers = _headers(table, header_row)
    rules, used = [], set()
    for index, header in enumerate(headers):
        if not header:
            continue
        guessed = guess_field(header)
        single = guessed not in (None, NOTE, IGNORE, "person.address")
        field_key = guessed if guessed and not (single and guessed in used) else NOTE
        used.add(field_key)
        rules.append(ColumnRule(field_key, sheets.column_letter(index), header))
    # "First name" and "Second name" are the parts in the order people typed them (王, 芳);
    # 姓 and 名 say which part is which.
    positional = any(
        normalise_key(r.header or "") in _POSITIONAL_NAMES
        for r in rules
        if r.field in ("person.given_name", "person.family_name")
    )
    return Mapping(
        columns=rules,
        sheet=sheet,
        header_row=header_row,
        name_order=GIVEN_FAMILY if positional else None,
    )


_POSITIONAL_NAMES = {normalise_key(w) for w in ("first name", "second name")}


def _columns(table: Table, mapping: Mapping) -> list[ColumnInfo]:
    headers = _headers(table, mapping.header_row)
    width = max(table.width, len(headers))
    try:
        fields = resolve_columns(mapping, headers, width)
    except AftercareError:
        fields = dict.fromkeys(range(width), NOTE)
    samples: dict[int, list[str]] = {i: [] for i in range(width)}
    for number, cells in table.rows:
        if number < mapping.data_start or is_blank_row(cells, fields):
            continue
        for i, value in enumerate(cells):
            text = cell_text(value)
            if text and len(samples[i]) < SAMPLES:
                samples[i].append(text)
        if all(len(s) >= SAMPLES for s in samples.values()):
            break
    return [
        ColumnInfo(
            i,
            sheets.column_letter(i),
            headers[i] if i < len(headers) else None,
            samples[i],
            fields.get(i, NOTE),
        )
        for i in range(width)
        if fields.get(i) != ROW_NUMBER or samples[i]
    ]
