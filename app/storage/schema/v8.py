"""Schema version 8: the ledger of released suppressed summaries (summary-v1, A2).

Every suppressed summary written to a file is kept whole, so that a later summary of an
overlapping period can be protected together with it, and the same period and threshold
released again gives the same file.
"""

from __future__ import annotations

from app.storage.connection import Connection, run_script

SQL = """
CREATE TABLE released_summaries (
    id INTEGER PRIMARY KEY,
    period TEXT NOT NULL,
    start_on TEXT NOT NULL,
    end_on TEXT NOT NULL,
    threshold INTEGER NOT NULL,
    released_on TEXT NOT NULL,
    document TEXT NOT NULL,
    UNIQUE (period, threshold)
);
"""


def upgrade(conn: Connection) -> None:
    run_script(conn, SQL)
