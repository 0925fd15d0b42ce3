"""SIGKILL a process that edits case files through the services, at random moments.

The child (edit_child.py) unlocks once and makes random edits: the profile, notes, services,
follow-ups, closing and reopening. It prints each edit before the call and `ok N` once the
call returned. After every kill the parent opens the database with the data key and checks:

- PRAGMA integrity_check is "ok" and PRAGMA cipher_integrity_check reports nothing;
- every case is exactly what the acknowledged edits made it: each acknowledged edit is
  there, no refused edit is, and the one edit in flight when the kill came is either there
  whole or not at all (if it is there, it counts as done for the next round);
- the audit chain verifies.

The kills are split over rounds (one vault each) so pytest-xdist can run them side by side.
Fast: 2 x 5 kills (tests/test_crash.py adds 20 kills of raw writes); full: 20 x 25 = 500.
"""

from __future__ import annotations

import json
import os
import random
import shutil
from pathlib import Path

import pytest

from app import audit
from app.storage import cases_repo
from app.storage.connection import connect
from app.vault.vault import DB_NAME
from tests.helpers import credentials
from tests.reliability.conftest import CASEWORKER, scaled
from tests.reliability.kill import run_and_kill

CHILD = Path(__file__).with_name("edit_child.py")
ROUNDS = scaled(2, 20)
KILLS_PER_ROUND = scaled(5, 25)

State = dict[str, dict]  # case number -> what the edits touch


def observe(conn) -> State:
    """What the child's edits can change, for every case in the vault."""
    state = {}
    requested = {
        row[0]
        for row in conn.execute(
            "SELECT c.case_number FROM closure_requests r JOIN cases c ON c.id = r.case_id"
            " WHERE r.state = 'pending'"
        )
    }
    for case in cases_repo.iter_cases(conn):
        status = case.status
        if status == "open" and case.case_number in requested:
            status = "closure_requested"
        state[case.case_number] = {
            "address": case.person.address,
            "status": status,
            "notes": sorted(n.text for n in case.notes if n.text.startswith("note-")),
            "services": {
                s.notes: s.status for s in case.services if (s.notes or "").startswith("svc-")
            },
            "followups": {
                f.notes: f.done_on and f.done_on.isoformat()
                for f in case.followups
                if (f.notes or "").startswith("fu-")
            },
        }
    return state


def apply(state: State, edit: dict) -> State:
    """The state after one edit, as the child's services call makes it."""
    after = json.loads(json.dumps(state))
    case, op, token, target = after[edit["case"]], edit["op"], edit["token"], edit["target"]
    if op == "profile":
        case["address"] = token
    elif op == "note_add":
        case["notes"] = sorted([*case["notes"], token])
    elif op == "note_delete":
        case["notes"].remove(target)
    elif op == "service_add":
        case["services"][token] = "ongoing"
    elif op == "service_done":
        case["services"][target] = "completed"
    elif op == "followup_add":
        case["followups"][token] = None
    elif op == "followup_done":
        case["followups"][target] = "2026-11-28"
    elif op == "close":
        # The child is a caseworker: her closing is a request a supervisor approves, and the
        # case stays open until then (a second close while it waits is refused).
        case["status"] = "closure_requested"
    elif op == "reopen":
        case["status"] = "open"
    return after


class Transcript:
    """The lines one child printed: acknowledged edits, refusals, the edit in flight."""

    def __init__(self, lines: list[bytes]):
        self.begun: dict[int, dict] = {}
        self.acknowledged: list[dict] = []
        self.refused = 0
        for line in lines:
            word, _, rest = line.decode().partition(" ")
            if word == "begin":
                edit = json.loads(rest)
                self.begun[edit["n"]] = edit
            elif word == "ok":
                self.acknowledged.append(self.begun.pop(int(rest)))
            elif word == "refused":
                self.begun.pop(int(rest))
                self.refused += 1
        assert len(self.begun) <= 1, self.begun
        self.in_flight = next(iter(self.begun.values()), None)


def check_database(folder: Path, key: bytes, expected: State, in_flight: dict | None) -> State:
    """Check the database after a kill; the state to expect from now on."""
    conn = connect(folder / DB_NAME, key)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA cipher_integrity_check").fetchall() == []
        found = observe(conn)
        if found != expected:
            assert in_flight is not None and found == apply(expected, in_flight), (
                "the cases differ from what the acknowledged edits made them: "
                + json.dumps(
                    {
                        k: (expected[k], found.get(k))
                        for k in expected
                        if expected[k] != found.get(k)
                    },
                    ensure_ascii=False,
                )[:3000]
            )
        verification = audit.verify(conn)
        assert verification.ok, verification
        return found
    finally:
        conn.close()


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_sigkill_during_case_edits_loses_no_acknowledged_edit(
    cases_template, tmp_path, tally, round_
):
    template, _code, key = cases_template
    folder = tmp_path / "vault"
    shutil.copytree(template, folder)
    seed = int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)
    conn = connect(folder / DB_NAME, key)
    expected = observe(conn)
    conn.close()
    acknowledged = 0
    for kill in range(KILLS_PER_ROUND):
        lines = run_and_kill(
            CHILD,
            [str(folder), str(rng.getrandbits(32)), str(kill * 1_000_000)],
            rng,
            env=credentials(CASEWORKER),
            err_path=tmp_path / "child.err",
            write_window_s=0.3,
        )
        transcript = Transcript(lines)
        for edit in transcript.acknowledged:
            expected = apply(expected, edit)
        before = expected
        try:
            expected = check_database(folder, key, expected, transcript.in_flight)
        except AssertionError as exc:
            raise AssertionError(f"after kill {kill + 1} (seed {seed}): {exc}") from exc
        acknowledged += len(transcript.acknowledged)
        tally.add("crash: case edits", "kills")
        tally.add("crash: case edits", "acknowledged edits", len(transcript.acknowledged))
        tally.add("crash: case edits", "refused edits", transcript.refused)
        if transcript.in_flight is not None:
            outcome = "committed" if expected != before else "not committed"
            tally.add("crash: case edits", f"edits in flight, found {outcome}")
    assert acknowledged, f"no child got to edit (seed {seed})"
