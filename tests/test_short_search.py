"""The per-character index (schema v5) answers 1-2 character queries exactly as a LIKE scan
of the trigram index's texts does: same cases, same ranks, same scope filtering, ASCII
letters matched without regard to case and nothing else, '%' and '_' taken literally."""

from __future__ import annotations

import pytest

from app.demo_data import generate_cases
from app.storage import cases_repo, migrations, new_cases, search_repo
from app.storage.connection import connect, transaction
from app.storage.schema.v5 import char_tokens


@pytest.fixture(scope="module")
def conn(tmp_path_factory):
    conn = connect(tmp_path_factory.mktemp("short") / "plain.db", None)
    migrations.migrate(conn)
    with transaction(conn):
        for case in generate_cases(60, 7):
            new_cases.insert_case(conn, case)
        odd = cases_repo.load_case(conn, 5)
        odd.person.full_name = "Ab%_c王小"
        odd.person.aliases = ["ÄÖ straße", "İi"]
        cases_repo.save_case(conn, odd)
        again = cases_repo.load_case(conn, 6)
        again.person.full_name = "王 小"  # the space keeps 王 and 小 apart
        cases_repo.save_case(conn, again)
        cases_repo.delete_case(conn, 7)
    yield conn
    conn.close()


def _like_find(conn, query: str, scopes: set[str]) -> list[tuple[int, int]]:
    """`find` as it was before the index: a LIKE scan, ranked the same way."""
    marks = ",".join("?" * len(scopes))
    rows = conn.execute(
        f"SELECT id, c0, c1 FROM search_content WHERE c0 LIKE ? ESCAPE '\\' AND c1 IN ({marks})",
        [search_repo._like_pattern(query), *sorted(scopes)],
    )
    best: dict[int, int] = {}
    for rowid, text, scope in rows:
        case_id = rowid // cases_repo.ROWS_PER_CASE
        best[case_id] = min(best.get(case_id, 99), search_repo._rank(text, scope, query))
    return sorted(best.items(), key=lambda item: (item[1], -item[0]))


def _queries(conn) -> list[str]:
    texts = [t for (t,) in conn.execute("SELECT c0 FROM search_content ORDER BY id")]
    picked = {t[i : i + n] for t in texts[::7] for n in (1, 2) for i in range(0, len(t) - n + 1, 5)}
    picked = {q for q in picked if q.strip() == q and q}
    fixed = ["王", "小", "王小", "a", "A", "ab", "AB", "aB", "Z", "z", "1", "13", "0", "%", "_"]
    fixed += ["%_", "_c", "ä", "Ä", "ß", "SS", "i", "I", "İ", "-", "\\", "Ab", "王 "]
    return sorted(picked) + fixed


def test_short_queries_match_a_like_scan(conn):
    scopes = {s for (s,) in conn.execute("SELECT DISTINCT c1 FROM search_content")}
    narrow = {"header:case_number", "profile:name", "profile:alias"}
    queries = _queries(conn)
    assert len(queries) > 200
    for query in queries:
        for allowed in (scopes, narrow):
            expected = _like_find(conn, query.strip(), allowed)
            assert search_repo.find(conn, query, allowed) == expected, query
        # and the index itself holds no row of a changed or deleted case any more
        like = "SELECT id FROM search_content WHERE c0 LIKE ? ESCAPE '\\'"
        match = "SELECT rowid FROM search_chars WHERE search_chars MATCH ?"
        stripped = query.strip()
        assert {r for (r,) in conn.execute(match, ['"' + char_tokens(stripped) + '"'])} == {
            r for (r,) in conn.execute(like, [search_repo._like_pattern(stripped)])
        }, query


def test_ascii_case_and_wildcards(conn):
    everything = {s for (s,) in conn.execute("SELECT DISTINCT c1 FROM search_content")}
    assert {5} <= {c for c, _r in search_repo.find(conn, "aB", everything)}
    assert 5 in {c for c, _r in search_repo.find(conn, "%_", everything)}
    assert 6 not in {c for c, _r in search_repo.find(conn, "王小", everything)}
    assert 7 not in {c for c, _r in search_repo.find(conn, "1", everything)}


def test_char_tokens():
    assert char_tokens("王A") == "u738b u61"
    assert char_tokens("Ä") == "uc4"  # LIKE folds only ASCII letters


def test_migration_fills_the_index_from_existing_rows(tmp_path):
    conn = connect(tmp_path / "old.db", None)
    migrations.migrate(conn, target=4)
    rows = [(1 * cases_repo.ROWS_PER_CASE, "王小红", "profile:name")]
    rows += [(2 * cases_repo.ROWS_PER_CASE + 1, "Li Hong 13%", "profile:alias")]
    with transaction(conn):  # a v4 index, written as v4 wrote it
        conn.executemany("INSERT INTO search (rowid, text, scope) VALUES (?, ?, ?)", rows)
    assert migrations.migrate(conn, target=5) == [5]
    found = "SELECT rowid FROM search_chars WHERE search_chars MATCH ?"
    assert [r for (r,) in conn.execute(found, ['"' + char_tokens("红") + '"'])] == [rows[0][0]]
    migrations.migrate(conn)  # v11 indexes the identity fields apart, from the same rows
    scopes = {"profile:name", "profile:alias"}
    for query in ["王", "小红", "li", "H", "13", "%", "3%", "红L"]:
        assert search_repo.find(conn, query, scopes) == _like_find(conn, query, scopes), query
    assert search_repo.find(conn, "小红", scopes) == [(1, 2)]
    conn.close()
