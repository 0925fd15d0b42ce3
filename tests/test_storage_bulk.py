"""Bulk reading of case files (cases_repo.iter_cases) gives what load_case gives, case by case."""

from __future__ import annotations

from app.demo_data import generate_cases
from app.storage import cases_repo, migrations
from app.storage.connection import connect, transaction


def test_iter_cases_matches_load_case(tmp_path):
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
    ids = [r[0] for r in conn.execute("SELECT id FROM cases ORDER BY id")]
    assert list(cases_repo.iter_cases(conn)) == [cases_repo.load_case(conn, i) for i in ids]
    conn.close()
