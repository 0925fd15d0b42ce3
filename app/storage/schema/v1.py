"""Schema version 1: the vault itself: metadata, the unit, users and the audit trail."""

from __future__ import annotations

from app.storage.connection import Connection, run_script

SQL = """
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value BLOB NOT NULL
);

CREATE TABLE unit (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    code            TEXT NOT NULL,
    name            TEXT NOT NULL,
    prefecture      TEXT NOT NULL,
    signing_key     BLOB NOT NULL,      -- Ed25519 private key, raw 32 bytes
    created_at      TEXT NOT NULL
);

CREATE TABLE users (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL UNIQUE,   -- casefolded name, for look-ups
    role        TEXT NOT NULL CHECK (role IN ('caseworker','health','legal','supervisor','admin')),
    slot_id     TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL
);

CREATE TABLE audit (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    user_id     INTEGER,
    user_name   TEXT,
    action      TEXT NOT NULL,
    case_number TEXT,
    detail      TEXT NOT NULL DEFAULT '{}',
    chain       BLOB NOT NULL
);
CREATE INDEX audit_case ON audit(case_number);
CREATE INDEX audit_action ON audit(action);

-- The trail is append-only for the program: no update, no delete.
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
"""


def upgrade(conn: Connection) -> None:
    run_script(conn, SQL)
