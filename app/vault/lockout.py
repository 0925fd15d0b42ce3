"""Failed unlocks, counted outside the database because they happen before it can be opened.

`vault.state` maps a slot id (never a name) to the run of failures and the failures not yet
written to the audit trail. After 5 failures in a row a user waits 30 s before the next try,
then 60 s, 120 s, ... The file is not secret and not authenticated: the wait stops a person
at the keyboard guessing, while the Argon2id cost stops an offline attacker.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from app.fileio import atomic_write_bytes

FREE_TRIES = 5
FIRST_WAIT_S = 30.0
UNKNOWN_USER = "unknown-user"


def state_path(folder: Path) -> Path:
    return folder / "vault.state"


@dataclass
class Failures:
    in_a_row: int = 0
    last_at: float = 0.0


class Lockout:
    def __init__(self, folder: Path):
        self.path = state_path(folder)
        try:
            self.doc = json.loads(self.path.read_text())
            if not isinstance(self.doc, dict):
                raise ValueError
        except (FileNotFoundError, ValueError, UnicodeDecodeError):
            self.doc = {}
        self.doc.setdefault("runs", {})
        self.doc.setdefault("unaudited", [])

    def _save(self) -> None:
        atomic_write_bytes(self.path, json.dumps(self.doc, sort_keys=True).encode())

    def failures(self, slot_id: str) -> Failures:
        run = self.doc["runs"].get(slot_id, {})
        return Failures(int(run.get("in_a_row", 0)), float(run.get("last_at", 0.0)))

    def wait_seconds(self, slot_id: str, now: float) -> float:
        """How long until `slot_id` may try again (0 when it may try now)."""
        failures = self.failures(slot_id)
        if failures.in_a_row < FREE_TRIES:
            return 0.0
        wait = FIRST_WAIT_S * 2 ** (failures.in_a_row - FREE_TRIES)
        return max(0.0, failures.last_at + wait - now)

    def record_failure(self, slot_id: str, now: float, reason: str) -> None:
        failures = self.failures(slot_id)
        self.doc["runs"][slot_id] = {"in_a_row": failures.in_a_row + 1, "last_at": now}
        self.doc["unaudited"].append({"slot": slot_id, "at": now, "reason": reason})
        self._save()

    def record_refused(self, slot_id: str, now: float) -> None:
        """A try while locked out: not checked, so it does not lengthen the wait, but audited."""
        self.doc["unaudited"].append({"slot": slot_id, "at": now, "reason": "locked out"})
        self._save()

    def unaudited(self) -> list[dict]:
        """Every failure the audit trail lacks, oldest first."""
        return list(self.doc["unaudited"])

    def record_success(self, slot_id: str) -> None:
        """Clear the run for `slot_id`; call once `unaudited()` is in the audit trail."""
        self.doc["runs"].pop(slot_id, None)
        self.doc["unaudited"] = []
        self._save()
