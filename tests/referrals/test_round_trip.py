"""Refer, receive, record, reply, merge; acknowledge and withdraw; between real vaults."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest

from app.domain import Followup, Service
from app.errors import AftercareError
from app.referrals import keys, package
from app.services.base import CaseNotFound
from tests.referrals.conftest import (
    CONSENTED,
    SENTINEL_ID,
    SENTINEL_NAME,
    SENTINEL_NOTE,
    audit_actions,
)


def test_refer_receive_record_reply_merge(units):
    shelter = units.referrals("shelter", "wang")
    sent = shelter.send(CONSENTED, "Hospital", ["profile", "consent", "care_plan"], units.outbox)

    assert re.fullmatch(r"aftercare-[0-9a-f]{12}\.acpkg", sent.path.name)
    assert sent.sha256 == hashlib.sha256(sent.path.read_bytes()).hexdigest()
    case = units.services("shelter", "wang").cases.open_case(CONSENTED)
    entry = case.referrals[-1]
    assert (entry.to, entry.status, entry.organisation) == ("health", "pending", "Hospital")
    hospital_card = shelter.contact("Hospital")
    sent_audit = [
        d for a, d in audit_actions(units.opened("shelter", "wang")) if a == "referral_sent"
    ]
    assert sent_audit[-1]["fingerprint"] == hospital_card.fingerprint
    assert sent_audit[-1]["sha256"] == sent.sha256

    hospital = units.referrals("hospital", "li")
    got = hospital.receive(sent.path.read_bytes(), source=sent.path.name)
    assert got.kind == "referral" and got.counterpart == "Shelter (350100-S01)"
    number = got.case_number
    assert number.startswith("REF-") and SENTINEL_NAME not in number
    (record,) = hospital.records(number)
    assert (record.direction, record.counterpart, record.state) == (
        "received",
        "Shelter (350100-S01)",
        "pending",
    )
    assert record.referral_id == sent.referral_id
    received = units.services("hospital", "wang").cases.open_case(number)
    assert received.person.full_name == SENTINEL_NAME
    assert [s.kind for s in received.services] == ["shelter_care"]
    assert received.notes == []  # the notes section was not sent

    # A receipt first, then the health worker records care and replies.
    ack = hospital.acknowledge(number, units.outbox)
    assert shelter.receive(ack.path.read_bytes()).kind == "ack"
    assert shelter.records(CONSENTED)[0].state == "acknowledged"

    units.services("hospital", "li").cases.save_service(
        number, Service("medical_care", "completed", dt.date(2026, 11, 20), notes="X-ray clear")
    )
    reply = hospital.reply(number, units.outbox, completed=True)
    # Meanwhile the shelter recorded a follow-up of its own: a different section, no conflict.
    units.services("shelter", "wang").cases.save_followup(
        CONSENTED, Followup(dt.date(2026, 12, 10))
    )

    merged = shelter.receive(reply.path.read_bytes())
    assert merged.kind == "reply" and merged.conflicts == []
    assert merged.merged_sections == ["medical"]
    after = units.services("shelter", "chen").cases.open_case(CONSENTED)
    medical = [s for s in after.services if s.kind == "medical_care"]
    assert len(medical) == 1 and medical[0].ended_on is None
    assert [s.kind for s in after.services].count("shelter_care") == 1
    assert len(after.followups) == 1
    assert after.referrals[-1].status == "completed"
    (record,) = shelter.records(CONSENTED)
    assert (record.state, record.reply_status) == ("replied", "completed")
    # A second reply with nothing new changes nothing and duplicates nothing.
    again = hospital.reply(number, units.outbox, completed=True)
    assert shelter.receive(again.path.read_bytes()).merged_sections == []
    final = units.services("shelter", "chen").cases.open_case(CONSENTED)
    assert len([s for s in final.services if s.kind == "medical_care"]) == 1


def test_only_the_chosen_sections_are_in_the_package(units):
    shelter = units.referrals("shelter", "wang")
    sent = shelter.send(CONSENTED, "Hospital", ["consent"], units.outbox)
    receiving = keys.receiving_private_key(units.opened("hospital", "li").conn)
    signers = [c.signing_key for c in units.referrals("hospital", "li").contacts()]
    opened = package.open_package(sent.path.read_bytes(), receiving, signers)
    assert opened.kind == "referral"
    assert opened.payload["sections"] == ["consent"]
    assert set(opened.payload["content"]) == {"consent"}
    assert set(opened.payload["content"]["consent"]) == {"consents"}
    text = str(opened.payload)
    for secret in (SENTINEL_NAME, SENTINEL_NOTE, SENTINEL_ID, "shelter_care", "forced_labour"):
        assert secret not in text

    got = units.referrals("hospital", "li").receive(sent.path.read_bytes())
    case = units.services("hospital", "wang").cases.open_case(got.case_number)
    assert case.person.full_name == got.case_number  # no profile: the number stands in
    assert case.services == [] and case.notes == [] and case.guardian is None


def test_the_package_bytes_and_name_hold_no_sentinel(units):
    from tests.helpers import scan_for_sentinels

    everything = ["profile", "intake", "consent", "care_plan", "notes", "referrals", "followups"]
    units.referrals("shelter", "wang").send(CONSENTED, "Hospital", everything, units.outbox)
    assert len(list(units.outbox.iterdir())) == 1
    assert scan_for_sentinels(units.outbox, [SENTINEL_NAME, SENTINEL_NOTE, SENTINEL_ID]) == []


def test_conflicting_edits_give_a_choice_not_an_overwrite(units):
    shelter = units.referrals("shelter", "wang")
    sent = shelter.send(CONSENTED, "Hospital", ["care_plan"], units.outbox)
    hospital = units.referrals("hospital", "wang")
    number = hospital.receive(sent.path.read_bytes()).case_number

    def change_shelter_care(unit: str, case_number: str, status: str, notes: str) -> None:
        cases = units.services(unit, "wang").cases
        service = next(s for s in cases.open_case(case_number).services if s.kind == "shelter_care")
        service.status, service.notes = status, notes
        if status == "completed":
            service.ended_on = dt.date(2026, 11, 27)
        cases.save_service(case_number, service)

    change_shelter_care("hospital", number, "completed", "Moved to the hospital ward")
    change_shelter_care("shelter", CONSENTED, "ongoing", "Room changed")
    reply = hospital.reply(number, units.outbox)

    got = shelter.receive(reply.path.read_bytes())
    (conflict,) = got.conflicts
    assert conflict.section == "care_plan" and got.merged_sections == []
    assert conflict.mine["services"][0]["notes"] == "Room changed"
    assert conflict.theirs["services"][0]["notes"] == "Moved to the hospital ward"
    ours = units.services("shelter", "wang").cases.open_case(CONSENTED)
    assert [s.notes for s in ours.services] == ["Room changed"]  # nothing overwritten
    assert ours.referrals[-1].status == "accepted"
    assert [c.id for c in shelter.conflicts(CONSENTED)] == [conflict.id]

    shelter.resolve_conflict(conflict.id, "theirs")
    taken = units.services("shelter", "wang").cases.open_case(CONSENTED)
    assert [(s.status, s.notes) for s in taken.services] == [
        ("completed", "Moved to the hospital ward")
    ]
    assert shelter.conflicts() == []
    assert any(a == "referral_conflict_resolved" for a, _ in audit_actions(shelter.opened))
    with pytest.raises(AftercareError, match="already settled"):
        shelter.resolve_conflict(conflict.id, "mine")


def test_keeping_mine_settles_the_conflict_without_a_change(units):
    shelter = units.referrals("shelter", "wang")
    sent = shelter.send(CONSENTED, "Hospital", ["care_plan"], units.outbox)
    hospital = units.referrals("hospital", "wang")
    number = hospital.receive(sent.path.read_bytes()).case_number
    for unit, case_number, guardian in (
        ("hospital", number, "with_guardian"),
        ("shelter", CONSENTED, "placed_in_care"),
    ):
        from app.domain import Guardian

        units.services(unit, "wang").cases.update_guardian(case_number, Guardian(guardian))
    (conflict,) = shelter.receive(hospital.reply(number, units.outbox).path.read_bytes()).conflicts
    assert conflict.mine["guardian"]["status"] == "placed_in_care"
    assert conflict.theirs["guardian"]["status"] == "with_guardian"
    shelter.resolve_conflict(conflict.id, "mine")
    case = units.services("shelter", "wang").cases.open_case(CONSENTED)
    assert case.guardian.status == "placed_in_care"


def test_withdrawal_deletes_the_recipients_copy(units):
    shelter = units.referrals("shelter", "wang")
    sent = shelter.send(CONSENTED, "Hospital", ["profile", "notes"], units.outbox)
    hospital = units.referrals("hospital", "li")
    number = hospital.receive(sent.path.read_bytes()).case_number
    late_reply = hospital.reply(number, units.outbox)  # crosses the withdrawal on the way

    withdrawal = shelter.withdraw(CONSENTED, units.outbox)
    assert shelter.records(CONSENTED)[0].state == "withdrawn"
    got = hospital.receive(withdrawal.path.read_bytes())
    assert got.kind == "withdraw" and got.case_number == number
    with pytest.raises(CaseNotFound):
        units.services("hospital", "wang").cases.open_case(number)
    (record,) = hospital.records()
    assert (record.state, record.case_number) == ("withdrawn", None)
    hospital_conn = units.opened("hospital", "li").conn
    assert hospital_conn.execute("SELECT snapshot FROM referral_packages").fetchone()[0] == "{}"
    assert hospital_conn.execute(
        "SELECT count(*) FROM search WHERE text LIKE ?", (f"%{SENTINEL_NAME}%",)
    ).fetchone() == (0,)

    with pytest.raises(AftercareError, match="withdrawn"):
        shelter.receive(late_reply.path.read_bytes())
    with pytest.raises(AftercareError, match="no open referral"):
        shelter.withdraw(CONSENTED, units.outbox)
