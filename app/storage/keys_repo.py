"""The `receiving_key` table (schema v3): this vault's X25519 private key for referrals."""

from __future__ import annotations

from app.storage.connection import Connection


def receiving_private_bytes(conn: Connection) -> bytes:
    row = conn.execute("SELECT private_key FROM receiving_key WHERE id = 1").fetchone()
    return bytes(row[0])
