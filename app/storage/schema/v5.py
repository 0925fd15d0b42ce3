"""Schema version 5: a per-character index for one- and two-character searches.

The trigram index `search` cannot answer queries shorter than three characters, and a LIKE
scan of every indexed text takes most of a second at 100,000 cases. `search_chars` holds the
same rows (same rowids, so a case's rows are found by the same rowid range) with each character
written as a token: its code point as an ASCII word (`王` -> `u738b`), ASCII letters
lower-cased first, since SQL's LIKE matches them without regard to case and nothing else.
One character is then a token query and two are a two-token phrase, with exactly the rows a
LIKE '%..%' finds. The table is contentless: the text and scope are read from `search` for
the matched rows only, so it costs the index and no second copy of the text. A contentless
table forgets a row only when told its tokens again (FTS5's 'delete' command; the stdlib
SQLite of plain databases predates `contentless_delete`), so `cases_repo` re-derives them
from `search` before removing a case's rows there.
"""

from __future__ import annotations

from app.storage.connection import Connection, run_script

SQL = """
CREATE VIRTUAL TABLE search_chars USING fts5(
    chars,
    content = '',
    tokenize = 'ascii'
);
"""

_BATCH = 5000


class _CharToken(dict[int, str]):
    """Code point -> its token and a space, made on first use; `str.translate` looks each
    character up here, so a text becomes tokens in one C loop (imports tokenise every text)."""

    def __missing__(self, code: int) -> str:
        lowered = code + 32 if 0x41 <= code <= 0x5A else code  # ASCII A-Z only, as LIKE does
        token = self[code] = f"u{lowered:x} "
        return token


_TOKENS = _CharToken()


def char_tokens(text: str) -> str:
    """`text` as space-separated character tokens, the form `search_chars` indexes and queries."""
    return text.translate(_TOKENS)[:-1]


def upgrade(conn: Connection) -> None:
    run_script(conn, SQL)
    rows = conn.execute("SELECT id, c0 FROM search_content ORDER BY id")
    insert = "INSERT INTO search_chars (rowid, chars) VALUES (?, ?)"
    while batch := rows.fetchmany(_BATCH):
        conn.executemany(insert, [(rowid, char_tokens(text)) for rowid, text in batch])
