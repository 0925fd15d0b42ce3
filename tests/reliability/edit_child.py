"""The child process of test_crash_edits.py: unlock a vault once, then edit cases until killed.

    python tests/reliability/edit_child.py VAULT_FOLDER SEED FIRST_N

Unlocks as AFTERCARE_USER / AFTERCARE_PASSPHRASE (a caseworker), then loops: picks a case and
an edit at random, prints `begin {edit as JSON}`, calls the service, and prints `ok N` once
the call has returned (the edit is committed: acknowledged), or `refused N` when the service
refused it with an AftercareError (nothing may have changed). Every edit writes a token that
names it (`note-N`, `svc-N`, ...), so the parent can tell which edits are in the database.

Edits (`op`): profile (the address), note_add, note_delete, service_add, service_done,
followup_add, followup_done, close, reopen. `target` names the entry an edit changes.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import random
import sys

from app.domain.model import Followup, Note, Service
from app.errors import AftercareError
from app.services.cases import CaseFiles
from app.storage import cases_repo
from app.vault.vault import Vault

TODAY = dt.date(2026, 11, 28)
TOKEN_PREFIX = {"note_add": "note", "service_add": "svc", "followup_add": "fu"}
SERVICE_KINDS = ("shelter_care", "vocational_training", "family_tracing", "life_skills_training")


def _pick_edit(rng: random.Random, case, n: int) -> dict:
    """An edit that applies to the case as it is now (closing an open case, not a closed one)."""
    notes = [x.text for x in case.notes if x.text.startswith("note-")]
    ongoing = [
        s.notes
        for s in case.services
        if (s.notes or "").startswith("svc-") and s.status == "ongoing"
    ]
    due = [
        f.notes for f in case.followups if (f.notes or "").startswith("fu-") and f.done_on is None
    ]
    choices = ["profile", "note_add", "service_add", "followup_add", "profile", "note_add"]
    choices += ["note_delete"] * bool(notes) + ["service_done"] * bool(ongoing)
    choices += ["followup_done"] * bool(due)
    choices.append("reopen" if case.status == "closed" else "close")
    op = rng.choice(choices)
    edit = {"n": n, "case": case.case_number, "op": op, "token": None, "target": None}
    if op == "profile":
        edit["token"] = f"addr-{n}"
    elif op in TOKEN_PREFIX:
        edit["token"] = f"{TOKEN_PREFIX[op]}-{n}"
    elif op == "note_delete":
        edit["target"] = rng.choice(notes)
    elif op == "service_done":
        edit["target"] = rng.choice(ongoing)
    elif op == "followup_done":
        edit["target"] = rng.choice(due)
    return edit


def _apply(cases: CaseFiles, case, edit: dict, rng: random.Random) -> None:
    number, op, token, target = edit["case"], edit["op"], edit["token"], edit["target"]
    if op == "profile":
        person = copy.deepcopy(case.person)
        person.address = token
        cases.update_profile(number, person)
    elif op == "note_add":
        cases.save_note(number, Note(TODAY, "notes", token))
    elif op == "note_delete":
        cases.delete_note(number, next(x.id for x in case.notes if x.text == target))
    elif op == "service_add":
        kind = rng.choice(SERVICE_KINDS)
        cases.save_service(number, Service(kind, "ongoing", TODAY, notes=token))
    elif op == "service_done":
        service = copy.deepcopy(next(s for s in case.services if s.notes == target))
        service.status, service.ended_on = "completed", TODAY
        cases.save_service(number, service)
    elif op == "followup_add":
        due_on = TODAY + dt.timedelta(days=rng.randint(1, 60))
        cases.save_followup(number, Followup(due_on, notes=token))
    elif op == "followup_done":
        followup = copy.deepcopy(next(f for f in case.followups if f.notes == target))
        followup.done_on, followup.living_conditions = TODAY, "stable"
        cases.save_followup(number, followup)
    elif op == "close":
        cases.close_case(number, TODAY, "other")
    elif op == "reopen":
        cases.reopen_case(number, f"reopened by edit {edit['n']}")


def main(folder: str, seed: int, first_n: int) -> None:
    rng = random.Random(seed)
    opened = Vault(folder).unlock(os.environ["AFTERCARE_USER"], os.environ["AFTERCARE_PASSPHRASE"])
    cases = CaseFiles(opened, today=lambda: TODAY)
    numbers = [r[0] for r in opened.conn.execute("SELECT case_number FROM cases ORDER BY 1")]
    n = first_n
    while True:
        number = rng.choice(numbers)
        case = cases_repo.load_case(opened.conn, cases.case_id(number))
        edit = _pick_edit(rng, case, n)
        print("begin " + json.dumps(edit), flush=True)
        try:
            _apply(cases, case, edit, rng)
        except AftercareError:
            print(f"refused {n}", flush=True)
        else:
            print(f"ok {n}", flush=True)
        n += 1


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
