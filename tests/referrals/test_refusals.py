"""What is refused: no consent, unverified contacts, bad packages, replays, stray replies.

Each refusal says what is wrong, writes nothing but its audit entry, and leaves the vault as
it was (`table_counts`).
"""

from __future__ import annotations

import json
import secrets

import pytest

from app.errors import AccessDenied, AftercareError
from app.referrals import keys, package
from tests.helpers import flip_bytes
from tests.referrals.conftest import (
    CONSENTED,
    NO_CONSENT,
    audit_actions,
    referral_case,
    table_counts,
)


def _refusals(opened) -> list[dict]:
    return [d for a, d in audit_actions(opened) if a == "package_refused"]


def _refused(units, unit: str, user: str, raw: bytes, match: str) -> dict:
    """Receive `raw`, expect a refusal matching `match`; return its audit detail."""
    opened = units.opened(unit, user)
    before = table_counts(opened)
    with pytest.raises(AftercareError, match=match):
        units.referrals(unit, user).receive(raw, source="pkg.acpkg")
    assert table_counts(opened) == before
    return _refusals(opened)[-1]


# --- consent ------------------------------------------------------------------------------


def test_without_the_referral_consent_nothing_is_sent(units):
    wang = units.opened("shelter", "wang")
    before = table_counts(wang)
    with pytest.raises(AftercareError, match="no referral consent"):
        units.referrals("shelter", "wang").send(NO_CONSENT, "Hospital", ["profile"], units.outbox)
    assert table_counts(wang) == before and list(units.outbox.iterdir()) == []
    assert audit_actions(wang)[-1] == ("referral_refused", {"reason": "no_consent"})

    # A caseworker may not override, even with a reason.
    with pytest.raises(
        AccessDenied, match="Caseworker may not send a referral without the referral consent"
    ):
        units.referrals("shelter", "wang").send(
            NO_CONSENT, "Hospital", ["profile"], units.outbox, override_reason="Urgent care"
        )
    assert audit_actions(wang)[-1][0] == "access_denied"
    assert table_counts(wang) == before


def test_a_supervisor_may_override_with_a_written_reason_audited(units):
    chen = units.referrals("shelter", "chen")
    with pytest.raises(AftercareError, match="no referral consent"):
        chen.send(NO_CONSENT, "Hospital", ["profile"], units.outbox, override_reason="   ")
    sent = chen.send(
        NO_CONSENT, "Hospital", ["profile"], units.outbox, override_reason="Needs surgery today"
    )
    entries = [(a, d) for a, d in audit_actions(units.opened("shelter", "chen")) if d]
    overridden = [d for a, d in entries if a == "referral_consent_overridden"]
    assert overridden == [{"referral_id": sent.referral_id, "reason": "Needs surgery today"}]
    assert sent.path.exists()


def test_a_withdrawn_consent_counts_as_none(units):
    from app.domain import Consent

    cases = units.services("shelter", "wang").cases
    case = cases.open_case(CONSENTED)
    referral = next(c for c in case.consents if c.purpose == "referral")
    withdrawn = Consent("referral", True, referral.recorded_on, referral.recorded_on)
    cases.update_consents(
        CONSENTED, [c for c in case.consents if c.purpose != "referral"] + [withdrawn]
    )
    with pytest.raises(AftercareError, match="no referral consent"):
        units.referrals("shelter", "wang").send(CONSENTED, "Hospital", ["consent"], units.outbox)


def test_sending_needs_a_verified_contact_and_readable_sections(units):
    wang = units.referrals("shelter", "wang")
    admin = units.referrals("shelter", "admin")
    card = units.referrals("stranger", "admin").own_card("ngo")
    admin.add_contact(card, name="Xiamen")
    with pytest.raises(AftercareError, match="not verified"):
        wang.send(CONSENTED, "Xiamen", ["profile"], units.outbox)
    with pytest.raises(AccessDenied, match="Medical"):
        wang.send(CONSENTED, "Hospital", ["medical"], units.outbox)  # caseworkers only list it
    with pytest.raises(AftercareError, match="Unknown section"):
        wang.send(CONSENTED, "Hospital", ["diary"], units.outbox)
    with pytest.raises(AftercareError, match="no contact named"):
        wang.send(CONSENTED, "Nobody", ["profile"], units.outbox)
    with pytest.raises(AccessDenied):
        admin.send(CONSENTED, "Hospital", ["profile"], units.outbox)
    assert list(units.outbox.iterdir()) == []


# --- bad packages -------------------------------------------------------------------------


def test_a_tampered_or_truncated_package_is_refused(units):
    sent = units.referrals("shelter", "wang").send(CONSENTED, "Hospital", ["profile"], units.outbox)
    raw = sent.path.read_bytes()
    doc = json.loads(raw)

    ciphertext = bytearray(keys.unb64(doc["body"]["ciphertext"]))
    ciphertext[100] ^= 0x01
    one_bit = dict(doc, body=dict(doc["body"], ciphertext=keys.b64(bytes(ciphertext))))
    # The signature covers the body, so no contact's key verifies it: refused before
    # anything is decrypted, as a stranger's file is.
    detail = _refused(
        units, "hospital", "li", json.dumps(one_bit).encode(), "changed after it was made"
    )
    assert detail["reason"] == "unknown_sender" and detail["package_id"] == sent.package_id

    flipped = units.root / "flipped.acpkg"
    flipped.write_bytes(raw)
    flip_bytes(flipped, raw.index(b'"ciphertext"') + 200, 4)
    _refused(units, "hospital", "li", flipped.read_bytes(), "damaged or cut short")

    relabelled = dict(doc, header=dict(doc["header"], kind="reply"))
    _refused(units, "hospital", "li", json.dumps(relabelled).encode(), "changed after")

    other_signature = dict(doc, signature=keys.b64(secrets.token_bytes(64)))
    _refused(units, "hospital", "li", json.dumps(other_signature).encode(), "changed after")

    detail = _refused(units, "hospital", "li", raw[: len(raw) // 2], "damaged or cut short")
    assert detail["reason"] == "damaged"
    _refused(units, "hospital", "li", b"", "damaged or cut short")

    # The untouched file still goes in: the refusals left no trace of it as seen.
    assert units.referrals("hospital", "li").receive(raw).kind == "referral"


def test_a_contact_cannot_sign_anothers_package_as_its_own(units):
    sent = units.referrals("shelter", "wang").send(CONSENTED, "Hospital", ["profile"], units.outbox)
    doc = json.loads(sent.path.read_bytes())
    # The stranger's real key signs the shelter's sealed body: the sender inside differs.
    signer = units.opened("stranger", "admin").signing_key()
    signed = keys.canonical({"header": doc["header"], "body": doc["body"]})
    doc["signature"] = keys.b64(signer.sign(signed))
    _refused(units, "hospital", "li", json.dumps(doc).encode(), "changed after")


def test_a_package_for_another_vault_is_refused(units):
    sent = units.referrals("shelter", "wang").send(CONSENTED, "Hospital", ["profile"], units.outbox)
    detail = _refused(units, "stranger", "wang", sent.path.read_bytes(), "made for another vault")
    assert detail["reason"] == "wrong_recipient"


def test_unknown_and_unverified_senders_are_refused(units):
    stranger = units.referrals("stranger", "wang")
    stranger_cases = units.services("stranger", "wang").cases
    stranger_cases.create_case(referral_case("XM-2026-0001"))
    sent = stranger.send("XM-2026-0001", "Shelter", ["consent"], units.outbox)
    raw = sent.path.read_bytes()
    assert _refused(units, "shelter", "wang", raw, "not one of your contacts")["reason"] == (
        "unknown_sender"
    )

    card = units.referrals("stranger", "admin").own_card("shelter")
    units.referrals("shelter", "admin").add_contact(card, name="Xiamen")
    detail = _refused(units, "shelter", "wang", raw, "“Xiamen”, whose fingerprint is not verified")
    assert detail["reason"] == "unverified_sender" and detail["from"] == "Xiamen"


def test_a_replayed_package_is_refused(units):
    sent = units.referrals("shelter", "wang").send(CONSENTED, "Hospital", ["profile"], units.outbox)
    hospital = units.referrals("hospital", "li")
    number = hospital.receive(sent.path.read_bytes()).case_number
    assert (
        _refused(units, "hospital", "li", sent.path.read_bytes(), "already imported")["reason"]
        == "replayed"
    )

    reply = hospital.reply(number, units.outbox)
    units.referrals("shelter", "wang").receive(reply.path.read_bytes())
    _refused(units, "shelter", "wang", reply.path.read_bytes(), "already imported")


def test_the_same_referral_in_a_new_package_is_a_duplicate(units):
    sent = units.referrals("shelter", "wang").send(CONSENTED, "Hospital", ["profile"], units.outbox)
    hospital_opened = units.opened("hospital", "li")
    receiving = keys.receiving_private_key(hospital_opened.conn)
    signers = [c.signing_key for c in units.referrals("hospital", "li").contacts()]
    opened = package.open_package(sent.path.read_bytes(), receiving, signers)
    units.referrals("hospital", "li").receive(sent.path.read_bytes())
    resealed = package.seal(
        "referral",
        opened.payload,
        recipient=keys.raw_public(receiving),
        sender=units.opened("shelter", "wang").signing_key(),
    )
    assert _refused(units, "hospital", "li", resealed.data, "already received")["reason"] == (
        "duplicate"
    )


def test_a_reply_to_a_referral_that_does_not_exist_is_refused(units):
    shelter_receiving = keys.receiving_private_key(units.opened("shelter", "wang").conn)
    stray = package.seal(
        "reply",
        {"referral_id": secrets.token_hex(16), "status": "accepted", "sections": {}},
        recipient=keys.raw_public(shelter_receiving),
        sender=units.opened("hospital", "li").signing_key(),
    )
    detail = _refused(units, "shelter", "wang", stray.data, "does not exist here")
    assert detail["reason"] == "no_such_referral" and detail["from"] == "Hospital"


def test_receiving_is_not_for_administrators(units):
    with pytest.raises(AccessDenied):
        units.referrals("hospital", "admin").receive(b"{}")
    assert audit_actions(units.opened("hospital", "admin"))[-1][0] == "access_denied"
