"""The case list and follow-ups due through the services, against the seeded cases.

Ages and groups of the oracle come from app.domain.people, so the list's SQL is checked
against the domain's rules, not against itself.
"""

from __future__ import annotations

import datetime as dt

import pytest

from app.access import MASK, SECTION_LEVELS, Level
from app.codes import Group, Role, Section
from app.domain import Case, age_on, group_of
from app.storage.list_repo import SORT_COLUMNS, CaseFilter
from tests.case_examples import TODAY
from tests.services.conftest import FULL, PLANTED, Team, seeded_cases

ROLES = [r.value for r in Role]


def _next_followup(case: Case) -> dt.date | None:
    return min((f.due_on for f in case.followups if f.done_on is None), default=None)


def _facts(case: Case) -> dict:
    age = age_on(case.person, case.opened_on, TODAY)
    return {
        "case_number": case.case_number,
        "name": case.person.full_name,
        "group": group_of(case.person.sex, age).value,
        "age": age,
        "status": case.status,
        "opened_on": case.opened_on,
        "next_followup": _next_followup(case),
    }


@pytest.fixture(scope="module")
def ids_by_number(shared_team: Team) -> dict[str, int]:
    lists = shared_team.services("caseworker").lists
    return {row.case_number: row.case_id for row in lists.rows(lists.ids())}


def _numbers(lists, filters: CaseFilter) -> set[str]:
    return {row.case_number for row in lists.rows(lists.ids(filters))}


def test_the_list_holds_every_case(shared_team: Team, ids_by_number):
    assert set(ids_by_number) == {c.case_number for c in seeded_cases()}


FILTERS = [
    ("open", CaseFilter(status="open"), lambda c: c.status == "open"),
    ("closed", CaseFilter(status="closed"), lambda c: c.status == "closed"),
    *[
        (f"group {g}", CaseFilter(group=g.value), lambda c, g=g: _facts(c)["group"] == g)
        for g in Group
    ],
    (
        "follow-up overdue",
        CaseFilter(followup_overdue=True),
        # closed cases are never overdue, as on the follow-ups page
        lambda c: (
            c.status == "open" and any(f.done_on is None and f.due_on < TODAY for f in c.followups)
        ),
    ),
    *[
        (
            f"exploitation {code}",
            CaseFilter(exploitation=code),
            lambda c, code=code: c.intake.exploitation[:1] == [code],
        )
        for code in sorted(
            {c.intake.exploitation[0] for c in seeded_cases() if c.intake.exploitation}
        )
    ],
    *[
        (
            f"origin {division}",
            CaseFilter(origin_division=division),
            lambda c, prefix=prefix: (c.person.origin.division or "").startswith(prefix),
        )
        for division, prefix in (
            ("530000", "53"),
            ("530100", "5301"),
            ("350000", "35"),
            ("350200", "3502"),
            ("350203", "350203"),
        )
    ],
    (
        "open girls",
        CaseFilter(status="open", group="girl"),
        lambda c: c.status == "open" and _facts(c)["group"] == "girl",
    ),
]


@pytest.mark.parametrize(("flt", "keep"), [f[1:] for f in FILTERS], ids=[f[0] for f in FILTERS])
def test_each_filter_keeps_the_cases_it_names(shared_team: Team, flt: CaseFilter, keep):
    lists = shared_team.services("caseworker").lists
    assert _numbers(lists, flt) == {c.case_number for c in seeded_cases() if keep(c)}


def test_a_province_matches_its_prefectures_and_the_filters_are_not_empty(shared_team: Team):
    lists = shared_team.services("caseworker").lists
    yunnan = _numbers(lists, CaseFilter(origin_division="530000"))
    assert {FULL, PLANTED} <= yunnan  # 530000 itself, and Kunming (530100)
    assert _numbers(lists, CaseFilter(origin_division="530100")) == {PLANTED}
    for name, flt, _keep in FILTERS:
        if not name.startswith("group") and flt.origin_division != "350203":
            assert _numbers(lists, flt), name


def test_search_results_can_be_listed(shared_team: Team, ids_by_number):
    lists = shared_team.services("caseworker").lists
    wanted = (ids_by_number[FULL], ids_by_number[PLANTED])
    assert _numbers(lists, CaseFilter(case_ids=wanted)) == {FULL, PLANTED}
    assert lists.ids(CaseFilter(case_ids=())) == []


def _born(case: Case) -> dt.date | None:
    """The birth date the list orders ages by: known, or the opening date less the age."""
    person = case.person
    if person.date_of_birth is not None:
        return person.date_of_birth
    if person.age_at_intake is None:
        return None
    return case.opened_on.replace(year=case.opened_on.year - person.age_at_intake)


_SEX_IN_OTHER = {"female": 0, "male": 1, "unknown": 2}  # 'other' is ordered by sex first


def _sort_key(column: str, case: Case, case_id: int) -> tuple:
    """The documented order within equal values (app/storage/list_repo.py)."""
    facts, born = _facts(case), _born(case)
    # Ages walk the birth-date index backwards (a later date is younger), ids with them.
    by_age = (-born.toordinal(), -case_id) if born else (case_id,)
    if column == "status":
        return (facts["status"], facts["opened_on"], case_id)
    if column == "age":
        return by_age
    if column == "group":
        sex = _SEX_IN_OTHER[case.person.sex] if facts["group"] == "other" else 0
        return (facts["group"], sex, born is None, *by_age)
    # Next follow-up: equal dates go by which follow-up was stored first; the seeded cases were
    # stored one after another, so that is by case id, as for the other columns.
    return (facts[column], case_id)


def _expected_order(column: str, descending: bool, ids: dict[str, int]) -> list[int]:
    """Empty values last in both directions; otherwise `_sort_key`, in the asked direction."""
    cases = [(c, ids[c.case_number]) for c in seeded_cases()]
    known = [(c, i) for c, i in cases if _facts(c)[column] is not None]
    unknown = sorted((i for c, i in cases if _facts(c)[column] is None), reverse=descending)
    known.sort(key=lambda item: _sort_key(column, *item), reverse=descending)
    return [i for _c, i in known] + unknown


@pytest.mark.parametrize("descending", [False, True], ids=["ascending", "descending"])
@pytest.mark.parametrize("column", sorted(SORT_COLUMNS))
def test_each_sort_column_orders_the_list(
    shared_team: Team, ids_by_number, column: str, descending: bool
):
    lists = shared_team.services("caseworker").lists
    got = lists.ids(sort=column, descending=descending)
    assert got == _expected_order(column, descending, ids_by_number)


@pytest.mark.parametrize("descending", [False, True], ids=["ascending", "descending"])
@pytest.mark.parametrize("column", sorted(SORT_COLUMNS))
def test_pages_continue_where_the_last_one_stopped(shared_team: Team, column, descending):
    lists = shared_team.services("caseworker").lists
    everything = lists.ids(sort=column, descending=descending)
    paged, cursor = [], None
    while True:
        rows, cursor = lists.page(None, column, descending, cursor, limit=2)
        paged += [row.case_id for row in rows]
        if cursor is None:
            break
    assert paged == everything
    assert lists.count() == len(everything)
    closed = CaseFilter(status="closed")
    rows, _cursor = lists.page(closed, column, descending, limit=len(everything))
    assert [r.case_id for r in rows] == lists.ids(closed, column, descending)
    assert lists.count(closed) == len(rows) > 0


@pytest.mark.parametrize("role", ROLES)
def test_rows_are_masked_for_the_role(shared_team: Team, role: str):
    lists = shared_team.services(role).lists
    rows = {r.case_number: r for r in lists.rows(lists.ids(sort="case_number"))}
    profile = SECTION_LEVELS[role][Section.PROFILE]
    followups = SECTION_LEVELS[role][Section.FOLLOWUPS]
    for case in seeded_cases():
        row, facts = rows[case.case_number], _facts(case)
        assert row.full_name == (facts["name"] if profile >= Level.LIST else MASK)
        assert row.next_followup == (facts["next_followup"] if followups >= Level.READ else None)
        assert (row.group, row.age, row.status, row.opened_on, row.sex) == (
            facts["group"],
            facts["age"],
            facts["status"],
            facts["opened_on"],
            case.person.sex,
        )


# --- follow-ups due ------------------------------------------------------------------------


def _due(days: int) -> list[tuple[str, dt.date, bool]]:
    until = TODAY + dt.timedelta(days=days)
    found = [
        (c.case_number, f.due_on, f.due_on < TODAY)
        for c in seeded_cases()
        if c.status == "open"
        for f in c.followups
        if f.done_on is None and f.due_on <= until
    ]
    return sorted(found, key=lambda d: (d[1], d[0]))


@pytest.mark.parametrize("role", ROLES)
def test_followups_due_are_overdue_and_soon_of_open_cases_for_readers(shared_team: Team, role):
    lists = shared_team.services(role).lists
    if SECTION_LEVELS[role][Section.FOLLOWUPS] < Level.READ:
        assert lists.followups_due() == []
        return
    due = [(d.case_number, d.due_on, d.overdue) for d in lists.followups_due()]
    assert due == _due(14)
    assert (PLANTED, dt.date(2026, 11, 20), True) in due
    assert (PLANTED, dt.date(2026, 12, 8), False) in due
    assert all(d[1] <= TODAY + dt.timedelta(days=14) for d in due)
    assert [(d.case_number, d.due_on, d.overdue) for d in lists.followups_due(days=0)] == _due(0)


def test_closed_cases_with_pending_followups_are_not_due(shared_team: Team):
    closed_pending = {
        c.case_number
        for c in seeded_cases()
        if c.status == "closed" and any(f.done_on is None for f in c.followups)
    }
    assert closed_pending  # the seeded data holds some (the full case, at least)
    due = {d.case_number for d in shared_team.services("caseworker").lists.followups_due(3650)}
    assert not closed_pending & due
