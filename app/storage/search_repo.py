"""Finding cases by text: FTS5 trigram for 3+ characters, LIKE on the indexed texts below that.

Only rows whose scope the caller may read are searched, so a match in a medical note never
reveals a case to someone who may not read medical notes. Results are ranked: an exact case
number or ID number first, then an exact name or alias, then other matches in identity
fields, then matches in notes.
"""

from __future__ import annotations

from app.storage.cases_repo import ROWS_PER_CASE

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
        # Trigrams need three characters, so this is a scan. It reads the index's content
        # table (FTS5's `search_content`: id = rowid, c0 = text, c1 = scope) directly, the
        # same rows as a LIKE on `search` at about two thirds of the cost.
        sql = (
            f"SELECT id, c0, c1 FROM search_content WHERE c0 LIKE ? ESCAPE '\\' AND c1 IN ({marks})"
        )
        args = [_like_pattern(query), *sorted(scopes)]
    best: dict[int, int] = {}
    for rowid, text, scope in conn.execute(sql, args):
        case_id = rowid // ROWS_PER_CASE
        rank = _rank(text, scope, query)
        if rank < best.get(case_id, 99):
            best[case_id] = rank
    ordered = sorted(best.items(), key=lambda item: (item[1], -item[0]))  # newest first
    return ordered[:limit] if limit else ordered
