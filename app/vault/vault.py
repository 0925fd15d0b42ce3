"""A vault folder: creating it, unlocking it, and what an unlocked vault can do to its keys.

    vault.db        SQLCipher 4, opened with the random 256-bit data key
    vault.keys      key slots (app.vault.slots), plus the spare copy vault.keys.bak
    vault.state     failed-unlock counters (app.vault.lockout); not secret
    backups/        encrypted backups (app.vault.backup)

Users, roles and the unit live inside the database. A slot only maps a user id to a wrapped
key; unlocking checks that the database's user row names the same slot.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from app import access, audit
from app.access import Action
from app.codes import Role
from app.errors import AftercareError, LockedOut
from app.i18n import _
from app.storage import migrations
from app.storage.connection import (
    Connection,
    DatabaseErrors,
    connect,
    damaged_error,
    is_damage,
    transaction,
)
from app.vault import kdf, lockout, passphrase, slots

DB_NAME = "vault.db"
NEXT_KEYS = "vault.keys.next"  # slot file for a data key rotation in progress


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    prefecture: str


def _utc_now() -> str:
    import datetime as dt

    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def is_vault(folder: Path) -> bool:
    return (folder / DB_NAME).exists() or slots.keys_path(folder).exists()


class Vault:
    """A locked vault folder."""

    def __init__(self, folder: str | os.PathLike, *, clock: Callable[[], float] = time.time):
        self.folder = Path(folder)
        self.clock = clock
        if not self.folder.is_dir() or not (self.folder / DB_NAME).exists():
            raise AftercareError(
                _("{path} is not an Aftercare vault (no vault.db in it).").format(path=self.folder)
            )

    # --- creating ------------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        folder: str | os.PathLike,
        *,
        unit_code: str,
        unit_name: str,
        prefecture: str,
        admin_name: str,
        admin_passphrase: str,
        kdf_params: kdf.KdfParams | None = None,
        schema_version: int = migrations.LATEST,
    ) -> tuple[OpenVault, str]:
        """Create a vault; returns it unlocked for the admin, and the recovery code (shown once).

        `schema_version` below the latest makes a vault as an older release did, for the
        tests that prove each released version upgrades.
        """
        folder = Path(folder)
        if folder.exists() and (is_vault(folder) or not folder.is_dir()):
            raise AftercareError(
                _("{path} already holds a vault; nothing was changed.").format(path=folder)
            )
        for value, what in (
            (unit_code, _("unit code")),
            (unit_name, _("unit name")),
            (admin_name, _("admin name")),
        ):
            if not value.strip():
                raise AftercareError(_("The {what} must not be empty.").format(what=what))
        if not (prefecture.isdigit() and len(prefecture) == 6):
            raise AftercareError(
                _("The prefecture must be a six-digit GB/T 2260 code, e.g. 350100.")
            )
        passphrase.require_acceptable(admin_passphrase, admin_name)

        created_folder = not folder.exists()
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(folder, 0o700)
        data_key = secrets.token_bytes(32)
        vault_id = secrets.token_hex(8)
        recovery_code = passphrase.new_recovery_code()
        try:
            slot_file = slots.SlotFile(vault_id, secrets.token_bytes(16), [])
            admin_slot = slots.make_slot(
                vault_id,
                kind=slots.USER,
                user_id=1,
                name_tag=slot_file.name_tag(admin_name),
                secret=admin_passphrase,
                data_key=data_key,
                kdf_params=kdf_params,
            )
            recovery_slot = slots.make_slot(
                vault_id,
                kind=slots.RECOVERY,
                user_id=None,
                name_tag=None,
                secret=passphrase.normalise_recovery_code(recovery_code),
                data_key=data_key,
            )
            slot_file.slots = [admin_slot, recovery_slot]

            conn = connect(folder / DB_NAME, data_key)
            os.chmod(folder / DB_NAME, 0o600)
            migrations.migrate(conn, target=schema_version)
            signing_key = Ed25519PrivateKey.generate().private_bytes(
                Encoding.Raw, PrivateFormat.Raw, NoEncryption()
            )
            with transaction(conn):
                conn.execute(
                    "INSERT INTO meta (key, value) VALUES ('vault_id', ?)", (vault_id.encode(),)
                )
                conn.execute(
                    "INSERT INTO meta (key, value) VALUES (?, ?)",
                    (
                        audit.AUDIT_KEY,
                        kdf.hkdf(data_key, vault_id.encode(), b"aftercare audit chain"),
                    ),
                )
                conn.execute(
                    "INSERT INTO unit (id, code, name, prefecture, signing_key, created_at) VALUES (1,?,?,?,?,?)",
                    (unit_code.strip(), unit_name.strip(), prefecture, signing_key, _utc_now()),
                )
                conn.execute(
                    "INSERT INTO users (id, name, name_key, role, slot_id, created_at) VALUES (1,?,?,?,?,?)",
                    (
                        admin_name.strip(),
                        admin_name.strip().casefold(),
                        Role.ADMIN.value,
                        admin_slot.slot_id,
                        _utc_now(),
                    ),
                )
                audit.record(
                    conn,
                    user_id=1,
                    user_name=admin_name.strip(),
                    action="vault_created",
                    detail={"unit": unit_code},
                )
                slots.write(folder, slot_file)
        except BaseException:
            with contextlib.suppress(Exception):
                conn.close()  # type: ignore[possibly-undefined]
            for name in (
                DB_NAME,
                DB_NAME + "-wal",
                DB_NAME + "-shm",
                "vault.keys",
                "vault.keys.bak",
            ):
                with contextlib.suppress(FileNotFoundError):
                    (folder / name).unlink()
            if created_folder:
                with contextlib.suppress(OSError):
                    folder.rmdir()
            raise
        vault = cls(folder)
        return OpenVault(
            vault, conn, data_key, User(1, admin_name.strip(), Role.ADMIN.value), slot_file
        ), recovery_code

    # --- unlocking -----------------------------------------------------------------------

    def _slot_file(self) -> tuple[slots.SlotFile, bool]:
        return slots.read(self.folder)

    def unlock_wait(self, user_name: str) -> float:
        """Seconds the user must wait before the next try (for the unlock screen's countdown)."""
        slot_file, _spare = self._slot_file()
        slot = slot_file.find_user(user_name)
        return (
            lockout.Lockout(self.folder).wait_seconds(slot.slot_id, self.clock()) if slot else 0.0
        )

    def unlock(self, user_name: str, secret: str) -> OpenVault:
        slot_file, from_spare = self._slot_file()
        state = lockout.Lockout(self.folder)
        now = self.clock()
        slot = slot_file.find_user(user_name)
        if slot is None:
            state.record_failure(lockout.UNKNOWN_USER, now, "unknown user")
            raise AftercareError(
                _("There is no user named “{name}” in the vault {path}.").format(
                    name=user_name, path=self.folder
                )
            )
        wait = state.wait_seconds(slot.slot_id, now)
        if wait > 0:
            state.record_refused(slot.slot_id, now)
            raise LockedOut(
                _(
                    "Too many wrong passphrases for “{name}”. Try again in {seconds} seconds."
                ).format(name=user_name, seconds=int(wait + 0.999)),
                wait,
            )
        try:
            data_key = slots.open_slot(slot_file.vault_id, slot, secret)
        except slots.SlotOpenFailed:
            state.record_failure(slot.slot_id, now, "wrong passphrase")
            raise AftercareError(
                _("Wrong passphrase for “{name}”.").format(name=user_name)
            ) from None
        conn, slot_file = self._connect(data_key, slot_file, slot, secret)
        try:
            user = self._user_for_slot(conn, slot, user_name)
            open_vault = OpenVault(self, conn, data_key, user, slot_file)
            open_vault._finish_unlock(state, slot, from_spare)
        except BaseException as exc:
            conn.close()
            if is_damage(exc):
                raise damaged_error(self.folder / DB_NAME, exc) from None
            raise
        return open_vault

    def _connect(self, data_key: bytes, slot_file: slots.SlotFile, slot: slots.Slot, secret: str):
        try:
            conn = connect(self.folder / DB_NAME, data_key)
        except AftercareError as not_opened:
            # A key rotation may have stopped between re-keying the database and replacing
            # the slot file: the prepared slot file then holds the key that opens it.
            pending = self.folder / NEXT_KEYS
            if not pending.exists():
                raise
            try:
                next_file = slots.SlotFile.from_bytes(pending.read_bytes())
                next_slot = next(s for s in next_file.slots if s.slot_id == slot.slot_id)
                data_key = slots.open_slot(next_file.vault_id, next_slot, secret)
            except (StopIteration, ValueError, KeyError, TypeError, slots.SlotOpenFailed):
                # Not in the prepared file (the removed user) or a stale, torn file.
                raise not_opened from None
            conn = connect(self.folder / DB_NAME, data_key)
            slots.write(self.folder, next_file)
            pending.unlink()
            slot_file = next_file
        try:
            if migrations.needs_upgrade(conn):
                from app.vault import backup

                backup.backup_before_upgrade(self.folder, conn, data_key)
                migrations.migrate(conn)
        except BaseException as exc:
            conn.close()
            # A damaged page shows up on the first read of it, which may be long after the
            # header opened fine: say so, instead of an internal error.
            if is_damage(exc):
                raise damaged_error(self.folder / DB_NAME, exc) from None
            raise
        return conn, slot_file

    @staticmethod
    def _user_for_slot(conn: Connection, slot: slots.Slot, user_name: str) -> User:
        row = conn.execute(
            "SELECT id, name, role, slot_id FROM users WHERE id = ?", (slot.user_id,)
        ).fetchone()
        if (
            row is None
            or row[3] != slot.slot_id
            or row[1].casefold() != user_name.strip().casefold()
        ):
            conn.close()
            raise AftercareError(
                _("The key file does not match the vault's users; it was edited or swapped.")
            )
        return User(row[0], row[1], row[2])

    def reset_passphrase_with_recovery(
        self, recovery_code: str, user_name: str, new_passphrase: str
    ) -> None:
        """Give a user who forgot their passphrase a new one, with the printed recovery code."""
        digits = passphrase.normalise_recovery_code(recovery_code)
        slot_file, _spare = self._slot_file()
        recovery = slot_file.recovery()
        if recovery is None:
            raise AftercareError(_("This vault has no recovery slot."))
        try:
            data_key = slots.open_slot(slot_file.vault_id, recovery, digits)
        except slots.SlotOpenFailed:
            raise AftercareError(
                _("The recovery code does not open this vault. Check each group of digits.")
            ) from None
        conn, slot_file = self._connect(data_key, slot_file, recovery, digits)
        try:
            row = conn.execute(
                "SELECT id, name, role FROM users WHERE name_key = ?",
                (user_name.strip().casefold(),),
            ).fetchone()
            if row is None:
                raise AftercareError(
                    _("There is no user named “{name}” in the vault {path}.").format(
                        name=user_name, path=self.folder
                    )
                )
            passphrase.require_acceptable(new_passphrase, row[1])
            user = User(row[0], row[1], row[2])
            opened = OpenVault(self, conn, data_key, user, slot_file)
            state = lockout.Lockout(self.folder)
            failures = state.unaudited()
            opened._replace_user_slot(user, new_passphrase, action="passphrase_reset_by_recovery")
            # The failed tries that led to the reset belong in the trail too.
            with opened.write():
                opened._audit_failures(failures)
            state.record_success(opened._slot_file.by_user_id(user.id).slot_id)
        except DatabaseErrors as exc:
            if is_damage(exc):
                raise damaged_error(self.folder / DB_NAME, exc) from None
            raise
        finally:
            conn.close()


class OpenVault:
    """An unlocked vault: the connection, the signed-in user, and key management."""

    def __init__(
        self, vault: Vault, conn: Connection, data_key: bytes, user: User, slot_file: slots.SlotFile
    ):
        self.vault = vault
        self.folder = vault.folder
        self.conn = conn
        self.user = user
        self._data_key = data_key
        self._slot_file = slot_file

    # --- basics --------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.conn is not None

    @property
    def unit(self) -> Unit:
        code, name, prefecture = self.conn.execute(
            "SELECT code, name, prefecture FROM unit"
        ).fetchone()
        return Unit(code, name, prefecture)

    def signing_key(self) -> Ed25519PrivateKey:
        raw = self.conn.execute("SELECT signing_key FROM unit").fetchone()[0]
        return Ed25519PrivateKey.from_private_bytes(bytes(raw))

    @contextlib.contextmanager
    def write(self) -> Iterator[Connection]:
        with transaction(self.conn) as conn:
            yield conn

    def audit(self, action: str, case_number: str | None = None, detail: dict | None = None) -> int:
        return audit.record(
            self.conn,
            user_id=self.user.id,
            user_name=self.user.name,
            action=action,
            case_number=case_number,
            detail=detail,
        )

    def lock(self) -> None:
        """Record the lock, close the connection and drop the key."""
        if self.conn is None:
            return
        with contextlib.suppress(Exception), self.write():
            self.audit("lock")
        self.conn.close()
        self.conn = None
        self._data_key = b""

    def _audit_failures(self, failures: list[dict]) -> None:
        import datetime as dt

        for failure in failures:
            at = dt.datetime.fromtimestamp(failure["at"], dt.UTC).isoformat(timespec="seconds")
            self.audit(
                "unlock_failed",
                detail={"slot": failure["slot"], "reason": failure["reason"], "at": at},
            )

    def _finish_unlock(self, state: lockout.Lockout, slot: slots.Slot, from_spare: bool) -> None:
        # The failures are cleared from vault.state only once they are in the trail, so a
        # crash in between can repeat an entry but never lose one.
        failures = state.unaudited()
        with self.write():
            self._audit_failures(failures)
            self.audit("unlock", detail={"spare_key_file": True} if from_spare else None)
        state.record_success(slot.slot_id)
        if from_spare:
            slots.write(self.folder, self._slot_file)

    # --- users ---------------------------------------------------------------------------

    def users(self) -> list[User]:
        return [
            User(*r)
            for r in self.conn.execute("SELECT id, name, role FROM users ORDER BY name_key")
        ]

    def add_user(
        self, name: str, role: str, new_passphrase: str, *, kdf_params: kdf.KdfParams | None = None
    ) -> User:
        access.require(self, Action.MANAGE_USERS)
        name = name.strip()
        if not name:
            raise AftercareError(_("The user name must not be empty."))
        if role not in {r.value for r in Role}:
            raise AftercareError(
                _("Unknown role “{role}”; use one of: {roles}.").format(
                    role=role, roles=", ".join(r.value for r in Role)
                )
            )
        if self.conn.execute(
            "SELECT 1 FROM users WHERE name_key = ?", (name.casefold(),)
        ).fetchone():
            raise AftercareError(_("A user named “{name}” already exists.").format(name=name))
        passphrase.require_acceptable(new_passphrase, name)
        with self.write():
            user_id = self.conn.execute("SELECT coalesce(max(id), 0) + 1 FROM users").fetchone()[0]
            slot = slots.make_slot(
                self._slot_file.vault_id,
                kind=slots.USER,
                user_id=user_id,
                name_tag=self._slot_file.name_tag(name),
                secret=new_passphrase,
                data_key=self._data_key,
                kdf_params=kdf_params,
            )
            self.conn.execute(
                "INSERT INTO users (id, name, name_key, role, slot_id, created_at) VALUES (?,?,?,?,?,?)",
                (user_id, name, name.casefold(), role, slot.slot_id, _utc_now()),
            )
            self.audit("user_added", detail={"user": name, "role": role})
            new_file = slots.SlotFile(
                self._slot_file.vault_id, self._slot_file.name_salt, [*self._slot_file.slots, slot]
            )
            slots.write(self.folder, new_file)
        self._slot_file = new_file
        return User(user_id, name, role)

    def remove_user(self, name: str) -> None:
        """Delete the user's slot and rotate the data key, re-wrapping every remaining slot."""
        access.require(self, Action.MANAGE_USERS)
        row = self.conn.execute(
            "SELECT id, name, role FROM users WHERE name_key = ?", (name.strip().casefold(),)
        ).fetchone()
        if row is None:
            raise AftercareError(
                _("There is no user named “{name}” in the vault {path}.").format(
                    name=name, path=self.folder
                )
            )
        if row[0] == self.user.id:
            raise AftercareError(_("You cannot remove yourself; ask another administrator."))
        if (
            row[2] == Role.ADMIN
            and self.conn.execute("SELECT count(*) FROM users WHERE role = 'admin'").fetchone()[0]
            <= 1
        ):
            raise AftercareError(_("The last administrator cannot be removed."))
        new_key = secrets.token_bytes(32)
        remaining = [s for s in self._slot_file.slots if s.user_id != row[0]]
        for slot in remaining:
            slots.reseal(self._slot_file.vault_id, slot, new_key)
        new_file = slots.SlotFile(self._slot_file.vault_id, self._slot_file.name_salt, remaining)
        with self.write():
            self.conn.execute("DELETE FROM users WHERE id = ?", (row[0],))
            self.audit("user_removed", detail={"user": row[1], "role": row[2], "key_rotated": True})
        # Order matters for a crash at any point: the prepared slot file first, then the
        # re-key (one SQLCipher transaction), then the slot file replaced.
        pending = self.folder / NEXT_KEYS
        from app.fileio import atomic_write_bytes

        atomic_write_bytes(pending, new_file.to_bytes())
        self._rekey(new_key)
        slots.write(self.folder, new_file)
        pending.unlink()
        self._data_key = new_key
        self._slot_file = new_file

    def _rekey(self, new_key: bytes) -> None:
        # SQLCipher cannot re-key a database in WAL mode; leave it, re-key, return to WAL.
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.conn.execute("PRAGMA journal_mode = DELETE")
        self.conn.execute(f"PRAGMA rekey = \"x'{new_key.hex()}'\"")
        self.conn.execute("PRAGMA journal_mode = WAL")

    def change_passphrase(self, old: str, new: str) -> None:
        passphrase.require_acceptable(new, self.user.name)
        slot = self._slot_file.by_user_id(self.user.id)
        try:
            slots.open_slot(self._slot_file.vault_id, slot, old)
        except slots.SlotOpenFailed:
            raise AftercareError(
                _("The current passphrase is wrong; nothing was changed.")
            ) from None
        self._replace_user_slot(self.user, new, action="passphrase_changed")

    def _replace_user_slot(self, user: User, new: str, *, action: str) -> None:
        old = self._slot_file.by_user_id(user.id)
        params = kdf.KdfParams.from_record(old.kdf_record) if old else None
        slot = slots.make_slot(
            self._slot_file.vault_id,
            kind=slots.USER,
            user_id=user.id,
            name_tag=self._slot_file.name_tag(user.name),
            secret=new,
            data_key=self._data_key,
            kdf_params=params,
        )
        others = [s for s in self._slot_file.slots if s.user_id != user.id or s.kind != slots.USER]
        new_file = slots.SlotFile(
            self._slot_file.vault_id, self._slot_file.name_salt, [*others, slot]
        )
        with self.write():
            self.conn.execute("UPDATE users SET slot_id = ? WHERE id = ?", (slot.slot_id, user.id))
            audit.record(
                self.conn,
                user_id=user.id,
                user_name=user.name,
                action=action,
                detail={"user": user.name},
            )
            slots.write(self.folder, new_file)
        self._slot_file = new_file

    def reload_key_slots(self) -> None:
        """Read vault.keys again after another connection changed it (a recovery-code reset
        made while this vault is open), so later slot changes start from the file as it is."""
        self._slot_file, _spare = slots.read(self.folder)

    def new_recovery_code(self) -> str:
        """Replace the recovery slot: the old printed code stops working."""
        access.require(self, Action.REPLACE_RECOVERY_CODE)
        code = passphrase.new_recovery_code()
        slot = slots.make_slot(
            self._slot_file.vault_id,
            kind=slots.RECOVERY,
            user_id=None,
            name_tag=None,
            secret=passphrase.normalise_recovery_code(code),
            data_key=self._data_key,
        )
        others = [s for s in self._slot_file.slots if s.kind != slots.RECOVERY]
        new_file = slots.SlotFile(
            self._slot_file.vault_id, self._slot_file.name_salt, [*others, slot]
        )
        with self.write():
            self.audit("recovery_code_replaced")
            slots.write(self.folder, new_file)
        self._slot_file = new_file
        return code

    def data_key_for_backup(self) -> bytes:
        """The key the backup copy is encrypted with (the same data key; never written out)."""
        return self._data_key
