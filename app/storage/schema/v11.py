"""Schema version 11: the identity fields indexed apart, so that a search can stop early.

`find` ranks an exact case or ID number first, then an exact name or alias, then other
matches in identity fields (case number, name, alias, ID number, phone), then matches in
notes, newest first within each. With one index for all of them, the best 100 of a common
fragment could only be known after reading every match: 100,000-135,000 rows for a phrase
found in the notes of most cases, 0.25-0.4 s at 100,000 cases. With the identity fields in
indexes of their own, each rank is a walk in row-id order (a case's rows are numbered from
its id, so newest case first) that stops when the page is full, and notes are read only as
far as needed (app/storage/search_repo.py).

- `search_identity`: trigrams of each identity text wrapped in START and END, so that the
  phrase START+query+END finds exactly the texts equal to a query of any length;
- `search_identity_chars`: the per-character tokens of the same texts (schema v5), for
  one- and two-character queries.

Both are contentless, with the rowids of `search`, which keeps the text: a row goes with
FTS5's 'delete' command given its tokens again (app/storage/cases_repo.py).
"""

from __future__ import annotations

from app.storage.connection import Connection, run_script
from app.storage.schema.v5 import char_tokens

IDENTITY_SCOPES = frozenset(
    {"header:case_number", "profile:id_number", "profile:name", "profile:alias", "profile:phone"}
)
# Control characters no one types. They only propose candidates: `find` compares each
# candidate's text with the query before ranking it exact.
START, END = "\x02", "\x03"

SQL = """
CREATE VIRTUAL TABLE search_identity USING fts5(text, content = '', tokenize = 'trigram');
CREATE VIRTUAL TABLE search_identity_chars USING fts5(chars, content = '', tokenize = 'ascii');
"""

_BATCH = 5000


def whole(text: str) -> str:
    """An identity text as `search_identity` indexes it: between START and END."""
    return START + text + END


def upgrade(conn: Connection) -> None:
    run_script(conn, SQL)
    marks = ",".join("?" * len(IDENTITY_SCOPES))
    rows = conn.execute(
        f"SELECT id, c0 FROM search_content WHERE c1 IN ({marks}) ORDER BY id",
        sorted(IDENTITY_SCOPES),
    )
    while batch := rows.fetchmany(_BATCH):
        conn.executemany(
            "INSERT INTO search_identity (rowid, text) VALUES (?, ?)",
            [(rowid, whole(text)) for rowid, text in batch],
        )
        conn.executemany(
            "INSERT INTO search_identity_chars (rowid, chars) VALUES (?, ?)",
            [(rowid, char_tokens(text)) for rowid, text in batch],
        )
