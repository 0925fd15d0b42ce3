"""Failed unlocks tried at the same moment are all counted and audited (issue #14, item 6);
no core dump can write an unlocked vault's memory to disk (item 10)."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from app import audit
from app.vault import lockout, slots
from app.vault.vault import Vault
from tests.helpers import ADMIN, ADMIN_PASSPHRASE, REPO_ROOT, child_env

TRIES = 8  # wrong passphrases at once, each from its own process

WRONG_TRY = """
import sys
from app.errors import AftercareError
from app.vault.vault import Vault
try:
    Vault(sys.argv[1]).unlock("admin", "not the right passphrase " + sys.argv[2])
except AftercareError:
    pass
"""


def test_failures_tried_at_once_are_all_counted_and_audited(vault_folder):
    children = [
        subprocess.Popen(
            [sys.executable, "-c", WRONG_TRY, str(vault_folder), str(n)],
            env=child_env({"AFTERCARE_KDF_CALIBRATE": "0"}),
            cwd=REPO_ROOT,
        )
        for n in range(TRIES)
    ]
    for child in children:
        assert child.wait(timeout=120) == 0
    state = json.loads(lockout.state_path(vault_folder).read_text())
    admin_slot = slots.read(vault_folder)[0].find_user(ADMIN).slot_id
    # Five were checked and failed; the tries after them waited their turn and were refused.
    assert state["runs"][admin_slot]["in_a_row"] == lockout.FREE_TRIES
    reasons = sorted(e["reason"] for e in state["unaudited"])
    assert reasons == ["locked out"] * (TRIES - 5) + ["wrong passphrase"] * 5

    later = Vault(vault_folder, clock=lambda: time.time() + 3600)  # after the wait
    opened = later.unlock(ADMIN, ADMIN_PASSPHRASE)
    failed = audit.entries(opened.conn, action="unlock_failed")
    opened.lock()
    assert len(failed) == TRIES
    assert json.loads(lockout.state_path(vault_folder).read_text())["unaudited"] == []


def test_a_failure_recorded_during_an_unlock_is_kept_for_the_next(vault_folder):
    state = lockout.Lockout(vault_folder)
    state.record_failure("slot-a", 1.0, "wrong passphrase")
    seen = state.unaudited()
    lockout.Lockout(vault_folder).record_failure("slot-b", 2.0, "wrong passphrase")  # meanwhile
    state.record_success("slot-a", seen)
    left = lockout.Lockout(vault_folder).unaudited()
    assert [(e["slot"], e["at"]) for e in left] == [("slot-b", 2.0)]


CORE_LIMIT = """
import resource, sys
from app import cli
try:
    cli.main(["--lang", "en", "--help"])
except SystemExit:
    pass
print(resource.getrlimit(resource.RLIMIT_CORE))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="no core files on Windows")
def test_the_program_switches_core_dumps_off_at_start():
    import resource

    _soft, hard = resource.getrlimit(resource.RLIMIT_CORE)
    starting = (resource.RLIM_INFINITY, resource.RLIM_INFINITY) if hard != 0 else (0, 0)
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import resource; resource.setrlimit(resource.RLIMIT_CORE, "
            f"({starting[0]}, {starting[1]}))\n" + CORE_LIMIT,
        ],
        capture_output=True,
        text=True,
        env=child_env(),
        cwd=REPO_ROOT,
        timeout=60,
        check=False,
    )
    assert done.stdout.strip().splitlines()[-1] == "(0, 0)", done.stderr
