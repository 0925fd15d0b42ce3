"""The data key's life cycle: every change that ends someone's access changes the key, and the
key file is rebuilt from the users the database holds (issue #14, items 1, 2 and 7).

Each attack here is made as an attacker would make it: with the files and the program's own
slot code, never through a private shortcut of the vault.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from app import audit
from app.errors import AftercareError
from app.storage.connection import connect
from app.vault import passphrase, slots
from app.vault.vault import DB_NAME, Vault
from tests.helpers import ADMIN, ADMIN_PASSPHRASE, REPO_ROOT, TEAM, child_env, data_key

pytestmark = pytest.mark.usefixtures("english")

NEW = "granite harbour violet 5"
ATTACKER_CODE = "1111-2222-3333-4444-5555-6666-7777-8888-9999-0000"
REFUSED = "the user name or the passphrase is wrong"


def _opens_db(folder, key: bytes) -> bool:
    try:
        connect(folder / DB_NAME, key).close()
    except AftercareError:
        return False
    return True


def _plant_recovery_slot(folder, name: str, secret: str, *, first: bool = False) -> str:
    """What the caseworker did: unwrap the data key with her own passphrase and add a
    'recovery' slot sealed to a code of her own, writing both copies of the key file."""
    slot_file, _spare = slots.read(folder)
    key = slots.open_slot(slot_file.vault_id, slot_file.find_user(name), secret)
    planted = slots.make_slot(
        slot_file.vault_id,
        kind=slots.RECOVERY,
        user_id=None,
        name_tag=None,
        secret=passphrase.normalise_recovery_code(ATTACKER_CODE),
        data_key=key,
    )
    slot_file.slots = [planted, *slot_file.slots] if first else [*slot_file.slots, planted]
    slots.write(folder, slot_file)
    return planted.slot_id


def _planted_key(folder, slot_id: str) -> bytes | None:
    """The data key the planted slot yields now, if it is still in the key file."""
    slot_file, _spare = slots.read(folder)
    slot = next((s for s in slot_file.slots if s.slot_id == slot_id), None)
    if slot is None:
        return None
    return slots.open_slot(
        slot_file.vault_id, slot, passphrase.normalise_recovery_code(ATTACKER_CODE)
    )


def test_a_slot_planted_by_a_removed_user_opens_nothing(make_vault):
    folder, _code = make_vault(team=True)
    admin = Vault(folder).unlock(ADMIN, ADMIN_PASSPHRASE)  # the window is open meanwhile
    planted = _plant_recovery_slot(folder, "wang", TEAM["wang"][1])
    admin.remove_user("wang")
    dropped = audit.entries(admin.conn, action="key_slot_dropped")
    admin.lock()

    assert _planted_key(folder, planted) is None  # not carried into the new key file
    assert [e.detail["slot"] for e in dropped] == [planted]
    # Nor into its spare, nor into anything that still opens the database.
    for path in (slots.keys_path(folder), slots.spare_path(folder)):
        assert planted not in path.read_text()


def test_a_planted_slot_is_dropped_and_audited_at_the_next_unlock(make_vault):
    folder, _code = make_vault(team=True)
    planted = _plant_recovery_slot(folder, "wang", TEAM["wang"][1])
    opened = Vault(folder).unlock(ADMIN, ADMIN_PASSPHRASE)
    dropped = audit.entries(opened.conn, action="key_slot_dropped")
    opened.lock()
    assert [e.detail["slot"] for e in dropped] == [planted]
    assert _planted_key(folder, planted) is None


def test_a_planted_recovery_slot_cannot_reset_a_passphrase(make_vault):
    folder, code = make_vault(team=True)
    key = data_key(folder, code)
    planted = _plant_recovery_slot(folder, "wang", TEAM["wang"][1], first=True)
    with pytest.raises(AftercareError, match="recovery slot this vault does not record"):
        Vault(folder).reset_passphrase_with_recovery(ATTACKER_CODE, ADMIN, NEW)
    conn = connect(folder / DB_NAME, key)
    refused = audit.entries(conn, action="key_slot_refused")
    conn.close()
    assert [e.detail["slot"] for e in refused] == [planted]
    Vault(folder).unlock(ADMIN, ADMIN_PASSPHRASE).lock()  # the admin's passphrase is intact


def _old_key_file_opens_db(folder, old_keys: bytes, secret: str, *, name: str | None) -> bool:
    """An attacker's try: an older vault.keys (a backup's) and the secret it knew."""
    old = slots.SlotFile.from_bytes(old_keys)
    if name is None:
        slot, secret = old.recovery(), passphrase.normalise_recovery_code(secret)
    else:
        slot = old.find_user(name)
    key = slots.open_slot(old.vault_id, slot, secret)
    return _opens_db(folder, key)


def test_a_passphrase_change_retires_the_old_passphrase_in_every_key_file(make_vault):
    folder, _code = make_vault(team=True)
    old_keys = slots.keys_path(folder).read_bytes()
    assert _old_key_file_opens_db(folder, old_keys, TEAM["li"][1], name="li")
    opened = Vault(folder).unlock("li", TEAM["li"][1])
    opened.change_passphrase(TEAM["li"][1], NEW)
    opened.lock()
    assert not _old_key_file_opens_db(folder, old_keys, TEAM["li"][1], name="li")
    Vault(folder).unlock("li", NEW).lock()
    for name in ("admin", "chen"):  # every other user's slot was re-sealed
        Vault(folder).unlock(name, TEAM[name][1]).lock()


def test_a_new_recovery_code_retires_the_old_code_in_every_key_file(make_vault):
    folder, code = make_vault(team=True)
    old_keys = slots.keys_path(folder).read_bytes()
    opened = Vault(folder).unlock(ADMIN, ADMIN_PASSPHRASE)
    new_code = opened.new_recovery_code()
    opened.lock()
    assert not _old_key_file_opens_db(folder, old_keys, code, name=None)
    assert _opens_db(folder, data_key(folder, new_code))


def test_a_reset_with_the_recovery_code_retires_the_forgotten_passphrase(make_vault):
    folder, code = make_vault(team=True)
    old_keys = slots.keys_path(folder).read_bytes()
    Vault(folder).reset_passphrase_with_recovery(code, "zhao", NEW)
    assert not _old_key_file_opens_db(folder, old_keys, TEAM["zhao"][1], name="zhao")
    opened = Vault(folder).unlock("zhao", NEW)
    assert audit.entries(opened.conn, limit=2)[1].detail == {"user": "zhao", "key_rotated": True}
    opened.lock()


def test_a_reset_from_the_users_page_keeps_the_admins_vault_open(make_vault):
    folder, code = make_vault(team=True)
    opened = Vault(folder).unlock(ADMIN, ADMIN_PASSPHRASE)
    opened.reset_with_recovery(code, "zhao", NEW)
    assert [u.name for u in opened.users()][:2] == ["admin", "chen"]  # still readable
    opened.lock()
    Vault(folder).unlock("zhao", NEW).lock()


def test_an_older_key_file_put_back_opens_nothing_after_a_removal(make_vault):
    folder, _code = make_vault(team=True)
    saved = folder.parent / "saved-keys"
    saved.mkdir()
    shutil.copy(slots.keys_path(folder), saved / "vault.keys")
    opened = Vault(folder).unlock(ADMIN, ADMIN_PASSPHRASE)
    opened.remove_user("wang")
    opened.lock()
    for name in ("vault.keys", "vault.keys.bak"):
        shutil.copy(saved / "vault.keys", folder / name)
    with pytest.raises(AftercareError):
        Vault(folder).unlock("wang", TEAM["wang"][1])
    assert not _old_key_file_opens_db(
        folder, (saved / "vault.keys").read_bytes(), TEAM["wang"][1], name="wang"
    )


# --- item 7: names cannot be probed -----------------------------------------------------------


def test_an_unknown_name_and_a_wrong_passphrase_get_the_same_answer(vault_folder):
    answers = []
    for name, secret in ((ADMIN, "not the passphrase"), ("nobody", "not the passphrase")):
        with pytest.raises(AftercareError) as caught:
            Vault(vault_folder).unlock(name, secret)
        answers.append(str(caught.value).replace(f"“{name}”", "“NAME”"))
    assert answers[0] == answers[1]
    assert REFUSED in answers[0]


# The peak resident memory of this process alone (ru_maxrss would include the parent's: it
# survives exec), in KiB.
PEAK_MEMORY_CHILD = """
import sys
from app.errors import AftercareError
from app.vault.vault import Vault

def peak():
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:"))

vault = Vault(sys.argv[1])
before = peak()
try:
    vault.unlock(sys.argv[2], "not the passphrase")
except AftercareError:
    pass
print(peak() - before)
"""


@pytest.mark.skipif(sys.platform != "linux", reason="VmHWM is Linux's")
@pytest.mark.parametrize("name", [ADMIN, "nobody"])
def test_an_unknown_name_costs_a_derivation_like_a_known_one(vault_folder, name):
    """The work done is seen in the peak memory of a fresh process: an Argon2id derivation
    takes at least 64 MiB, for a name that exists and for one that does not."""
    done = subprocess.run(
        [sys.executable, "-c", PEAK_MEMORY_CHILD, str(vault_folder), name],
        capture_output=True,
        text=True,
        env=child_env({"AFTERCARE_KDF_CALIBRATE": "0"}),
        cwd=REPO_ROOT,
        timeout=60,
        check=True,
    )
    grown_kib = int(done.stdout.strip())
    assert grown_kib >= 60 * 1024, done.stdout


def test_the_state_file_counts_an_unknown_name_without_naming_it(vault_folder):
    for _ in range(2):
        with pytest.raises(AftercareError):
            Vault(vault_folder).unlock("SENTINEL-nobody", ADMIN_PASSPHRASE)
    state = (vault_folder / "vault.state").read_text()
    assert "SENTINEL" not in state.upper() and "nobody" not in state
    runs = json.loads(state)["runs"]
    assert [run["in_a_row"] for run in runs.values()] == [2]
