"""Bad cells are reported against their row and cell, nothing is written, and the dry run writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from app import audit
from app.errors import AftercareError
from app.interchange import htcds
from app.services.transfer import Transfer
from tests.case_examples import minimal_case
from tests.htcds.conftest import fill_template
from tests.services.conftest import vault_state

GOOD = {"First Name": "Ok", "Gender": "Feminine", "Incoming Referral Date": "2024-03-05"}
BAD = {
    3: {**GOOD, "Birthdate": "2024-13-45", "Case Number": "X-1"},  # not a real date
    4: {**GOOD, "Gender": "Alien", "Case Number": "X-2"},  # not a picklist value
    5: {"Second Name": "", "Gender": "女", "Incoming Referral Date": "2024-03-05",
        "First Name": None, "Consent": "是", "Case Number": "X-3"},  # no name
    6: {**GOOD, "Case Number": "X-4"},
    7: {**GOOD, "Case Number": "X-4"},  # the same number again
    8: {**GOOD, "Case Number": "VAULT-1"},  # a number the vault already has
    9: {**GOOD, "Status": "Active; Closed", "Case Number": "X-5"},  # two values in a single
    10: {**GOOD, "Birthdate": dt.datetime(2030, 1, 1), "Case Number": "X-6"},  # the future
    11: {"Case Number": "X-7", "First Name": "No date"},  # no opening date anywhere
    12: {**GOOD, "Case Number": "X-8"},  # a good row
}  # fmt: skip
EXPECTED = {  # row -> (column header, kind)
    3: ("Birthdate", "bad_date"),
    4: ("Gender", "unknown_value"),
    5: ("First Name", "invalid"),
    7: ("Case Number", "duplicate"),
    8: ("Case Number", "duplicate"),
    9: ("Status", "too_many"),
    10: ("Birthdate", "bad_date"),
    11: (None, "missing"),
}


@pytest.fixture
def bad_preview(team, tmp_path):
    importer = team.importer()
    Transfer(team.opened("wang")).import_built([minimal_case("VAULT-1")], {"source": "test"})
    path = fill_template(tmp_path, htcds.SINGLE_SELECT, BAD)
    return importer, importer.open(path)


def test_each_bad_cell_is_reported_against_its_row_and_cell(team, bad_preview):
    importer, book = bad_preview
    preview = importer.preview(book)
    found = {(p.row, p.header, p.kind) for p in preview.problems}
    for row, (header, kind) in EXPECTED.items():
        assert (row, header, kind) in found, (row, header, kind, preview.problems)
    assert {p.row for p in preview.problems} == set(EXPECTED)
    shown = [str(p) for p in preview.problems if p.row == 3]
    assert shown[0].startswith("row 3, column G (Birthdate): ")

    state = vault_state(team.opened("wang").conn)
    with pytest.raises(AftercareError, match="Nothing was imported"):
        importer.commit(preview)
    assert vault_state(team.opened("wang").conn) == state


def test_rows_are_skipped_only_when_asked_and_each_skip_is_listed(team, bad_preview):
    importer, book = bad_preview
    preview = importer.preview(book, skip_rows=EXPECTED)
    assert preview.ok
    result = importer.commit(preview)
    assert result.imported == 2  # rows 6 and 12
    assert result.skipped_rows == sorted(EXPECTED)
    (entry,) = audit.entries(team.opened("wang").conn, action="cases_imported", limit=1)
    assert entry.detail["skipped_rows"] == sorted(EXPECTED)
    assert entry.detail["file_sha256"] == book.sha256

    with pytest.raises(AftercareError, match="not a data row"):
        importer.preview(book, skip_rows=[4000])


def test_the_preview_writes_nothing(team, bad_preview):
    importer, book = bad_preview
    conn = team.opened("wang").conn
    files = _vault_files(team.folder)
    state, trail = vault_state(conn), audit.entries(conn)
    importer.preview(book)
    importer.preview(book, skip_rows=EXPECTED)
    assert _vault_files(team.folder) == files
    assert vault_state(conn) == state
    assert audit.entries(conn) == trail


def _vault_files(folder) -> dict[str, bytes]:
    """Every file's bytes but SQLite's shared-memory index, which readers update."""
    return {
        p.name: p.read_bytes()
        for p in folder.iterdir()
        if p.is_file() and not p.name.endswith("-shm")
    }
