"""The vault commands: init, user, passwd, audit; and every bad input exits 1 with one line
that says what is wrong, no traceback, and changes nothing."""

from __future__ import annotations

import json
import stat

import pytest

from app import audit
from app.storage.connection import DatabaseErrors, connect, transaction
from app.vault import slots
from app.vault.vault import DB_NAME
from tests.helpers import (
    ADMIN,
    ADMIN_PASSPHRASE,
    TEAM,
    credentials,
    data_key,
    flip_bytes,
    folder_snapshot,
    key_slots,
    run_cli_subprocess,
)

pytestmark = pytest.mark.usefixtures("english")

INIT = ["--unit-code", "350100-S01", "--unit-name", "Shelter", "--prefecture", "350100"]


def _one_clear_line(done, message: str) -> None:
    assert done.code == 1, (done.out, done.err)
    assert len(done.err_lines) == 1, done.err
    assert message in done.err, done.err
    assert "Traceback" not in done.err and "internal error" not in done.err


def _unchanged_but_state(before: dict[str, bytes], folder) -> None:
    """Nothing changed but vault.state, where a failed try is counted, and the audit head
    the key file carries (rewritten at every unlock and lock): no slot changed."""
    after = folder_snapshot(folder)
    for name in ("vault.keys", "vault.keys.bak"):
        assert key_slots(after.pop(name)) == key_slots(before[name])
    assert {k: v for k, v in after.items() if k != "vault.state"} == {
        k: v for k, v in before.items() if k not in ("vault.state", "vault.keys", "vault.keys.bak")
    }


def test_init_then_a_second_init_changes_nothing(cli, tmp_path):
    folder = tmp_path / "vault"
    env = {"AFTERCARE_NEW_PASSPHRASE": ADMIN_PASSPHRASE}
    done = cli("init", str(folder), *INIT, "--admin", ADMIN, "--json", env=env)
    assert done.code == 0, done.err
    code = json.loads(done.out)["recovery_code"]
    assert len(code.replace("-", "")) == 40
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert not (folder / DB_NAME).read_bytes().startswith(b"SQLite format 3")

    before = folder_snapshot(folder)
    done = cli("init", str(folder), *INIT, "--admin", "other", env=env)
    _one_clear_line(done, "already holds a vault; nothing was changed")
    assert folder_snapshot(folder) == before


def test_init_with_no_terminal_and_no_passphrase_makes_nothing(tmp_path):
    folder = tmp_path / "vault"
    done = run_cli_subprocess(["init", str(folder), *INIT, "--admin", ADMIN])
    _one_clear_line(done, "No terminal to ask for the passphrase for admin")
    assert not folder.exists()


def test_missing_passphrase_with_no_terminal(vault_folder):
    before = folder_snapshot(vault_folder)
    done = run_cli_subprocess(["audit", "verify", str(vault_folder)])
    _one_clear_line(done, "No terminal to ask for the user name")
    done = run_cli_subprocess(["audit", "verify", str(vault_folder)], env={"AFTERCARE_USER": ADMIN})
    _one_clear_line(done, "No terminal to ask for the passphrase")
    assert folder_snapshot(vault_folder) == before


def test_wrong_passphrase_and_unknown_user(vault_folder, cli):
    before = folder_snapshot(vault_folder)
    done = cli("user", "list", str(vault_folder), env=credentials(ADMIN, "wrong passphrase 1"))
    _one_clear_line(
        done, "“admin” cannot unlock this vault: the user name or the passphrase is wrong"
    )
    done = cli("user", "list", str(vault_folder), env=credentials("nobody", ADMIN_PASSPHRASE))
    _one_clear_line(
        done, "“nobody” cannot unlock this vault: the user name or the passphrase is wrong"
    )
    _unchanged_but_state(before, vault_folder)


def test_a_folder_that_is_not_a_vault(cli, tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    done = cli("audit", "verify", str(tmp_path), env=credentials())
    _one_clear_line(done, "is not an Aftercare vault")
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_a_damaged_key_file(vault_folder, cli):
    for path in (slots.keys_path(vault_folder), slots.spare_path(vault_folder)):
        path.write_bytes(path.read_bytes()[:200])
    before = folder_snapshot(vault_folder)
    done = cli("audit", "verify", str(vault_folder), env=credentials())
    _one_clear_line(done, "and its spare copy are missing or damaged")
    assert folder_snapshot(vault_folder) == before


def _root_page(folder, code: str, table: str) -> int:
    conn = connect(folder / DB_NAME, data_key(folder, code))
    try:
        return conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)
        ).fetchone()[0]
    finally:
        conn.close()


@pytest.mark.parametrize(
    "table, command",
    [
        ("users", "user list"),  # a page read while unlocking
        ("unit", "backup"),  # a page read only when the backup copies every table
    ],
)
def test_a_damaged_database(make_vault, cli, tmp_path, table, command):
    vault_folder, code = make_vault()
    page = _root_page(vault_folder, code, table)
    flip_bytes(vault_folder / DB_NAME, (page - 1) * 4096 + 1000, 32)
    before = folder_snapshot(vault_folder)
    out = tmp_path / "b.acbackup"
    if command == "backup":
        done = cli("backup", str(vault_folder), "--out", str(out), env=credentials())
    else:
        done = cli("user", "list", str(vault_folder), env=credentials())
    if command == "backup":
        _one_clear_line(done, "database is damaged; no backup was written")
    else:
        _one_clear_line(done, "is damaged")
        assert "restore the vault from a backup" in done.err
    assert not out.exists()
    if table == "users":
        _unchanged_but_state(before, vault_folder)


def test_a_damaged_page_read_after_unlocking(make_vault, cli):
    """An overflow page of an old audit entry: unlocking does not read it, verify does."""
    folder, code = make_vault()
    key = data_key(folder, code)
    conn = connect(folder / DB_NAME, key)
    first_new_page = conn.execute("PRAGMA page_count").fetchone()[0] + 1
    for detail in ({"text": "x" * 40_000}, {}):
        with transaction(conn):
            audit.record(conn, user_id=1, user_name=ADMIN, action="note", detail=detail)
    conn.close()
    flip_bytes(folder / DB_NAME, (first_new_page + 4 - 1) * 4096 + 1000, 32)
    conn = connect(folder / DB_NAME, key)  # the premise: the tail reads, the old entry not
    assert conn.execute("SELECT id FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    with pytest.raises(DatabaseErrors):
        conn.execute("SELECT detail FROM audit").fetchall()
    conn.close()

    done = cli("audit", "verify", str(folder), env=credentials())
    _one_clear_line(done, "the vault database is damaged (database disk image is malformed)")


def test_user_add_list_and_remove(vault_folder, cli):
    env = {**credentials(), "AFTERCARE_NEW_PASSPHRASE": TEAM["wang"][1]}
    done = cli("user", "add", str(vault_folder), "--name", "wang", "--role", "caseworker", env=env)
    assert done.code == 0, done.err
    assert "User “wang” added as caseworker." in done.out
    done = cli("user", "list", str(vault_folder), "--json", env=credentials("wang"))
    _one_clear_line(done, "Caseworker may not manage users")
    done = cli("audit", "verify", str(vault_folder), env=credentials("wang"))
    _one_clear_line(done, "Caseworker may not read the audit trail")

    done = cli("user", "remove", str(vault_folder), "--name", "wang", env=credentials())
    assert done.code == 0, done.err
    assert "the data key was rotated" in done.out
    done = cli("audit", "show", str(vault_folder), "--json", env=credentials())
    assert done.code == 0, done.err
    actions = [e["action"] for e in json.loads(done.out)]
    assert actions.index("user_added") < actions.index("user_removed")
    done = cli("user", "list", str(vault_folder), "--json", env=credentials())
    assert [u["name"] for u in json.loads(done.out)] == [ADMIN]


@pytest.mark.parametrize(
    "weak, reason",
    [
        ("short1!", "at least 12 characters"),
        ("aaaaaaaaaaaaaaaa", "must not repeat the same few characters"),
        ("wang-is-the-best-99", "must not contain the user's name"),
        ("password12345678", "must not be built on a common password"),
        ("abcdefghijkl", "too easy to guess"),
    ],
)
def test_a_weak_new_passphrase_is_refused_with_its_reason(vault_folder, cli, weak, reason):
    before = folder_snapshot(vault_folder)
    env = {**credentials(), "AFTERCARE_NEW_PASSPHRASE": weak}
    done = cli("user", "add", str(vault_folder), "--name", "wang", "--role", "legal", env=env)
    _one_clear_line(done, reason)
    # Refused before anything was written but the unlock's own audit entries.
    after = folder_snapshot(vault_folder)
    for name in ("vault.keys", "vault.keys.bak"):
        assert key_slots(after[name]) == key_slots(before[name])


def test_passwd(vault_folder, cli):
    new = "granite harbour violet 5"
    done = cli("passwd", str(vault_folder), env={**credentials(), "AFTERCARE_NEW_PASSPHRASE": new})
    assert (done.code, done.out.strip()) == (0, "Passphrase changed."), done.err
    done = cli("audit", "verify", str(vault_folder), env=credentials())
    _one_clear_line(done, "the user name or the passphrase is wrong")
    done = cli("audit", "verify", str(vault_folder), env=credentials(ADMIN, new))
    assert done.code == 0, done.err


def test_usage_errors_exit_2(cli, tmp_path):
    assert cli("init", str(tmp_path / "v")).code == 2
    assert cli("user", "add", str(tmp_path), "--name", "x", "--role", "king").code == 2


def test_messages_in_chinese(vault_folder, cli):
    done = cli("user", "list", str(vault_folder), env=credentials("nobody", "x"), lang="zh_CN")
    assert done.code == 1 and len(done.err_lines) == 1
    assert "nobody" in done.err
