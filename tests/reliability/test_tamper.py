"""Copies of a vault with one random byte changed: each opens with a clear error or the right data.

Each copy has one byte (at a random offset, XORed with a random non-zero value) changed in
one of: vault.db, vault.keys, its spare copy vault.keys.bak, or a backup file. Then the copy
is opened the way a person would: unlocked with the admin's passphrase (a backup is first
restored into a new folder, then unlocked). Outcomes:

- refused: the unlock or the restore raised AftercareError;
- damage found: the open succeeded, but reading every case raised AftercareError or the
  driver's damage error (app.storage.connection.is_damage: what the command and the window
  turn into "the database is damaged; restore from a backup"), or PRAGMA integrity_check /
  cipher_integrity_check reported the damage. SQLCipher keeps an HMAC on every page, so a
  changed byte is found when its page is read: the export reads every case, and
  cipher_integrity_check reads every page, free pages included (the program runs both checks
  on every backup and restore). A vault.db has no bytes outside its pages;
- intact: it opened, both checks passed, and a full export of the cases equals the original.
  Allowed only where no data was touched: the spare key file (not read while vault.keys is
  good), vault.keys when the unlock fell back to the spare and then rewrote vault.keys, or
  a backup's ZIP bookkeeping that no check covers (timestamps, attributes) when every
  restored file is byte-identical to the original. Anything else intact is a failure: a
  change nothing noticed;
- anything else is a failure: another exception (a traceback for the user), or data that
  differs from the original (wrong data).

A changed vault.keys is opened by every user of the team and by the recovery code (the
admin alone reads only the admin's slot). Each must open to the original data or be
refused; when one slot's bytes were changed and the file still parses, that user is refused
("the user name or the passphrase is wrong": the spare copy is consulted only when vault.keys
cannot be read at all) while every other user opens the vault ("refused for the changed
slot"). A change that leaves the file's content as it was (JSON white space, hex case)
opens for everyone ("intact: JSON layout only"). A change in the audit head the file
records fails its HMAC; the copy in vault.state holds, and the unlock writes the head again
("head refused, written again").

Fast: 16 copies; full: 100 copies (AFTERCARE_RELIABILITY=full).
"""

from __future__ import annotations

import os
import random
import shutil
import traceback
from pathlib import Path

import pytest

from app.errors import AftercareError
from app.interchange.cases_v1 import dump_document
from app.storage import cases_repo
from app.storage.connection import connect, is_damage
from app.vault import backup, slots
from app.vault.vault import DB_NAME, Vault
from tests.helpers import ADMIN, TEAM, data_key, key_slots
from tests.reliability.conftest import scaled

COPIES = scaled(16, 100)
TARGETS = ("vault.db", "vault.keys", "vault.keys.bak", "backup")
BACKUP = "backups/before.acbackup"


def full_export(conn) -> bytes:
    return dump_document(list(cases_repo.iter_cases(conn)))


@pytest.fixture(scope="module")
def original(cases_template, tmp_path_factory) -> tuple[Path, bytes, dict[str, bytes]]:
    """The untouched vault (with a backup in backups/), its cases exported, its files' bytes."""
    template, _code, key = cases_template
    folder = tmp_path_factory.mktemp("tamper") / "vault"
    shutil.copytree(template, folder)
    (folder / "backups").mkdir()
    conn = connect(folder / DB_NAME, key)
    try:
        backup.write_backup(folder, conn, key, folder / BACKUP)
        export = full_export(conn)
    finally:
        conn.close()
    files = {name: (folder / name).read_bytes() for name in ("vault.db", "vault.keys")}
    return folder, export, files


def _flip(path: Path, rng: random.Random) -> int:
    data = bytearray(path.read_bytes())
    offset = rng.randrange(len(data))
    data[offset] ^= rng.randrange(1, 256)
    path.write_bytes(bytes(data))
    return offset


def _open_and_read(folder: Path, export: bytes, user: str = ADMIN) -> str:
    """Unlock the vault in `folder` as `user` and read everything; the outcome."""
    try:
        opened = Vault(folder).unlock(user, TEAM[user][1])
    except AftercareError:
        return "refused"
    try:
        try:
            found = full_export(opened.conn)
            checks_ok = (
                opened.conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
                and not opened.conn.execute("PRAGMA cipher_integrity_check").fetchall()
            )
        except AftercareError:
            return "damage found"
        except Exception as exc:
            if is_damage(exc):
                return "damage found"
            raise
        if not checks_ok:
            return "damage found"
        return "intact" if found == export else "WRONG DATA"
    finally:
        opened.lock()


def _recovery_outcome(folder: Path, code: str, key: bytes) -> str:
    """What the recovery code opens (the slot only: HKDF, no Argon2id)."""
    try:
        found = data_key(folder, code)
    except (AftercareError, slots.SlotOpenFailed):
        return "refused"
    return "intact" if found == key else "WRONG DATA"


def _keys_outcome(folder: Path, original, code: str, key: bytes, changed: bytes) -> str:
    """A changed vault.keys is read by every user's unlock and by the recovery code: each
    must open to the right data or be refused; a change nobody noticed must be harmless.
    Every unlock rewrites the file's audit head (app.vault.audit_head), so what is compared
    afterwards is its slots."""
    _template, export, files = original
    outcomes = {user: _open_and_read(folder, export, user) for user in TEAM}
    outcomes["recovery code"] = _recovery_outcome(folder, code, key)
    wrong = sorted(who for who, outcome in outcomes.items() if outcome not in ("intact", "refused"))
    if wrong:
        return "WRONG DATA for " + ", ".join(f"{who}: {outcomes[who]}" for who in wrong)
    refused = sorted(who for who, outcome in outcomes.items() if outcome == "refused")
    if refused:
        # The changed byte was in these slots; every other user still opens the vault.
        return "refused for the changed slot" if len(refused) == 1 else "refused for everyone"
    now = (folder / "vault.keys").read_bytes()
    if key_slots(now) != key_slots(files["vault.keys"]):
        return "UNDETECTED CHANGE"
    try:
        as_changed = slots.SlotFile.from_bytes(changed)
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
        return "recovered from the spare copy"
    as_before = slots.SlotFile.from_bytes(files["vault.keys"])
    if as_changed.to_bytes() == as_before.to_bytes():
        return "intact: JSON layout only"
    if key_slots(as_changed.to_bytes()) == key_slots(as_before.to_bytes()):
        # The byte was in the recorded audit head: its HMAC failed, the copy in vault.state
        # held, and the unlock wrote the head again from the database.
        return "head refused, written again"
    return "UNDETECTED CHANGE"


def _zip_bookkeeping_only(restored: Path, files: dict[str, bytes]) -> bool:
    return all((restored / name).read_bytes() == data for name, data in files.items())


def _try_copy(
    original, target: str, rng: random.Random, root: Path, code: str, key: bytes
) -> tuple[str, int]:
    template, export, files = original
    folder = root / "vault"
    shutil.copytree(template, folder)
    if target == "vault.keys":
        offset = _flip(folder / target, rng)
        changed = (folder / target).read_bytes()
        return _keys_outcome(folder, original, code, key, changed), offset
    if target != "backup":
        offset = _flip(folder / target, rng)
        outcome = _open_and_read(folder, export)
        if outcome == "intact":
            # Only the spare key file may change unnoticed: it is not read while vault.keys
            # is good. A vault.db has no byte outside its HMAC-checked pages.
            outcome = (
                "intact: spare copy not needed"
                if target == "vault.keys.bak"
                else "UNDETECTED CHANGE"
            )
        return outcome, offset
    offset = _flip(folder / BACKUP, rng)
    restored = root / "restored"
    try:
        backup.restore_backup(folder / BACKUP, restored)
    except AftercareError:
        return "refused", offset
    outcome = _open_and_read(restored, export)
    if outcome == "intact":
        outcome = (
            "intact: ZIP bookkeeping only"
            if _zip_bookkeeping_only(restored, files)
            else "UNDETECTED CHANGE"
        )
    return outcome, offset


ALLOWED = {
    "refused",
    "damage found",
    "intact: spare copy not needed",
    "recovered from the spare copy",
    "refused for the changed slot",
    "refused for everyone",
    "intact: JSON layout only",
    "head refused, written again",
    "intact: ZIP bookkeeping only",
}


def test_one_changed_byte_never_opens_to_wrong_data(original, cases_template, tmp_path, tally):
    _template, code, key = cases_template
    seed = int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)
    failures = []
    for i in range(COPIES):
        target = TARGETS[i % len(TARGETS)]  # each kind of file equally often
        try:
            outcome, offset = _try_copy(original, target, rng, tmp_path / f"copy-{i}", code, key)
        except Exception:
            outcome, offset = "EXCEPTION", -1
            failures.append(f"{target}: {traceback.format_exc()[-1500:]}")
        tally.add(f"tamper: {target}", outcome)
        if outcome not in ALLOWED and outcome != "EXCEPTION":
            around = original[2].get(target, b"")[max(offset - 40, 0) : offset + 40]
            failures.append(f"{target} byte {offset}: {outcome} (around it: {around!r})")
        shutil.rmtree(tmp_path / f"copy-{i}", ignore_errors=True)
    assert not failures, f"seed {seed}:\n" + "\n".join(failures)
