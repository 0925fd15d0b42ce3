"""Changing a case through the services: validation, audit entries, closing and reopening."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib

import pytest

from app import audit
from app.domain import Consent, Followup, Guardian, Note, Referral, Service, validate_case
from app.domain.validation import InvalidCase
from app.errors import AftercareError
from app.interchange.cases_v1 import dump_document
from app.services import Services
from app.storage import cases_repo
from tests.case_examples import TODAY, minimal_case
from tests.services.conftest import FULL, MINIMAL, Team, vault_state


def stored(team: Team, number: str):
    return cases_repo.load_case(team.conn, cases_repo.case_id(team.conn, number))


def _edited(entry, **changes):
    entry = copy.deepcopy(entry)
    for key, value in changes.items():
        setattr(entry, key, value)
    return entry


# --- validation ----------------------------------------------------------------------------

DAY = dt.date(2026, 9, 1)

# (what, role, call on (services, stored FULL case), the one path it must name, message)
INVALID_CHANGES = [
    (
        "service ended before it started",
        "caseworker",
        lambda s, c: s.cases.save_service(FULL, Service("schooling", "completed", DAY, DAY.replace(day=1) - dt.timedelta(days=1))),
        "services[4].ended_on",
        "is before started_on",
    ),
    (
        "an existing service without a start",
        "health",
        lambda s, c: s.cases.save_service(FULL, _edited(c.services[1], started_on=None)),
        "services[1].started_on",
        "is required unless the service is planned",
    ),
    (
        "intake identified in the future",
        "caseworker",
        lambda s, c: s.cases.update_intake(FULL, _edited(c.intake, identified_on=dt.date(2026, 12, 1))),
        "intake.identified_on",
        "is in the future",
    ),
    (
        "an unknown sex code",
        "caseworker",
        lambda s, c: s.cases.update_profile(FULL, _edited(c.person, sex="femme")),
        "person.sex",
        'is "femme", which is not one of',
    ),
    (
        "consent withdrawn before it was recorded",
        "caseworker",
        lambda s, c: s.cases.update_consents(FULL, [Consent("services", True, DAY, dt.date(2026, 8, 1))]),
        "consents[0].withdrawn_on",
        "is before recorded_on",
    ),
    (
        "a child without a guardian",
        "caseworker",
        lambda s, c: s.cases.update_guardian(FULL, None),
        "guardian",
        "is required for a person under 18",
    ),
    (
        "a follow-up done before the case opened",
        "caseworker",
        lambda s, c: s.cases.save_followup(FULL, Followup(DAY, dt.date(2026, 1, 5))),
        "followups[2].done_on",
        "is before opened_on",
    ),
    (
        "a referral to an unknown body",
        "caseworker",
        lambda s, c: s.cases.save_referral(FULL, Referral("police", DAY)),
        "referrals[1].to",
        'is "police"',
    ),
    (
        "an empty medical note",
        "health",
        lambda s, c: s.cases.save_note(FULL, Note(DAY, "medical", "  ")),
        "notes[3].text",
        "is empty",
    ),
    (
        "closed before it was opened",
        "caseworker",
        lambda s, c: s.cases.close_case(MINIMAL, dt.date(2026, 5, 1), "independent_living"),
        "closed_on",
        "is before opened_on",
    ),
    (
        "closed for an unknown reason",
        "supervisor",
        lambda s, c: s.cases.close_case(MINIMAL, TODAY, "bored"),
        "closure_reason",
        'is "bored"',
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("role", "call", "path", "message"),
    [case[1:] for case in INVALID_CHANGES],
    ids=[case[0] for case in INVALID_CHANGES],
)
def test_an_invalid_change_names_its_path_and_writes_nothing(
    shared_team: Team, role, call, path, message
):
    team = shared_team  # nothing may be written, so the tests can share one copy
    services = team.services(role)
    before = vault_state(team.conn)
    with pytest.raises(InvalidCase) as caught:
        call(services, stored(team, FULL))
    problems = caught.value.problems
    assert [p.path for p in problems] == [path]
    assert message in problems[0].message
    number = MINIMAL if path in ("closed_on", "closure_reason") else FULL
    assert problems[0].case_number == number
    assert f"case {number}: {path} " in str(caught.value)
    assert vault_state(team.conn) == before


def test_create_case_refuses_an_invalid_case_with_every_problem(shared_team: Team):
    team = shared_team
    case = minimal_case("BAD-1")
    case.person.full_name = ""
    case.opened_on = dt.date(2027, 1, 1)
    case.services = [Service("massage", "ongoing", dt.date(2026, 6, 1))]
    # Unlocked before the state is taken: the first unlock of a role writes its audit entry.
    caseworker = team.services("caseworker")
    before = vault_state(team.conn)
    with pytest.raises(InvalidCase) as caught:
        caseworker.cases.create_case(case)
    assert {p.path for p in caught.value.problems} == {
        "opened_on",
        "person.full_name",
        "services[0].kind",
    }
    assert vault_state(team.conn) == before
    with pytest.raises(AftercareError, match=f"{FULL} already exists"):
        caseworker.cases.create_case(minimal_case(FULL))
    assert vault_state(team.conn) == before


def test_a_change_is_not_refused_for_a_problem_it_did_not_make(team: Team):
    # A case saved on a later day holds a date that is "in the future" as of TODAY.
    later = Services(team.opened("caseworker"), today=lambda: dt.date(2027, 6, 1))
    case = minimal_case("PRE-1")
    case.intake.identified_on = dt.date(2027, 3, 1)
    later.cases.create_case(case)
    paths = [p.path for p in validate_case(stored(team, "PRE-1"), TODAY)]
    assert paths == ["intake.identified_on"]

    caseworker, health = team.services("caseworker"), team.services("health")
    person = _edited(stored(team, "PRE-1").person, phone="13500001111")
    caseworker.cases.update_profile("PRE-1", person)
    health.cases.save_service("PRE-1", Service("medical_care", "ongoing", dt.date(2026, 7, 1)))
    same_problem = _edited(stored(team, "PRE-1").intake, narrative="Told later.")
    caseworker.cases.update_intake("PRE-1", same_problem)

    after = stored(team, "PRE-1")
    assert after.person.phone == "13500001111"
    assert [s.kind for s in after.services] == ["medical_care"]
    assert after.intake.narrative == "Told later."
    # A new problem in the same section is still refused, and only it is reported.
    with pytest.raises(InvalidCase) as caught:
        caseworker.cases.update_intake("PRE-1", _edited(after.intake, identified_by="aliens"))
    assert [p.path for p in caught.value.problems] == ["intake.identified_by"]
    assert stored(team, "PRE-1") == after


# --- the audit trail -----------------------------------------------------------------------


def test_every_service_call_is_audited_once_and_the_chain_holds(team: Team):
    caseworker, supervisor = team.services("caseworker"), team.services("supervisor")
    conn = team.conn
    case = stored(team, MINIMAL)
    document = dump_document([minimal_case("IMP-9")])
    exported: list[bytes] = []

    def export(s: Services):
        data, count = s.transfer.export_cases([MINIMAL])
        exported.append(data)
        return count

    saved: dict[str, int] = {}

    def save(key, change):
        saved[key] = change.entry_id
        return change

    steps = [
        (caseworker, lambda s: s.cases.open_case(MINIMAL), "case_viewed", MINIMAL, {}),
        (
            caseworker,
            lambda s: s.cases.update_profile(MINIMAL, _edited(case.person, phone="1")),
            "case_updated",
            MINIMAL,
            {"sections": ["profile"]},
        ),
        (
            caseworker,
            lambda s: s.cases.update_intake(MINIMAL, _edited(case.intake, narrative="n")),
            "case_updated",
            MINIMAL,
            {"sections": ["intake"]},
        ),
        (
            caseworker,
            lambda s: s.cases.update_consents(MINIMAL, [Consent("services", True, DAY)]),
            "case_updated",
            MINIMAL,
            {"sections": ["consent"]},
        ),
        (
            caseworker,
            lambda s: s.cases.update_guardian(MINIMAL, Guardian("not_applicable")),
            "case_updated",
            MINIMAL,
            {"sections": ["care_plan"]},
        ),
        (
            caseworker,
            lambda s: save("svc", s.cases.save_service(MINIMAL, Service("shelter_care", "ongoing", DAY))),
            "case_entry_saved",
            MINIMAL,
            {"sections": ["care_plan"]},
        ),
        (
            team.services("health"),
            lambda s: s.cases.save_service(MINIMAL, Service("psychological_care", "planned")),
            "case_entry_saved",
            MINIMAL,
            {"sections": ["medical"]},
        ),
        (
            caseworker,
            lambda s: s.cases.delete_service(MINIMAL, saved["svc"]),
            "case_entry_deleted",
            MINIMAL,
            {"sections": ["care_plan"]},
        ),
        (
            caseworker,
            lambda s: save("fu", s.cases.save_followup(MINIMAL, Followup(dt.date(2026, 12, 1)))),
            "case_entry_saved",
            MINIMAL,
            {"sections": ["followups"]},
        ),
        (
            caseworker,
            lambda s: s.cases.delete_followup(MINIMAL, saved["fu"]),
            "case_entry_deleted",
            MINIMAL,
            {"sections": ["followups"]},
        ),
        (
            caseworker,
            lambda s: save("ref", s.cases.save_referral(MINIMAL, Referral("ngo", DAY))),
            "case_entry_saved",
            MINIMAL,
            {"sections": ["referrals"]},
        ),
        (
            caseworker,
            lambda s: s.cases.delete_referral(MINIMAL, saved["ref"]),
            "case_entry_deleted",
            MINIMAL,
            {"sections": ["referrals"]},
        ),
        (
            caseworker,
            lambda s: save("note", s.cases.save_note(MINIMAL, Note(DAY, "intake", "x"))),
            "case_entry_saved",
            MINIMAL,
            {"sections": ["notes"]},
        ),
        (
            caseworker,
            lambda s: s.cases.delete_note(MINIMAL, saved["note"]),
            "case_entry_deleted",
            MINIMAL,
            {"sections": ["notes"]},
        ),
        (
            caseworker,
            lambda s: s.cases.close_case(MINIMAL, TODAY, "independent_living"),
            "case_closure_requested",
            MINIMAL,
            {"closed_on": TODAY.isoformat(), "reason": "independent_living"},
        ),
        (
            supervisor,
            lambda s: s.cases.approve_closure(MINIMAL, " Well prepared. "),
            "case_closure_approved",
            MINIMAL,
            {"sections": [], "requested_by": "wang", "comment": "Well prepared."},
        ),
        (
            caseworker,
            lambda s: s.cases.reopen_case(MINIMAL, " Lost her job. "),
            "case_reopened",
            MINIMAL,
            {"sections": [], "reason": "Lost her job."},
        ),
        (caseworker, lambda s: s.cases.create_case(minimal_case("NEW-9")), "case_created", "NEW-9", {}),
        (
            caseworker,
            lambda s: s.transfer.import_cases(document, source="in.json"),
            "cases_imported",
            None,
            {"file_sha256": hashlib.sha256(document).hexdigest(), "imported": 1, "skipped": 0},
        ),
        (supervisor, export, "cases_exported", None, None),
    ]  # fmt: skip
    for services, call, action, number, detail in steps:
        last_id = audit.entries(conn, limit=1)[0].id
        call(services)
        new = audit.entries(conn, since=None)
        added = [e for e in new if e.id > last_id]
        assert [e.action for e in added] == [action], action
        entry = added[0]
        assert entry.case_number == number, action
        assert entry.user_name == services.opened.user.name
        if detail is not None:
            assert entry.detail == detail, action
    export_entry = audit.entries(conn, action="cases_exported")[0]
    assert export_entry.detail == {
        "cases": 1,
        "numbers": [MINIMAL],
        "sha256": hashlib.sha256(exported[0]).hexdigest(),
    }
    verification = audit.verify(conn)
    assert verification.ok, verification.reason


def test_changes_say_what_changed(team: Team):
    caseworker = team.services("caseworker")
    case_id = cases_repo.case_id(team.conn, MINIMAL)
    change = caseworker.cases.save_service(MINIMAL, Service("schooling", "planned"))
    assert (change.case_id, change.what, change.section) == (case_id, "entry_saved", "care_plan")
    assert change.entry_id == stored(team, MINIMAL).services[0].id
    change = caseworker.cases.delete_service(MINIMAL, change.entry_id)
    assert (change.what, change.section) == ("entry_deleted", "care_plan")
    change = caseworker.cases.update_intake(MINIMAL, stored(team, MINIMAL).intake)
    assert (change.what, change.section, change.entry_id) == ("updated", "intake", None)
    change = caseworker.cases.close_case(MINIMAL, TODAY, "other")
    assert (change.what, change.section) == ("closure_requested", None)
    change = team.services("supervisor").cases.approve_closure(MINIMAL)
    assert (change.what, change.section) == ("closure_approved", None)
    with pytest.raises(AftercareError, match="no longer exists"):
        caseworker.cases.delete_note(MINIMAL, 999_999)


# --- closing, reopening, approving ---------------------------------------------------------


def test_close_reopen_and_approve_follow_the_rules(team: Team):
    caseworker, supervisor = team.services("caseworker"), team.services("supervisor")
    conn = team.conn

    def closed_entries() -> int:
        return len(audit.entries(conn, action="case_closure_approved"))

    before = vault_state(conn)
    with pytest.raises(AftercareError, match=f"Case {FULL} is already closed"):
        caseworker.cases.close_case(FULL, TODAY, "other")
    with pytest.raises(AftercareError, match=f"Case {MINIMAL} has no closure waiting"):
        supervisor.cases.approve_closure(MINIMAL)
    with pytest.raises(AftercareError, match=f"Case {MINIMAL} has no closure waiting"):
        supervisor.cases.return_closure(MINIMAL, "Not yet.")
    with pytest.raises(AftercareError, match=f"Case {MINIMAL} is not closed"):
        caseworker.cases.reopen_case(MINIMAL, "Why not.")
    with pytest.raises(AftercareError, match="Say why"):
        caseworker.cases.reopen_case(FULL, "   ")
    with pytest.raises(InvalidCase):  # before the case was opened
        caseworker.cases.close_case(MINIMAL, dt.date(2020, 1, 1), "other")
    assert vault_state(conn) == before

    # A caseworker's closing is a request: the case stays open until a supervisor approves.
    caseworker.cases.close_case(MINIMAL, TODAY, "independent_living")
    assert stored(team, MINIMAL).status == "open"
    request = caseworker.cases.closure_request(MINIMAL)
    assert (request.state, request.requested_by, request.reason) == (
        "pending",
        "wang",
        "independent_living",
    )
    with pytest.raises(AftercareError, match="already waiting for a supervisor"):
        caseworker.cases.close_case(MINIMAL, TODAY, "other")
    with pytest.raises(AftercareError, match="Say why"):
        supervisor.cases.return_closure(MINIMAL, "  ")
    supervisor.cases.return_closure(MINIMAL, "The family visit is still to come.")
    request = caseworker.cases.closure_request(MINIMAL)
    assert (request.state, request.decided_by, request.comment) == (
        "returned",
        "chen",
        "The family visit is still to come.",
    )
    assert stored(team, MINIMAL).status == "open"

    caseworker.cases.close_case(MINIMAL, TODAY, "independent_living")
    supervisor.cases.approve_closure(MINIMAL)
    closed = stored(team, MINIMAL)
    assert (closed.status, closed.closed_on, closed.closure_reason) == (
        "closed",
        TODAY,
        "independent_living",
    )
    approval = (supervisor.opened.user.name, TODAY.isoformat())
    assert caseworker.cases.closure_approval(MINIMAL) == approval
    assert caseworker.cases.closure_request(MINIMAL).state == "approved"

    # Editing a closed case keeps its approval; reopening clears it.
    caseworker.cases.update_intake(MINIMAL, _edited(closed.intake, narrative="More."))
    assert caseworker.cases.closure_approval(MINIMAL) == approval
    caseworker.cases.reopen_case(MINIMAL, "Came back to the shelter.")
    reopened = stored(team, MINIMAL)
    assert (reopened.status, reopened.closed_on, reopened.closure_reason) == ("open", None, None)
    assert caseworker.cases.closure_approval(MINIMAL) == (None, None)

    # A supervisor's own closing needs no second approval.
    closed_before = closed_entries()
    supervisor.cases.close_case(MINIMAL, TODAY, "relocated_for_work")
    assert stored(team, MINIMAL).status == "closed"
    assert closed_entries() == closed_before
    assert caseworker.cases.closure_approval(MINIMAL) == approval
    assert audit.verify(conn).ok


def test_removing_an_entry_is_not_blamed_for_a_problem_further_down_the_list(team: Team):
    """Deleting services[0] moves a stored problem from services[1] to services[0]; that is
    not a new problem, least of all for health staff, who cannot see the care-plan entry."""
    later = Services(team.opened("caseworker"), today=lambda: dt.date(2027, 6, 1))
    case = minimal_case("PRE-2")
    case.services = [
        Service("medical_care", "completed", dt.date(2026, 6, 2), dt.date(2026, 6, 3)),
        Service("schooling", "ongoing", dt.date(2027, 2, 1)),  # "in the future" as of TODAY
    ]
    case.notes = [
        Note(dt.date(2026, 6, 2), "notes", "First."),
        Note(dt.date(2027, 3, 1), "notes", "Written later."),
    ]
    later.cases.create_case(case)
    saved = stored(team, "PRE-2")
    assert [p.path for p in validate_case(saved, TODAY)] == [
        "services[1].started_on",
        "notes[1].written_on",
    ]
    team.services("health").cases.delete_service("PRE-2", saved.services[0].id)
    team.services("caseworker").cases.delete_note("PRE-2", saved.notes[0].id)
    after = stored(team, "PRE-2")
    assert [s.kind for s in after.services] == ["schooling"]
    assert [n.text for n in after.notes] == ["Written later."]
    # An edit that makes a new problem in a moved entry is still refused.
    with pytest.raises(InvalidCase) as caught:
        team.services("caseworker").cases.save_note("PRE-2", _edited(after.notes[0], text=" "))
    assert [p.path for p in caught.value.problems] == ["notes[0].text"]
