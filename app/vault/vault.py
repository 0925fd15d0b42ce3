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
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from app import access, audit
from app.access import Action
from app.codes import Role
from app.errors import AftercareError, LockedOut
from app.i18n import _
from app.storage import keyring_repo, migrations
from app.storage.connection import (
    Connection,
    DatabaseErrors,
    connect,
    damaged_error,
    is_damage,
    transaction,
)
from app.vault import audit_head, kdf, lockout, passphrase, rotation, slots

DB_NAME = rotation.DB_NAME


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

    def __init__(self, folder: str | os.PathLike[str], *, clock: Callable[[], float] = time.time):
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
        folder: str | os.PathLike[str],
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
                keyring_repo.set_recovery_slot(conn, recovery_slot.slot_id)
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
                conn.close()
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

    def _counter(self, slot_file: slots.SlotFile, user_name: str) -> str:
        """The failure counter of a login name: its slot's, or its salted hash's."""
        found = slot_file.users_named(user_name)
        if found:
            return found[0].slot_id
        return lockout.unknown_name_key(slot_file.name_tag(user_name))

    def unlock_wait(self, user_name: str) -> float:
        """Seconds the user must wait before the next try (for the unlock screen's countdown)."""
        slot_file, _spare = self._slot_file()
        state = lockout.Lockout(self.folder)
        return state.wait_seconds(self._counter(slot_file, user_name), self.clock())

    def _refused(self, user_name: str) -> AftercareError:
        # One message, whether the name exists or not (a stranger must not learn the names).
        return AftercareError(
            _(
                "“{name}” cannot unlock this vault: the user name or the passphrase is wrong."
            ).format(name=user_name.strip())
        )

    def unlock(self, user_name: str, secret: str) -> OpenVault:
        slot_file, from_spare = self._slot_file()
        pending_file = rotation.read_next(self.folder)
        state = lockout.Lockout(self.folder)
        with state.locked():
            now = self.clock()
            counter = self._counter(slot_file, user_name)
            wait = state.wait_seconds(counter, now)
            if wait > 0:
                state.record_refused(counter, now)
                raise LockedOut(
                    _(
                        "Too many wrong passphrases for “{name}”. Try again in {seconds} seconds."
                    ).format(name=user_name, seconds=int(wait + 0.999)),
                    wait,
                )
            keys = _keys_for(user_name, secret, [slot_file, pending_file])
            if not keys:
                known = slot_file.users_named(user_name) or (
                    pending_file and pending_file.users_named(user_name)
                )
                if not known:
                    kdf.dummy_derivation(secret, slot_file)
                state.record_failure(counter, now, "wrong passphrase" if known else "unknown user")
                raise self._refused(user_name)
        conn, slot_file, slot, data_key = self._connect(keys, slot_file, pending_file, user_name)
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

    def _connect(
        self,
        keys: list[tuple[slots.SlotFile, slots.Slot, bytes]],
        slot_file: slots.SlotFile,
        pending_file: slots.SlotFile | None,
        user_name: str,
    ) -> tuple[Connection, slots.SlotFile, slots.Slot, bytes]:
        """Open the database with the first key that opens it, and settle a key rotation
        that stopped halfway (app.vault.rotation): finished when only the new key opens the
        database, forgotten when the old one still does."""
        first_error: AftercareError | None = None
        for found_in, slot, data_key in keys:
            try:
                conn = connect(self.folder / DB_NAME, data_key)
            except AftercareError as exc:
                first_error = first_error or exc
                continue
            try:
                audit_head.check(self.folder, conn, [slot_file, found_in])
                if found_in is pending_file:
                    rotation.finish(self.folder, conn, found_in)
                elif pending_file is not None or rotation.next_path(self.folder).exists():
                    rotation.abandon(self.folder, conn)
                if migrations.needs_upgrade(conn):
                    from app.vault import backup

                    backup.backup_before_upgrade(self.folder, conn, data_key)
                    migrations.migrate(conn)
                _record_recovery_slot(conn, found_in)
            except BaseException as exc:
                conn.close()
                # A damaged page shows up on the first read of it, which may be long after
                # the header opened fine: say so, instead of an internal error.
                if is_damage(exc):
                    raise damaged_error(self.folder / DB_NAME, exc) from None
                raise
            return conn, found_in, slot, data_key
        if pending_file is not None:
            # A rotation stopped after its re-keying, and this slot is not in the new file:
            # the removed user, or a passphrase that was just replaced.
            raise self._refused(user_name)
        assert first_error is not None
        raise first_error

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
        self,
        recovery_code: str,
        user_name: str,
        new_passphrase: str,
        progress: Callable[[float], None] | None = None,
    ) -> None:
        """Give a user who forgot their passphrase a new one, with the printed recovery code;
        the data key is changed, so the forgotten passphrase opens no copy of the key file."""
        digits = passphrase.normalise_recovery_code(recovery_code)
        slot_file, _spare = self._slot_file()
        pending_file = rotation.read_next(self.folder)
        keys = _recovery_keys(digits, [slot_file, pending_file])
        if not keys:
            raise AftercareError(
                _("The recovery code does not open this vault. Check each group of digits.")
            )
        conn, slot_file, recovery, data_key = self._connect(keys, slot_file, pending_file, "")
        try:
            if recovery.slot_id != keyring_repo.recovery_slot(conn):
                _refuse_unrecorded_recovery(conn, recovery)
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
            # The failed tries that led to the reset belong in the trail too.
            with opened.write():
                opened._audit_failures(failures)
            opened._replace_user_slot(
                user, new_passphrase, action=rotation.PASSPHRASE_RESET, progress=progress
            )
            state.record_success(opened._slot_file.user_slot(user.id).slot_id, failures)
        except DatabaseErrors as exc:
            if is_damage(exc):
                raise damaged_error(self.folder / DB_NAME, exc) from None
            raise
        finally:
            conn.close()


def _keys_for(
    user_name: str, secret: str, files: list[slots.SlotFile | None]
) -> list[tuple[slots.SlotFile, slots.Slot, bytes]]:
    """Every (file, slot, data key) the passphrase opens for this name, in the order tried:
    the installed file first, then a rotation's new file. A slot that is in both (re-sealed
    to the new key) costs one derivation."""
    privates: dict[tuple[str, bytes], object] = {}
    found = []
    for slot_file in files:
        if slot_file is None:
            continue
        for slot in slot_file.users_named(user_name):
            known = (slot.slot_id, slot.public_key)
            if known not in privates:
                try:
                    privates[known] = slots.open_private(slot_file.vault_id, slot, secret)
                except slots.SlotOpenFailed:
                    privates[known] = None
            private = privates[known]
            if private is None:
                continue
            with contextlib.suppress(slots.SlotOpenFailed):
                found.append(
                    (slot_file, slot, slots.unseal(slot_file.vault_id, slot, private))  # type: ignore[arg-type]
                )
    return found


def _recovery_keys(
    digits: str, files: list[slots.SlotFile | None]
) -> list[tuple[slots.SlotFile, slots.Slot, bytes]]:
    found = []
    for slot_file in files:
        if slot_file is None:
            continue
        for slot in slot_file.recoveries():
            with contextlib.suppress(slots.SlotOpenFailed):
                found.append((slot_file, slot, slots.open_slot(slot_file.vault_id, slot, digits)))
    return found


def _record_recovery_slot(conn: Connection, slot_file: slots.SlotFile) -> None:
    """A vault made before the database recorded its recovery slot records the one in its
    key file (the first: a slot added behind the program's back comes after it)."""
    recovery = slot_file.recovery()
    if keyring_repo.recovery_slot(conn) is None and recovery is not None:
        with transaction(conn):
            keyring_repo.set_recovery_slot(conn, recovery.slot_id)


def _refuse_unrecorded_recovery(conn: Connection, slot: slots.Slot) -> None:
    with transaction(conn):
        audit.record(
            conn,
            user_id=None,
            user_name=None,
            action="key_slot_refused",
            detail={"slot": slot.slot_id, "kind": slot.kind},
        )
    raise AftercareError(
        _(
            "The recovery code opens a recovery slot this vault does not record; it was added "
            "behind the program's back and is refused (the refusal is in the audit trail)."
        )
    )


class OpenVault:
    """An unlocked vault: the connection, the signed-in user, and key management."""

    def __init__(
        self, vault: Vault, conn: Connection, data_key: bytes, user: User, slot_file: slots.SlotFile
    ):
        self.vault = vault
        self.folder = vault.folder
        self._conn: Connection | None = conn
        self.user = user
        self._data_key = data_key
        self._slot_file = slot_file

    # --- basics --------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self._conn is not None

    @property
    def conn(self) -> Connection:
        if self._conn is None:
            raise RuntimeError("the vault is locked")  # a bug: nothing uses a locked vault
        return self._conn

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

    def audit(
        self, action: str, case_number: str | None = None, detail: dict[str, Any] | None = None
    ) -> int:
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
        if self._conn is None:
            return
        with contextlib.suppress(Exception), self.write():
            self.audit("lock")
        # A failure here (a full disk) must not stop the lock: the head recorded at unlock
        # is older, which the check at the next unlock accepts.
        with contextlib.suppress(Exception):
            self.record_audit_head()
        self._conn.close()
        self._conn = None
        self._data_key = b""

    def _audit_failures(self, failures: list[dict[str, Any]]) -> None:
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
        # A slot that no user row and no recorded recovery slot accounts for was added
        # behind the program's back: it is dropped from the file, and the trail says so.
        failures = state.unaudited()
        kept, dropped = self._slot_file.accounted(
            keyring_repo.user_slots(self.conn), keyring_repo.recovery_slot(self.conn)
        )
        with self.write():
            self._audit_failures(failures)
            rotation.audit_dropped(self.conn, None, None, [s.slot_id for s in dropped])
            self.audit("unlock", detail={"spare_key_file": True} if from_spare else None)
            if dropped:
                self._slot_file = slots.SlotFile(
                    self._slot_file.vault_id,
                    self._slot_file.name_salt,
                    kept,
                    self._slot_file.audit_head,
                )
        state.record_success(slot.slot_id, failures)
        self.record_audit_head()  # also rewrites the slot file (from the spare, or slimmed)

    def record_audit_head(self) -> None:
        """Keep the audit trail's head beside the database (app.vault.audit_head)."""
        audit_head.record(self.folder, self.conn, self._slot_file)

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
                self._slot_file.vault_id,
                self._slot_file.name_salt,
                [*self._slot_file.slots, slot],
                self._slot_file.audit_head,
            )
            slots.write(self.folder, new_file)
        self._slot_file = new_file
        return User(user_id, name, role)

    def remove_user(self, name: str, progress: Callable[[float], None] | None = None) -> None:
        """Delete the user and their slot, and change the data key (app.vault.rotation)."""
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
        removed = {s.slot_id for s in self._slot_file.slots if s.user_id == row[0]}
        self._rotate(
            rotation.Change(
                rotation.REMOVE_USER,
                self.user.id,
                self.user.name,
                user_id=row[0],
                detail={"user": row[1], "role": row[2]},
            ),
            without=removed,
            new=[],
            progress=progress,
        )

    def _rotate(
        self,
        change: rotation.Change,
        *,
        without: set[str],
        new: list[slots.Slot],
        progress: Callable[[float], None] | None,
    ) -> None:
        # The file as it is on disk, not as it was at unlock: a slot added since then is seen,
        # left out and audited.
        with contextlib.suppress(AftercareError):
            on_disk, _spare = slots.read(self.folder)
            if on_disk.vault_id == self._slot_file.vault_id:
                self._slot_file = on_disk
        self._data_key, self._slot_file = rotation.rotate(
            self.folder,
            self.conn,
            self._slot_file,
            change,
            without=without,
            new=new,
            progress=progress,
        )
        self.record_audit_head()

    def change_passphrase(
        self, old: str, new: str, progress: Callable[[float], None] | None = None
    ) -> None:
        """A new passphrase, and a new data key: the old passphrase opens no copy of the
        key file (a backup's) onto the database as it is now."""
        passphrase.require_acceptable(new, self.user.name)
        slot = self._slot_file.user_slot(self.user.id)
        try:
            if slot is None:
                raise slots.SlotOpenFailed
            slots.open_slot(self._slot_file.vault_id, slot, old)
        except slots.SlotOpenFailed:
            raise AftercareError(
                _("The current passphrase is wrong; nothing was changed.")
            ) from None
        self._replace_user_slot(
            self.user, new, action=rotation.PASSPHRASE_CHANGED, progress=progress
        )

    def _replace_user_slot(
        self,
        user: User,
        new: str,
        *,
        action: str,
        progress: Callable[[float], None] | None = None,
    ) -> None:
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
        self._rotate(
            rotation.Change(
                action,
                user.id if action == rotation.PASSPHRASE_RESET else self.user.id,
                user.name if action == rotation.PASSPHRASE_RESET else self.user.name,
                user_id=user.id,
                slot_id=slot.slot_id,
                detail={"user": user.name},
            ),
            without={s.slot_id for s in self._slot_file.slots if s.user_id == user.id},
            new=[slot],
            progress=progress,
        )

    def reset_with_recovery(
        self,
        recovery_code: str,
        user_name: str,
        new_passphrase: str,
        progress: Callable[[float], None] | None = None,
    ) -> None:
        """What `Vault.reset_passphrase_with_recovery` does, on this open vault (the Users
        page): the key changes under this connection, which must stay usable."""
        access.require(self, Action.MANAGE_USERS)
        digits = passphrase.normalise_recovery_code(recovery_code)
        recorded = keyring_repo.recovery_slot(self.conn)
        recovery = next((s for s in self._slot_file.recoveries() if s.slot_id == recorded), None)
        try:
            if recovery is None:
                raise slots.SlotOpenFailed
            slots.open_slot(self._slot_file.vault_id, recovery, digits)
        except slots.SlotOpenFailed:
            raise AftercareError(
                _("The recovery code does not open this vault. Check each group of digits.")
            ) from None
        row = self.conn.execute(
            "SELECT id, name, role FROM users WHERE name_key = ?", (user_name.strip().casefold(),)
        ).fetchone()
        if row is None:
            raise AftercareError(
                _("There is no user named “{name}” in the vault {path}.").format(
                    name=user_name, path=self.folder
                )
            )
        passphrase.require_acceptable(new_passphrase, row[1])
        self._replace_user_slot(
            User(row[0], row[1], row[2]),
            new_passphrase,
            action=rotation.PASSPHRASE_RESET,
            progress=progress,
        )

    def new_recovery_code(self, progress: Callable[[float], None] | None = None) -> str:
        """Replace the recovery slot and change the data key: the old printed code stops
        working, on this key file and on every older copy of it."""
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
        self._rotate(
            rotation.Change(
                rotation.RECOVERY_REPLACED, self.user.id, self.user.name, slot_id=slot.slot_id
            ),
            without={s.slot_id for s in self._slot_file.recoveries()},
            new=[slot],
            progress=progress,
        )
        return code

    def data_key_for_backup(self) -> bytes:
        """The key the backup copy is encrypted with (the same data key; never written out)."""
        return self._data_key
