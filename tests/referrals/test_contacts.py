"""Contact cards, fingerprints and verification; the receiving key of an upgraded vault."""

from __future__ import annotations

import json
import re

import pytest

from app.errors import AccessDenied, AftercareError
from app.referrals import keys
from app.services import Services
from app.storage import migrations
from app.storage.connection import user_version
from app.vault.vault import Vault
from tests import helpers
from tests.referrals.conftest import audit_actions


def test_fingerprints_match_on_both_sides_and_read_as_digit_groups(units):
    shelter = units.referrals("shelter", "admin")
    hospital = units.referrals("hospital", "admin")
    own = shelter.own_fingerprint()
    assert re.fullmatch(r"(\d{5} ){5}\d{5}", own)
    assert hospital.contact("Shelter").fingerprint == own
    assert shelter.contact("Hospital").fingerprint == hospital.own_fingerprint()
    assert own != hospital.own_fingerprint()


def test_a_card_is_added_unverified_then_verified_by_its_digits(units):
    admin = units.referrals("shelter", "admin")
    raw = units.referrals("stranger", "admin").own_card("ngo", "Xiamen Shelter")
    card = admin.read_card(raw)
    assert (card.unit_code, card.name, card.role) == ("350200-S09", "Xiamen Shelter", "ngo")

    added = admin.add_contact(raw)
    assert (added.name, added.verified, added.role_label) == ("Xiamen Shelter", False, "NGO")
    wrong = "0" * 30
    with pytest.raises(AftercareError, match="does not match"):
        admin.verify_contact("Xiamen Shelter", wrong)
    assert audit_actions(units.opened("shelter", "admin"))[-1][0] == "contact_verify_failed"
    assert not admin.contact("xiamen shelter").verified

    typed = added.fingerprint.replace(" ", "-")  # as it may be typed from paper
    verified = admin.verify_contact("xiamen shelter", typed)
    assert verified.verified and verified.verified_by == helpers.ADMIN
    assert [c.name for c in admin.contacts()] == ["Hospital", "Xiamen Shelter"]

    admin.remove_contact("Xiamen Shelter")
    assert [c.name for c in admin.contacts()] == ["Hospital"]
    actions = [a for a, _d in audit_actions(units.opened("shelter", "admin"))]
    assert {"contact_added", "contact_verified", "contact_removed"} <= set(actions)


def test_cards_that_cannot_be_added(units):
    admin = units.referrals("shelter", "admin")
    own = admin.own_card()
    with pytest.raises(AftercareError, match="own card"):
        admin.add_contact(own)
    hospital_card = units.referrals("hospital", "admin").own_card("health")
    with pytest.raises(AftercareError, match="already in your contacts as “Hospital”"):
        admin.add_contact(hospital_card, name="Hospital again")
    doc = json.loads(hospital_card)
    doc["name"] = "Someone else"
    with pytest.raises(AftercareError, match="signature does not match"):
        admin.add_contact(json.dumps(doc).encode())
    with pytest.raises(AftercareError, match="not JSON"):
        admin.add_contact(b"\xff\xfe", source="card.accard")
    with pytest.raises(AftercareError, match="Unknown contact role"):
        admin.own_card("police")
    with pytest.raises(AccessDenied):
        units.referrals("shelter", "wang").add_contact(hospital_card)


def test_fingerprint_digits_accept_spaces_dashes_and_full_width_digits():
    assert keys.fingerprint_digits("12345 67890-１２") == "123456789012"


def test_a_version_2_vault_gets_a_receiving_key_on_upgrade(make_vault):
    folder, _code = make_vault("old", schema_version=2, unit_code="350100-S02")
    opened = Vault(folder).unlock(helpers.ADMIN, helpers.ADMIN_PASSPHRASE)
    try:
        assert user_version(opened.conn) == migrations.LATEST
        referrals = Services(opened).referrals
        card = keys.read_card(referrals.own_card())
        assert card.receiving_key == keys.raw_public(keys.receiving_private_key(opened.conn))
        assert card.fingerprint == referrals.own_fingerprint()
    finally:
        opened.lock()


def test_a_caseworker_may_send_the_sections_she_may_read(units):
    sendable = units.referrals("shelter", "wang").sendable_sections()
    assert "profile" in sendable and "medical" not in sendable and "legal" not in sendable
