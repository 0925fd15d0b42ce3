"""Finding cases by text: FTS5 trigram for 3+ characters, a per-character FTS5 index below that.

Only rows whose scope the caller may read are searched, so a match in a medical note never
reveals a case to someone who may not read medical notes.

How results are ranked (the first `limit` are the same as ranking every match):
  0. the case number or ID number is the query (ignoring case);
  1. the name or an alias is the query;
  2. the query is in an identity field: case number, name, alias, ID number or phone;
  3. the query is in a note the caller may read;
newest case first within each rank. A case counts once, at its best rank.

Each rank is read in row-id order, newest case first (a case's rows are numbered from its
id), and reading stops once `limit` cases are found: exact texts through the START+query+END
phrase of `search_identity`, identity fields through `search_identity` or
`search_identity_chars` (schema v11), notes through `search` or `search_chars`. So a common
fragment of a note costs about the same as a rare one; without a limit every match is read.
"""

from __future__ import annotations

from collections.abc import Iterator

from app.storage.cases_repo import ROWS_PER_CASE
from app.storage.connection import Connection
from app.storage.schema.v5 import char_tokens
from app.storage.schema.v11 import IDENTITY_SCOPES, whole

_EXACT_FIRST = {"header:case_number", "profile:id_number"}
_EXACT_NAMES = {"profile:name", "profile:alias"}
_IDENTITY = IDENTITY_SCOPES


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _is_exact(text: str, query: str) -> bool:
    if len(query) >= 3:
        return text.casefold() == query.casefold()
    # Below three characters a query matches as LIKE does, ASCII letters alone without regard
    # to case: an exact text must be one that the query finds at all.
    return text.translate(_ASCII_LOWER) == query.translate(_ASCII_LOWER)


def _rank(text: str, scope: str, query: str) -> int:
    exact = _is_exact(text, query)
    if exact and scope in _EXACT_FIRST:
        return 0
    if exact and scope in _EXACT_NAMES:
        return 1
    if scope in _IDENTITY:
        return 2
    return 3


def _like_pattern(query: str) -> str:
    """The LIKE pattern whose rows a 1-2 character `find` returns; the tests compare with it."""
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _matches(conn: Connection, table: str, phrase: str) -> Iterator[tuple[int, str, str]]:
    """(rowid, text, scope) of the rows of FTS5 `table` matching `phrase`, newest case first,
    read as the caller iterates (text and scope from `search`'s content table, FTS5's
    `search_content`: id = rowid, c0 = text, c1 = scope)."""
    yield from conn.execute(
        f"SELECT m.rowid, c.c0, c.c1 FROM {table} AS m CROSS JOIN search_content AS c"
        f" ON c.id = m.rowid WHERE {table} MATCH ? ORDER BY m.rowid DESC",
        (phrase,),
    )


def find(
    conn: Connection, query: str, scopes: set[str], limit: int | None = None
) -> list[tuple[int, int]]:
    """[(case_id, rank)] of cases with `query` in a field of an allowed scope, best first."""
    query = query.strip()
    if not query or not scopes:
        return []
    short = len(query) < 3
    contains = _phrase(char_tokens(query)) if short else _phrase(query)
    found: dict[int, int] = {}

    def full() -> bool:
        return limit is not None and len(found) >= limit

    # Ranks 0 and 1: exact case or ID numbers, names and aliases (few rows, all read).
    exact: dict[int, int] = {}
    if scopes & (_EXACT_FIRST | _EXACT_NAMES):
        for rowid, text, scope in _matches(conn, "search_identity", _phrase(whole(query))):
            rank = _rank(text, scope, query)
            if scope in scopes and rank < 2:
                case_id = rowid // ROWS_PER_CASE
                exact[case_id] = min(rank, exact.get(case_id, 2))
    for case_id, rank in sorted(exact.items(), key=lambda item: (item[1], -item[0])):
        found[case_id] = rank
    # Rank 2, then 3: identity fields, then notes, each newest first, until the page is full.
    streams = (
        (2, "search_identity_chars" if short else "search_identity", scopes & _IDENTITY),
        (3, "search_chars" if short else "search", scopes - _IDENTITY),
    )
    for rank, table, allowed in streams:
        if full() or not allowed:
            continue
        for rowid, _text, scope in _matches(conn, table, contains):
            case_id = rowid // ROWS_PER_CASE
            if scope in allowed and case_id not in found:
                found[case_id] = rank
                if full():
                    break
    ordered = list(found.items())
    return ordered[:limit] if limit else ordered
