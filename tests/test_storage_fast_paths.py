"""The fast paths of storage give what the plain ones give: bulk reading of case files
(cases_repo.iter_cases) and the 1-2 character search (a scan of the index's content table)."""

from __future__ import annotations

import pytest

from app.demo_data import generate_cases
from app.storage import cases_repo, migrations, new_cases, search_repo
from app.storage.connection import connect, transaction


@pytest.fixture
def conn(tmp_path):
    conn = connect(tmp_path / "plain.db", None)
    migrations.migrate(conn)
    with transaction(conn):
        for case in generate_cases(40, 3):
            new_cases.insert_case(conn, case)
        # a case with no list entries at all, between others
        bare = next(generate_cases(1, 4, prefix="ZZ"))
        bare.services, bare.followups, bare.referrals, bare.notes = [], [], [], []
        new_cases.insert_case(conn, bare)
        for case in generate_cases(5, 5, prefix="YY"):
            new_cases.insert_case(conn, case)
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


def _database_rows(conn) -> dict[str, list[tuple]]:
    """Every stored row a case write touches, timestamps left out, in a comparable order."""
    tables = {
        "cases": "SELECT * FROM cases ORDER BY id",
        "services": "SELECT * FROM services ORDER BY id",
        "followups": "SELECT * FROM followups ORDER BY id",
        "referrals": "SELECT * FROM referrals ORDER BY id",
        "notes": "SELECT * FROM notes ORDER BY id",
        "search": "SELECT rowid, text, scope FROM search ORDER BY rowid",
    }
    rows = {name: conn.execute(sql).fetchall() for name, sql in tables.items()}
    names = [d[1] for d in conn.execute("PRAGMA table_info(cases)")]
    stamps = [names.index("created_at"), names.index("updated_at")]
    rows["cases"] = [tuple(v for i, v in enumerate(r) if i not in stamps) for r in rows["cases"]]
    return rows


def test_a_batch_writes_what_inserting_one_by_one_writes(tmp_path):
    cases = list(generate_cases(1_100, 9, prefix="BK"))  # more than one batch
    one_by_one = connect(tmp_path / "one.db", None)
    migrations.migrate(one_by_one)
    bulk = connect(tmp_path / "bulk.db", None)
    migrations.migrate(bulk)
    for target in (one_by_one, bulk):  # cases already there: the bulk ids continue after them
        with transaction(target):
            for case in generate_cases(7, 3):
                new_cases.insert_case(target, case)
    with transaction(one_by_one):
        for case in cases:
            new_cases.insert_case(one_by_one, case)
    fresh = list(generate_cases(1_100, 9, prefix="BK"))
    done = []
    with transaction(bulk):
        assert new_cases.insert_cases(bulk, iter(fresh), progress=done.append) == 1_100
    assert done == [500, 1_000, 1_100]
    assert [c.id for c in fresh] == [c.id for c in cases]
    assert _database_rows(bulk) == _database_rows(one_by_one)
    # The per-character index answers alike (it is contentless: compare what it finds).
    for query in ("王", "13", "家访", "BK"):
        scopes = {"header:case_number", "profile:name", "profile:phone", "followups:note"}
        assert search_repo.find(bulk, query, scopes) == search_repo.find(one_by_one, query, scopes)
    assert (
        bulk.execute("PRAGMA cache_size").fetchone()
        == one_by_one.execute("PRAGMA cache_size").fetchone()
    )
