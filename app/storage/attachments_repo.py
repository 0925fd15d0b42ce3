"""The `attachments` and `attachment_data` tables (schema v13): files kept inside the vault."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

_COLUMNS = "id, section, title, kind, size, sha256, is_photo, added_on, added_by"


@dataclass(frozen=True)
class AttachmentRow:
    id: int
    section: str
    title: str
    kind: str  # jpeg, png, pdf
    size: int
    sha256: str
    is_photo: bool
    added_on: str  # UTC, ISO 8601
    added_by: str


def _row(values: tuple[Any, ...]) -> AttachmentRow:
    id_, section, title, kind, size, sha256, is_photo, added_on, added_by = values
    return AttachmentRow(
        id_, section, title, kind, size, sha256, bool(is_photo), added_on, added_by
    )


def insert(
    conn: Any,
    case_id: int,
    *,
    section: str,
    title: str,
    kind: str,
    data: bytes,
    sha256: str,
    thumbnail: bytes | None,
    added_by: str,
    is_photo: bool = False,
) -> int:
    if is_photo:  # one photo per case: the new one takes the old one's place on the profile
        conn.execute("UPDATE attachments SET is_photo = 0 WHERE case_id = ?", (case_id,))
    cur = conn.execute(
        "INSERT INTO attachments (case_id, section, title, kind, size, sha256, is_photo,"
        " added_on, added_by, thumbnail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            case_id,
            section,
            title,
            kind,
            len(data),
            sha256,
            int(is_photo),
            dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            added_by,
            thumbnail,
        ),
    )
    attachment_id = int(cur.lastrowid)
    conn.execute(
        "INSERT INTO attachment_data (attachment_id, data) VALUES (?, ?)", (attachment_id, data)
    )
    return attachment_id


def for_case(conn: Any, case_id: int) -> list[AttachmentRow]:
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM attachments WHERE case_id = ? ORDER BY added_on, id", (case_id,)
    ).fetchall()
    return [_row(r) for r in rows]


def get(conn: Any, case_id: int, attachment_id: int) -> AttachmentRow | None:
    found = conn.execute(
        f"SELECT {_COLUMNS} FROM attachments WHERE case_id = ? AND id = ?", (case_id, attachment_id)
    ).fetchone()
    return _row(found) if found else None


def data(conn: Any, attachment_id: int) -> bytes:
    found = conn.execute(
        "SELECT data FROM attachment_data WHERE attachment_id = ?", (attachment_id,)
    ).fetchone()
    return bytes(found[0]) if found else b""


def thumbnail(conn: Any, attachment_id: int) -> bytes | None:
    found = conn.execute(
        "SELECT thumbnail FROM attachments WHERE id = ?", (attachment_id,)
    ).fetchone()
    return bytes(found[0]) if found and found[0] is not None else None


def remove(conn: Any, attachment_id: int) -> None:
    conn.execute("DELETE FROM attachments WHERE id = ?", (attachment_id,))
