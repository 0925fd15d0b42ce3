"""The access table walked through the services: every role x section, every action.

The expectations come from app.access.SECTION_LEVELS and ACTIONS (so the test follows the
table), but every check is a real service call on a real vault: what `open_case` hands out,
whether a write goes through or raises AccessDenied, and that each refusal is in the audit
trail. Which section a service kind or note belongs to is written out here from the spec,
not taken from app.access, so a wrong mapping there shows up as a wrong refusal.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable

import pytest

from app import audit
from app.access import ACTIONS, MASK, PROFILE_BASIC_FIELDS, SECTION_LEVELS, Action, Level
from app.codes import Role, Section
from app.domain import Case, Consent, Followup, Guardian, Intake, Note, Person, Referral, Service
from app.errors import AccessDenied
from app.interchange.cases_v1 import dump_document
from app.services import Services
from app.storage import cases_repo
from tests.case_examples import TODAY, minimal_case
from tests.services.conftest import FULL, MINIMAL, NOTE_OWNER, SERVICE_SECTION, Team

ROLES = [r.value for r in Role]


def level(role: str, section: str) -> Level:
    return SECTION_LEVELS[role][section]


def stored(team: Team, number: str) -> Case:
    """The case as it is in the database, read behind the services."""
    return cases_repo.load_case(team.conn, cases_repo.case_id(team.conn, number))


def refusals(team: Team) -> list[audit.Entry]:
    return audit.entries(team.conn, action="access_denied")


# --- reading -------------------------------------------------------------------------------


def _expected_services(role: str, services: list[Service]) -> list[Service]:
    out = []
    for service in services:
        seen = level(role, SERVICE_SECTION[service.kind])
        if seen == Level.NONE:
            continue
        service = copy.deepcopy(service)
        if seen == Level.LIST:
            service.provider, service.details, service.notes = None, {}, None
        out.append(service)
    return out


def _expected_notes(role: str, notes: list[Note]) -> list[Note]:
    out = []
    for note in notes:
        seen = level(role, NOTE_OWNER[note.section])
        if seen == Level.NONE:
            continue
        note = copy.deepcopy(note)
        if seen == Level.LIST:
            note.text = MASK
        out.append(note)
    return out


@pytest.mark.parametrize("role", ROLES)
def test_open_case_shows_each_section_as_the_table_says(shared_team: Team, role: str):
    team = shared_team
    refused_before = len(refusals(team))
    truth = stored(team, FULL)
    view = team.services(role).cases.open_case(FULL)

    header = ("case_number", "status", "opened_on", "closed_on", "closure_reason", "id")
    assert [getattr(view, k) for k in header] == [getattr(truth, k) for k in header]

    profile = level(role, Section.PROFILE)
    if profile >= Level.READ:
        assert view.person == truth.person
    elif profile == Level.LIST:
        basic = {k: getattr(truth.person, k) for k in PROFILE_BASIC_FIELDS}
        assert view.person == Person(**basic)
        assert view.person.id_number is None and view.person.phone is None
        assert view.person.aliases == [] and view.person.address is None
    else:
        assert view.person == Person(full_name=MASK)

    intake = level(role, Section.INTAKE)
    if intake >= Level.READ:
        assert view.intake == truth.intake
    elif intake == Level.LIST:
        assert view.intake.narrative is None and view.intake.police_case_number is None
        assert view.intake.exploitation == truth.intake.exploitation
    else:
        assert view.intake.narrative is None and view.intake.police_case_number is None
        assert view.intake.exploitation == [] and view.intake.identified_on is None

    consent = level(role, Section.CONSENT)
    assert view.consents == (truth.consents if consent >= Level.LIST else [])

    care_plan = level(role, Section.CARE_PLAN)
    if care_plan >= Level.READ:
        assert view.guardian == truth.guardian
    elif care_plan == Level.LIST:
        assert view.guardian == Guardian(truth.guardian.status)
    else:
        assert view.guardian is None

    assert view.services == _expected_services(role, truth.services)
    assert view.notes == _expected_notes(role, truth.notes)
    if any(level(role, SERVICE_SECTION[s.kind]) == Level.LIST for s in truth.services):
        assert any(s.notes is None and s.provider is None for s in view.services)

    followups = level(role, Section.FOLLOWUPS)
    if followups >= Level.READ:
        assert view.followups == truth.followups
    elif followups == Level.LIST:
        assert [f.notes for f in view.followups] == [None] * len(truth.followups)
    else:
        assert view.followups == []

    referrals = level(role, Section.REFERRALS)
    if referrals >= Level.READ:
        assert view.referrals == truth.referrals
    elif referrals == Level.LIST:
        assert all(r.organisation is None and r.reason is None for r in view.referrals)
    else:
        assert view.referrals == []

    # Opening is a view, whatever the role; it never counts as a refusal.
    viewed = audit.entries(team.conn, action="case_viewed", case_number=FULL)[0]
    assert viewed.user_name == team.opened(role).user.name
    assert len(refusals(team)) == refused_before


# --- writing, section by section -----------------------------------------------------------

Op = tuple[str, Callable[[Services], object]]


def _section_ops(section: str, case: Case) -> list[Op]:
    """Every service call that writes `section` of `case`: adds first, then edits, deletes."""
    n, day = case.case_number, dt.date(2026, 11, 1)
    of_section = [s for s in case.services if SERVICE_SECTION[s.kind] == section]
    notes = [x for x in case.notes if NOTE_OWNER[x.section] == section]

    def edited(entry, **changes):
        entry = copy.deepcopy(entry)
        for key, value in changes.items():
            setattr(entry, key, value)
        return entry

    ops: list[Op] = []
    if section == Section.PROFILE:
        person = edited(case.person, phone="13700001111")
        ops.append(("update_profile", lambda s: s.cases.update_profile(n, person)))
    if section == Section.INTAKE:
        intake = edited(case.intake, narrative="Changed narrative.")
        ops.append(("update_intake", lambda s: s.cases.update_intake(n, intake)))
    if section == Section.CONSENT:
        consents = [*case.consents, Consent("referral", True, day)]
        ops.append(("update_consents", lambda s: s.cases.update_consents(n, consents)))
    if section == Section.CARE_PLAN:
        guardian = Guardian("with_guardian", "Aunt found.")
        ops.append(("update_guardian", lambda s: s.cases.update_guardian(n, guardian)))
    for kind in (k for k, owner in SERVICE_SECTION.items() if owner == section):
        new = Service(kind, "ongoing", day, notes=f"new {kind}")
        ops.append((f"save_service new {kind}", lambda s, new=new: s.cases.save_service(n, new)))
    for note_section in (k for k, owner in NOTE_OWNER.items() if owner == section):
        new_note = Note(day, note_section, f"A new {note_section} note.")
        ops.append((f"save_note {note_section}", lambda s, x=new_note: s.cases.save_note(n, x)))
    if of_section:
        changed = edited(of_section[0], notes="edited")
        ops.append(("save_service edit", lambda s: s.cases.save_service(n, changed)))
    if notes:
        changed_note = edited(notes[0], text="edited note")
        ops.append(("save_note edit", lambda s: s.cases.save_note(n, changed_note)))
    if section == Section.FOLLOWUPS:
        new_f, old_f = Followup(dt.date(2027, 3, 1)), case.followups[-1]
        done = edited(old_f, done_on=day, living_conditions="stable")
        ops += [
            ("save_followup new", lambda s: s.cases.save_followup(n, new_f)),
            ("save_followup edit", lambda s: s.cases.save_followup(n, done)),
            ("delete_followup", lambda s: s.cases.delete_followup(n, old_f.id)),
        ]
    if section == Section.REFERRALS:
        new_r, old_r = Referral("health", day), case.referrals[0]
        accepted = edited(old_r, status="completed")
        ops += [
            ("save_referral new", lambda s: s.cases.save_referral(n, new_r)),
            ("save_referral edit", lambda s: s.cases.save_referral(n, accepted)),
            ("delete_referral", lambda s: s.cases.delete_referral(n, old_r.id)),
        ]
    if notes:
        ops.append(("delete_note", lambda s: s.cases.delete_note(n, notes[0].id)))
    if of_section:
        ops.append(("delete_service", lambda s: s.cases.delete_service(n, of_section[0].id)))
    return ops


@pytest.mark.parametrize("section", [s.value for s in Section])
@pytest.mark.parametrize("role", ROLES)
def test_section_writes_follow_the_table(shared_team: Team, role: str, section: str):
    team = shared_team  # each call is judged by what it changed, so the tests can share it
    services = team.services(role)
    allowed = level(role, section) >= Level.WRITE
    ops = _section_ops(section, stored(team, FULL))
    assert ops, section
    for name, call in ops:
        before = stored(team, FULL)
        refused_before = len(refusals(team))
        if allowed:
            change = call(services)
            assert change.case_number == FULL, name
            assert stored(team, FULL) != before, f"{role} {name}: nothing changed"
            assert len(refusals(team)) == refused_before, name
        else:
            with pytest.raises(AccessDenied):
                call(services)
            assert stored(team, FULL) == before, f"{role} {name}: written despite refusal"
            found = refusals(team)
            assert len(found) == refused_before + 1, f"{role} {name}: refusal not audited"
            assert found[0].case_number == FULL
            assert found[0].user_name == services.opened.user.name
            assert found[0].detail == {"what": f"{section}:write", "role": role}
    assert audit.verify(team.conn).ok


def test_moving_a_service_out_of_a_section_needs_write_on_that_section(team: Team):
    """A caseworker may not turn a medical service into a care-plan one, nor health back."""
    case = stored(team, FULL)
    medical = next(s for s in case.services if s.kind == "medical_care")
    shelter = next(s for s in case.services if s.kind == "shelter_care")
    moved = copy.deepcopy(medical)
    moved.kind = "shelter_care"
    with pytest.raises(AccessDenied):
        team.services("caseworker").cases.save_service(FULL, moved)
    into = copy.deepcopy(shelter)
    into.kind = "medical_care"
    with pytest.raises(AccessDenied):
        team.services("health").cases.save_service(FULL, into)
    note = copy.deepcopy(next(x for x in case.notes if x.section == "medical"))
    note.section = "care_plan"
    with pytest.raises(AccessDenied):
        team.services("caseworker").cases.save_note(FULL, note)
    assert stored(team, FULL) == case
    assert [e.detail["what"] for e in reversed(refusals(team))] == [
        "medical:write",
        "care_plan:write",
        "medical:write",
    ]


# --- actions -------------------------------------------------------------------------------


def _actions(role: str) -> list[tuple[str, Callable[[Services], object], str | None]]:
    """(action, call, case number the refusal names) in an order where each can succeed."""
    new_case = minimal_case(f"NEW-{role}")
    document = dump_document([minimal_case(f"IMP-{role}")])
    return [
        (Action.CREATE_CASE, lambda s: s.cases.create_case(new_case), new_case.case_number),
        (
            Action.IMPORT_CASES,
            lambda s: s.transfer.import_cases(document, source="import.json"),
            None,
        ),
        (
            Action.CLOSE_CASE,
            lambda s: s.cases.close_case(MINIMAL, TODAY, "independent_living"),
            MINIMAL,
        ),
        (Action.APPROVE_CLOSURE, lambda s: s.cases.approve_closure(FULL), FULL),
        (Action.CLOSE_CASE, lambda s: s.cases.reopen_case(FULL, "Family moved away."), FULL),
        (Action.EXPORT_IDENTIFIABLE, lambda s: s.transfer.export_cases(), None),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_actions_follow_the_table(team: Team, role: str):
    services = team.services(role)
    for action, call, number in _actions(role):
        refused_before = len(refusals(team))
        state_before = stored(team, FULL), stored(team, MINIMAL)
        if action in ACTIONS[role]:
            assert call(services) is not None
            assert len(refusals(team)) == refused_before, action
        else:
            with pytest.raises(AccessDenied):
                call(services)
            found = refusals(team)
            assert len(found) == refused_before + 1, f"{role} {action}: refusal not audited"
            assert found[0].detail == {"what": action, "role": role}
            assert found[0].case_number == number
            assert (stored(team, FULL), stored(team, MINIMAL)) == state_before

    numbers = {n for (n,) in team.conn.execute("SELECT case_number FROM cases")}
    assert (f"NEW-{role}" in numbers) == (Action.CREATE_CASE in ACTIONS[role])
    assert (f"IMP-{role}" in numbers) == (Action.IMPORT_CASES in ACTIONS[role])
    # A caseworker's closing is a request for a supervisor: the case stays open.
    closes_at_once = {Action.CLOSE_CASE, Action.APPROVE_CLOSURE} <= ACTIONS[role]
    assert stored(team, MINIMAL).status == ("closed" if closes_at_once else "open")
    assert stored(team, FULL).status == ("open" if Action.CLOSE_CASE in ACTIONS[role] else "closed")
    assert audit.verify(team.conn).ok


def test_refusals_and_unknown_cases_name_what_went_wrong(team: Team):
    health = team.services("health")
    with pytest.raises(AccessDenied, match="Health staff may not change the Follow-ups section"):
        health.cases.save_followup(FULL, Followup(dt.date(2027, 1, 1)))
    with pytest.raises(AccessDenied, match="import cases"):
        health.transfer.import_cases(b"{}", source="x.json")
    from app.services.base import CaseNotFound

    with pytest.raises(CaseNotFound, match="NOPE-1"):
        team.services("caseworker").cases.open_case("NOPE-1")
    with pytest.raises(CaseNotFound, match="NOPE-2"):
        team.services("caseworker").cases.update_intake("NOPE-2", Intake())
