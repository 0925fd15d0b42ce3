"""Backups through the command: a round trip that opens with the same secrets, and every
unusable backup refused before anything is written."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from app import audit
from app.errors import AftercareError
from app.storage.connection import connect
from app.vault import backup
from app.vault.vault import DB_NAME
from tests.helpers import credentials, data_key, flip_bytes, scan_for_sentinels

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def backup_file(make_vault, tmp_path):
    """A backup written by the program (opened with the key from the recovery slot, to skip
    the cost of an unlock); returns (vault folder, recovery code, file)."""
    folder, code = make_vault()
    out = tmp_path / "shelter.acbackup"
    key = data_key(folder, code)
    conn = connect(folder / DB_NAME, key)
    backup.write_backup(folder, conn, key, out)
    conn.close()
    return folder, code, out


def test_round_trip_through_the_command(make_vault, cli, tmp_path):
    folder, code = make_vault()
    out = tmp_path / "shelter.acbackup"
    done = cli("backup", str(folder), "--out", str(out), "--json", env=credentials())
    assert done.code == 0, done.err
    written = json.loads(done.out)
    assert written["file"] == str(out) and written["size"] == out.stat().st_size
    assert scan_for_sentinels(tmp_path, ["Fuzhou Test Shelter", "350100-S01"]) == []

    restored = tmp_path / "restored"
    done = cli("restore", str(out), "--to", str(restored), env=credentials())
    assert done.code == 0, done.err
    assert "it opens and its database is intact" in done.out
    assert sorted(p.name for p in restored.iterdir()) == [
        "vault.db",
        "vault.keys",
        "vault.keys.bak",
        "vault.state",
    ]
    # The same passphrase opens it (the command) and the same recovery code (the slot file).
    done = cli("audit", "verify", str(restored), env=credentials())
    assert done.code == 0, done.err
    conn = connect(restored / DB_NAME, data_key(restored, code))
    actions = [e.action for e in reversed(audit.entries(conn))]
    assert audit.verify(conn).ok
    conn.close()
    assert "backup_written" not in actions  # written after the copy was taken
    assert actions.count("restored_from_backup") == 1


def _restore_refused(cli, backup_path, target, message):
    done = cli("restore", str(backup_path), "--to", str(target), env=credentials())
    assert done.code == 1
    assert len(done.err_lines) == 1 and message in done.err, done.err
    assert not target.exists()


def test_truncated_backup_is_refused(backup_file, cli, tmp_path):
    _folder, _code, out = backup_file
    out.write_bytes(out.read_bytes()[: out.stat().st_size // 2])
    _restore_refused(cli, out, tmp_path / "restored", "truncated, damaged or of another kind")


def test_corrupted_backup_is_refused(backup_file, cli, tmp_path):
    _folder, _code, out = backup_file
    flip_bytes(out, out.stat().st_size // 2, 64)
    _restore_refused(cli, out, tmp_path / "restored", "is not a usable Aftercare backup")


def test_a_backup_with_a_consistent_but_wrong_member_is_refused(backup_file, cli, tmp_path):
    """Members rewritten with valid ZIP checksums: the manifest's SHA-256 still catches it."""
    _folder, _code, out = backup_file
    with zipfile.ZipFile(out) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    db = bytearray(members["vault.db"])
    db[5000] ^= 0xFF
    members["vault.db"] = bytes(db)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    out.write_bytes(buffer.getvalue())
    _restore_refused(cli, out, tmp_path / "restored", "vault.db does not match its checksum")


@pytest.mark.parametrize("kind", ["zip", "text", "plain database"])
def test_a_foreign_file_is_refused(cli, tmp_path, kind):
    foreign = tmp_path / "foreign.acbackup"
    if kind == "zip":
        with zipfile.ZipFile(foreign, "w") as archive:
            archive.writestr("manifest.json", json.dumps({"format": "something.else"}))
            archive.writestr("vault.db", b"x")
            archive.writestr("vault.keys", b"{}")
        message = "unknown format or version"
    elif kind == "text":
        foreign.write_text("not a backup at all")
        message = "truncated, damaged or of another kind"
    else:
        import hashlib
        import sqlite3

        plain = tmp_path / "plain.db"
        sqlite3.connect(plain).execute("CREATE TABLE t (x)").connection.commit()
        members = {"vault.db": plain.read_bytes(), "vault.keys": b"{}"}
        manifest = {
            "format": backup.FORMAT,
            "version": backup.VERSION,
            "members": {k: hashlib.sha256(v).hexdigest() for k, v in members.items()},
        }
        with zipfile.ZipFile(foreign, "w") as archive:
            archive.writestr("manifest.json", json.dumps(manifest))
            for name, content in members.items():
                archive.writestr(name, content)
        message = "its database is not encrypted"
    _restore_refused(cli, foreign, tmp_path / "restored", message)


def test_a_missing_backup_file_is_refused(cli, tmp_path):
    _restore_refused(cli, tmp_path / "nowhere.acbackup", tmp_path / "restored", "Cannot read")


def test_restore_never_overwrites(backup_file, cli, tmp_path):
    folder, _code, out = backup_file
    target = tmp_path / "occupied"
    target.mkdir()
    (target / "keep.txt").write_text("mine")
    done = cli("restore", str(out), "--to", str(target), env=credentials())
    assert done.code == 1 and "restore goes into a new folder only" in done.err
    assert [p.name for p in target.iterdir()] == ["keep.txt"]
    done = cli("restore", str(out), "--to", str(folder), env=credentials())
    assert done.code == 1 and "is not empty" in done.err


def test_restore_into_an_empty_folder_makes_it_private(backup_file, tmp_path):
    _folder, _code, out = backup_file
    target = tmp_path / "empty"
    target.mkdir(mode=0o755)
    backup.restore_backup(out, target)
    assert target.stat().st_mode & 0o777 == 0o700


def test_backup_into_a_missing_folder_is_a_clear_error(vault_folder, cli, tmp_path):
    done = cli("backup", str(vault_folder), "--out", str(tmp_path / "no" / "b"), env=credentials())
    assert done.code == 1
    assert len(done.err_lines) == 1 and "does not exist; no backup was written" in done.err


def test_read_backup_checks_what_restore_checks(backup_file):
    _folder, _code, out = backup_file
    manifest, members = backup.read_backup(out.read_bytes(), source=str(out))
    assert set(members) == {"vault.db", "vault.keys"}
    assert manifest["format"] == backup.FORMAT
    with pytest.raises(AftercareError, match="not a usable Aftercare backup"):
        backup.read_backup(b"", source="empty")
