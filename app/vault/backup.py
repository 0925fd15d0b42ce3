"""Encrypted backups: one file with the database copy and the key slots, verified on writing.

The file is a ZIP archive (stored, not compressed) holding:

    manifest.json   format, version, schema version, when, and the SHA-256 of each member
    vault.db        an encrypted copy made with sqlcipher_export (same data key)
    vault.keys      the slot file, so the same passphrases and recovery code open the copy

Nothing in it is plaintext but the manifest, which names no person and no unit. Restoring
goes into a new folder only, checks every hash first, and writes nothing when any check fails.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from app.errors import AftercareError
from app.fileio import atomic_write_bytes, fsync_dir
from app.i18n import _
from app.storage.connection import Connection, DatabaseErrors, connect, user_version
from app.vault import slots

FORMAT = "aftercare.backup"
VERSION = 1
SUFFIX = ".acbackup"
MEMBERS = ("vault.db", "vault.keys")


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    sha256: str
    size: int
    schema_version: int
    created_at: str


def _export_database(conn: Connection, data_key: bytes, dest: Path) -> None:
    """Copy the open database into `dest`, encrypted with the same key, user_version included."""
    conn.execute(f"ATTACH DATABASE ? AS backup KEY \"x'{data_key.hex()}'\"", (str(dest),))
    try:
        conn.execute("SELECT sqlcipher_export('backup')")
        # sqlcipher_export copies the schema and rows but not user_version.
        conn.execute(f"PRAGMA backup.user_version = {user_version(conn)}")
    finally:
        conn.execute("DETACH DATABASE backup")


def _check_database(path: Path, data_key: bytes, expected_version: int) -> None:
    copy = connect(path, data_key)
    try:
        ok = copy.execute("PRAGMA integrity_check").fetchone()[0]
        cipher_problems = copy.execute("PRAGMA cipher_integrity_check").fetchall()
        if ok != "ok" or cipher_problems or user_version(copy) != expected_version:
            raise AftercareError(
                _("The backup copy failed its integrity check; no backup was written.")
            )
    finally:
        copy.execute("PRAGMA journal_mode = DELETE")
        copy.close()


def write_backup(folder: Path, conn: Connection, data_key: bytes, out: Path) -> BackupInfo:
    """Write a verified backup of the open vault to `out` (atomically)."""
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
    version = user_version(conn)
    # The encrypted copy is staged beside the output file, never in a shared temp folder.
    with tempfile.TemporaryDirectory(prefix=".aftercare-backup-", dir=out.parent) as staging:
        db_copy = Path(staging) / "vault.db"
        try:
            _export_database(conn, data_key, db_copy)
        except DatabaseErrors as exc:
            # sqlcipher_export reports a damaged page (and a full disk) as a plain SQL error.
            raise AftercareError(
                _("The vault could not be copied ({reason}); no backup was written.").format(
                    reason=exc
                )
            ) from None
        _check_database(db_copy, data_key, version)
        keys = slots.keys_path(folder).read_bytes()
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "schema_version": version,
            "created_at": created,
            "members": {
                "vault.db": _sha256_of(db_copy),
                "vault.keys": hashlib.sha256(keys).hexdigest(),
            },
        }
        # Streamed from file to file: a 500 MB vault is never held in memory (the automatic
        # backup runs at every lock on a laptop).
        staged = Path(staging) / "backup"
        with zipfile.ZipFile(staged, "w", compression=zipfile.ZIP_STORED) as archive:
            archive.writestr("manifest.json", json.dumps(manifest, indent=1, sort_keys=True))
            archive.write(db_copy, "vault.db")
            archive.writestr("vault.keys", keys)
        with staged.open("rb") as fh:
            _check_archive(fh, source=str(out))  # the same checks a restore will make
            os.fsync(fh.fileno())
        os.chmod(staged, 0o600)
        os.replace(staged, out)
        fsync_dir(out.parent)
    return BackupInfo(out, _sha256_of(out), out.stat().st_size, version, created)


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


def _check_archive(fileobj, source: str) -> dict:
    """The manifest of a backup archive after every check, reading members in chunks."""
    try:
        with zipfile.ZipFile(fileobj) as archive:
            manifest = json.loads(archive.read("manifest.json"))
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
                    for chunk in iter(lambda m=member: m.read(1 << 20), b""):
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


def read_backup(data: bytes, source: str) -> tuple[dict, dict[str, bytes]]:
    """The manifest and members of a backup, or AftercareError saying what is wrong."""
    manifest = _check_archive(io.BytesIO(data), source)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return manifest, {name: archive.read(name) for name in MEMBERS}


def restore_backup(backup_file: Path, to_folder: Path) -> None:
    """Unpack a backup into a new folder; the caller then unlocks it to prove it opens."""
    backup_file, to_folder = Path(backup_file), Path(to_folder)
    if to_folder.exists() and (not to_folder.is_dir() or any(to_folder.iterdir())):
        raise AftercareError(
            _(
                "{path} already exists and is not empty; restore goes into a new folder only."
            ).format(path=to_folder)
        )
    try:
        data = backup_file.read_bytes()
    except OSError as exc:
        raise AftercareError(
            _("Cannot read {file}: {reason}").format(file=backup_file, reason=exc.strerror)
        ) from None
    _manifest, members = read_backup(data, source=str(backup_file))
    created = not to_folder.exists()
    to_folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        to_folder.chmod(0o700)  # an existing empty folder keeps its mode otherwise
        for name, content in members.items():
            atomic_write_bytes(to_folder / name, content)
        atomic_write_bytes(slots.spare_path(to_folder), members["vault.keys"])
        fsync_dir(to_folder)
    except BaseException:
        if created:
            shutil.rmtree(to_folder, ignore_errors=True)
        raise


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
