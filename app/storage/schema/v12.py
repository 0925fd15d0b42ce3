"""Schema version 12: the directory of services, hotlines and appointed organisations.

One row per organisation (app/directory/model.py); list fields are JSON arrays. The national
hotlines are written here, so an existing vault gets them on upgrade as a new one does.
"""

from __future__ import annotations

import datetime as dt

from app.directory.model import NATIONAL_HOTLINES
from app.storage import directory_repo
from app.storage.connection import Connection, run_script

SQL = """
CREATE TABLE directory (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    services TEXT NOT NULL DEFAULT '[]',
    division TEXT,
    address TEXT NOT NULL DEFAULT '',
    phones TEXT NOT NULL DEFAULT '[]',
    hours TEXT NOT NULL DEFAULT '',
    languages TEXT NOT NULL DEFAULT '[]',
    notes TEXT NOT NULL DEFAULT '',
    contact_id INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
    source TEXT,
    updated_on TEXT NOT NULL
);
CREATE INDEX directory_kind ON directory(kind, division);
"""


def upgrade(conn: Connection) -> None:
    run_script(conn, SQL)
    today = dt.date.today().isoformat()
    for org in NATIONAL_HOTLINES:
        directory_repo.insert(conn, org, today)
