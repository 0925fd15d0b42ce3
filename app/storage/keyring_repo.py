"""What the database says about the key slots: which slot each user has, which recovery slot
is the real one, a key rotation under way, and the re-keying itself.

The slot file (`vault.keys`) is rebuilt from these rows (app.vault.slots.SlotFile.accounted):
the database is the authority on who may hold the data key.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.storage.connection import Connection

RECOVERY_SLOT = "recovery_slot"
PENDING_ROTATION = "key_rotation"
HEAD_OUTSIDE = "audit_head_outside"  # the audit head is recorded beside the database too


def _meta(conn: Connection, key: str) -> bytes | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else bytes(row[0])


def _set_meta(conn: Connection, key: str, value: bytes | None) -> None:
    if value is None:
        conn.execute("DELETE FROM meta WHERE key = ?", (key,))
    else:
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))


def user_slots(conn: Connection) -> dict[int, str]:
    """Each user's id and the id of the slot that is theirs."""
    return {int(r[0]): str(r[1]) for r in conn.execute("SELECT id, slot_id FROM users")}


def recovery_slot(conn: Connection) -> str | None:
    value = _meta(conn, RECOVERY_SLOT)
    return None if value is None else value.decode()


def set_recovery_slot(conn: Connection, slot_id: str) -> None:
    _set_meta(conn, RECOVERY_SLOT, slot_id.encode())


def pending_rotation(conn: Connection) -> dict[str, Any] | None:
    value = _meta(conn, PENDING_ROTATION)
    return None if value is None else dict(json.loads(value))


def set_pending_rotation(conn: Connection, change: dict[str, Any] | None) -> None:
    _set_meta(conn, PENDING_ROTATION, None if change is None else json.dumps(change).encode())


def head_outside(conn: Connection) -> bool:
    return _meta(conn, HEAD_OUTSIDE) is not None


def set_head_outside(conn: Connection) -> None:
    _set_meta(conn, HEAD_OUTSIDE, b"1")


def delete_user(conn: Connection, user_id: int) -> None:
    conn.execute("DELETE FROM users WHERE id = ?", (user_id,))


def set_user_slot(conn: Connection, user_id: int, slot_id: str) -> None:
    conn.execute("UPDATE users SET slot_id = ? WHERE id = ?", (slot_id, user_id))


def _page_count(conn: Connection) -> int:
    return int(conn.execute("PRAGMA page_count").fetchone()[0])


def rekey(
    conn: Connection,
    db_path: Path,
    new_key: bytes,
    progress: Callable[[float], None] | None = None,
) -> None:
    """Re-encrypt every page of the database under `new_key`, in one transaction.

    SQLCipher cannot re-key a database in WAL mode: the WAL is folded in and the database
    re-keyed with a rollback journal, which holds each page as it was (under the old key)
    before it is rewritten, so a kill at any moment leaves a journal that the next opening
    with the old key plays back. The journal's growth is also the only measure of how far
    the re-keying has got, which `progress` (a fraction) is told every quarter second.
    """
    if len(new_key) != 32:
        raise ValueError("the data key must be 32 bytes")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("PRAGMA journal_mode = DELETE")
    done = threading.Event()
    watcher = None
    if progress is not None:
        total = max(1, _page_count(conn)) * int(conn.execute("PRAGMA page_size").fetchone()[0])
        journal = db_path.with_name(db_path.name + "-journal")

        def watch() -> None:
            while not done.wait(0.25):
                try:
                    size = journal.stat().st_size
                except FileNotFoundError:
                    continue
                progress(min(0.99, size / total))

        watcher = threading.Thread(target=watch, name="rekey-progress", daemon=True)
        watcher.start()
    try:
        conn.execute(f"PRAGMA rekey = \"x'{new_key.hex()}'\"")
    finally:
        done.set()
        if watcher is not None:
            watcher.join()
    conn.execute("PRAGMA journal_mode = WAL")
    if progress is not None:
        progress(1.0)
