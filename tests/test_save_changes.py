"""`cases_repo.save_case` writes only what changed, and what it writes is what a full rewrite
would store: list rows, and the search rows of both indexes (`search`, trigram, and
`search_chars`, per character), so that old text is no longer found and new text is."""

from __future__ import annotations

import copy
import datetime as dt
import random
from collections import Counter

import pytest

from app.demo_data import generate_cases
from app.domain.model import Followup, Note, Service
from app.storage import cases_repo, migrations, new_cases, search_repo
from app.storage.connection import connect, transaction
from app.storage.schema.v5 import char_tokens

DAY = dt.date(2026, 5, 4)


@pytest.fixture
def conn(tmp_path):
    conn = connect(tmp_path / "plain.db", None)
    migrations.migrate(conn)
    with transaction(conn):
        for case in generate_cases(12, 11):
            new_cases.insert_case(conn, case)
    yield conn
    conn.close()


def _scopes(conn) -> set[str]:
    return {s for (s,) in conn.execute("SELECT DISTINCT c1 FROM search_content")} | {
        "notes:note",
        "followups:note",
        "care_plan:note",
        "medical:note",
    }


def _found(conn, query: str) -> set[int]:
    return {case_id for case_id, _rank in search_repo.find(conn, query, _scopes(conn))}


def _save(conn, case) -> None:
    with transaction(conn):
        cases_repo.save_case(conn, case)


def _assert_index_matches(conn) -> None:
    """Each case's stored search rows are exactly `search_rows` of the stored case, the
    trigram index is sound, and the contentless per-character index holds exactly the rows
    whose text has each character (a row left behind or missing there shows up here)."""
    ids = [i for (i,) in conn.execute("SELECT id FROM cases")]
    for case_id in ids:
        span = (case_id * cases_repo.ROWS_PER_CASE, (case_id + 1) * cases_repo.ROWS_PER_CASE - 1)
        stored = conn.execute(
            "SELECT c0, c1 FROM search_content WHERE id BETWEEN ? AND ?", span
        ).fetchall()
        case = cases_repo.load_case(conn, case_id)
        assert Counter(stored) == Counter(cases_repo.search_rows(case)), case.case_number
    conn.execute("INSERT INTO search (search) VALUES ('integrity-check')")
    texts = [t for (t,) in conn.execute("SELECT c0 FROM search_content")]
    characters = {c for t in texts for c in t} | set("旧新㐀㐁㐂")
    for c in characters:
        by_index = {
            r
            for (r,) in conn.execute(
                "SELECT rowid FROM search_chars WHERE search_chars MATCH ?",
                ['"' + char_tokens(c) + '"'],
            )
        }
        by_text = {
            r
            for (r,) in conn.execute(
                "SELECT id FROM search_content WHERE c0 LIKE ? ESCAPE '\\'",
                [search_repo._like_pattern(c)],
            )
        }
        assert by_index == by_text, c


def test_edited_removed_and_added_entries_are_stored_and_searchable(conn):
    case = cases_repo.load_case(conn, 3)
    case.notes = [
        Note(DAY, "notes", "旧㐀记录甲"),
        Note(DAY, "notes", "留下的笔记"),
        Note(DAY, "notes", "要删掉㐂"),
    ]
    case.services.append(Service("schooling", "ongoing", DAY, notes="学校老师很好"))
    _save(conn, case)
    case = cases_repo.load_case(conn, 3)
    assert 3 in _found(conn, "旧㐀记录") and 3 in _found(conn, "㐀") and 3 in _found(conn, "㐂")

    case.notes[0].text = "新㐁记录乙"  # an edited entry
    del case.notes[2]  # a removed one
    case.followups.append(Followup(DAY, None, "stable", "家访一切正常"))  # an added one
    case.services[-1].status = "completed"  # an edit that changes no searchable text
    case.services[-1].ended_on = DAY
    expected = copy.deepcopy(case)
    _save(conn, case)
    assert case.followups[-1].id is not None
    expected.followups[-1].id = case.followups[-1].id
    assert cases_repo.load_case(conn, 3) == expected

    for old in ("旧㐀记录", "㐀", "旧㐀", "要删掉", "㐂"):
        assert 3 not in _found(conn, old), old
    for new in ("新㐁记录乙", "㐁", "新㐁", "家访一切", "家访", "留下的笔记", "学校老师"):
        assert 3 in _found(conn, new), new
    _assert_index_matches(conn)


def test_a_save_that_changes_nothing_searchable_writes_only_the_case_row(conn):
    case = cases_repo.load_case(conn, 5)
    rows = conn.execute("SELECT id, c0, c1 FROM search_content ORDER BY id").fetchall()
    before = conn.total_changes
    case.person.address = "福州市鼓楼区测试路1号"
    _save(conn, case)
    assert conn.total_changes - before == 1  # the case row; no list row, no search row
    assert conn.execute("SELECT id, c0, c1 FROM search_content ORDER BY id").fetchall() == rows
    assert cases_repo.load_case(conn, 5).person.address == "福州市鼓楼区测试路1号"


def test_a_note_moved_to_another_section_changes_its_scope(conn):
    case = cases_repo.load_case(conn, 4)
    case.notes = [Note(DAY, "notes", "转到医疗的笔记")]
    _save(conn, case)
    case = cases_repo.load_case(conn, 4)
    case.notes[0].section = "medical"
    _save(conn, case)
    assert 4 not in {c for c, _r in search_repo.find(conn, "转到医疗", {"notes:note"})}
    assert 4 in {c for c, _r in search_repo.find(conn, "转到医疗", {"medical:note"})}
    assert 4 in {c for c, _r in search_repo.find(conn, "医疗", {"medical:note"})}
    _assert_index_matches(conn)


def test_the_same_text_twice_is_indexed_twice_and_removed_once_at_a_time(conn):
    case = cases_repo.load_case(conn, 6)
    case.notes = [Note(DAY, "notes", "重复㐁"), Note(DAY, "notes", "重复㐁")]
    _save(conn, case)
    _assert_index_matches(conn)
    case = cases_repo.load_case(conn, 6)
    del case.notes[0]
    _save(conn, case)
    assert 6 in _found(conn, "重复㐁") and 6 in _found(conn, "㐁")
    _assert_index_matches(conn)
    case = cases_repo.load_case(conn, 6)
    case.notes = []
    _save(conn, case)
    assert 6 not in _found(conn, "重复㐁") and 6 not in _found(conn, "㐁")
    _assert_index_matches(conn)


def test_random_edits_keep_lists_and_both_indexes_exact(conn):
    """Many saves of random edits: each case reads back as saved, and the index holds
    exactly the rows a rebuild from scratch would."""
    rng = random.Random(5)
    words = ["旧", "新", "㐀", "㐁", "㐂", "家访", "学校", "ab", "AB", "Zz", "1", "重复"]
    ids = [i for (i,) in conn.execute("SELECT id FROM cases")]
    for _ in range(60):
        case = cases_repo.load_case(conn, rng.choice(ids))
        for _edit in range(rng.randint(1, 3)):
            text = "".join(rng.choices(words, k=rng.randint(1, 3)))
            choice = rng.randrange(7)
            if choice == 0 and case.notes:
                rng.choice(case.notes).text = text
            elif choice == 1 and case.notes:
                case.notes.pop(rng.randrange(len(case.notes)))
            elif choice == 2:
                case.notes.insert(rng.randint(0, len(case.notes)), Note(DAY, "notes", text))
            elif choice == 3 and case.services:
                rng.choice(case.services).notes = rng.choice([text, None])
            elif choice == 4 and case.followups:
                case.followups.pop(rng.randrange(len(case.followups)))
            elif choice == 5:
                case.person.aliases = [text] if rng.random() < 0.7 else []
            else:
                rng.shuffle(case.notes)
        expected = copy.deepcopy(case)
        _save(conn, case)
        for attribute in ("services", "followups", "referrals", "notes"):
            for mine, theirs in zip(
                getattr(expected, attribute), getattr(case, attribute), strict=True
            ):
                mine.id = theirs.id  # the ids the save gave to new entries
        assert cases_repo.load_case(conn, case.id) == expected
    _assert_index_matches(conn)
