"""Finding cases by text: FTS5 trigram for 3+ characters, a per-character FTS5 index below that.

Only rows whose scope the caller may read are searched, so a match in a medical note never
reveals a case to someone who may not read medical notes. Results are ranked: an exact case
number or ID number first, then an exact name or alias, then other matches in identity
fields, then matches in notes.
"""

from __future__ import annotations

from app.storage.cases_repo import ROWS_PER_CASE
from app.storage.schema.v5 import char_tokens

_EXACT_FIRST = {"header:case_number", "profile:id_number"}
_IDENTITY = {
    "header:case_number",
    "profile:id_number",
    "profile:name",
    "profile:alias",
    "profile:phone",
}


def _rank(text: str, scope: str, query: str) -> int:
    exact = text.casefold() == query.casefold()
    if exact and scope in _EXACT_FIRST:
        return 0
    if exact and scope in ("profile:name", "profile:alias"):
        return 1
    if scope in _IDENTITY:
        return 2
    return 3


def _like_pattern(query: str) -> str:
    """The LIKE pattern whose rows a 1-2 character `find` returns; the tests compare with it."""
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def find(conn, query: str, scopes: set[str], limit: int | None = None) -> list[tuple[int, int]]:
    """[(case_id, rank)] of cases with `query` in a field of an allowed scope, best first."""
    query = query.strip()
    if not query or not scopes:
        return []
    marks = ",".join("?" * len(scopes))
    if len(query) >= 3:
        phrase = '"' + query.replace('"', '""') + '"'
        sql = f"SELECT rowid, text, scope FROM search WHERE search MATCH ? AND scope IN ({marks})"
        args = [phrase, *sorted(scopes)]
    else:
        # Trigrams need three characters; `search_chars` has one token per character, so one
        # character is a token and two are a phrase (see schema v5). Text and scope come from
        # the trigram index's content table (FTS5's `search_content`: id = rowid, c0 = text,
        # c1 = scope) for the matched rows only.
        phrase = '"' + char_tokens(query) + '"'
        sql = (
            "SELECT c.id, c.c0, c.c1 FROM search_chars CROSS JOIN search_content AS c"
            f" ON c.id = search_chars.rowid WHERE search_chars MATCH ? AND c.c1 IN ({marks})"
        )
        args = [phrase, *sorted(scopes)]
    best: dict[int, int] = {}
    for rowid, text, scope in conn.execute(sql, args):
        case_id = rowid // ROWS_PER_CASE
        rank = _rank(text, scope, query)
        if rank < best.get(case_id, 99):
            best[case_id] = rank
    ordered = sorted(best.items(), key=lambda item: (item[1], -item[0]))  # newest first
    return ordered[:limit] if limit else ordered
