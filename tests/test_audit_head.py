"""The audit trail's head kept outside the database (issue #14, item 4): an earlier vault.db
put back is refused at unlock, with a message that says what happened and what to do; a
restore goes back on purpose."""

from __future__ import annotations

import json
import shutil

import pytest

from app import audit
from app.errors import AftercareError
from app.vault import backup, lockout, slots
from app.vault.vault import DB_NAME, Vault
from tests.helpers import ADMIN, ADMIN_PASSPHRASE, folder_snapshot

pytestmark = pytest.mark.usefixtures("english")


def _work(folder, what: str) -> None:
    opened = Vault(folder).unlock(ADMIN, ADMIN_PASSPHRASE)
    with opened.write():
        opened.audit("cases_exported", detail={"file": what})
    opened.lock()


def _put_back(folder, saved) -> None:
    """What the attacker did: copy an earlier vault.db over the current one (no key needed)."""
    for name in (DB_NAME + "-wal", DB_NAME + "-shm"):
        (folder / name).unlink(missing_ok=True)
    shutil.copy(saved, folder / DB_NAME)


def test_an_earlier_database_put_back_is_refused(vault_folder, tmp_path):
    saved = tmp_path / "earlier.db"
    shutil.copy(vault_folder / DB_NAME, saved)
    _work(vault_folder, "export-1.json")  # the export the attacker wants forgotten
    _put_back(vault_folder, saved)
    before = folder_snapshot(vault_folder)
    with pytest.raises(AftercareError, match="older than this vault's record") as refused:
        Vault(vault_folder).unlock(ADMIN, ADMIN_PASSPHRASE)
    assert "aftercare restore" in str(refused.value)
    assert folder_snapshot(vault_folder) == before  # nothing was written


@pytest.mark.parametrize("where", ["vault.keys", "vault.state"])
def test_either_copy_of_the_head_is_enough(vault_folder, tmp_path, where):
    saved = tmp_path / "earlier.db"
    shutil.copy(vault_folder / DB_NAME, saved)
    _work(vault_folder, "export-1.json")
    _put_back(vault_folder, saved)
    if where == "vault.keys":  # strip the head from the key file and its spare
        for path in (slots.keys_path(vault_folder), slots.spare_path(vault_folder)):
            doc = json.loads(path.read_text())
            del doc["audit_head"]
            path.write_text(json.dumps(doc))
    else:
        lockout.state_path(vault_folder).unlink()
    with pytest.raises(AftercareError, match="older than this vault's record"):
        Vault(vault_folder).unlock(ADMIN, ADMIN_PASSPHRASE)


def test_a_head_removed_from_both_files_is_refused(vault_folder, tmp_path):
    saved = tmp_path / "earlier.db"
    shutil.copy(vault_folder / DB_NAME, saved)
    _work(vault_folder, "export-1.json")
    _put_back(vault_folder, saved)
    for path in (slots.keys_path(vault_folder), slots.spare_path(vault_folder)):
        doc = json.loads(path.read_text())
        del doc["audit_head"]
        path.write_text(json.dumps(doc))
    lockout.state_path(vault_folder).unlink()
    with pytest.raises(AftercareError, match=r"record of the audit trail .* is missing"):
        Vault(vault_folder).unlock(ADMIN, ADMIN_PASSPHRASE)


def test_a_forged_head_does_not_verify(vault_folder):
    """Lowering the recorded head by hand (no key) does not let an earlier copy in: the
    edited copy fails its HMAC and the other copy still holds."""
    path = slots.keys_path(vault_folder)
    doc = json.loads(path.read_text())
    doc["audit_head"]["seq"] = 1
    path.write_text(json.dumps(doc))
    opened = Vault(vault_folder).unlock(ADMIN, ADMIN_PASSPHRASE)  # the state file's copy holds
    opened.lock()
    recorded = json.loads(path.read_text())["audit_head"]
    assert recorded["seq"] > 1  # rewritten from the database at unlock


def test_a_restore_goes_back_on_purpose(vault_folder, tmp_path):
    opened = Vault(vault_folder).unlock(ADMIN, ADMIN_PASSPHRASE)
    made = backup.write_backup(
        vault_folder, opened.conn, opened.data_key_for_backup(), tmp_path / "b.acbackup"
    )
    opened.lock()
    _work(vault_folder, "export-1.json")
    restored = tmp_path / "restored"
    backup.restore_backup(made.path, restored)
    again = Vault(restored).unlock(ADMIN, ADMIN_PASSPHRASE)
    assert audit.verify(again.conn).ok
    assert not audit.entries(again.conn, action="cases_exported")  # the earlier state
    again.lock()
    # The current vault still opens, with its export on record.
    current = Vault(vault_folder).unlock(ADMIN, ADMIN_PASSPHRASE)
    assert audit.entries(current.conn, action="cases_exported")
    current.lock()
