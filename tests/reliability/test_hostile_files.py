"""Small hostile files must not take the memory or the time: each is refused with a clear
message (no "internal error"), by the command run in a child process whose peak memory is
measured. The limit asserted is 300 MB; the time is only recorded (no timing in tests)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.referrals import keys
from app.vault.vault import Vault
from tests import helpers
from tests.reliability.hostile import (
    MIB,
    Measured,
    backup_bomb,
    entity_bomb,
    oversized_package,
    run_measured,
    shared_strings_bomb,
    sheet_claiming_a_million_rows,
    sheet_of_wide_rows,
    strangers_package,
)

PEAK_MB = 300
CASEWORKER = helpers.credentials("wang")


def refused(measured: Measured, *fragments: str) -> None:
    assert measured.code == 1, measured
    assert len(measured.message.splitlines()) == 1, measured.message
    assert "internal error" not in measured.message and "Traceback" not in measured.message
    for fragment in fragments:
        assert fragment in measured.message, measured.message
    assert measured.peak_mb < PEAK_MB, measured


def record(tally, name: str, path: Path, measured: Measured) -> None:
    tally.add(
        f"hostile file: {name} ({path.stat().st_size / 1024:,.0f} KB)",
        f"refused, peak {measured.peak_mb:.0f} MB, {measured.seconds:.1f} s",
    )


@pytest.fixture
def team_vault(make_vault) -> Path:
    return make_vault(team=True)[0]


@pytest.fixture
def real_backup(team_vault, tmp_path) -> Path:
    out = tmp_path / "real.acbackup"
    done = helpers.run_cli_subprocess(
        ["backup", str(team_vault), "--out", str(out)], env=helpers.credentials("chen")
    )
    assert done.code == 0, done.err
    return out


# --- backups ----------------------------------------------------------------------------------


@pytest.mark.parametrize("member", ["vault.db", "manifest.json", "vault.keys"])
def test_a_backup_bomb_is_refused_before_unpacking(real_backup, tmp_path, tally, member):
    bomb = backup_bomb(real_backup, tmp_path / "bomb.acbackup", member)
    assert bomb.stat().st_size < 2 * MIB
    target = tmp_path / "restored"
    measured = run_measured(["restore", str(bomb), "--to", str(target)])
    refused(measured, "is not a usable Aftercare backup", f"{member} is compressed")
    assert not target.exists()
    record(tally, f"backup whose {member} unpacks to 400 MiB", bomb, measured)


def test_a_real_backup_still_restores(real_backup, tmp_path):
    measured = run_measured(
        ["restore", str(real_backup), "--to", str(tmp_path / "restored")],
        env=helpers.credentials("chen"),
    )
    assert measured.code == 0, measured


# --- spreadsheets -----------------------------------------------------------------------------


def _import(vault: Path, sheet: Path) -> Measured:
    return run_measured(["import-sheet", str(vault), str(sheet), "--dry-run"], env=CASEWORKER)


def test_a_sheet_claiming_a_million_rows_is_refused(team_vault, tmp_path, tally):
    sheet = sheet_claiming_a_million_rows(tmp_path / "million.xlsx")
    measured = _import(team_vault, sheet)
    refused(measured, "million.xlsx cannot be imported", "goes past row 50,000")
    record(tally, "sheet claiming 1,048,576 x 16,384 cells", sheet, measured)


def test_a_sheet_of_wide_rows_is_refused(team_vault, tmp_path, tally):
    sheet = sheet_of_wide_rows(tmp_path / "wide.xlsx")
    measured = _import(team_vault, sheet)
    refused(measured, "holds more than 2,000,000 cells")
    record(tally, "sheet of 300 rows with a cell in column XFD", sheet, measured)


def test_a_shared_strings_bomb_is_refused_before_parsing(team_vault, tmp_path, tally):
    sheet = shared_strings_bomb(tmp_path / "strings.xlsx")
    assert sheet.stat().st_size < 2 * MIB
    measured = _import(team_vault, sheet)
    refused(measured, "strings.xlsx cannot be imported", "would unpack to 300 MB")
    record(tally, "workbook whose shared strings unpack to 300 MiB", sheet, measured)


def test_an_entity_bomb_gets_a_clear_message(team_vault, tmp_path, tally):
    sheet = entity_bomb(tmp_path / "laughs.xlsx")
    measured = _import(team_vault, sheet)
    refused(measured, "declares XML entities")
    record(tally, "workbook with an XML entity bomb", sheet, measured)


# --- referral packages ------------------------------------------------------------------------


def test_an_oversized_package_is_refused_unread(team_vault, tmp_path, tally):
    big = oversized_package(tmp_path / "big.acpkg")
    measured = run_measured(["receive", str(team_vault), str(big)], env=CASEWORKER)
    refused(measured, "big.acpkg is larger than a referral package can be (16 MB)")
    record(tally, "80 MiB package", big, measured)


def test_a_strangers_package_is_refused_before_decrypting(team_vault, tmp_path, tally):
    opened = Vault(team_vault).unlock("wang", helpers.TEAM["wang"][1])
    try:
        receiving = keys.raw_public(keys.receiving_private_key(opened.conn))
    finally:
        opened.lock()
    stranger = strangers_package(receiving, tmp_path / "stranger.acpkg")
    assert 14 * MIB < stranger.stat().st_size < 16 * MIB
    measured = run_measured(["receive", str(team_vault), str(stranger)], env=CASEWORKER)
    refused(measured, "signed by none of your contacts")
    record(tally, "15 MiB package from a stranger", stranger, measured)
