"""The fast paths of storage give what the plain ones give: bulk reading of case files
(cases_repo.iter_cases) and the 1-2 character search (a scan of the index's content table)."""

from __future__ import annotations

import pytest

from app.demo_data import generate_cases
from app.storage import cases_repo, migrations, search_repo
from app.storage.connection import connect, transaction


@pytest.fixture
def conn(tmp_path):
    conn = connect(tmp_path / "plain.db", None)
    migrations.migrate(conn)
    with transaction(conn):
        for case in generate_cases(40, 3):
            cases_repo.insert_case(conn, case)
        # a case with no list entries at all, between others
        bare = next(generate_cases(1, 4, prefix="ZZ"))
        bare.services, bare.followups, bare.referrals, bare.notes = [], [], [], []
        cases_repo.insert_case(conn, bare)
        for case in generate_cases(5, 5, prefix="YY"):
            cases_repo.insert_case(conn, case)
    yield conn
    conn.close()


def test_iter_cases_matches_load_case(conn):
    ids = [r[0] for r in conn.execute("SELECT id FROM cases ORDER BY id")]
    assert list(cases_repo.iter_cases(conn)) == [cases_repo.load_case(conn, i) for i in ids]


def _like_on_index(conn, query: str, scopes: set[str]) -> set[int]:
    marks = ",".join("?" * len(scopes))
    rows = conn.execute(
        f"SELECT rowid FROM search WHERE text LIKE ? ESCAPE '\\' AND scope IN ({marks})",
        [search_repo._like_pattern(query), *sorted(scopes)],
    )
    return {rowid // cases_repo.ROWS_PER_CASE for (rowid,) in rows}


@pytest.mark.parametrize("query", ["王", "13", "z-", "家访", "%", "_1", "\\"])
def test_short_find_matches_like_on_the_index(conn, query):
    # Changing and deleting cases must keep the scanned rows in step with the index.
    with transaction(conn):
        case = cases_repo.load_case(conn, 2)
        case.person.full_name = "王Z-家访%_1\\"
        cases_repo.save_case(conn, case)
        cases_repo.delete_case(conn, 3)
    scopes = {"header:case_number", "profile:name", "profile:phone", "followups:note"}
    found = search_repo.find(conn, query, scopes)
    assert {case_id for case_id, _rank in found} == _like_on_index(conn, query, scopes)
    assert 2 in {case_id for case_id, _rank in found} or query in ("13",)
