"""Backups copy the encrypted pages as they are: each page's HMAC is checked on the way (as
SQLCipher checks it), a damaged page stops the backup, and a backup holds every committed
change, the ones still in the WAL included."""

from __future__ import annotations

import io
import zipfile

import pytest

from app.errors import AftercareError
from app.storage.connection import connect
from app.vault import backup, pages
from app.vault.vault import DB_NAME, Vault
from tests.helpers import ADMIN, ADMIN_PASSPHRASE, data_key


@pytest.fixture
def keyed(make_vault):
    """(vault folder, data key, the database file's bytes with the WAL checkpointed in)."""
    folder, code = make_vault()
    key = data_key(folder, code)
    conn = connect(folder / DB_NAME, key)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return folder, key, (folder / DB_NAME).read_bytes()


def _check(data: bytes, key: bytes) -> bytes:
    copied: list[bytes] = []
    pages.copy_checked(io.BytesIO(data), key, len(data), copied.append)
    return b"".join(copied)


def test_every_page_of_a_vault_passes_and_comes_through_unchanged(keyed):
    _folder, key, data = keyed
    assert len(data) // pages.PAGE_SIZE > 10
    assert _check(data, key) == data


@pytest.mark.parametrize("page", [1, 2, "last"])
def test_a_changed_byte_is_found_on_its_page_as_sqlcipher_finds_it(keyed, page):
    folder, key, data = keyed
    count = len(data) // pages.PAGE_SIZE
    number = count if page == "last" else page
    damaged = bytearray(data)
    damaged[(number - 1) * pages.PAGE_SIZE + 100] ^= 0x01
    with pytest.raises(pages.DamagedPage) as found:
        _check(bytes(damaged), key)
    assert found.value.page == number
    # SQLCipher's own check names the same page (its messages count pages from 1 too).
    (folder / DB_NAME).write_bytes(bytes(damaged))
    if number == 1:
        with pytest.raises(AftercareError):  # page 1 holds the schema: the file does not open
            connect(folder / DB_NAME, key)
        return
    conn = connect(folder / DB_NAME, key)
    try:
        problems = [row[0] for row in conn.execute("PRAGMA cipher_integrity_check")]
    finally:
        conn.close()
    assert problems == [f"HMAC verification failed for page {number}"]


def test_the_wrong_key_fails_on_the_first_page(keyed):
    _folder, _key, data = keyed
    with pytest.raises(pages.DamagedPage) as found:
        _check(data, bytes(32))
    assert found.value.page == 1


def test_a_file_of_broken_pages_is_refused(keyed):
    _folder, key, data = keyed
    with pytest.raises(ValueError):
        _check(data[:-1], key)


def test_a_damaged_vault_is_not_backed_up(keyed, tmp_path):
    folder, key, data = keyed
    damaged = bytearray(data)
    damaged[3 * pages.PAGE_SIZE + 7] ^= 0x10
    (folder / DB_NAME).write_bytes(bytes(damaged))
    conn = connect(folder / DB_NAME, key)
    out = tmp_path / "out"
    out.mkdir()
    try:
        with pytest.raises(AftercareError, match="Page 4 of the vault's database is damaged"):
            backup.write_backup(folder, conn, key, out / "b.acbackup")
    finally:
        conn.close()
    assert list(out.iterdir()) == []  # nothing written, nothing staged left behind


def test_a_backup_holds_changes_still_in_the_wal(make_vault, tmp_path):
    folder, _code = make_vault()
    opened = Vault(folder).unlock(ADMIN, ADMIN_PASSPHRASE)
    try:
        opened.add_user("li", "caseworker", "another long passphrase 2026")
        assert (folder / (DB_NAME + "-wal")).stat().st_size > 0
        out = tmp_path / "b.acbackup"
        info = backup.write_backup(folder, opened.conn, opened.data_key_for_backup(), out)
        # Another connection may go on writing once the copy is taken.
        assert opened.conn.in_transaction is False
        opened.add_user("wang", "caseworker", "yet another long passphrase 2026")
    finally:
        opened.lock()
    with zipfile.ZipFile(out) as archive:
        assert archive.namelist() == ["vault.db", "vault.keys", "manifest.json"]
    assert info.size == out.stat().st_size
    restored = tmp_path / "restored"
    backup.restore_backup(out, restored)
    again = Vault(restored).unlock(ADMIN, ADMIN_PASSPHRASE)
    try:
        backup.verify_restored(restored, again.conn)
        assert {u.name for u in again.users()} == {ADMIN, "li"}
    finally:
        again.lock()


def test_a_snapshot_that_cannot_be_taken_is_refused_and_nothing_written(make_vault, tmp_path):
    """Another program reading an older state keeps the WAL from being copied into the file:
    the pages there are not the newest, so no backup is taken from them."""
    folder, code = make_vault()
    key = data_key(folder, code)
    conn = connect(folder / DB_NAME, key)
    reader = connect(folder / DB_NAME, key)
    out = tmp_path / "out"
    out.mkdir()
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("INSERT INTO meta (key, value) VALUES ('first', x'01')")
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM meta").fetchone()  # holds the state of now
        conn.execute("INSERT INTO meta (key, value) VALUES ('second', x'02')")
        with pytest.raises(AftercareError, match="kept the vault busy; no backup was written"):
            backup.write_backup(folder, conn, key, out / "b.acbackup")
        assert list(out.iterdir()) == []
        reader.execute("COMMIT")
        backup.write_backup(folder, conn, key, out / "b.acbackup")
    finally:
        reader.close()
        conn.close()
    backup.restore_backup(out / "b.acbackup", tmp_path / "restored")
    copy = connect(tmp_path / "restored" / DB_NAME, key)
    try:
        keys = {row[0] for row in copy.execute("SELECT key FROM meta")}
    finally:
        copy.close()
    assert {"first", "second"} <= keys
