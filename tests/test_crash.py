"""SIGKILL a process that is writing to the vault, at random moments, many times over.

After every kill the database must be intact (SQLite's and SQLCipher's page checks), every
write the child acknowledged must be there, and the audit chain must hold. The kills are
split over a few tests so pytest-xdist can run them side by side; each reuses one vault.
Most kills come once the child is writing; some come while it is still unlocking. The
child and kill machinery is shared with tests/reliability/ (kill.py), whose crash test makes
case edits through the services instead of raw audit writes.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from app import audit
from app.storage.connection import connect
from app.vault.vault import DB_NAME, Vault
from tests.helpers import ADMIN, ADMIN_PASSPHRASE, credentials, data_key
from tests.reliability.kill import run_and_kill

CHILD = Path(__file__).with_name("crash_child.py")
ROUNDS = 4
KILLS_PER_ROUND = 5  # 20 kills in the suite


def _run_and_kill(folder: Path, first_n: int, rng: random.Random, err_path: Path) -> list[int]:
    """Start a child, kill it at a random moment; the ids it acknowledged."""
    lines = run_and_kill(
        CHILD, [str(folder), str(first_n)], rng, env=credentials(), err_path=err_path
    )
    return [int(line) for line in lines]


def _check(folder: Path, key: bytes, acknowledged: list[int]) -> int:
    conn = connect(folder / DB_NAME, key)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA cipher_integrity_check").fetchall() == []
        present = {
            row[0] for row in conn.execute("SELECT id FROM audit WHERE action = 'crash_test'")
        }
        assert set(acknowledged) - present == set()
        result = audit.verify(conn)
        assert result.ok, result
        return len(present)
    finally:
        conn.close()


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_sigkill_while_writing_loses_no_acknowledged_write(make_vault, tmp_path, round_):
    folder, code = make_vault()
    key = data_key(folder, code)
    seed = int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)
    acknowledged: list[int] = []
    for kill in range(KILLS_PER_ROUND):
        acknowledged += _run_and_kill(folder, kill * 100_000, rng, tmp_path / "child.err")
        try:
            _check(folder, key, acknowledged)
        except AssertionError as exc:
            raise AssertionError(f"after kill {kill + 1} (seed {seed}): {exc}") from exc
    assert acknowledged, f"no child got to write (seed {seed})"
    # And the program still opens it the ordinary way.
    opened = Vault(folder).unlock(ADMIN, ADMIN_PASSPHRASE)
    assert audit.verify(opened.conn).ok
    opened.lock()
