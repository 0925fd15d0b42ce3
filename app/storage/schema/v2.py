"""Schema version 2: case files, their lists, and the search index.

A case's own sections (person, intake, consents, guardian) are JSON documents in `cases`,
with the columns that lists, filters and summaries need copied out beside them and indexed.
The lists (services, follow-ups, referrals, notes) are tables of their own, because they are
edited one entry at a time and queried across cases (follow-ups due).

`search` is an FTS5 trigram index of the searchable text, one row per field, each tagged with
the section and kind of field it came from, so `find` returns only matches in what the user
may read. Its rowids are `case_id * ROWS_PER_CASE + n`, so a case's rows are replaced with
one rowid-range delete.
"""

from __future__ import annotations

from app.storage.connection import Connection, run_script

SQL = """
CREATE TABLE cases (
    id                   INTEGER PRIMARY KEY,
    case_number          TEXT NOT NULL UNIQUE,
    status               TEXT NOT NULL,
    opened_on            TEXT NOT NULL,
    closed_on            TEXT,
    closure_reason       TEXT,
    person               TEXT NOT NULL,      -- JSON, cases-v1 shape
    intake               TEXT NOT NULL,      -- JSON
    consents             TEXT NOT NULL,      -- JSON list
    guardian             TEXT,               -- JSON or NULL
    full_name            TEXT NOT NULL,
    sex                  TEXT NOT NULL,
    date_of_birth        TEXT,
    age_at_intake        INTEGER,
    origin_country       TEXT,
    origin_division      TEXT,
    primary_exploitation TEXT,
    intake_prefecture    TEXT,
    guardian_status      TEXT,
    closure_approved_by  TEXT,              -- supervisor's name, once a closure is approved
    closure_approved_at  TEXT,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
);
CREATE INDEX cases_status ON cases(status, opened_on);
CREATE INDEX cases_opened ON cases(opened_on);
CREATE INDEX cases_closed ON cases(closed_on);
CREATE INDEX cases_exploitation ON cases(primary_exploitation);
CREATE INDEX cases_origin ON cases(origin_division);

CREATE TABLE services (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    status      TEXT NOT NULL,
    started_on  TEXT,
    ended_on    TEXT,
    provider    TEXT,
    details     TEXT NOT NULL DEFAULT '{}',
    notes       TEXT
);
CREATE INDEX services_case ON services(case_id, position);
CREATE INDEX services_kind ON services(kind, status);

CREATE TABLE followups (
    id                INTEGER PRIMARY KEY,
    case_id           INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    position          INTEGER NOT NULL,
    due_on            TEXT NOT NULL,
    done_on           TEXT,
    living_conditions TEXT,
    notes             TEXT
);
CREATE INDEX followups_case ON followups(case_id, position);
CREATE INDEX followups_due ON followups(due_on) WHERE done_on IS NULL;
CREATE INDEX followups_open ON followups(case_id, due_on) WHERE done_on IS NULL;

CREATE TABLE referrals (
    id            INTEGER PRIMARY KEY,
    case_id       INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    to_code       TEXT NOT NULL,
    organisation  TEXT,
    sent_on       TEXT NOT NULL,
    status        TEXT NOT NULL,
    reason        TEXT
);
CREATE INDEX referrals_case ON referrals(case_id, position);

CREATE TABLE notes (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    written_on  TEXT NOT NULL,
    section     TEXT NOT NULL,
    text        TEXT NOT NULL
);
CREATE INDEX notes_case ON notes(case_id, position);

CREATE VIRTUAL TABLE search USING fts5(
    text,
    scope UNINDEXED,        -- 'section:field', e.g. 'profile:name', 'medical:note'
    tokenize = 'trigram'
);
"""


def upgrade(conn: Connection) -> None:
    run_script(conn, SQL)
