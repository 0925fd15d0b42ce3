"""How many digits a unit's case numbers have (`meta` key case_number_digits), so that every
case of a vault is numbered to one width (FZ-2026-00301 after FZ-2026-00300)."""

from __future__ import annotations

from typing import Any

KEY = "case_number_digits"
DEFAULT_DIGITS = 4


def digits(conn: Any) -> int:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (KEY,)).fetchone()
    return int(bytes(row[0]).decode()) if row else DEFAULT_DIGITS


def set_digits(conn: Any, value: int) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (KEY, str(value).encode())
    )
