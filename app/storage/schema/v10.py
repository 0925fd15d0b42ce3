"""Schema version 10: who holds a case, who wrote each entry, and closures that wait for a
supervisor.

`cases.responsible_user_id` is the worker who holds the case (the creator by default; a
supervisor reassigns, the holder hands over). A removed user leaves the case unassigned, so
it shows up for a supervisor to give to someone. Cases created before this version take
the user who created them, where the audit trail says so and that user is still there.

Each list entry (services, follow-ups, referrals, notes) records the name of who last wrote
it and when (`recorded_by`, `recorded_at`); the name is kept as text so it stays readable
after the user is removed. Entries from before this version have neither.

`closure_requests` holds a caseworker's request to close a case (the date and reason she
chose) until a supervisor approves it, which closes the case, or returns it with a comment
that she reads in the case file. Only one request per case is pending at a time.

`cases.duplicate_of` is the case number a case was closed as a duplicate of, or that it
was merged into.
"""

from __future__ import annotations

from app.storage.connection import Connection, run_script

SQL = """
ALTER TABLE cases ADD COLUMN responsible_user_id INTEGER REFERENCES users(id) ON DELETE SET NULL;
ALTER TABLE cases ADD COLUMN duplicate_of TEXT;
CREATE INDEX cases_responsible ON cases(responsible_user_id, status);
UPDATE cases SET responsible_user_id = (
    SELECT a.user_id FROM audit a JOIN users u ON u.id = a.user_id
    WHERE a.action = 'case_created' AND a.case_number = cases.case_number
    ORDER BY a.id LIMIT 1
);

ALTER TABLE services ADD COLUMN recorded_by TEXT;
ALTER TABLE services ADD COLUMN recorded_at TEXT;
ALTER TABLE followups ADD COLUMN recorded_by TEXT;
ALTER TABLE followups ADD COLUMN recorded_at TEXT;
ALTER TABLE referrals ADD COLUMN recorded_by TEXT;
ALTER TABLE referrals ADD COLUMN recorded_at TEXT;
ALTER TABLE notes ADD COLUMN recorded_by TEXT;
ALTER TABLE notes ADD COLUMN recorded_at TEXT;

CREATE TABLE closure_requests (
    id            INTEGER PRIMARY KEY,
    case_id       INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    closed_on     TEXT NOT NULL,
    reason        TEXT NOT NULL,
    requested_by  TEXT NOT NULL,
    requested_at  TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'returned', 'withdrawn')),
    decided_by    TEXT,
    decided_at    TEXT,
    comment       TEXT
);
CREATE INDEX closure_requests_case ON closure_requests(case_id, id);
CREATE UNIQUE INDEX closure_requests_pending ON closure_requests(case_id) WHERE state = 'pending';
"""


def upgrade(conn: Connection) -> None:
    run_script(conn, SQL)
