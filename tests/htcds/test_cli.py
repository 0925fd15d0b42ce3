"""The commands: import-sheet prints problems by row and cell, --dry-run writes nothing, export-sheet."""

from __future__ import annotations

import datetime as dt

from app import audit
from app.interchange import htcds
from app.storage import cases_repo
from tests import helpers
from tests.htcds.conftest import fill_template

ROWS = {
    3: {"First Name": "王", "Second Name": "芳", "Gender": "女", "Consent": "是",
        "Incoming Referral Date": "2024年3月5日", "Type of Exploitation": "强迫劳动；童工"},
    4: {"First Name": "Mai", "Gender": "Feminine", "Birthdate": "1990-02-30",
        "Incoming Referral Date": dt.datetime(2024, 3, 6)},
}  # fmt: skip


def _count(team) -> int:
    return team.opened("wang").conn.execute("SELECT count(*) FROM cases").fetchone()[0]


def test_problems_are_printed_by_row_and_cell_and_nothing_is_written(team, tmp_path, cli):
    path = fill_template(tmp_path, htcds.PLAIN, ROWS)
    wang = helpers.credentials("wang")
    done = cli("import-sheet", str(team.folder), str(path), env=wang)
    assert done.code == 1
    assert 'row 4, column G (Birthdate): "1990-02-30" is not a real date' in done.err_lines
    assert "nothing was imported" in done.out

    done = cli(
        "import-sheet", str(team.folder), str(path), "--dry-run", "--skip-row", "4", env=wang
    )
    assert done.code == 0, done.err
    assert "row 4: skipped" in done.err_lines
    assert "nothing was written (dry run)" in done.out
    assert "王芳" in done.out
    assert _count(team) == 0
    conn = team.opened("wang").conn
    assert not audit.entries(conn, action="cases_imported")

    mapping = tmp_path / "mapping.json"
    done = cli(
        "import-sheet", str(team.folder), str(path), "--skip-row", "4",
        "--case-numbers", "FZ-2024-{n:04d}", "--save-mapping", str(mapping), env=wang,
    )  # fmt: skip
    assert done.code == 0, done.err
    assert "1 case imported from 2 rows. Rows skipped: 4." in done.out
    assert cases_repo.case_id(conn, "FZ-2024-0001") is not None
    assert b"FZ-2024-{n:04d}" in mapping.read_bytes()


def test_export_sheet_writes_the_htcds_workbook(team, tmp_path, cli):
    path = fill_template(tmp_path, htcds.SINGLE_SELECT, ROWS)
    wang = helpers.credentials("wang")
    assert cli("import-sheet", str(team.folder), str(path), "--skip-row", "4", env=wang).code == 0
    out = tmp_path / "partner.xlsx"
    done = cli(
        "export-sheet", str(team.folder), "--format", "htcds", "--out", str(out),
        env=helpers.credentials("chen"),
    )  # fmt: skip
    assert done.code == 0, done.err
    assert done.out.startswith(f"1 case written to {out}.")
    assert out.read_bytes()[:2] == b"PK"
    refused = cli("export-sheet", str(team.folder), "--out", str(out), env=wang)
    assert refused.code == 1 and "may not" in refused.err
