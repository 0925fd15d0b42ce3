"""Who holds a case, who wrote an entry, and what a worker's caseload shows (issue 18)."""

from __future__ import annotations

import datetime as dt

import pytest

from app import audit
from app.domain import Note
from app.errors import AccessDenied, AftercareError
from app.services.caseload import end_of_week
from app.storage import cases_repo, list_repo
from app.storage.list_repo import CaseFilter
from tests.case_examples import TODAY, minimal_case
from tests.services.conftest import FULL, MINIMAL, PLANTED, Team, seeded_cases, vault_state


def _refusals(team: Team) -> list[audit.Entry]:
    return audit.entries(team.conn, action="access_denied")


def test_imported_and_created_cases_are_held_by_who_brought_them(team: Team):
    caseworker, supervisor = team.services("caseworker"), team.services("supervisor")
    assert caseworker.caseload.holder(FULL) == "wang"
    supervisor.cases.create_case(minimal_case("NEW-1"))
    assert supervisor.caseload.holder("NEW-1") == "chen"
    supervisor.cases.create_case(minimal_case("NEW-2"), responsible="wang")
    assert supervisor.caseload.holder("NEW-2") == "wang"
    with pytest.raises(AccessDenied, match="assign a case"):  # only a supervisor chooses
        caseworker.cases.create_case(minimal_case("NEW-3"), responsible="chen")
    assert cases_repo.case_id(team.conn, "NEW-3") is None


def test_a_supervisor_assigns_and_the_holder_hands_over(team: Team):
    caseworker, supervisor = team.services("caseworker"), team.services("supervisor")
    supervisor.caseload.assign(FULL, "chen")
    assert caseworker.caseload.holder(FULL) == "chen"
    entry = audit.entries(team.conn, action="case_assigned")[0]
    assert (entry.case_number, entry.user_name, entry.detail) == (
        FULL,
        "chen",
        {"from": "wang", "to": "chen", "hand_over": False},
    )
    # wang no longer holds FULL: she may not give it away, and the refusal is audited.
    before, refused = vault_state(team.conn), len(_refusals(team))
    with pytest.raises(AccessDenied, match="may not assign a case"):
        caseworker.caseload.assign(FULL, "wang")
    assert len(_refusals(team)) == refused + 1
    assert caseworker.caseload.holder(FULL) == "chen"
    # She hands over one she holds.
    caseworker.caseload.assign(MINIMAL, "chen")
    assert audit.entries(team.conn, action="case_assigned")[0].detail["hand_over"] is True
    # Health staff hold no cases and assign none; nobody gets a case they cannot work on.
    with pytest.raises(AccessDenied):
        team.services("health").caseload.assign(PLANTED, "chen")
    with pytest.raises(AftercareError, match="only caseworkers and supervisors"):
        supervisor.caseload.assign(PLANTED, "li")
    with pytest.raises(AftercareError, match="no user named “nobody”"):
        supervisor.caseload.assign(PLANTED, "nobody")
    with pytest.raises(AftercareError, match="already holds"):
        supervisor.caseload.assign(PLANTED, "wang")
    del before


def test_entries_record_who_wrote_them(team: Team):
    supervisor = team.services("supervisor")
    caseworker = team.services("caseworker")
    change = caseworker.cases.save_note(MINIMAL, Note(TODAY, "notes", "Called her mother."))
    stamps = caseworker.cases.entry_stamps(MINIMAL)
    by, at = stamps[("notes", change.entry_id)]
    assert by == "wang" and dt.datetime.fromisoformat(at).date() >= TODAY
    supervisor.cases.create_case(minimal_case("NEW-1"))
    del supervisor


def test_the_caseload_shows_my_cases_follow_ups_and_closures(team: Team):
    caseworker, supervisor = team.services("caseworker"), team.services("supervisor")
    cases = seeded_cases()
    view = caseworker.caseload.view()
    assert view.total() == len(cases)  # wang imported them all
    assert view.total("closed") == sum(c.status == "closed" for c in cases)
    week_end = end_of_week(TODAY)
    overdue = sorted(
        (f.due_on, c.case_number)
        for c in cases
        if c.status == "open"
        for f in c.followups
        if f.done_on is None and f.due_on < TODAY
    )
    this_week = sorted(
        (f.due_on, c.case_number)
        for c in cases
        if c.status == "open"
        for f in c.followups
        if f.done_on is None and TODAY <= f.due_on <= week_end
    )
    assert [(d.due_on, d.case_number) for d in view.overdue] == overdue
    assert [(d.due_on, d.case_number) for d in view.due_this_week] == this_week
    assert (dt.date(2026, 11, 20), PLANTED) in overdue
    # The list filter counts the same cases as overdue.
    ids = caseworker.lists.ids(CaseFilter(followup_overdue=True))
    assert len(ids) == len({n for _d, n in overdue})

    # A closure request: "closure requested" in my counts and in the list, in the queue.
    caseworker.cases.close_case(MINIMAL, TODAY, "independent_living")
    assert caseworker.caseload.view().total("closure_requested") == 1
    requested = caseworker.lists.ids(CaseFilter(status="closure_requested"))
    assert requested == [cases_repo.case_id(team.conn, MINIMAL)]
    assert cases_repo.case_id(team.conn, MINIMAL) not in caseworker.lists.ids(
        CaseFilter(status="open")
    )
    assert caseworker.lists.rows(requested)[0].status == "closure_requested"
    assert caseworker.caseload.view().closures == []  # not hers to approve
    queue = supervisor.caseload.view().closures
    assert [(c.case_number, c.requested_by) for c in queue] == [(MINIMAL, "wang")]

    # Only my cases: the supervisor holds none yet.
    assert supervisor.caseload.view().total() == 0
    supervisor.caseload.assign(PLANTED, "chen")
    mine = supervisor.lists.ids(CaseFilter(holder_id=supervisor.opened.user.id))
    assert mine == [cases_repo.case_id(team.conn, PLANTED)]
    assert [d.case_number for d in supervisor.caseload.view().overdue] == [PLANTED]


def test_recent_cases_are_the_ones_i_opened_last(team: Team):
    caseworker = team.services("caseworker")
    for number in (FULL, MINIMAL, PLANTED, FULL):
        caseworker.cases.open_case(number)
    recent = [r.case_number for r in caseworker.caseload.view().recent]
    assert recent == [FULL, PLANTED, MINIMAL]
    assert team.services("supervisor").caseload.view().recent == []


def test_followups_due_names_the_holder(team: Team):
    due = list_repo.followups_due(team.conn, TODAY, TODAY + dt.timedelta(days=14))
    assert due and {d.holder for d in due} == {"wang"}


def test_a_visit_completes_its_follow_up_and_schedules_the_next(team: Team):
    from app.domain import Followup
    from app.domain.validation import InvalidCase

    caseworker = team.services("caseworker")
    planted = caseworker.cases.open_case(PLANTED)
    overdue = next(f for f in planted.followups if f.due_on == dt.date(2026, 11, 20))
    visit = Followup(dt.date.min, TODAY, "needs_support", "Lost her job; looking for work.")
    before = vault_state(team.conn)
    with pytest.raises(InvalidCase):  # a visit before the case was opened
        caseworker.cases.record_visit(
            PLANTED, overdue.id, Followup(dt.date.min, dt.date(2020, 1, 1))
        )
    with pytest.raises(AccessDenied):
        team.services("supervisor").cases.record_visit(PLANTED, overdue.id, visit)
    trail = ("audit", "meta")  # the refusal and an unlock are audited (meta: the chain head)
    state = vault_state(team.conn)
    assert {k: v for k, v in state.items() if k not in trail} == {
        k: v for k, v in before.items() if k not in trail
    }
    caseworker.cases.record_visit(PLANTED, overdue.id, visit, TODAY + dt.timedelta(days=30))
    followups = caseworker.cases.open_case(PLANTED).followups
    done = next(f for f in followups if f.id == overdue.id)
    assert (done.due_on, done.done_on, done.living_conditions) == (
        overdue.due_on,
        TODAY,
        "needs_support",
    )
    assert [f.due_on for f in followups if f.done_on is None][-1] == TODAY + dt.timedelta(days=30)
    entry = audit.entries(team.conn, action="case_visit_recorded")[0]
    assert entry.detail["next_due"] == (TODAY + dt.timedelta(days=30)).isoformat()
    with pytest.raises(AftercareError, match="already recorded as done"):
        caseworker.cases.record_visit(PLANTED, overdue.id, visit)
    caseworker.cases.reschedule_followup(PLANTED, followups[-1].id, TODAY + dt.timedelta(days=9))
    assert caseworker.cases.open_case(PLANTED).followups[-1].due_on == TODAY + dt.timedelta(days=9)
