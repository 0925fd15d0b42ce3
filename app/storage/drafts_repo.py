"""The `drafts` table (schema v4): one user's unsaved form text per case and form."""

from __future__ import annotations

import datetime as dt

from app.storage.connection import Connection


def put(conn: Connection, user_id: int, case_number: str, section: str, payload: str) -> None:
    conn.execute(
        "INSERT INTO drafts (user_id, case_number, section, payload, saved_at)"
        " VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (user_id, case_number, section)"
        " DO UPDATE SET payload = excluded.payload, saved_at = excluded.saved_at",
        (
            user_id,
            case_number,
            section,
            payload,
            dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        ),
    )


def get_all(conn: Connection, user_id: int, case_number: str) -> list[tuple[str, str, str]]:
    """(section, payload, saved_at) of every draft the user has for the case."""
    return conn.execute(
        "SELECT section, payload, saved_at FROM drafts"
        " WHERE user_id = ? AND case_number = ? ORDER BY section",
        (user_id, case_number),
    ).fetchall()


def remove(conn: Connection, user_id: int, case_number: str, section: str | None = None) -> int:
    if section is None:
        cur = conn.execute(
            "DELETE FROM drafts WHERE user_id = ? AND case_number = ?", (user_id, case_number)
        )
    else:
        cur = conn.execute(
            "DELETE FROM drafts WHERE user_id = ? AND case_number = ? AND section = ?",
            (user_id, case_number, section),
        )
    return cur.rowcount
