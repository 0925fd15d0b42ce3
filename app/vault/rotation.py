"""Changing the data key: every change that must end someone's access goes through here.

A user removed, a passphrase changed or reset, a new recovery code: each makes a new random
data key, re-encrypts the database under it (PRAGMA rekey) and rebuilds `vault.keys` from
what the database accounts for (each remaining user's slot and the one recorded recovery
slot), every slot re-sealed to the new key. An older `vault.keys` (a backup's, a copied one)
then opens nothing of the current database, and a slot added behind the program's back is
left out (and audited) instead of being given the new key.

Order, so that a kill at any moment leaves the old state or the new one:

1. the new slot file is written whole to `vault.keys.next` (a full disk stops here, with
   nothing changed);
2. the change to make (`Change`) is committed into the database as a pending rotation;
3. the database is re-keyed, in one transaction (a kill plays the journal back under the
   old key: the old state, and the next unlock clears the pending change);
4. in one transaction under the new key: the change itself (user row deleted, slot id
   replaced, recovery slot recorded), its audit entry, and the pending mark removed;
5. `vault.keys.next` replaces `vault.keys` and its spare.

After 3, only the new key opens the database and only `vault.keys.next` holds it: the next
unlock finds that file, opens the user's slot in it, and finishes 4 and 5 (`finish`). The
removed user has no slot in it; a passphrase changed has only its new slot in it.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from app import audit
from app.errors import AftercareError
from app.fileio import atomic_write_bytes
from app.i18n import _
from app.storage import keyring_repo
from app.storage.connection import Connection, DatabaseErrors, transaction
from app.vault import slots

NEXT_KEYS = "vault.keys.next"  # slot file for a data key rotation in progress
DB_NAME = "vault.db"

REMOVE_USER = "user_removed"
PASSPHRASE_CHANGED = "passphrase_changed"
PASSPHRASE_RESET = "passphrase_reset_by_recovery"
RECOVERY_REPLACED = "recovery_code_replaced"


@dataclass
class Change:
    """What the database must say once the new key is in place, and who asked for it."""

    action: str  # one of the four above; also the audit action
    actor_id: int | None
    actor_name: str | None
    user_id: int | None = None  # the user removed or whose slot is replaced
    slot_id: str | None = None  # the new slot (a user's or the recovery slot)
    detail: dict[str, Any] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)  # slot ids no row accounts for


def next_path(folder: Path) -> Path:
    return folder / NEXT_KEYS


def read_next(folder: Path) -> slots.SlotFile | None:
    """The slot file of a rotation that stopped before it was installed, if readable."""
    try:
        return slots.SlotFile.from_bytes(next_path(folder).read_bytes())
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
        return None  # torn while being written: the rotation never began


def rebuilt(
    conn: Connection, slot_file: slots.SlotFile, *, without: set[str], new: list[slots.Slot]
) -> tuple[list[slots.Slot], list[slots.Slot]]:
    """(the slots of the new file, the slots dropped as unaccounted for): what the database
    accounts for, minus the slot ids in `without`, plus `new`."""
    kept, dropped = slot_file.accounted(
        keyring_repo.user_slots(conn), keyring_repo.recovery_slot(conn)
    )
    return [s for s in kept if s.slot_id not in without] + new, dropped


def rotate(
    folder: Path,
    conn: Connection,
    slot_file: slots.SlotFile,
    change: Change,
    *,
    without: set[str],
    new: list[slots.Slot],
    progress: Callable[[float], None] | None = None,
) -> tuple[bytes, slots.SlotFile]:
    """Make `change` with a new data key; returns the key and the installed slot file."""
    new_key = secrets.token_bytes(32)
    kept, dropped = rebuilt(conn, slot_file, without=without, new=new)
    kept = [replace(s) for s in kept]  # the caller's slots keep the old key if this fails
    for slot in kept:
        slots.reseal(slot_file.vault_id, slot, new_key)
    change.dropped = [s.slot_id for s in dropped]
    new_file = slots.SlotFile(slot_file.vault_id, slot_file.name_salt, kept, slot_file.audit_head)
    pending = next_path(folder)
    try:
        atomic_write_bytes(pending, new_file.to_bytes())
    except OSError as exc:
        with contextlib.suppress(OSError):
            pending.unlink()
        raise AftercareError(
            _(
                "The new key file could not be written in {path} ({reason}); nothing was changed."
            ).format(path=folder, reason=exc.strerror or exc)
        ) from None
    try:
        with transaction(conn):
            keyring_repo.set_pending_rotation(conn, asdict(change))
        keyring_repo.rekey(conn, folder / DB_NAME, new_key, progress)
    except DatabaseErrors as exc:
        # Nothing was re-keyed (the journal put back every page): clear the mark.
        with contextlib.suppress(*DatabaseErrors), transaction(conn):
            keyring_repo.set_pending_rotation(conn, None)
        with contextlib.suppress(OSError):
            pending.unlink()
        raise AftercareError(
            _(
                "The data key could not be changed ({reason}); nothing was changed. If another "
                "window or command has the vault open, close it and try again."
            ).format(reason=exc)
        ) from None
    finish(folder, conn, new_file)
    return new_key, new_file


def finish(folder: Path, conn: Connection, new_file: slots.SlotFile) -> None:
    """Steps 4 and 5, on a database already under the new key; safe to repeat."""
    pending = keyring_repo.pending_rotation(conn)
    if pending is not None:
        change = Change(**pending)
        with transaction(conn):
            _apply(conn, change)
            keyring_repo.set_pending_rotation(conn, None)
    slots.write(folder, new_file)
    with contextlib.suppress(FileNotFoundError):
        next_path(folder).unlink()


def abandon(folder: Path, conn: Connection) -> None:
    """The database opened with the old key: a rotation stopped before its re-keying
    committed. Nothing of it happened; forget it (audited, so the administrator knows to
    do it again)."""
    pending = keyring_repo.pending_rotation(conn)
    if pending is not None:
        with transaction(conn):
            audit.record(
                conn,
                user_id=pending.get("actor_id"),
                user_name=pending.get("actor_name"),
                action="key_rotation_interrupted",
                detail={"change": pending.get("action")},
            )
            keyring_repo.set_pending_rotation(conn, None)
    with contextlib.suppress(FileNotFoundError):
        next_path(folder).unlink()


def _apply(conn: Connection, change: Change) -> None:
    if change.action == REMOVE_USER and change.user_id is not None:
        keyring_repo.delete_user(conn, change.user_id)
    elif change.action in (PASSPHRASE_CHANGED, PASSPHRASE_RESET) and change.user_id is not None:
        keyring_repo.set_user_slot(conn, change.user_id, str(change.slot_id))
    elif change.action == RECOVERY_REPLACED:
        keyring_repo.set_recovery_slot(conn, str(change.slot_id))
    audit.record(
        conn,
        user_id=change.actor_id,
        user_name=change.actor_name,
        action=change.action,
        detail={**change.detail, "key_rotated": True},
    )
    audit_dropped(conn, change.actor_id, change.actor_name, change.dropped)


def audit_dropped(
    conn: Connection, actor_id: int | None, actor_name: str | None, dropped: list[str]
) -> None:
    for slot_id in dropped:
        audit.record(
            conn,
            user_id=actor_id,
            user_name=actor_name,
            action="key_slot_dropped",
            detail={"slot": slot_id},
        )
