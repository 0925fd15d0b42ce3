"""Replies in order, conflicts per entry, ids that say which referral: between real vaults."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from app.domain import Followup, Note
from app.errors import AftercareError
from app.services.referrals import DuplicateReferral
from tests import helpers
from tests.referrals.conftest import CONSENTED, TODAY, audit_actions


def _followups(units, unit: str, number: str) -> list[Followup]:
    return units.services(unit, "wang").cases.open_case(number).followups


def _set_followup_notes(units, unit: str, number: str, due: dt.date, notes: str) -> None:
    cases = units.services(unit, "wang").cases
    followup = next(f for f in cases.open_case(number).followups if f.due_on == due)
    followup.notes = notes
    cases.save_followup(number, followup)


def _referred(units, sections: list[str], followups: int = 0) -> tuple:
    """The shelter's case with `followups` follow-ups, referred to the hospital and received."""
    cases = units.services("shelter", "wang").cases
    for n in range(followups):
        cases.save_followup(CONSENTED, Followup(dt.date(2026, 10, 1 + n), notes=f"visit {n}"))
    shelter = units.referrals("shelter", "wang")
    sent = shelter.send(CONSENTED, "Hospital", sections, units.outbox)
    hospital = units.referrals("hospital", "wang")
    number = hospital.receive(sent.path.read_bytes()).case_number
    return shelter, hospital, number, sent


def test_an_older_reply_never_undoes_a_newer_one(units):
    shelter, hospital, number, _sent = _referred(units, ["profile", "notes"])
    hospital_cases = units.services("hospital", "wang").cases
    hospital_cases.save_note(number, Note(dt.date(2026, 11, 20), "notes", "first visit"))
    third = hospital.reply(number, units.outbox)
    hospital_cases.save_note(number, Note(dt.date(2026, 11, 27), "notes", "discharged well"))
    fourth = hospital.reply(number, units.outbox, completed=True)

    assert shelter.receive(fourth.path.read_bytes()).merged_sections == ["notes"]
    with pytest.raises(AftercareError, match=r"reply 1 .*older than reply 2.*nothing was changed"):
        shelter.receive(third.path.read_bytes(), source="third.acpkg")

    case = units.services("shelter", "wang").cases.open_case(CONSENTED)
    assert "discharged well" in [n.text for n in case.notes]
    assert case.referrals[-1].status == "completed"
    (record,) = shelter.records(CONSENTED)
    assert (record.reply_status, record.replies) == ("completed", 2)
    refused = [d for a, d in audit_actions(shelter.opened) if a == "package_refused"]
    assert refused[-1]["reason"] == "stale" and (refused[-1]["seq"], refused[-1]["applied"]) == (
        1,
        2,
    )


def test_one_entry_changed_on_both_sides_is_one_conflict_and_the_rest_merges(units):
    shelter, hospital, number, _sent = _referred(units, ["followups"], followups=16)
    first, second = dt.date(2026, 10, 1), dt.date(2026, 10, 2)
    _set_followup_notes(units, "hospital", number, first, "seen at the hospital")
    _set_followup_notes(units, "hospital", number, second, "blood test normal")
    _set_followup_notes(units, "shelter", CONSENTED, first, "seen at the shelter")
    reply = hospital.reply(number, units.outbox)

    got = shelter.receive(reply.path.read_bytes())
    (conflict,) = got.conflicts
    assert (conflict.section, conflict.part) == ("followups", "followups")
    assert conflict.mine == {"followups": [{**_plain(first), "notes": "seen at the shelter"}]}
    assert conflict.theirs["followups"][0]["notes"] == "seen at the hospital"
    after = {f.due_on: f.notes for f in _followups(units, "shelter", CONSENTED)}
    assert len(after) == 16
    assert after[second] == "blood test normal"  # the other side's edit of another entry merged
    assert after[first] == "seen at the shelter"  # nothing overwritten before choosing

    _set_followup_notes(units, "shelter", CONSENTED, dt.date(2026, 10, 5), "phoned")
    shelter.resolve_conflict(conflict.id, "theirs")
    after = {f.due_on: f.notes for f in _followups(units, "shelter", CONSENTED)}
    assert after[first] == "seen at the hospital"
    assert after[second] == "blood test normal"
    assert after[dt.date(2026, 10, 5)] == "phoned"  # an unrelated edit is not reverted
    assert len(after) == 16


def _plain(due: dt.date) -> dict:
    return {"due_on": due.isoformat(), "done_on": None, "living_conditions": None}


def test_a_newer_conflict_of_the_same_entry_replaces_the_older(units):
    shelter, hospital, number, _sent = _referred(units, ["followups"], followups=2)
    first = dt.date(2026, 10, 1)
    _set_followup_notes(units, "shelter", CONSENTED, first, "ours")
    _set_followup_notes(units, "hospital", number, first, "theirs, older")
    older = shelter.receive(hospital.reply(number, units.outbox).path.read_bytes()).conflicts[0]
    _set_followup_notes(units, "hospital", number, first, "theirs, newer")
    newer = shelter.receive(hospital.reply(number, units.outbox).path.read_bytes()).conflicts[0]

    assert newer.id > older.id
    assert [c.id for c in shelter.conflicts(CONSENTED)] == [newer.id]
    with pytest.raises(AftercareError, match="replaced by a newer one"):
        shelter.resolve_conflict(older.id, "theirs")
    shelter.resolve_conflict(newer.id, "theirs")
    notes = {f.due_on: f.notes for f in _followups(units, "shelter", CONSENTED)}
    assert notes[first] == "theirs, newer"


def test_unknown_conflict_ids_are_errors_and_ids_are_never_reused(units):
    shelter, hospital, number, _sent = _referred(units, ["followups"], followups=1)
    first = dt.date(2026, 10, 1)
    with pytest.raises(AftercareError, match="There is no conflict 99"):
        shelter.resolve_conflict(99, "mine")
    _set_followup_notes(units, "shelter", CONSENTED, first, "ours")
    _set_followup_notes(units, "hospital", number, first, "theirs")
    (one,) = shelter.receive(hospital.reply(number, units.outbox).path.read_bytes()).conflicts
    shelter.resolve_conflict(one.id, "mine")
    with pytest.raises(AftercareError, match="already settled"):
        shelter.resolve_conflict(one.id, "mine")
    _set_followup_notes(units, "hospital", number, first, "theirs again")
    (two,) = shelter.receive(hospital.reply(number, units.outbox).path.read_bytes()).conflicts
    assert two.id > one.id


def test_the_received_case_keeps_the_day_the_origin_opened_it(units):
    _shelter, _hospital, number, _sent = _referred(units, ["profile"])
    received = units.services("hospital", "wang").cases.open_case(number)
    assert received.opened_on == dt.date(2026, 9, 1) < TODAY
    # A follow-up done before the referral arrived can be recorded.
    units.services("hospital", "wang").cases.save_followup(
        number, Followup(dt.date(2026, 9, 15), dt.date(2026, 9, 15))
    )


def test_referrals_of_one_case_to_one_contact_are_told_apart_by_id(units):
    shelter, hospital, number, first = _referred(units, ["profile"])
    with pytest.raises(DuplicateReferral, match=rf"referral {first.referral_id[:8]}.*--again"):
        shelter.send(CONSENTED, "Hospital", ["profile"], units.outbox)
    assert [r.referral_id for r in shelter.waiting_referrals(CONSENTED, "Hospital")] == [
        first.referral_id
    ]
    second = shelter.send(CONSENTED, "Hospital", ["profile", "notes"], units.outbox, again=True)
    with pytest.raises(AftercareError, match="several open referrals"):
        shelter.withdraw(CONSENTED, units.outbox)
    with pytest.raises(AftercareError, match="no open referral 0000000"):
        shelter.withdraw(CONSENTED, units.outbox, referral="0000000")

    withdrawal = shelter.withdraw(CONSENTED, units.outbox, referral=first.referral_id[:8])
    assert withdrawal.referral_id == first.referral_id
    states = {r.referral_id: r.state for r in shelter.records(CONSENTED)}
    assert states == {first.referral_id: "withdrawn", second.referral_id: "pending"}
    case = units.services("shelter", "wang").cases.open_case(CONSENTED)
    assert [r.status for r in case.referrals] == ["withdrawn", "pending"]
    assert hospital.receive(withdrawal.path.read_bytes()).case_number == number
    # The one left is now the only open one: withdrawn without naming it.
    assert shelter.withdraw(CONSENTED, units.outbox).referral_id == second.referral_id


def test_reply_accepts_the_referral_id_it_answers(units):
    _shelter, hospital, number, sent = _referred(units, ["profile"])
    assert hospital.reply(number, units.outbox, referral=sent.referral_id[:6]).kind == "reply"
    with pytest.raises(AftercareError, match="no open referral"):
        hospital.reply(number, units.outbox, referral="ffffffff")


def test_the_commands_show_ids_and_print_each_conflict_as_a_diff(units, cli):
    _shelter, hospital, number, sent = _referred(units, ["followups"], followups=1)
    first = dt.date(2026, 10, 1)
    _set_followup_notes(units, "shelter", CONSENTED, first, "ours")
    _set_followup_notes(units, "hospital", number, first, "theirs")
    reply = hospital.reply(number, units.outbox)
    units.close()
    folder = str(units.folders["shelter"])
    env = helpers.credentials("wang")
    listed = cli("referrals", folder, CONSENTED, env=env)
    assert listed.code == 0 and sent.referral_id[:8] in listed.out
    got = cli("receive", folder, str(reply.path), env=env)
    assert got.code == 0, got.err
    assert "notes: ours (this vault" in got.out and "theirs (Hospital" in got.out
    data = json.loads(cli("referrals", folder, "--json", env=env).out)
    conflict_id = data["conflicts"][0]["id"]
    bad = cli("resolve", folder, "12345", "--keep", "mine", env=env)
    assert bad.code == 1 and "no conflict 12345" in bad.err
    assert cli("resolve", folder, str(conflict_id), "--keep", "theirs", env=env).code == 0
    refer = ("refer", folder, CONSENTED, "--to", "Hospital", "--sections", "profile",
             "--out", str(units.outbox))  # fmt: skip
    assert cli(*refer, env=env).code == 0  # the first referral was answered: no warning
    refused = cli(*refer, env=env)
    assert refused.code == 1 and "--again" in refused.err
    again = cli(*refer, "--again", env=env)
    assert again.code == 0, again.err
    withdrawn = cli("withdraw", folder, CONSENTED, "--out", str(units.outbox),
                    "--referral", sent.referral_id[:8], env=env)  # fmt: skip
    assert withdrawn.code == 0, withdrawn.err


def _cell(doc: dict, table: str, row: str, col: str = "total"):
    found = next(t for t in doc["tables"] if t["id"] == table)
    return found["cells"][found["rows"].index(row)][found["cols"].index(col)]


def test_the_receiving_unit_does_not_count_a_received_case_as_opened(units):
    """summary-v1 A1: the origin counted the opening; the receiver counts the care."""
    _referred(units, ["profile", "intake"])
    received = units.services("hospital", helpers.ADMIN).reports.build_summary("2026-Q3")
    assert _cell(received, "caseload", "opened") == 0
    assert _cell(received, "caseload", "open_at_end") == 1
    assert sum(sum(row) for row in _by_id(received, "age_sex")["cells"]) == 0
    origin = units.services("shelter", helpers.ADMIN).reports.build_summary("2026-Q3")
    assert _cell(origin, "caseload", "opened") == 2  # both of the shelter's cases


def _by_id(doc: dict, table: str) -> dict:
    return next(t for t in doc["tables"] if t["id"] == table)


def test_a_later_reply_takes_back_what_an_earlier_one_added(units):
    shelter, hospital, number, _sent = _referred(units, ["profile"])
    cases = units.services("hospital", "wang").cases
    cases.save_note(number, Note(dt.date(2026, 11, 20), "notes", "written in error"))
    shelter.receive(hospital.reply(number, units.outbox).path.read_bytes())
    assert "written in error" in [n.text for n in _shelter_notes(units)]
    note = next(n for n in cases.open_case(number).notes if n.text == "written in error")
    cases.delete_note(number, note.id)
    shelter.receive(hospital.reply(number, units.outbox).path.read_bytes())
    assert "written in error" not in [n.text for n in _shelter_notes(units)]


def _shelter_notes(units) -> list[Note]:
    return units.services("shelter", "wang").cases.open_case(CONSENTED).notes
