"""Schema version 4: drafts, the typed text of a case-file form kept inside the vault.

When the window locks itself (inactivity, suspend) nobody is there to answer "save or
discard?"; what validates is saved, and a form that does not validate is kept here as a
draft, so nothing typed is lost and nothing leaves the encrypted database. One draft per
user, case and form (`section`: a section code, or `<section>:entry` for an open entry
dialog). A draft goes with its user and its case.
"""

from __future__ import annotations

from app.storage.connection import Connection, run_script

SQL = """
CREATE TABLE drafts (
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    case_number  TEXT NOT NULL REFERENCES cases(case_number) ON DELETE CASCADE,
    section      TEXT NOT NULL,
    payload      TEXT NOT NULL,          -- JSON: the form's fields as typed
    saved_at     TEXT NOT NULL,
    PRIMARY KEY (user_id, case_number, section)
);
"""


def upgrade(conn: Connection) -> None:
    run_script(conn, SQL)
