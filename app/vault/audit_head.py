"""The audit trail's head kept outside the database too, so that an older vault.db put back
is noticed.

The head (the last entry's sequence number and chain value, app.audit) is recorded after
every unlock and every lock into `vault.keys` (and its spare) and into `vault.state`, each
copy with an HMAC under a key derived from the audit key, which only the encrypted database
holds: no one without a data key can write a head that verifies. At unlock, before anything
is written, the database must reach the recorded head (the highest valid copy): its entry
at that sequence number must carry the recorded chain value. A database whose trail ends
earlier is an earlier copy put in place of the current one, and is refused.

Once a head was recorded, the database says so (`keyring_repo.HEAD_OUTSIDE`), so removing
the copies from both files is refused too. A backup carries the head of its own database
copy in its `vault.keys` (app.vault.backup), so a restore (into a new folder) starts from the
backup's head: going back on purpose is `restore`, never a copied file.

What this cannot see: an earlier copy of the whole folder (vault.db, vault.keys and its
spare, vault.state) put back together. The signed summary carries the head's sequence
number, so the office's roll-up sees it go backwards between periods.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app import audit
from app.errors import AftercareError
from app.i18n import _
from app.storage import keyring_repo
from app.storage.connection import Connection, transaction
from app.vault import kdf, lockout, slots


@dataclass(frozen=True)
class Head:
    seq: int
    chain: str  # hex


def _mac_key(conn: Connection) -> bytes:
    return kdf.hkdf(audit.audit_key(conn), b"", b"aftercare audit head outside")


def _mac(conn: Connection, vault_id: str, head: Head) -> str:
    message = json.dumps([vault_id, head.seq, head.chain.lower()]).encode()
    return hmac.new(_mac_key(conn), message, hashlib.sha256).hexdigest()


def current(conn: Connection) -> Head:
    seq, chain = audit.head(conn)
    return Head(seq, chain.hex())


def sealed(conn: Connection, vault_id: str) -> dict[str, Any]:
    """The database's head as it is now, with its HMAC: what the files record."""
    head = current(conn)
    return {"seq": head.seq, "chain": head.chain, "mac": _mac(conn, vault_id, head)}


def _verified(conn: Connection, vault_id: str, record: object) -> Head | None:
    if not isinstance(record, dict):
        return None
    try:
        head = Head(int(record["seq"]), str(record["chain"]))
        ok = hmac.compare_digest(
            bytes.fromhex(_mac(conn, vault_id, head)), bytes.fromhex(str(record["mac"]))
        )
    except (KeyError, ValueError, TypeError):
        return None
    return head if ok else None


def stamp(keys: bytes, conn: Connection) -> bytes:
    """A backup's copy of the key file, carrying the head of the database as `conn` reads it
    (the backup's snapshot), so that a restore opens at exactly that head."""
    slot_file = slots.SlotFile.from_bytes(keys)
    slot_file.audit_head = sealed(conn, slot_file.vault_id)
    return slot_file.to_bytes()


def record(folder: Path, conn: Connection, slot_file: slots.SlotFile) -> None:
    """Write the head into vault.keys (and spare) and vault.state; then mark the database as
    one whose head is kept outside (in that order: a crash between leaves a head and no mark,
    never a mark without a head)."""
    sealed_head = sealed(conn, slot_file.vault_id)
    slot_file.audit_head = sealed_head
    slots.write(folder, slot_file)
    lockout.Lockout(folder).record_head(sealed_head)
    if not keyring_repo.head_outside(conn):
        with transaction(conn):
            keyring_repo.set_head_outside(conn)


def check(folder: Path, conn: Connection, slot_files: list[slots.SlotFile]) -> None:
    """Refuse a database older than (or other than) the head the files record."""
    vault_id = slot_files[0].vault_id
    records = [f.audit_head for f in slot_files] + [lockout.Lockout(folder).head()]
    heads = [h for h in (_verified(conn, vault_id, r) for r in records) if h is not None]
    db_path = folder / "vault.db"
    if not heads:
        if keyring_repo.head_outside(conn):
            raise AftercareError(
                _(
                    "The record of the audit trail kept beside the database is missing from "
                    "vault.keys and vault.state in {path}, although the database says it was "
                    "kept: the files were edited or replaced. Nothing was opened or changed. "
                    "Put the vault's own files back, or restore a backup with `aftercare "
                    "restore` (or the Backups page)."
                ).format(path=folder)
            )
        return
    recorded = max(heads, key=lambda h: h.seq)
    found = current(conn)
    if found.seq < recorded.seq:
        raise AftercareError(
            _(
                "The database {path} is older than this vault's record of its audit trail (its "
                "trail ends at entry {found}, the vault recorded entry {recorded}): an earlier "
                "copy of vault.db was put in place of the current one. Nothing was opened or "
                "changed. Put the current vault.db back; to go back to an earlier state on "
                "purpose, restore a backup with `aftercare restore` (or the Backups page)."
            ).format(path=db_path, found=found.seq, recorded=recorded.seq)
        )
    chain = audit.chain_at(conn, recorded.seq)
    if recorded.seq and (chain is None or chain.hex() != recorded.chain.lower()):
        raise AftercareError(
            _(
                "The database {path} is not the one this vault's record of its audit trail "
                "belongs to (entry {seq} differs): it was replaced. Nothing was opened or "
                "changed. Put the vault's own vault.db back, or restore a backup with "
                "`aftercare restore` (or the Backups page)."
            ).format(path=db_path, seq=recorded.seq)
        )
