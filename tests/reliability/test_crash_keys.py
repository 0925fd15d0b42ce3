"""SIGKILL a process that removes a user or changes a passphrase, at random moments.

A key change re-keys the database and replaces vault.keys (app.vault.rotation). After every
kill, before anything else touches the folder, the parent notes how far the change had got
(from the files alone), then requires:

- removal: the admin still unlocks (no one locked out); either wang is still a user, can
  still unlock and the removal can be repeated (the old state), or wang is gone, the audit
  trail says the key was rotated, and no slot of wang's, in the key file as it was at the
  kill or as it was before the change, opens the database (the new state);
- passphrase change: exactly one of the old and the new passphrase opens li's vault (never
  both refused, never both accepted); when the new one does, the old passphrase with the
  old key file opens nothing of the database;
- in both: the database passes its integrity checks and the audit chain verifies.

Each kill works on a fresh copy of the team vault. Fast: 2 x 3 kills; full: 2 x 10 x 13 = 260
kills, of which about four in five come after the change began (the others while the child
is starting or unlocking).
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app import audit
from app.errors import AftercareError
from app.storage.connection import connect
from app.vault import rotation, slots
from app.vault.vault import DB_NAME, Vault
from tests.helpers import ADMIN, ADMIN_PASSPHRASE, REPO_ROOT, TEAM, child_env, data_key
from tests.reliability.conftest import scaled
from tests.reliability.key_child import NEW
from tests.reliability.kill import run_and_kill

CHILD = Path(__file__).with_name("key_child.py")
ROUNDS = scaled(1, 10)
KILLS_PER_ROUND = scaled(3, 13)


def _time_the_change(folder: Path, op: str, err_path: Path) -> float:
    """Seconds from `begin` to `done` of one change left to finish, on this machine now (a
    passphrase change derives twice, a removal not at all; a busy machine is slower): kills
    then come within this long after `begin`, so they spread over all of the change."""
    with err_path.open("wb") as err:
        child = subprocess.Popen(
            [sys.executable, str(CHILD), str(folder), op],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=err,
            env=child_env(),
            cwd=REPO_ROOT,
        )
        try:
            assert child.stdout.readline() == b"begin\n", err_path.read_text()[-2000:]
            started = time.monotonic()
            assert child.stdout.readline() == b"done\n", err_path.read_text()[-2000:]
            return time.monotonic() - started
        finally:
            child.kill()
            child.stdout.close()
            child.wait(timeout=30)


def _opens(folder: Path, key: bytes) -> bool:
    try:
        conn = connect(folder / DB_NAME, key)
    except AftercareError:
        return False
    conn.close()
    return True


def _stage(folder: Path, old_key: bytes) -> str:
    """How far the change had got when the kill came, from the files alone."""
    if (folder / (DB_NAME + "-journal")).exists():
        return "killed while re-keying"
    pending = rotation.next_path(folder).exists()
    if not pending:
        # No new key file: not begun, or finished (the database is under a new key).
        return "not begun" if _opens(folder, old_key) else "finished"
    return "new key file written" if _opens(folder, old_key) else "re-keyed, not installed"


def _slot_key(keys: bytes, name: str, secret: str) -> bytes | None:
    slot_file = slots.SlotFile.from_bytes(keys)
    slot = slot_file.find_user(name)
    return None if slot is None else slots.open_slot(slot_file.vault_id, slot, secret)


def _unlocks(folder: Path, name: str, secret: str) -> bool:
    try:
        Vault(folder).unlock(name, secret).lock()
    except AftercareError:
        return False
    return True


def _check_intact(folder: Path) -> list[str]:
    opened = Vault(folder).unlock(ADMIN, ADMIN_PASSPHRASE)  # no one is locked out
    try:
        assert opened.conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert opened.conn.execute("PRAGMA cipher_integrity_check").fetchall() == []
        verification = audit.verify(opened.conn)
        assert verification.ok, verification
        return [u.name for u in opened.users()]
    finally:
        opened.lock()


def _check_removal(folder: Path, original_keys: bytes, keys_at_kill: bytes) -> str:
    wang = TEAM["wang"][1]
    users = _check_intact(folder)
    if "wang" in users:
        assert _unlocks(folder, "wang", wang)
        opened = Vault(folder).unlock(ADMIN, ADMIN_PASSPHRASE)
        opened.remove_user("wang")  # the removal can be repeated
        opened.lock()
        outcome = "old state (removal repeated)"
    else:
        opened = Vault(folder).unlock(ADMIN, ADMIN_PASSPHRASE)
        removed = audit.entries(opened.conn, action="user_removed")
        opened.lock()
        assert [e.detail.get("key_rotated") for e in removed] == [True]
        outcome = "new state"
    assert not _unlocks(folder, "wang", wang)
    for keys in {original_keys, keys_at_kill}:
        key = _slot_key(keys, "wang", wang)
        assert key is None or not _opens(folder, key), "a removed user's slot opens the vault"
    return outcome


def _check_passwd(folder: Path, original_keys: bytes) -> str:
    old_ok = _unlocks(folder, "li", TEAM["li"][1])
    new_ok = _unlocks(folder, "li", NEW)
    assert old_ok != new_ok, f"old passphrase opens: {old_ok}, new one opens: {new_ok}"
    if new_ok:
        assert not _opens(folder, _slot_key(original_keys, "li", TEAM["li"][1]))
    _check_intact(folder)
    return "new state" if new_ok else "old state"


@pytest.mark.parametrize("round_", range(ROUNDS))
@pytest.mark.parametrize("op", ["remove", "passwd"])
def test_sigkill_during_a_key_change_leaves_the_old_state_or_the_new(
    make_vault, tmp_path, tally, op, round_
):
    seed = int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)
    name = f"crash: {'user removal' if op == 'remove' else 'passphrase change'}"
    calibration, _code = make_vault("calibration", team=True)
    window_s = 1.2 * _time_the_change(calibration, op, tmp_path / "child.err")
    for kill in range(KILLS_PER_ROUND):
        folder, code = make_vault(f"vault-{kill}", team=True)
        original_keys = slots.keys_path(folder).read_bytes()
        old_key = data_key(folder, code)
        lines = run_and_kill(
            CHILD,
            [str(folder), op],
            rng,
            env={},
            err_path=tmp_path / "child.err",
            write_window_s=window_s,
        )
        keys_at_kill = slots.keys_path(folder).read_bytes()
        stage = _stage(folder, old_key) if lines else "before the change began"
        try:
            if op == "remove":
                outcome = _check_removal(folder, original_keys, keys_at_kill)
            else:
                outcome = _check_passwd(folder, original_keys)
        except AssertionError as exc:
            raise AssertionError(f"after kill {kill + 1}, {stage} (seed {seed}): {exc}") from exc
        tally.add(name, "kills")
        tally.add(name, f"stage: {stage}")
        tally.add(name, f"outcome: {outcome}")
        shutil.rmtree(folder)
