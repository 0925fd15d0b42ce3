"""Schema version 6: what a summary counts, readable from indexes alone.

A summary of a 100,000-case vault read ~60,000 whole case rows (person and intake JSON
included) to count a few codes and dates; `identified_by` was only inside the intake JSON.
It becomes a column, and covering indexes hold every column a summary counts, so the
summary reader (app/storage/summary_repo.py) never touches the large rows.
"""

from __future__ import annotations

from app.storage.connection import Connection, run_script

SQL = """
ALTER TABLE cases ADD COLUMN identified_by TEXT;
UPDATE cases SET identified_by = json_extract(intake, '$.identified_by');
CREATE INDEX cases_summary ON cases(
    opened_on, closed_on, status, closure_reason, sex, date_of_birth, age_at_intake,
    origin_country, origin_division, primary_exploitation, identified_by, guardian_status
);
CREATE INDEX services_summary ON services(status, started_on, ended_on, case_id, kind);
CREATE INDEX followups_summary ON followups(due_on, case_id, done_on);
"""


def upgrade(conn: Connection) -> None:
    run_script(conn, SQL)
