"""The key slot file: a torn copy is repaired from the spare; an edited slot never opens."""

from __future__ import annotations

import json

import pytest

from app import audit
from app.errors import AftercareError
from app.vault import slots
from app.vault.vault import Vault
from tests.helpers import ADMIN, ADMIN_PASSPHRASE, TEAM

pytestmark = pytest.mark.usefixtures("english")


def _keys(folder):
    return slots.keys_path(folder), slots.spare_path(folder)


def _edit_slot_file(folder, change) -> None:
    """Apply `change(doc)` to the slot file and its spare, as someone with an editor would."""
    doc = json.loads(slots.keys_path(folder).read_text())
    change(doc)
    for path in _keys(folder):
        path.write_text(json.dumps(doc, indent=1))


def _slot_of(doc, user_id):
    return next(s for s in doc["slots"] if s["user_id"] == user_id)


@pytest.mark.parametrize("damage", ["torn", "missing", "garbage"])
def test_a_damaged_main_file_is_replaced_from_the_spare(vault_folder, damage):
    main, spare = _keys(vault_folder)
    good = spare.read_bytes()
    if damage == "torn":
        main.write_bytes(good[: len(good) // 2])
    elif damage == "missing":
        main.unlink()
    else:
        main.write_bytes(b"\x00\xff" * 100)
    opened = Vault(vault_folder).unlock(ADMIN, ADMIN_PASSPHRASE)
    last = audit.entries(opened.conn, limit=1)[0]
    opened.lock()
    assert (last.action, last.detail) == ("unlock", {"spare_key_file": True})
    assert main.read_bytes() == spare.read_bytes()
    repaired, from_spare = slots.read(vault_folder)
    assert (repaired.slots, from_spare) == (slots.SlotFile.from_bytes(good).slots, False)


def test_both_copies_damaged_is_a_clear_error(vault_folder):
    main, spare = _keys(vault_folder)
    main.write_bytes(main.read_bytes()[:100])
    spare.write_bytes(b"")
    with pytest.raises(
        AftercareError, match=r"key file .* and its spare copy are missing or damaged"
    ):
        Vault(vault_folder).unlock(ADMIN, ADMIN_PASSPHRASE)


def test_every_write_keeps_the_spare_identical(opened_vault):
    main, spare = _keys(opened_vault.folder)
    opened_vault.add_user("wang", "caseworker", TEAM["wang"][1])
    assert main.read_bytes() == spare.read_bytes()
    opened_vault.new_recovery_code()
    assert main.read_bytes() == spare.read_bytes()
    assert not list(opened_vault.folder.glob(".tmp-*"))


def _refused(folder, name, secret):
    """Unlocking must fail with a clear error, never yield a vault."""
    with pytest.raises(AftercareError) as caught:
        opened = Vault(folder).unlock(name, secret)
        opened.lock()
        pytest.fail(f"unlocked as {opened.user} with an edited slot file")
    return str(caught.value)


def test_a_slot_moved_to_another_user_id_is_refused(make_vault):
    folder, _code = make_vault(team=True)

    def move(doc):
        _slot_of(doc, 1)["user_id"] = 2  # the admin's slot claims to be wang's

    _edit_slot_file(folder, move)
    assert "the user name or the passphrase is wrong" in _refused(folder, ADMIN, ADMIN_PASSPHRASE)


def test_swapped_name_tags_never_give_another_identity(make_vault):
    folder, _code = make_vault(team=True)

    def swap(doc):
        a, w = _slot_of(doc, 1), _slot_of(doc, 2)
        a["name_tag"], w["name_tag"] = w["name_tag"], a["name_tag"]

    _edit_slot_file(folder, swap)
    # wang signing in as "admin" with his own passphrase opens his slot, whose user row
    # is not the admin: refused, not signed in as the admin.
    assert "does not match the vault's users" in _refused(folder, ADMIN, TEAM["wang"][1])
    assert "does not match the vault's users" in _refused(folder, "wang", ADMIN_PASSPHRASE)
    assert "the user name or the passphrase is wrong" in _refused(folder, ADMIN, ADMIN_PASSPHRASE)
    assert "the user name or the passphrase is wrong" in _refused(folder, "wang", TEAM["wang"][1])


def test_swapped_sealed_keys_are_refused(make_vault):
    folder, _code = make_vault(team=True)

    def swap(doc):
        a, w = _slot_of(doc, 1), _slot_of(doc, 2)
        a["data_key"], w["data_key"] = w["data_key"], a["data_key"]

    _edit_slot_file(folder, swap)
    _refused(folder, ADMIN, ADMIN_PASSPHRASE)


@pytest.mark.parametrize(
    "field, value",
    [
        ("passes", 4),
        ("memory_kib", 32 * 1024),  # below the floor: refused before any derivation
        ("lanes", 2),
        ("salt", "00" * 16),
        ("alg", "pbkdf2"),
    ],
)
def test_edited_kdf_parameters_are_refused(vault_folder, field, value):
    def weaken(doc):
        _slot_of(doc, 1)["kdf"][field] = value

    _edit_slot_file(vault_folder, weaken)
    assert "the user name or the passphrase is wrong" in _refused(
        vault_folder, ADMIN, ADMIN_PASSPHRASE
    )


def test_an_edited_recovery_slot_does_not_open(make_vault):
    folder, code = make_vault()

    def edit(doc):
        recovery = next(s for s in doc["slots"] if s["kind"] == "recovery")
        recovery["kdf"]["salt"] = "11" * 16

    _edit_slot_file(folder, edit)
    with pytest.raises(AftercareError, match="recovery code does not open this vault"):
        Vault(folder).reset_passphrase_with_recovery(code, ADMIN, "granite harbour violet 5")
