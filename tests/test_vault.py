"""The vault folder: what is on disk, who can open it, damage, key rotation and upgrades."""

from __future__ import annotations

import os
import stat

import pytest

from app import audit
from app.errors import AftercareError
from app.storage import migrations
from app.storage.connection import connect, user_version
from app.vault import backup, passphrase, slots
from app.vault.vault import DB_NAME, Vault
from tests.helpers import (
    ADMIN,
    ADMIN_PASSPHRASE,
    TEAM,
    data_key,
    flip_bytes,
    folder_snapshot,
    key_slots,
    scan_for_sentinels,
)

pytestmark = pytest.mark.usefixtures("english")


def test_database_header_is_opaque(vault_folder):
    head = (vault_folder / DB_NAME).read_bytes()[:100]
    assert not head.startswith(b"SQLite format 3")
    assert b"SQLite" not in head


def test_sentinels_are_in_no_file_while_open_and_after_lock(make_vault):
    person = "SENTINEL-Zhang-Xiaomei-8c41"
    chinese = "张小梅哨兵九号"
    unit = "SENTINEL-UNIT-3d9e"
    words = [person, chinese, unit]
    folder, _code = make_vault(unit_name=unit)
    opened = Vault(folder).unlock(ADMIN, ADMIN_PASSPHRASE)
    opened.add_user(person, "caseworker", "river stone lantern 42")
    with opened.write():
        opened.audit("case_viewed", case_number="FZ-2026-0001", detail={"note": chinese})
    backup.backup_before_upgrade(folder, opened.conn, opened.data_key_for_backup())
    # The data is really there (so the scan is not vacuous), and the WAL holds it unchecked.
    assert opened.conn.execute("SELECT count(*) FROM users WHERE name = ?", (person,)).fetchone()
    assert (folder / "vault.db-wal").exists()
    assert scan_for_sentinels(folder, words) == []
    opened.lock()
    assert scan_for_sentinels(folder, words) == []
    # The scanner itself finds a sentinel that is there.
    (folder / "probe.txt").write_text(f"x{chinese}x", encoding="utf-8")
    assert scan_for_sentinels(folder, words) == [("probe.txt", chinese)]


def test_files_are_private(make_vault):
    umask = os.umask(0o022)  # a lenient umask, so the modes below come from the code
    try:
        folder, _code = make_vault(unit_name="Mode Test")
        opened = Vault(folder).unlock(ADMIN, ADMIN_PASSPHRASE)
        with opened.write():
            opened.audit("probe")
        backup.backup_before_upgrade(folder, opened.conn, opened.data_key_for_backup())
        while_open = {p.name: stat.S_IMODE(p.stat().st_mode) for p in folder.rglob("*")}
        opened.lock()
    finally:
        os.umask(umask)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert "vault.db-wal" in while_open
    for name, mode in while_open.items():
        assert mode == (0o700 if name == "backups" else 0o600), name
    for path in folder.rglob("*"):
        assert stat.S_IMODE(path.stat().st_mode) == (0o700 if path.is_dir() else 0o600), path


def test_wrong_passphrase_is_refused(vault_folder):
    with pytest.raises(
        AftercareError,
        match="“admin” cannot unlock this vault: the user name or the passphrase is wrong",
    ):
        Vault(vault_folder).unlock(ADMIN, "correct horse battery!")


def test_unknown_user_is_refused(vault_folder):
    with pytest.raises(
        AftercareError,
        match="“nobody” cannot unlock this vault: the user name or the passphrase is wrong",
    ):
        Vault(vault_folder).unlock("nobody", ADMIN_PASSPHRASE)


def test_user_names_are_found_whatever_the_case(vault_folder):
    opened = Vault(vault_folder).unlock("  ADMIN ", ADMIN_PASSPHRASE)
    assert opened.user.name == ADMIN
    opened.lock()


@pytest.mark.parametrize("kind", ["missing", "empty", "file"])
def test_a_folder_that_is_not_a_vault(tmp_path, kind):
    target = tmp_path / "somewhere"
    if kind == "empty":
        target.mkdir()
    elif kind == "file":
        target.write_text("hello")
    with pytest.raises(AftercareError, match="is not an Aftercare vault"):
        Vault(target)


def test_second_create_on_the_same_folder_changes_nothing(vault_folder):
    before = folder_snapshot(vault_folder)
    with pytest.raises(AftercareError, match="already holds a vault; nothing was changed"):
        Vault.create(
            vault_folder,
            unit_code="350100-S02",
            unit_name="Other",
            prefecture="350100",
            admin_name="other",
            admin_passphrase="quiet orchard bicycle 7",
        )
    assert folder_snapshot(vault_folder) == before


def test_create_refuses_bad_settings_and_leaves_no_folder(tmp_path):
    target = tmp_path / "new"
    good = {
        "unit_code": "350100-S01",
        "unit_name": "Shelter",
        "prefecture": "350100",
        "admin_name": "admin",
        "admin_passphrase": ADMIN_PASSPHRASE,
    }
    for change, message in (
        ({"prefecture": "3501"}, "six-digit"),
        ({"unit_code": "  "}, "unit code must not be empty"),
        ({"admin_passphrase": "short"}, "at least 12 characters"),
    ):
        with pytest.raises(AftercareError, match=message):
            Vault.create(target, **{**good, **change})
        assert not target.exists()


PAGE_SIZE = 4096  # SQLCipher 4's default


def _page_of(folder, code: str, table: str) -> int:
    """The root page of `table` (through a raw connection: no unlock needed)."""
    conn = connect(folder / DB_NAME, data_key(folder, code))
    try:
        return conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)
        ).fetchone()[0]
    finally:
        conn.close()


@pytest.mark.parametrize("table", ["sqlite_master", "meta", "users", "audit"])
def test_a_damaged_page_that_unlocking_reads_gives_a_clear_error(make_vault, table):
    vault_folder, code = make_vault()
    page = 1 if table == "sqlite_master" else _page_of(vault_folder, code, table)
    db = vault_folder / DB_NAME
    flip_bytes(db, (page - 1) * PAGE_SIZE + 1000, 32)
    before = folder_snapshot(vault_folder)
    with pytest.raises(AftercareError, match="damaged"):
        Vault(vault_folder).unlock(ADMIN, ADMIN_PASSPHRASE)
    after = folder_snapshot(vault_folder)
    after.pop("vault.state", None)  # (no failure is counted: the passphrase was right)
    before.pop("vault.state", None)
    assert after == before


def test_damage_in_the_middle_is_found(vault_folder):
    """Flipped bytes mid-file: either unlocking says so, or the page is one unlocking does
    not read, and SQLCipher's page check names it (reads of it fail; see test_cli_vault)."""
    db = vault_folder / DB_NAME
    flip_bytes(db, db.stat().st_size // 2, 32)
    try:
        opened = Vault(vault_folder).unlock(ADMIN, ADMIN_PASSPHRASE)
    except AftercareError as exc:
        assert "damaged" in str(exc)
        return
    try:
        problems = opened.conn.execute("PRAGMA cipher_integrity_check").fetchall()
    finally:
        opened.lock()
    assert problems, "the damaged page went unnoticed"


def test_removing_a_user_rotates_the_data_key(make_vault):
    folder, code = make_vault(team=True)
    opened = Vault(folder).unlock(ADMIN, ADMIN_PASSPHRASE)
    old_key = opened.data_key_for_backup()
    old_slots = {s.user_id: s.sealed_data_key for s in slots.read(folder)[0].slots if s.user_id}
    opened.remove_user("wang")
    assert opened.data_key_for_backup() != old_key
    assert [u.name for u in opened.users()] == ["admin", "chen", "li", "zhao"]
    opened.lock()

    with pytest.raises(AftercareError, match="cannot be opened"):
        connect(folder / DB_NAME, old_key)
    assert not (folder / "vault.keys.next").exists()
    new_slots = {s.user_id: s.sealed_data_key for s in slots.read(folder)[0].slots if s.user_id}
    assert set(new_slots) == set(old_slots) - {2}
    assert all(new_slots[uid] != old_slots[uid] for uid in new_slots)  # every slot re-wrapped
    with pytest.raises(
        AftercareError,
        match="“wang” cannot unlock this vault: the user name or the passphrase is wrong",
    ):
        Vault(folder).unlock("wang", TEAM["wang"][1])
    for name in ("admin", "li"):
        remaining = Vault(folder).unlock(name, TEAM[name][1])
        assert remaining.user.name == name
        assert audit.verify(remaining.conn).ok
        remaining.lock()
    # The recovery slot was re-wrapped too: the printed code yields the new key.
    slot_file, _spare = slots.read(folder)
    recovered = slots.open_slot(
        slot_file.vault_id, slot_file.recovery(), passphrase.normalise_recovery_code(code)
    )
    connect(folder / DB_NAME, recovered).close()


def test_a_rotation_stopped_before_the_slot_file_was_replaced_is_finished(make_vault):
    """The moment after `PRAGMA rekey` and before vault.keys is replaced, rebuilt by hand."""
    folder, _code = make_vault(team=True)
    main, spare = slots.keys_path(folder), slots.spare_path(folder)
    old_slots = main.read_bytes()
    opened = Vault(folder).unlock(ADMIN, ADMIN_PASSPHRASE)
    opened.remove_user("wang")
    opened.lock()
    new_slots = main.read_bytes()
    (folder / "vault.keys.next").write_bytes(new_slots)
    main.write_bytes(old_slots)
    spare.write_bytes(old_slots)

    # The removed user's old slot still holds the old key, which opens nothing now.
    with pytest.raises(AftercareError, match="the user name or the passphrase is wrong"):
        Vault(folder).unlock("wang", TEAM["wang"][1])
    opened = Vault(folder).unlock("li", TEAM["li"][1])  # finishes the rotation
    assert audit.verify(opened.conn).ok
    opened.lock()
    assert main.read_bytes() == spare.read_bytes()
    assert key_slots(main.read_bytes()) == key_slots(new_slots)  # (its audit head is newer)
    assert not (folder / "vault.keys.next").exists()


def test_removal_rules(opened_vault):
    with pytest.raises(AftercareError, match="cannot remove yourself"):
        opened_vault.remove_user(ADMIN)
    with pytest.raises(AftercareError, match="no user named"):
        opened_vault.remove_user("ghost")


@pytest.mark.skipif(
    migrations.LATEST == 1, reason="only schema version 1 exists: nothing to upgrade yet"
)
def test_an_old_vault_is_upgraded_after_a_backup(make_vault):
    folder, _code = make_vault(schema_version=1)
    opened = Vault(folder).unlock(ADMIN, ADMIN_PASSPHRASE)
    key = opened.data_key_for_backup()
    assert user_version(opened.conn) == migrations.LATEST
    assert audit.verify(opened.conn).ok
    opened.lock()

    made = sorted((folder / "backups").iterdir())
    assert len(made) == 1 and made[0].name.startswith("pre-upgrade-v1-")
    manifest, members = backup.read_backup(made[0].read_bytes(), source=str(made[0]))
    assert manifest["schema_version"] == 1
    assert not members["vault.db"].startswith(b"SQLite format 3")
    restored = folder.parent / "restored"
    backup.restore_backup(made[0], restored)
    copy = connect(restored / DB_NAME, key)
    assert user_version(copy) == 1  # the copy was taken before the upgrade
    copy.close()
    # A second unlock of the upgraded vault makes no second backup.
    Vault(folder).unlock(ADMIN, ADMIN_PASSPHRASE).lock()
    assert len(list((folder / "backups").iterdir())) == 1


def test_a_vault_from_a_newer_program_is_refused(vault_folder, opened_vault):
    opened_vault.conn.execute(f"PRAGMA user_version = {migrations.LATEST + 1}")
    opened_vault.lock()
    with pytest.raises(AftercareError, match="newer version of Aftercare"):
        Vault(vault_folder).unlock(ADMIN, ADMIN_PASSPHRASE)


def test_lock_drops_the_key_and_the_connection(opened_vault):
    opened_vault.lock()
    assert not opened_vault.is_open
    assert opened_vault.data_key_for_backup() == b""
    opened_vault.lock()  # twice is harmless


# --- the recovery code and passphrase rules -------------------------------------------------

NEW = "granite harbour violet 5"


def _full_width(code: str) -> str:
    """The code as typed with a Chinese input method: full-width digits, ideographic spaces."""
    return "\u3000".join("".join(chr(ord(d) + 0xFEE0) for d in group) for group in code.split("-"))


@pytest.mark.parametrize(
    "typed",
    [
        lambda code: code.replace("-", " "),
        lambda code: f"  {code.replace('-', '')}  ",
        _full_width,
    ],
    ids=["spaces", "no separators", "full-width"],
)
def test_the_recovery_code_resets_a_passphrase(make_vault, typed):
    folder, code = make_vault()
    Vault(folder).reset_passphrase_with_recovery(typed(code), ADMIN, NEW)
    opened = Vault(folder).unlock(ADMIN, NEW)
    assert [e.action for e in audit.entries(opened.conn, limit=2)] == [
        "unlock",
        "passphrase_reset_by_recovery",
    ]
    opened.lock()


def test_a_wrong_or_malformed_recovery_code(vault_folder):
    vault = Vault(vault_folder)
    with pytest.raises(AftercareError, match="does not open this vault"):
        vault.reset_passphrase_with_recovery("1234-" * 9 + "1234", ADMIN, NEW)
    with pytest.raises(AftercareError, match="has 40 digits in groups of 4"):
        vault.reset_passphrase_with_recovery("1234-5678", ADMIN, NEW)
    with pytest.raises(AftercareError, match="has 40 digits"):
        vault.reset_passphrase_with_recovery("abcd-" * 9 + "abcd", ADMIN, NEW)


def test_recovery_refuses_an_unknown_user_and_a_weak_passphrase(make_vault):
    folder, code = make_vault()
    before = folder_snapshot(folder)
    with pytest.raises(AftercareError, match="no user named “ghost”"):
        Vault(folder).reset_passphrase_with_recovery(code, "ghost", NEW)
    with pytest.raises(AftercareError, match="at least 12 characters"):
        Vault(folder).reset_passphrase_with_recovery(code, ADMIN, "short")
    after = folder_snapshot(folder)
    assert after["vault.keys"] == before["vault.keys"]


def test_a_new_recovery_code_retires_the_old_one(make_vault):
    folder, old_code = make_vault()
    opened = Vault(folder).unlock(ADMIN, ADMIN_PASSPHRASE)
    new_code = opened.new_recovery_code()
    opened.lock()
    assert new_code != old_code
    with pytest.raises(AftercareError, match="does not open this vault"):
        Vault(folder).reset_passphrase_with_recovery(old_code, ADMIN, NEW)
    Vault(folder).reset_passphrase_with_recovery(new_code, ADMIN, NEW)
    with pytest.raises(AftercareError, match="the user name or the passphrase is wrong"):
        Vault(folder).unlock(ADMIN, ADMIN_PASSPHRASE)  # the old passphrase is gone
    Vault(folder).unlock(ADMIN, NEW).lock()


def test_only_an_admin_replaces_the_recovery_code(make_vault):
    from app.errors import AccessDenied

    folder, _code = make_vault(team=True)
    opened = Vault(folder).unlock("chen", TEAM["chen"][1])
    try:
        with pytest.raises(AccessDenied):
            opened.new_recovery_code()
    finally:
        opened.lock()


def test_recovery_codes_are_long_and_readable():
    code = passphrase.new_recovery_code()
    groups = code.split("-")
    assert len(groups) == 10 and all(len(g) == 4 and g.isdigit() for g in groups)
    assert passphrase.new_recovery_code() != code


@pytest.mark.parametrize(
    "text, user, reason",
    [
        ("short1!", "", "at least 12 characters"),
        ("abababababababab", "", "must not repeat the same few characters"),
        ("meimei loves tea 2026", "Meimei", "must not contain the user's name"),
        ("password2026!!", "", "must not be built on a common password"),
        ("abcdefghijkl", "", "too easy to guess"),
    ],
)
def test_weak_passphrases_are_refused_with_a_reason(text, user, reason):
    found = passphrase.problems(text, user)
    assert any(reason in p for p in found), found
    with pytest.raises(AftercareError, match=reason):
        passphrase.require_acceptable(text, user)


@pytest.mark.parametrize(
    "text",
    [ADMIN_PASSPHRASE, "river stone lantern 42", "我们的庇护所很安全啊朋友们", "Tr0ub4dor&3-horse"],
)
def test_good_passphrases_are_accepted(text):
    assert passphrase.problems(text, "wang") == []


def test_a_weak_passphrase_adds_no_user(opened_vault):
    keys = slots.keys_path(opened_vault.folder).read_bytes()
    with pytest.raises(AftercareError, match="at least 12 characters"):
        opened_vault.add_user("wang", "caseworker", "short")
    assert [u.name for u in opened_vault.users()] == [ADMIN]
    assert slots.keys_path(opened_vault.folder).read_bytes() == keys
