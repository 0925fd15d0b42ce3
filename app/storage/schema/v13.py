"""Schema version 13: attachments (scanned forms, documents, photos) inside the vault.

The files live in the encrypted database like everything else, never beside it. The
listing (`attachments`) is apart from the bytes (`attachment_data`), so listing a case's
attachments reads no file. `section` is the case-file section whose readers may see it;
`is_photo` marks the person's photo on the profile (at most one per case).
"""

from __future__ import annotations

from app.storage.connection import Connection, run_script

SQL = """
CREATE TABLE attachments (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    section    TEXT NOT NULL,
    title      TEXT NOT NULL,
    kind       TEXT NOT NULL,          -- jpeg, png, pdf
    size       INTEGER NOT NULL,
    sha256     TEXT NOT NULL,
    is_photo   INTEGER NOT NULL DEFAULT 0,
    added_on   TEXT NOT NULL,          -- UTC, ISO 8601
    added_by   TEXT NOT NULL,          -- the user's name
    thumbnail  BLOB                    -- PNG, for images
);
CREATE INDEX attachments_case ON attachments(case_id, section);
CREATE TABLE attachment_data (
    attachment_id INTEGER PRIMARY KEY REFERENCES attachments(id) ON DELETE CASCADE,
    data          BLOB NOT NULL
);
"""


def upgrade(conn: Connection) -> None:
    run_script(conn, SQL)
