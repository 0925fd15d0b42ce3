"""Finding cases through the services: Chinese and Latin text, numbers, ranking, access.

The expected results come from the seeded cases themselves: a case is found when the query
is in a field the role may read (its number; the name with LIST on the profile; aliases,
identity number and phone with READ; a note, service note or follow-up note with READ on
that note's section). Short (1-2 characters) and long queries take different paths in SQL,
so both are asked.
"""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from app.access import SECTION_LEVELS, Level
from app.codes import Role, Section
from app.domain import Case, Note
from tests.case_examples import TODAY
from tests.services.conftest import (
    NOTE_OWNER,
    PLANTED,
    PLANTED_ID_NUMBER,
    SERVICE_SECTION,
    TWIN,
    Team,
    seeded_cases,
)

ROLES = [r.value for r in Role]


def readable_texts(case: Case, role: str) -> list[str]:
    levels = SECTION_LEVELS[role]
    texts = [case.case_number]
    if levels[Section.PROFILE] >= Level.LIST:
        texts.append(case.person.full_name)
    if levels[Section.PROFILE] >= Level.READ:
        texts += [*case.person.aliases, case.person.id_number or "", case.person.phone or ""]
    texts += [n.text for n in case.notes if levels[NOTE_OWNER[n.section]] >= Level.READ]
    texts += [s.notes or "" for s in case.services if levels[SERVICE_SECTION[s.kind]] >= Level.READ]
    if levels[Section.FOLLOWUPS] >= Level.READ:
        texts += [f.notes or "" for f in case.followups]
    return [t for t in texts if t]


def expected(query: str, role: str, cases: list[Case]) -> set[str]:
    q = query.strip().casefold()
    return {c.case_number for c in cases if any(q in t.casefold() for t in readable_texts(c, role))}


def _queries() -> list[str]:
    demo = [c for c in seeded_cases() if c.case_number.startswith("DM-")]
    chinese = next(
        c for c in demo if c.person.origin.country == "CN" and len(c.person.full_name) == 3
    )
    vietnamese = next(c for c in demo if c.person.origin.country == "VN")
    vn_words = vietnamese.person.full_name.split()
    demo_note = next(n.text for c in demo for n in c.notes if n.section == "notes")
    return [
        # Chinese substrings of 1, 2, 3 and 4 characters: surname, given name, whole name
        "翠", "欧", "欧阳", "翠萍", "欧阳翠", "欧阳翠萍", "阿翠",
        chinese.person.full_name, chinese.person.full_name[0], chinese.person.full_name[1:],
        # notes of each kind: the notes section, medical, legal, a service, a follow-up
        "水彩", "喜欢画水彩", "核磁共振", "结核菌素", "证人保护", "司法救助", "三楼靠窗",
        "回访时在茶园", demo_note[:4], demo_note[1:3],
        # Latin and Vietnamese names, any case for plain ASCII
        vietnamese.person.full_name, vn_words[0], vn_words[-1], "Thị", "Trần Thị Mai",
        "nguyen", "NGUYEN THI", vn_words[0][:2], vn_words[-1][:2],
        # numbers
        PLANTED_ID_NUMBER, PLANTED_ID_NUMBER[6:14], "13911112222", "1111222",
        PLANTED, "SR-2026", "DM-2023", "0007",
        # LIKE's wildcards are plain characters to search for
        "%", "_", "a%",
    ]  # fmt: skip


QUERIES = _queries()


@pytest.mark.parametrize("role", ROLES)
def test_every_role_finds_what_it_may_read_and_nothing_else(shared_team: Team, role: str):
    lists = shared_team.services(role).lists
    cases = seeded_cases()
    wrong = {}
    for query in QUERIES:
        found = lists.find(query)
        got = {f.row.case_number for f in found}
        if got != expected(query, role, cases):
            wrong[query] = (sorted(got), sorted(expected(query, role, cases)))
        assert sorted(lists.find_ids(query)) == sorted(f.row.case_id for f in found)
    assert wrong == {}


def test_the_queries_find_something(shared_team: Team):
    """The oracle is not vacuous: the planted words are found, and most queries find cases."""
    cases = seeded_cases()
    found = {q: expected(q, "caseworker", cases) for q in QUERIES}
    for query in ("翠", "欧阳", "欧阳翠萍", "水彩", "三楼靠窗", "回访时在茶园", "1111222"):
        assert PLANTED in found[query], query
    assert sum(1 for q in QUERIES if found[q]) >= 0.75 * len(QUERIES)
    assert len(found["Thị"]) >= 2 and len(found["nguyen"]) >= 1


def test_medical_words_find_a_case_only_for_health_staff(shared_team: Team):
    for words in ("核磁共振", "结核菌素", "核磁"):
        found = {
            r: {f.row.case_number for f in shared_team.services(r).lists.find(words)} for r in ROLES
        }
        assert PLANTED in found["health"], words
        for role in ("caseworker", "supervisor", "legal", "admin"):
            assert PLANTED not in found[role], (role, words)
    legal = shared_team.services("legal").lists
    assert {f.row.case_number for f in legal.find("司法救助")} == {PLANTED}
    assert shared_team.services("caseworker").lists.find("司法救助") == []


def test_exact_numbers_rank_first_then_names_then_the_rest(shared_team: Team):
    lists = shared_team.services("caseworker").lists
    by_id = [(f.row.case_number, f.rank) for f in lists.find(PLANTED_ID_NUMBER)]
    assert by_id == [(PLANTED, 0), (TWIN, 3)]  # TWIN only mentions it in a note
    by_number = [(f.row.case_number, f.rank) for f in lists.find(PLANTED)]
    assert by_number == [(PLANTED, 0), (TWIN, 3)]
    assert [(f.row.case_number, f.rank) for f in lists.find("欧阳翠萍")] == [(PLANTED, 1)]
    assert [(f.row.case_number, f.rank) for f in lists.find("阿翠")] == [(PLANTED, 1)]
    assert lists.find("欧阳")[0].row.case_number == PLANTED
    assert lists.find("欧阳")[0].rank == 2
    assert [(f.row.case_number, f.rank) for f in lists.find("水彩")] == [(PLANTED, 3)]
    ranks = [f.rank for f in lists.find("Thị")]
    assert ranks == sorted(ranks)
    assert len(lists.find("DM-20", limit=5)) == 5
    assert lists.find("   ") == []


def test_results_are_masked_for_the_role(shared_team: Team):
    (mine,) = shared_team.services("caseworker").lists.find("欧阳翠萍")
    assert mine.row.full_name == "欧阳翠萍"
    assert mine.row.next_followup == dt.date(2026, 11, 20)
    for role in ("health", "legal", "admin"):
        (theirs,) = shared_team.services(role).lists.find("欧阳翠萍")
        assert theirs.row.full_name == "欧阳翠萍"  # LIST on the profile shows the name
        assert theirs.row.next_followup is None  # no READ on follow-ups
        # Identity fields need READ on the profile.
        assert shared_team.services(role).lists.find("13911112222") == []
        assert shared_team.services(role).lists.find("阿翠") == []


def test_the_index_follows_every_change(team: Team):
    caseworker, health = team.services("caseworker"), team.services("health")

    def finds(services, query: str) -> bool:
        return PLANTED in {f.row.case_number for f in services.lists.find(query)}

    case = caseworker.cases.open_case(PLANTED)
    person = copy.deepcopy(case.person)
    person.full_name, person.aliases = "司马青云", ["云云"]
    caseworker.cases.update_profile(PLANTED, person)
    for old in ("欧阳翠萍", "欧阳", "翠", "阿翠"):
        assert not finds(caseworker, old), old
    for new in ("司马青云", "青云", "马", "云云"):
        assert finds(caseworker, new), new

    note = next(n for n in case.notes if n.section == "notes")
    caseworker.cases.delete_note(PLANTED, note.id)
    assert not finds(caseworker, "水彩") and not finds(caseworker, "喜欢画水彩")
    caseworker.cases.save_note(PLANTED, Note(TODAY, "followups", "开始学习烘焙"))
    assert finds(caseworker, "烘焙") and finds(caseworker, "学习烘焙")

    medical = next(s for s in health.cases.open_case(PLANTED).services if s.kind == "medical_care")
    medical.notes = "复查结果正常"
    health.cases.save_service(PLANTED, medical)
    assert not finds(health, "结核菌素") and finds(health, "复查结果")
    health.cases.delete_service(PLANTED, medical.id)
    assert not finds(health, "复查结果")
    assert finds(health, "核磁共振")  # the medical note is still there


@pytest.mark.parametrize("limit", [1, 2, 3, 5])
def test_a_page_of_results_is_the_start_of_all_of_them(shared_team: Team, limit: int):
    """Reading stops once a page is full; the page must be what ranking every match gives."""
    for role in ("caseworker", "health", "admin"):
        lists = shared_team.services(role).lists
        for query in QUERIES:
            everything = [(f.row.case_number, f.rank) for f in lists.find(query)]
            page = [(f.row.case_number, f.rank) for f in lists.find(query, limit=limit)]
            assert page == everything[:limit], (role, query)


def test_an_exact_match_comes_first_however_many_newer_cases_mention_it(team: Team):
    caseworker = team.services("caseworker")
    mentions = f"见 {PLANTED}，身份证 {PLANTED_ID_NUMBER}，欧阳翠萍来电"
    for number in caseworker.lists.rows(caseworker.lists.ids())[:6]:
        if number.case_number != PLANTED:
            caseworker.cases.save_note(number.case_number, Note(TODAY, "notes", mentions))
    for query, rank in ((PLANTED, 0), (PLANTED_ID_NUMBER, 0), ("欧阳翠萍", 1)):
        (first,) = caseworker.lists.find(query, limit=1)
        assert (first.row.case_number, first.rank) == (PLANTED, rank), query
        found = caseworker.lists.find(query, limit=4)
        assert [f.rank for f in found] == [rank, 3, 3, 3], query
        ids = [f.row.case_id for f in found[1:]]
        assert ids == sorted(ids, reverse=True)  # newest first within a rank
