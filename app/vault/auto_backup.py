"""Automatic backups: on lock or quit, when something changed, into backups/ and a second folder.

When. The window locks at once and hands the open vault to `BehindTheLock`, which backs it
up on a thread of its own and then locks it (a quit locks too, and waits for the backup).
"Something changed" is judged from the audit trail, which every change writes in the same
transaction: the marker is the id of the newest audit entry that records a change, and each
automatic backup records in its own audit entry the marker it holds (`through`). Entries that
record no change to what a backup holds are not changes: unlocking, locking, failed unlocks,
viewing a case, and the backup entries themselves. Everything else is a change, exports and
prints included: they change no case, but their audit entries are what someone looking into a
lost laptop needs. An action this module does not know counts as a change, so a new service
never goes without backups. (PRAGMA data_version cannot serve: it counts other connections'
commits only, and nothing of it survives a restart.)

Where. `backups/` in the vault folder, and, when the window's settings name one, a second
folder (a USB stick): there into `aftercare-<vault id>/`, so that two vaults sharing a stick
never rotate away each other's files. The second folder itself is never created: a stick
that is not plugged in must not turn into a folder on the laptop's own disk. The second copy
is the first copy's verified bytes, checked again after writing.

Names. `auto-YYYYmmddTHHMMSSZ.acbackup` (UTC); nothing about a person or the unit. Two
backups in the same second share a name and the later one replaces the earlier.

Keeping. In each folder, the last 10 automatic backups and the newest of every month
(`backups_to_keep`); other files (pre-upgrade backups, backups written by hand) are never
removed.

Failures. A failure never stops the lock: it is written to the audit trail
(`auto_backup_failed`, with where and why), and `problems()` reports it at the next unlock
until a later backup to that place succeeds. A missing second folder is retried at every lock,
copying the newest backup that already holds the current state.

Why the command line does not back up automatically: each `aftercare` command is one short
unlock-work-lock, often run by scripts (imports, summaries); a backup after each would make
them slow and push the history out of the rotation. `aftercare backup` is the explicit
command for a scheduled task, and the next lock in the window backs up what commands changed,
because the marker lives in the vault's audit trail, not in the window.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.errors import AftercareError
from app.fileio import atomic_write_bytes
from app.i18n import _
from app.storage.connection import Connection, DatabaseErrors
from app.vault import backup
from app.vault.vault import OpenVault

KEEP_LAST = 10
FOLDER_NAME = "backups"
VAULT, SECOND = "vault", "second"  # where a copy went, as the audit trail records it
WRITTEN, FAILED = "auto_backup", "auto_backup_failed"  # audit actions

NOT_CHANGES = frozenset(
    {"unlock", "unlock_failed", "lock", "case_viewed", "backup_written", WRITTEN, FAILED}
)

_AUTO_NAME = re.compile(r"^auto-(\d{8}T\d{6}Z)" + re.escape(backup.SUFFIX) + "$")
_UPGRADE_NAME = re.compile(r"^pre-upgrade-v\d+-(\d{8}T\d{6}Z)" + re.escape(backup.SUFFIX) + "$")
_STAMP = "%Y%m%dT%H%M%SZ"


# --- names and rotation (pure) ---------------------------------------------------------------


def backup_name(when: dt.datetime) -> str:
    return f"auto-{when.astimezone(dt.UTC).strftime(_STAMP)}{backup.SUFFIX}"


def time_of(name: str) -> dt.datetime | None:
    """The UTC time in an automatic backup's name; None for any other name."""
    found = _AUTO_NAME.match(name)
    return _parse_stamp(found.group(1)) if found else None


def _parse_stamp(stamp: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(stamp, _STAMP).replace(tzinfo=dt.UTC)
    except ValueError:
        return None


def backups_to_keep(
    names_with_times: Iterable[tuple[str, dt.datetime]], *, last: int = KEEP_LAST
) -> set[str]:
    """The names to keep: the `last` newest, and the newest of each calendar month (UTC)."""
    newest_first = sorted(names_with_times, key=lambda item: (item[1], item[0]), reverse=True)
    keep = {name for name, _when in newest_first[:last]}
    newest_of_month: dict[tuple[int, int], str] = {}
    for name, when in newest_first:
        utc = when.astimezone(dt.UTC)
        newest_of_month.setdefault((utc.year, utc.month), name)
    return keep | set(newest_of_month.values())


def rotate(folder: Path) -> list[str]:
    """Remove the automatic backups in `folder` that `backups_to_keep` lets go; their names."""
    found = [(p.name, time_of(p.name)) for p in Path(folder).iterdir() if p.is_file()]
    automatic = [(name, when) for name, when in found if when is not None]
    keep = backups_to_keep(automatic)
    removed = []
    for name, _when in automatic:
        if name not in keep:
            (Path(folder) / name).unlink(missing_ok=True)
            removed.append(name)
    return sorted(removed)


# --- where ----------------------------------------------------------------------------------


def vault_backups_folder(vault_folder: Path) -> Path:
    return Path(vault_folder) / FOLDER_NAME


def second_backups_folder(conn: Connection, second_folder: str | Path) -> Path:
    vault_id = bytes(
        conn.execute("SELECT value FROM meta WHERE key = 'vault_id'").fetchone()[0]
    ).decode()
    return Path(second_folder) / f"aftercare-{vault_id}"


@dataclass(frozen=True)
class BackupFile:
    path: Path
    where: str  # VAULT or SECOND
    created: dt.datetime  # UTC
    size: int
    automatic: bool


def list_backups(opened: OpenVault, second_folder: str | Path | None) -> list[BackupFile]:
    """Every backup file in backups/ and in the second folder, newest first."""
    places = [(VAULT, vault_backups_folder(opened.folder))]
    if second_folder:
        places.append((SECOND, second_backups_folder(opened.conn, second_folder)))
    found = []
    for where, folder in places:
        if not folder.is_dir():
            continue
        for path in folder.glob("*" + backup.SUFFIX):
            try:
                stat = path.stat()
            except OSError:  # removed while we looked, or a stick pulled out
                continue
            auto_time = time_of(path.name)
            upgrade = _UPGRADE_NAME.match(path.name)
            created = (
                auto_time
                or (upgrade and _parse_stamp(upgrade.group(1)))
                or dt.datetime.fromtimestamp(stat.st_mtime, dt.UTC)
            )
            found.append(BackupFile(path, where, created, stat.st_size, auto_time is not None))
    return sorted(found, key=lambda f: (f.created, f.path.name), reverse=True)


# --- what changed ---------------------------------------------------------------------------


def last_change_id(conn: Connection) -> int:
    """The id of the newest audit entry that records a change (0 for none)."""
    marks = ",".join("?" * len(NOT_CHANGES))
    row = conn.execute(
        f"SELECT id FROM audit WHERE action NOT IN ({marks}) ORDER BY id DESC LIMIT 1",
        sorted(NOT_CHANGES),
    ).fetchone()
    return row[0] if row else 0


def _last_written(conn: Connection, where: str) -> dict[str, Any] | None:
    for (detail,) in conn.execute(
        "SELECT detail FROM audit WHERE action = ? ORDER BY id DESC", (WRITTEN,)
    ):
        record: dict[str, Any] = json.loads(detail)
        if record.get("where") == where:
            return record
    return None


@dataclass(frozen=True)
class Plan:
    through: int  # the change marker a backup made now holds
    vault: bool  # a new backup is needed in backups/
    second: bool  # a copy is needed in the second folder
    reuse: Path | None  # the newest backup in backups/ when it already holds this state


def plan(opened: OpenVault, second_folder: str | Path | None) -> Plan:
    through = last_change_id(opened.conn)
    last_vault = _last_written(opened.conn, VAULT)
    reuse = None
    if last_vault and last_vault.get("through", 0) >= through:
        candidate = vault_backups_folder(opened.folder) / str(last_vault.get("file"))
        reuse = candidate if candidate.is_file() else None
    last_second = _last_written(opened.conn, SECOND) if second_folder else None
    second = bool(second_folder) and (last_second or {}).get("through", 0) < through
    return Plan(through, reuse is None, second, reuse)


def needs_backup(opened: OpenVault, second_folder: str | Path | None) -> bool:
    """Quick enough for the GUI thread: two indexed reads of the audit trail."""
    chosen = plan(opened, second_folder)
    return chosen.vault or chosen.second


# --- writing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Copy:
    where: str
    path: Path
    sha256: str
    size: int


@dataclass(frozen=True)
class Failure:
    where: str
    folder: str
    reason: str
    at: str = ""  # when it was recorded (from the audit trail), for problems()


@dataclass(frozen=True)
class Outcome:
    written: tuple[Copy, ...] = ()
    failures: tuple[Failure, ...] = ()


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc)


def _write_new(opened: OpenVault, folder: Path, where: str, now: dt.datetime) -> Copy:
    folder.mkdir(mode=0o700, exist_ok=True)
    out = folder / backup_name(now)
    info = backup.write_backup(opened.folder, opened.conn, opened.data_key_for_backup(), out)
    return Copy(where, info.path, info.sha256, info.size)


def _copy_verified(source: Path, folder: Path, where: str) -> Copy:
    data = source.read_bytes()
    backup.read_backup(data, source=str(source))
    folder.mkdir(mode=0o700, exist_ok=True)
    out = folder / source.name
    atomic_write_bytes(out, data)
    digest = hashlib.sha256(data).hexdigest()
    if hashlib.sha256(out.read_bytes()).hexdigest() != digest:  # a flaky stick
        raise AftercareError(_("the copy read back differs from what was written."))
    return Copy(where, out, digest, len(data))


_EXPECTED = (AftercareError, OSError, *DatabaseErrors)


def back_up(
    opened: OpenVault,
    second_folder: str | Path | None,
    *,
    trigger: str,
    force: bool = False,
    now: dt.datetime | None = None,
) -> Outcome:
    """Back up when something changed (or always, with `force`), keep the promised set, and
    audit each copy and each failure. Failures are returned, not raised."""
    now = now or dt.datetime.now(dt.UTC)
    chosen = plan(opened, second_folder)
    written: list[Copy] = []
    failures: list[Failure] = []
    source = None if force else chosen.reuse
    if force or chosen.vault:
        folder = vault_backups_folder(opened.folder)
        try:
            copy = _write_new(opened, folder, VAULT, now)
            written.append(copy)
            source = copy.path
            rotate(folder)
        except _EXPECTED as exc:
            failures.append(Failure(VAULT, str(folder), _reason(exc)))
    if second_folder and (force or chosen.second):
        target = Path(second_folder)
        try:
            if not target.is_dir():
                raise AftercareError(_("the folder is missing (is the USB stick plugged in?)."))
            folder = second_backups_folder(opened.conn, target)
            copy = (
                _copy_verified(source, folder, SECOND)
                if source is not None
                else _write_new(opened, folder, SECOND, now)
            )
            written.append(copy)
            rotate(folder)
        except _EXPECTED as exc:
            failures.append(Failure(SECOND, str(target), _reason(exc)))
    if written or failures:
        with opened.write():
            for copy in written:
                opened.audit(
                    WRITTEN,
                    detail={
                        "where": copy.where,
                        "folder": str(copy.path.parent),
                        "file": copy.path.name,
                        "sha256": copy.sha256,
                        "size": copy.size,
                        "through": chosen.through,
                        "trigger": trigger,
                    },
                )
            for failure in failures:
                opened.audit(
                    FAILED,
                    detail={
                        "where": failure.where,
                        "folder": failure.folder,
                        "reason": failure.reason,
                        "through": chosen.through,
                        "trigger": trigger,
                    },
                )
    return Outcome(tuple(written), tuple(failures))


def problems(conn: Connection, second_folder: str | Path | None) -> list[Failure]:
    """The places whose latest automatic backup failed, to tell the person at unlock. A
    failure in a second folder that is no longer set is not reported."""
    places = {VAULT} | ({SECOND} if second_folder else set())
    latest: dict[str, Failure | None] = {}
    for at, action, detail in conn.execute(
        "SELECT at, action, detail FROM audit WHERE action IN (?, ?) ORDER BY id DESC",
        (WRITTEN, FAILED),
    ):
        record = json.loads(detail)
        where = record.get("where")
        if where not in places or where in latest:
            continue
        latest[where] = (
            Failure(where, record.get("folder", ""), record.get("reason", ""), at)
            if action == FAILED
            else None
        )
        if set(latest) == places:
            break
    return [failure for failure in latest.values() if failure is not None]


class BehindTheLock:
    """Automatic backups that the lock does not wait for.

    The window, locking, gives up the open vault here: `back_up_then_lock` backs it up on a
    thread of its own (its connection goes with it; nothing else uses it any more) and then
    locks it, while the window already shows the unlock screen. Backups run one after another
    in the order of the locks. The next unlock waits for them (`wait`): the connection of a
    backup still running would otherwise meet the new session's, and a change of keys
    re-encrypts the database, which it cannot do while another connection holds it open.
    """

    def __init__(self) -> None:
        self._last: threading.Thread | None = None

    def back_up_then_lock(self, opened: OpenVault, second_folder: str | Path | None) -> None:
        before = self._last

        def work() -> None:
            if before is not None:
                before.join()
            # The failures it expects are in the audit trail; an unexpected one (a damaged
            # vault) must not keep the vault unlocked.
            try:
                with contextlib.suppress(Exception):
                    back_up(opened, second_folder, trigger="lock")
            finally:
                opened.lock()

        # Not a daemon: a program that ends goes on until the backup is written and the vault
        # locked.
        self._last = threading.Thread(target=work, name="automatic-backup")
        self._last.start()

    @property
    def running(self) -> bool:
        return self._last is not None and self._last.is_alive()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the backups handed over so far; False when `timeout` seconds were not enough."""
        if self._last is not None:
            self._last.join(timeout)
        return not self.running
