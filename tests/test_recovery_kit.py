"""The recovery kit from the command: at init, and `aftercare recovery-kit`, which replaces the
recovery code (the old printed one stops working) and writes the new one into a PDF."""

from __future__ import annotations

import hashlib
import io
import json
import re

import pytest
from pypdf import PdfReader

from app import audit
from app.storage.connection import connect
from app.vault import slots
from app.vault.vault import DB_NAME
from tests.helpers import ADMIN_PASSPHRASE, credentials, data_key, folder_snapshot, key_slots

pytestmark = pytest.mark.usefixtures("english")

INIT = ["--unit-code", "350100-S09", "--unit-name", "福州市测试救助站", "--prefecture", "350100"]


def kit_code(pdf: bytes) -> str:
    """The code as printed: the four-digit groups between the heading and the reading hint."""
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    grid = text.split("Recovery code", 1)[1].split("Type the groups", 1)[0]
    groups = re.findall(r"\d{4}", grid)
    assert len(groups) == 10, grid
    return "-".join(groups)


def opens(folder, code: str) -> bool:
    try:
        key = data_key(folder, code)
    except slots.SlotOpenFailed:
        return False
    connect(folder / DB_NAME, key).close()
    return True


def test_init_writes_the_kit_too(cli, tmp_path):
    folder, pdf = tmp_path / "vault", tmp_path / "kit.pdf"
    env = {"AFTERCARE_NEW_PASSPHRASE": ADMIN_PASSPHRASE}
    done = cli("init", str(folder), *INIT, "--admin", "admin", "--kit", str(pdf), "--json", env=env)
    assert done.code == 0, done.err
    code = json.loads(done.out)["recovery_code"]
    data = pdf.read_bytes()
    assert kit_code(data) == code and opens(folder, code)
    assert "福州市测试救助站" in PdfReader(io.BytesIO(data)).pages[0].extract_text()
    conn = connect(folder / DB_NAME, data_key(folder, code))
    (entry,) = audit.entries(conn, action="recovery_kit_written")
    conn.close()
    assert entry.detail == {"sha256": hashlib.sha256(data).hexdigest()}

    done = cli("init", str(tmp_path / "v2"), *INIT, "--admin", "admin", "--kit", str(pdf), env=env)
    assert "print it, then delete the file" in done.out


def test_init_with_a_kit_that_cannot_be_written_makes_no_vault(cli, tmp_path):
    folder = tmp_path / "vault"
    env = {"AFTERCARE_NEW_PASSPHRASE": ADMIN_PASSPHRASE}
    target = tmp_path / "no-such-folder" / "kit.pdf"
    done = cli("init", str(folder), *INIT, "--admin", "admin", "--kit", str(target), env=env)
    assert done.code == 1 and "does not exist; nothing was changed" in done.err
    assert not folder.exists()


def test_a_new_kit_replaces_the_code(make_vault, cli, tmp_path):
    folder, old_code = make_vault()
    pdf = tmp_path / "kit.pdf"
    done = cli("recovery-kit", str(folder), "--out", str(pdf), env=credentials())
    assert done.code == 0, done.err
    assert "the old recovery code no longer works" in done.out
    assert "is not encrypted" in done.out
    new_code = kit_code(pdf.read_bytes())
    assert new_code not in done.out  # the code is on paper only
    assert not opens(folder, old_code)
    assert opens(folder, new_code)

    conn = connect(folder / DB_NAME, data_key(folder, new_code))
    actions = [(e.action, e.user_name, e.detail) for e in audit.entries(conn, limit=3)][
        1:
    ]  # after the lock
    conn.close()
    assert actions[:2] == [
        ("recovery_kit_written", "admin", {"sha256": hashlib.sha256(pdf.read_bytes()).hexdigest()}),
        ("recovery_code_replaced", "admin", {"key_rotated": True}),
    ]


def test_only_an_administrator_may_make_one_and_a_bad_target_changes_nothing(
    make_vault, cli, tmp_path
):
    folder, code = make_vault(team=True)
    keys = folder_snapshot(folder)["vault.keys"]
    done = cli(
        "recovery-kit", str(folder), "--out", str(tmp_path / "k.pdf"), env=credentials("chen")
    )
    assert done.code == 1 and "Supervisor may not replace the recovery code" in done.err
    for target in (tmp_path / "missing" / "k.pdf", tmp_path):
        done = cli("recovery-kit", str(folder), "--out", str(target), env=credentials())
        assert done.code == 1 and len(done.err_lines) == 1, done.err
    assert key_slots(folder_snapshot(folder)["vault.keys"]) == key_slots(keys)
    assert opens(folder, code)
    assert not list(tmp_path.glob("*.pdf"))
