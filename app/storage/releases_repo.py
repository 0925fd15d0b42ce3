"""The `released_summaries` table (schema v8): the ledger of suppressed summaries released."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from app.storage.connection import Connection


@dataclass(frozen=True)
class Release:
    period: str
    threshold: int
    released_on: str
    document: dict[str, Any]


def _release(row: tuple[str, int, str, str]) -> Release:
    return Release(row[0], row[1], row[2], json.loads(row[3]))


def find(conn: Connection, period: str, threshold: int) -> Release | None:
    row = conn.execute(
        "SELECT period, threshold, released_on, document FROM released_summaries"
        " WHERE period = ? AND threshold = ?",
        (period, threshold),
    ).fetchone()
    return None if row is None else _release(row)


def overlapping(conn: Connection, start: str, end: str) -> list[Release]:
    """Releases whose period shares a day with [start, end] (ISO dates), oldest first."""
    rows = conn.execute(
        "SELECT period, threshold, released_on, document FROM released_summaries"
        " WHERE start_on <= ? AND end_on >= ? ORDER BY id",
        (end, start),
    ).fetchall()
    return [_release(row) for row in rows]


def add(conn: Connection, document: dict[str, Any], released_on: str) -> bool:
    """Record a released document; False when that period and threshold already are."""
    period = document["period"]
    cur = conn.execute(
        "INSERT OR IGNORE INTO released_summaries"
        " (period, start_on, end_on, threshold, released_on, document)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (
            period["label"],
            period["start"],
            period["end"],
            document["protection"]["threshold"],
            released_on,
            json.dumps(document, ensure_ascii=False, sort_keys=True),
        ),
    )
    return bool(cur.rowcount == 1)
