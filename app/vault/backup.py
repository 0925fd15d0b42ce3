"""Encrypted backups: one file with the database copy and the key slots, verified on writing.

The file is a ZIP archive (stored, not compressed) holding:

    vault.db        the database's encrypted pages, copied as they are (same data key)
    vault.keys      the slot file, so the same passphrases and recovery code open the copy
    manifest.json   format, version, schema version, when, and the SHA-256 of each member

Nothing in it is plaintext but the manifest, which names no person and no unit. Restoring
goes into a new folder only, checks every hash first, and writes nothing when any check fails.

A file that only looks like a backup must not take the memory or the disk: before anything is
unpacked, the archive must hold exactly these three members, stored (so a member's unpacked
size is its size in the file: no ratio to abuse), with a manifest and a key file of at most
`MEMBER_LIMITS` bytes; a restore then streams the database in chunks.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import io
import json
import os
import shutil
import tempfile
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO

from app.errors import AftercareError
from app.fileio import fsync_dir
from app.i18n import _
from app.storage.connection import Connection, DatabaseErrors, connect, user_version
from app.vault import audit_head, pages, slots

FORMAT = "aftercare.backup"
VERSION = 1
SUFFIX = ".acbackup"
MEMBERS = ("vault.db", "vault.keys")
MANIFEST = "manifest.json"
# The most a member may hold (None: bounded by the file itself, as members are stored).
MEMBER_LIMITS: dict[str, int | None] = {
    MANIFEST: 64 * 1024,
    "vault.keys": 1024 * 1024,
    "vault.db": None,
}
_CHUNK = 1 << 20
_SNAPSHOT_TRIES = 5
_SNAPSHOT_RETRY_S = 0.2
# One backup at a time in this program: a backup's snapshot keeps the WAL from being copied
# into the database file, so a second one would wait for the first and give up.
ONE_AT_A_TIME = threading.Lock()


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    sha256: str
    size: int
    schema_version: int
    created_at: str


def _database_file(conn: Connection) -> Path:
    # PRAGMA database_list: (seq, name, file) per attached database, "main" first.
    return Path(conn.execute("PRAGMA database_list").fetchone()[2])


@contextlib.contextmanager
def _still_database(conn: Connection, data_key: bytes) -> Iterator[tuple[Path, int]]:
    """The database file holding everything committed, unchanged while inside; its path and
    the size of the snapshot in it.

    A reader that begins when every page of the WAL has been copied into the database file
    reads that file alone, and while it reads, no checkpoint (of this connection or another
    program's) may write into the file: its encrypted pages can be copied as they lie. So a
    second connection holds the write lock (no commit can slip in) while this one checkpoints
    the WAL and begins its read; then the lock is given back and others may go on committing
    to the WAL, which is not in this backup and counts as a change for the next one. A
    checkpoint held up by another program's long read is tried again a few times.
    """
    path = _database_file(conn)
    for _try in range(_SNAPSHOT_TRIES):
        guard = connect(path, data_key)
        try:
            guard.execute("BEGIN IMMEDIATE")
            try:
                _busy, in_wal, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                conn.execute("BEGIN")
                page_count = conn.execute("PRAGMA page_count").fetchone()[0]  # the read begins
            finally:
                guard.execute("ROLLBACK")
        finally:
            guard.close()
        try:
            if in_wal == copied:
                yield path, int(page_count) * int(conn.execute("PRAGMA page_size").fetchone()[0])
                return
        finally:
            conn.execute("COMMIT")
        time.sleep(_SNAPSHOT_RETRY_S)
    raise AftercareError(
        _("Another program kept the vault busy; no backup was written. Try again.")
    )


class _HashingWriter:
    """The archive's file, hashed as it is written. Having no seek, it makes zipfile write
    each member's sizes after its data instead of going back, so every byte passes here once."""

    def __init__(self, fh: BinaryIO):
        self._fh = fh
        self.sha256 = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self._fh.write(data)
        self.sha256.update(data)
        self.size += len(data)
        return len(data)

    def tell(self) -> int:
        return self.size

    def flush(self) -> None:
        self._fh.flush()


def _write_archive(
    staged: Path, conn: Connection, data_key: bytes, keys: bytes, created: str
) -> tuple[str, int]:
    """Write the archive: the database's pages (each page's HMAC checked on the way), the key
    file and the manifest; the archive's SHA-256 and the schema version."""
    with staged.open("wb") as fh, _still_database(conn, data_key) as (db_path, size):
        version = user_version(conn)
        keys = audit_head.stamp(keys, conn)  # the head of this snapshot, for the restore
        writer = _HashingWriter(fh)
        db_digest = hashlib.sha256()
        with zipfile.ZipFile(writer, "w", compression=zipfile.ZIP_STORED) as archive:  # type: ignore[call-overload]
            member = zipfile.ZipInfo("vault.db", date_time=_zip_time(created))
            member.file_size = size  # so that zipfile knows when ZIP64 fields are needed
            with db_path.open("rb") as db, archive.open(member, "w") as out:

                def write(chunk: bytes) -> None:
                    db_digest.update(chunk)
                    out.write(chunk)

                pages.copy_checked(db, data_key, size, write)
            manifest = {
                "format": FORMAT,
                "version": VERSION,
                "schema_version": version,
                "created_at": created,
                "members": {
                    "vault.db": db_digest.hexdigest(),
                    "vault.keys": hashlib.sha256(keys).hexdigest(),
                },
            }
            archive.writestr("vault.keys", keys)
            archive.writestr("manifest.json", json.dumps(manifest, indent=1, sort_keys=True))
        fh.flush()
    return writer.sha256.hexdigest(), version


def _zip_time(created: str) -> tuple[int, int, int, int, int, int]:
    when = dt.datetime.fromisoformat(created)
    return (when.year, when.month, when.day, when.hour, when.minute, when.second)


def write_backup(folder: Path, conn: Connection, data_key: bytes, out: Path) -> BackupInfo:
    """Write a verified backup of the open vault to `out` (atomically).

    The database's encrypted pages are copied as they are (a consistent snapshot, see
    `_still_database`), each page's HMAC checked with the data key on the way
    (app.vault.pages), so nothing is decrypted; then the archive is read back with the checks a
    restore makes. `conn` must not be inside a transaction.
    """
    out = Path(out)
    if out.exists() and out.is_dir():
        raise AftercareError(
            _("{path} is a folder; give a file name for the backup.").format(path=out)
        )
    if not out.parent.is_dir():
        raise AftercareError(
            _("The folder {path} does not exist; no backup was written.").format(path=out.parent)
        )
    created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    keys = slots.keys_path(folder).read_bytes()
    # Staged beside the output file, never in a shared temp folder.
    with tempfile.TemporaryDirectory(prefix=".aftercare-backup-", dir=out.parent) as staging:
        staged = Path(staging) / "backup"
        try:
            with ONE_AT_A_TIME:
                digest, version = _write_archive(staged, conn, data_key, keys, created)
        except pages.DamagedPage as damaged:
            raise AftercareError(
                _(
                    "Page {page} of the vault's database is damaged; no backup was written. "
                    "Restore the vault from an earlier backup."
                ).format(page=damaged.page)
            ) from None
        except (ValueError, *DatabaseErrors) as exc:
            raise AftercareError(
                _("The vault could not be copied ({reason}); no backup was written.").format(
                    reason=exc
                )
            ) from None
        with staged.open("rb") as fh:
            _check_archive(fh, source=str(out))  # the same checks a restore will make
            os.fsync(fh.fileno())
        os.chmod(staged, 0o600)
        size = staged.stat().st_size
        os.replace(staged, out)
        fsync_dir(out.parent)
    return BackupInfo(out, digest, size, version, created)


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _refusal(source: str, reason: str) -> AftercareError:
    return AftercareError(
        _("{file} is not a usable Aftercare backup: {reason}").format(file=source, reason=reason)
    )


def _check_members(archive: zipfile.ZipFile, source: str) -> None:
    """Refuse, before unpacking anything, an archive whose members are not a backup's, are
    compressed, or are larger than a backup's can be."""
    names = sorted(info.filename for info in archive.infolist())
    if names != sorted(MEMBER_LIMITS):
        raise _refusal(
            source,
            _("it holds {names}, not a backup's three files.").format(names=", ".join(names)),
        )
    for info in archive.infolist():
        if info.compress_type != zipfile.ZIP_STORED or info.file_size != info.compress_size:
            raise _refusal(
                source,
                _(
                    "{member} is compressed ({packed} bytes that would unpack to {size}); "
                    "Aftercare never compresses a backup."
                ).format(member=info.filename, packed=info.compress_size, size=info.file_size),
            )
        limit = MEMBER_LIMITS[info.filename]
        if limit is not None and info.file_size > limit:
            raise _refusal(
                source,
                _("{member} holds {size} bytes; a backup's holds at most {limit}.").format(
                    member=info.filename, size=info.file_size, limit=limit
                ),
            )


def _check_archive(fileobj: IO[bytes], source: str) -> dict[str, Any]:
    """The manifest of a backup archive after every check, reading members in chunks."""
    try:
        with zipfile.ZipFile(fileobj) as archive:
            _check_members(archive, source)
            manifest = json.loads(archive.read(MANIFEST))
            if (
                not isinstance(manifest, dict)
                or manifest.get("format") != FORMAT
                or manifest.get("version") != VERSION
            ):
                raise _refusal(source, _("unknown format or version."))
            for name in MEMBERS:
                digest = hashlib.sha256()
                with archive.open(name) as member:
                    head = member.read(16)
                    digest.update(head)
                    for chunk in iter(functools.partial(member.read, _CHUNK), b""):
                        digest.update(chunk)
                if name == "vault.db" and head.startswith(b"SQLite format 3"):
                    raise _refusal(source, _("its database is not encrypted."))
                if manifest.get("members", {}).get(name) != digest.hexdigest():
                    raise _refusal(
                        source, _("{member} does not match its checksum.").format(member=name)
                    )
            keys = archive.read("vault.keys")
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError) as exc:
        raise _refusal(
            source, _("it is truncated, damaged or of another kind ({detail}).").format(detail=exc)
        ) from None
    try:
        slots.SlotFile.from_bytes(keys)
    except (ValueError, KeyError, TypeError) as exc:
        raise _refusal(
            source, _("its key file is damaged ({detail}).").format(detail=exc)
        ) from None
    return manifest


def read_backup(data: bytes, source: str) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The manifest and members of a backup, or AftercareError saying what is wrong."""
    manifest = _check_archive(io.BytesIO(data), source)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return manifest, {name: archive.read(name) for name in MEMBERS}


def restore_backup(backup_file: Path, to_folder: Path) -> None:
    """Unpack a backup into a new folder; the caller then unlocks it to prove it opens.

    The file is checked whole first (`_check_archive`), then its members are streamed into
    the folder, their checksums taken again on the way: memory stays a chunk's worth."""
    backup_file, to_folder = Path(backup_file), Path(to_folder)
    if to_folder.exists() and (not to_folder.is_dir() or any(to_folder.iterdir())):
        raise AftercareError(
            _(
                "{path} already exists and is not empty; restore goes into a new folder only."
            ).format(path=to_folder)
        )
    try:
        fh = backup_file.open("rb")
    except OSError as exc:
        raise AftercareError(
            _("Cannot read {file}: {reason}").format(file=backup_file, reason=exc.strerror)
        ) from None
    with fh:
        manifest = _check_archive(fh, source=str(backup_file))
        created = not to_folder.exists()
        to_folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            to_folder.chmod(0o700)  # an existing empty folder keeps its mode otherwise
            with zipfile.ZipFile(fh) as archive:
                for name in MEMBERS:
                    _unpack(archive, name, to_folder / name, manifest, str(backup_file))
            shutil.copyfile(to_folder / "vault.keys", slots.spare_path(to_folder))
            os.chmod(slots.spare_path(to_folder), 0o600)
            fsync_dir(to_folder)
        except BaseException:
            if created:
                shutil.rmtree(to_folder, ignore_errors=True)
            else:
                for leftover in to_folder.iterdir():
                    leftover.unlink()
            raise


def _unpack(
    archive: zipfile.ZipFile, name: str, target: Path, manifest: dict[str, Any], source: str
) -> None:
    """Stream one member into `target`, checking its SHA-256 against the manifest again (the
    file could have changed since it was checked)."""
    digest = hashlib.sha256()
    partial = target.with_name(target.name + ".partial")
    with archive.open(name) as member, partial.open("xb") as out:
        os.chmod(partial, 0o600)
        for chunk in iter(lambda: member.read(_CHUNK), b""):
            digest.update(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    if manifest.get("members", {}).get(name) != digest.hexdigest():
        raise _refusal(source, _("{member} does not match its checksum.").format(member=name))
    os.replace(partial, target)


def verify_restored(folder: Path, conn: Connection) -> None:
    ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
    if ok != "ok" or conn.execute("PRAGMA cipher_integrity_check").fetchall():
        raise AftercareError(
            _("The restored database in {path} failed its integrity check.").format(path=folder)
        )


def backup_before_upgrade(folder: Path, conn: Connection, data_key: bytes) -> Path:
    """An encrypted backup in backups/ before a schema upgrade, as the migration runner promises."""
    target_dir = folder / "backups"
    target_dir.mkdir(mode=0o700, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    out = target_dir / f"pre-upgrade-v{user_version(conn)}-{stamp}{SUFFIX}"
    write_backup(folder, conn, data_key, out)
    return out
