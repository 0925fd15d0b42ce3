"""Failed unlocks: five free tries, then waits that double from 30 s, all of it audited.

Time comes from a FakeClock handed to Vault(clock=...), so nothing here sleeps.
"""

from __future__ import annotations

import datetime as dt

import pytest

from app import audit
from app.errors import AftercareError, LockedOut
from app.vault import lockout, slots
from app.vault.vault import Vault
from tests.helpers import ADMIN, ADMIN_PASSPHRASE, TEAM

pytestmark = pytest.mark.usefixtures("english")

WRONG = "not the right passphrase"


def _fail(vault: Vault, name: str = ADMIN) -> None:
    with pytest.raises(AftercareError, match="the user name or the passphrase is wrong") as caught:
        vault.unlock(name, WRONG)
    assert not isinstance(caught.value, LockedOut)


def _locked(vault: Vault, secret: str = ADMIN_PASSPHRASE) -> float:
    with pytest.raises(LockedOut, match="Try again in") as caught:
        vault.unlock(ADMIN, secret)
    return caught.value.wait_s


def _iso(seconds: float) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.UTC).isoformat(timespec="seconds")


def test_five_failures_then_waits_of_30_then_60_seconds(make_vault, fake_clock):
    folder, _code = make_vault(team=True)
    vault = Vault(folder, clock=fake_clock)
    start = fake_clock.now
    for _ in range(lockout.FREE_TRIES):
        _fail(vault)
        fake_clock.advance(1)
    fake_clock.now = start + 4  # the fifth failure was at start + 4
    assert _locked(vault) == 30  # even the right passphrase waits
    assert vault.unlock_wait(ADMIN) == 30
    fake_clock.advance(29)
    assert _locked(vault, WRONG) == 1
    # Another user is not held up by the admin's wait.
    Vault(folder, clock=fake_clock).unlock("wang", TEAM["wang"][1]).lock()

    fake_clock.advance(1)  # the wait is over: one more try, wrong, doubles the next wait
    assert vault.unlock_wait(ADMIN) == 0
    _fail(vault)
    assert _locked(vault) == 60
    fake_clock.advance(60)
    opened = vault.unlock(ADMIN, ADMIN_PASSPHRASE)
    entries = list(reversed(audit.entries(opened.conn)))
    admin_slot = slots.read(folder)[0].find_user(ADMIN).slot_id
    assert audit.verify(opened.conn).ok
    opened.lock()

    assert vault.unlock_wait(ADMIN) == 0  # a success clears the run
    _fail(vault)  # and the count starts again
    assert vault.unlock_wait(ADMIN) == 0

    # Every failure and every refused try, in order, in the trail of the next unlock
    # (wang's unlock came first and took the ones before it).
    failed = [e for e in entries if e.action == "unlock_failed"]
    assert [e.detail["reason"] for e in failed] == [
        *["wrong passphrase"] * 5,
        "locked out",
        "locked out",
        "wrong passphrase",
        "locked out",
    ]
    assert {e.detail["slot"] for e in failed} == {admin_slot}
    assert [e.detail["at"] for e in failed] == [
        _iso(start + s) for s in (0, 1, 2, 3, 4, 4, 33, 34, 34)
    ]
    unlocks = [e for e in entries if e.action == "unlock"]
    assert [e.user_name for e in unlocks[-2:]] == ["wang", ADMIN]
    assert entries[-1].action == "unlock" and entries[-1].user_name == ADMIN


def test_the_state_file_names_no_one(vault_folder, fake_clock):
    vault = Vault(vault_folder, clock=fake_clock)
    _fail(vault)
    with pytest.raises(AftercareError, match="the user name or the passphrase is wrong"):
        vault.unlock("SENTINEL-ghost-user", ADMIN_PASSPHRASE)
    state = lockout.state_path(vault_folder).read_bytes()
    assert b"admin" not in state and b"SENTINEL" not in state
    opened = vault.unlock(ADMIN, ADMIN_PASSPHRASE)
    reasons = [e.detail["reason"] for e in audit.entries(opened.conn, action="unlock_failed")]
    opened.lock()
    assert sorted(reasons) == ["unknown user", "wrong passphrase"]


def test_failures_are_audited_when_the_recovery_code_resets_the_passphrase(make_vault, fake_clock):
    folder, code = make_vault()
    vault = Vault(folder, clock=fake_clock)
    _fail(vault)
    _fail(vault)
    vault.reset_passphrase_with_recovery(code, ADMIN, "granite harbour violet 5")
    assert vault.unlock_wait(ADMIN) == 0
    opened = vault.unlock(ADMIN, "granite harbour violet 5")
    actions = [e.action for e in reversed(audit.entries(opened.conn))]
    opened.lock()
    assert actions[-4:] == [
        "unlock_failed",
        "unlock_failed",
        "passphrase_reset_by_recovery",
        "unlock",
    ]
