"""The caseworker's day in SQL: who holds a case, who wrote an entry, closure requests, and
what a worker's home page counts (schema v10).

Every function works in the caller's connection (and transaction, for writes).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from app.storage.connection import Connection
from app.storage.list_repo import GROUP_SQL, SHOWN_STATUS_SQL

ENTRY_TABLES = ("services", "followups", "referrals", "notes")


# --- who holds a case ------------------------------------------------------------------------


def holder(conn: Connection, case_id: int) -> tuple[int, str] | None:
    """(user id, name) of the worker responsible for the case, or None when nobody is."""
    row = conn.execute(
        "SELECT u.id, u.name FROM cases c JOIN users u ON u.id = c.responsible_user_id"
        " WHERE c.id = ?",
        (case_id,),
    ).fetchone()
    return (row[0], row[1]) if row else None


def set_holder(conn: Connection, case_id: int, user_id: int | None) -> None:
    conn.execute("UPDATE cases SET responsible_user_id = ? WHERE id = ?", (user_id, case_id))


def last_case_id(conn: Connection) -> int:
    return int(conn.execute("SELECT coalesce(max(id), 0) FROM cases").fetchone()[0])


def claim_new(conn: Connection, after_id: int, user_id: int) -> None:
    """Make `user_id` responsible for the cases created after `after_id` that have nobody."""
    conn.execute(
        "UPDATE cases SET responsible_user_id = ? WHERE id > ? AND responsible_user_id IS NULL",
        (user_id, after_id),
    )


def user_by_name(conn: Connection, name: str) -> tuple[int, str, str] | None:
    row = conn.execute(
        "SELECT id, name, role FROM users WHERE name_key = ?", (name.strip().casefold(),)
    ).fetchone()
    return (row[0], row[1], row[2]) if row else None


# --- who wrote an entry ----------------------------------------------------------------------


def stamp_entry(conn: Connection, table: str, entry_id: int, by: str, at: str) -> None:
    if table not in ENTRY_TABLES:
        raise ValueError(table)
    conn.execute(
        f"UPDATE {table} SET recorded_by = ?, recorded_at = ? WHERE id = ?", (by, at, entry_id)
    )


def stamp_case_entries(conn: Connection, case_id: int, by: str, at: str) -> None:
    """Stamp every entry of a new case with its author."""
    for table in ENTRY_TABLES:
        conn.execute(
            f"UPDATE {table} SET recorded_by = ?, recorded_at = ? WHERE case_id = ?",
            (by, at, case_id),
        )


def entry_stamps(conn: Connection, case_id: int) -> dict[tuple[str, int], tuple[str, str]]:
    """(table, entry id) -> (who, when) for the entries of a case that record their author."""
    found: dict[tuple[str, int], tuple[str, str]] = {}
    for table in ENTRY_TABLES:
        for entry_id, by, at in conn.execute(
            f"SELECT id, recorded_by, recorded_at FROM {table}"
            " WHERE case_id = ? AND recorded_by IS NOT NULL",
            (case_id,),
        ):
            found[(table, entry_id)] = (by, at)
    return found


# --- closure requests ------------------------------------------------------------------------


@dataclass(frozen=True)
class ClosureRequest:
    id: int
    case_id: int
    closed_on: dt.date
    reason: str
    requested_by: str
    requested_at: str
    state: str  # pending, approved, returned, withdrawn
    decided_by: str | None
    decided_at: str | None
    comment: str | None


_REQUEST_COLUMNS = (
    "id, case_id, closed_on, reason, requested_by, requested_at, state, decided_by,"
    " decided_at, comment"
)


def _request(row: tuple[Any, ...]) -> ClosureRequest:
    return ClosureRequest(row[0], row[1], dt.date.fromisoformat(row[2]), *row[3:])


def latest_request(conn: Connection, case_id: int) -> ClosureRequest | None:
    row = conn.execute(
        f"SELECT {_REQUEST_COLUMNS} FROM closure_requests WHERE case_id = ? ORDER BY id DESC",
        (case_id,),
    ).fetchone()
    return _request(row) if row else None


def add_request(
    conn: Connection, case_id: int, closed_on: dt.date, reason: str, by: str, at: str
) -> int:
    cursor = conn.execute(
        "INSERT INTO closure_requests (case_id, closed_on, reason, requested_by, requested_at,"
        " state) VALUES (?, ?, ?, ?, ?, 'pending')",
        (case_id, closed_on.isoformat(), reason, by, at),
    )
    return int(cursor.lastrowid or 0)


def decide(
    conn: Connection, request_id: int, state: str, by: str, at: str, comment: str | None
) -> None:
    conn.execute(
        "UPDATE closure_requests SET state = ?, decided_by = ?, decided_at = ?, comment = ?"
        " WHERE id = ? AND state = 'pending'",
        (state, by, at, comment, request_id),
    )


@dataclass(frozen=True)
class PendingClosure:
    case_id: int
    case_number: str
    full_name: str
    requested_by: str
    requested_at: str
    closed_on: dt.date
    reason: str


def pending_closures(conn: Connection) -> list[PendingClosure]:
    rows = conn.execute(
        "SELECT c.id, c.case_number, c.full_name, r.requested_by, r.requested_at, r.closed_on,"
        " r.reason FROM closure_requests r JOIN cases c ON c.id = r.case_id"
        " WHERE r.state = 'pending' ORDER BY r.requested_at, c.case_number"
    )
    return [
        PendingClosure(r[0], r[1], r[2], r[3], r[4], dt.date.fromisoformat(r[5]), r[6])
        for r in rows
    ]


# --- a worker's caseload ---------------------------------------------------------------------


def caseload_counts(conn: Connection, user_id: int, today: dt.date) -> list[tuple[str, str, int]]:
    """(shown status, group, count) of the cases `user_id` holds."""
    sql = (
        f"SELECT {SHOWN_STATUS_SQL} AS s, {GROUP_SQL} AS g, count(*) FROM cases c"
        " WHERE c.responsible_user_id = :user GROUP BY s, g ORDER BY s, g"
    )
    return [
        (r[0], r[1], r[2]) for r in conn.execute(sql, {"user": user_id, "today": today.isoformat()})
    ]


@dataclass(frozen=True)
class WaitingReferral:
    case_number: str | None
    full_name: str | None
    direction: str  # sent: waiting for their reply; received: waiting for ours
    counterpart: str
    since: str


def waiting_referrals(conn: Connection, user_id: int | None) -> list[WaitingReferral]:
    """Packages sent and not yet answered, and packages received and not yet replied to,
    of the cases `user_id` holds (every case when None)."""
    sql = (
        "SELECT c.case_number, c.full_name, p.direction, p.counterpart, p.created_at"
        " FROM referral_packages p LEFT JOIN cases c ON c.id = p.case_id"
        " WHERE p.state IN ('pending', 'acknowledged')"
    )
    args: tuple[int, ...] = ()
    if user_id is not None:
        sql += " AND c.responsible_user_id = ?"
        args = (user_id,)
    sql += " ORDER BY p.created_at"
    return [WaitingReferral(*r) for r in conn.execute(sql, args)]


def recent_cases(conn: Connection, user_id: int, limit: int) -> list[tuple[int, str, str]]:
    """(case id, number, name) of the cases `user_id` opened or created last, newest first."""
    sql = (
        "SELECT c.id, c.case_number, c.full_name FROM ("
        "  SELECT case_number, max(id) AS last FROM audit"
        "  WHERE user_id = ? AND action IN ('case_viewed', 'case_created')"
        "  AND case_number IS NOT NULL GROUP BY case_number ORDER BY last DESC LIMIT ?"
        ") a JOIN cases c ON c.case_number = a.case_number ORDER BY a.last DESC"
    )
    return [(r[0], r[1], r[2]) for r in conn.execute(sql, (user_id, limit))]


def set_approval(conn: Connection, case_id: int, by: str, on: str) -> None:
    conn.execute(
        "UPDATE cases SET closure_approved_by = ?, closure_approved_at = ? WHERE id = ?",
        (by, on, case_id),
    )


def approval(conn: Connection, case_id: int) -> tuple[str | None, str | None]:
    row = conn.execute(
        "SELECT closure_approved_by, closure_approved_at FROM cases WHERE id = ?", (case_id,)
    ).fetchone()
    return (row[0], row[1]) if row else (None, None)
