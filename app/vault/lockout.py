"""Failed unlocks, counted outside the database because they happen before it can be opened.

`vault.state` maps a slot id (never a name) to the run of failures and the failures not yet
written to the audit trail; it also keeps a copy of the audit trail's head
(app.vault.audit_head). After 5 failures in a row a user waits 30 s before the next try,
then 60 s, 120 s, ... The file is not secret and not authenticated: the wait stops a person
at the keyboard guessing, while the Argon2id cost stops an offline attacker.

Every change is a read-modify-write of the file under an exclusive lock on the vault folder
(`locked()`), held by the unlock for the whole try (the wait check, the derivation and the
record of its outcome), so that tries made at the same moment from several windows or
commands are checked one after the other and every failure is counted and later audited.
Entries leave the file only by their id, once the audit trail holds them, so a failure
recorded while another process was unlocking is kept for the next unlock.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.fileio import atomic_write_bytes

FREE_TRIES = 5
FIRST_WAIT_S = 30.0


def state_path(folder: Path) -> Path:
    return folder / "vault.state"


def unknown_name_key(name_tag: str) -> str:
    """The counter of a login name no slot has: its salted hash, cut short, so that a name
    that does not exist is counted and made to wait exactly like one that does."""
    return "name-" + name_tag[:16]


@contextlib.contextmanager
def _exclusive(folder: Path) -> Iterator[None]:
    """An exclusive lock on the vault folder itself (POSIX: flock on the directory, so no
    file is added to the vault); Windows locks the first byte of `vault.state.lock`."""
    if os.name == "nt":  # pragma: no cover - Windows
        import msvcrt

        fd = os.open(folder / "vault.state.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            msvcrt.locking(fd, msvcrt.LK_LOCK, 1)  # type: ignore[attr-defined]
            yield
        finally:
            os.close(fd)
        return
    import fcntl

    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


@dataclass
class Failures:
    in_a_row: int = 0
    last_at: float = 0.0


class Lockout:
    def __init__(self, folder: Path):
        self.folder = folder
        self.path = state_path(folder)
        self._depth = 0
        self.doc: dict[str, Any] = self._read()

    def _read(self) -> dict[str, Any]:
        try:
            doc = json.loads(self.path.read_text())
            if not isinstance(doc, dict):
                raise ValueError
        except (FileNotFoundError, ValueError, UnicodeDecodeError):
            doc = {}
        doc.setdefault("runs", {})
        doc.setdefault("unaudited", [])
        for entry in doc["unaudited"]:
            # An entry written by an older release has no id: name it by its content.
            entry.setdefault("id", "old-" + json.dumps(entry, sort_keys=True))
        return doc

    @contextlib.contextmanager
    def locked(self) -> Iterator[Lockout]:
        """Hold the state file for a whole try; nested uses share the one lock."""
        if self._depth:
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        with _exclusive(self.folder):
            self._depth = 1
            try:
                self.doc = self._read()  # what other processes wrote before we held it
                yield self
            finally:
                self._depth = 0

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
        wait = FIRST_WAIT_S * 2.0 ** (failures.in_a_row - FREE_TRIES)
        return max(0.0, failures.last_at + wait - now)

    def _append(self, slot_id: str, now: float, reason: str) -> None:
        self.doc["unaudited"].append(
            {"id": secrets.token_hex(6), "slot": slot_id, "at": now, "reason": reason}
        )

    def record_failure(self, slot_id: str, now: float, reason: str) -> None:
        with self.locked():
            failures = self.failures(slot_id)
            self.doc["runs"][slot_id] = {"in_a_row": failures.in_a_row + 1, "last_at": now}
            self._append(slot_id, now, reason)
            self._save()

    def record_refused(self, slot_id: str, now: float) -> None:
        """A try while locked out: not checked, so it does not lengthen the wait, but audited."""
        with self.locked():
            self._append(slot_id, now, "locked out")
            self._save()

    def unaudited(self) -> list[dict[str, Any]]:
        """Every failure the audit trail lacks, oldest first."""
        with self.locked():
            return list(self.doc["unaudited"])

    def head(self) -> dict[str, Any] | None:
        """The copy of the audit head kept here (app.vault.audit_head checks it)."""
        return self._read().get("audit_head")

    def record_head(self, sealed_head: dict[str, Any]) -> None:
        with self.locked():
            self.doc["audit_head"] = sealed_head
            self._save()

    def record_success(self, slot_id: str, audited: list[dict[str, Any]]) -> None:
        """Clear the run for `slot_id` and drop the entries `audited` (now in the trail);
        failures recorded since they were read stay for the next unlock."""
        done = {entry.get("id") for entry in audited}
        with self.locked():
            self.doc["runs"].pop(slot_id, None)
            self.doc["unaudited"] = [e for e in self.doc["unaudited"] if e["id"] not in done]
            self._save()
