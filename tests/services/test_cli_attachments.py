"""`aftercare attach`, `attachments` and `attachment-export` on a real vault: stored inside
(the file's bytes never in the vault's files), listed by section rights, written out audited,
carried by a backup, and bad input refused with one line, nothing stored."""

from __future__ import annotations

import json
import secrets

import pytest

from app.vault.vault import Vault
from tests import attachment_files as files
from tests.helpers import credentials, scan_for_sentinels
from tests.services.conftest import MINIMAL

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def vault(team):
    team.lock_all()
    return team.folder


def test_attach_list_export_and_backup(cli, vault, tmp_path):
    secret = f"SENTINEL-{secrets.token_hex(5)}-扫描件"
    scan = tmp_path / "id-card.png"
    scan.write_bytes(files.png(text=secret))
    wang = credentials("wang")

    done = cli("attach", str(vault), MINIMAL, str(scan), "--json", env=wang)
    assert done.code == 0, done.err
    added = json.loads(done.out)
    assert (added["section"], added["title"], added["kind"]) == ("profile", "id-card.png", "png")
    done = cli("attach", str(vault), MINIMAL, str(tmp_path / "x.pdf"), env=wang)
    assert done.code == 1 and "Cannot read" in done.err and len(done.err.splitlines()) == 1
    report = tmp_path / "report.pdf"
    report.write_bytes(files.pdf())
    done = cli("attach", str(vault), MINIMAL, str(report), "--section", "medical",
               "--title", "Lab report", env=credentials("li"))  # fmt: skip
    assert done.code == 0, done.err
    assert scan_for_sentinels(vault, [secret]) == []  # inside the encrypted database only

    def listed(user: str) -> list[str]:
        done = cli("attachments", str(vault), MINIMAL, "--json", env=credentials(user))
        assert done.code == 0, done.err
        return [a["title"] for a in json.loads(done.out)]

    assert listed("wang") == ["id-card.png"]
    assert listed("li") == ["Lab report"]
    assert listed("chen") == ["id-card.png"]

    out = tmp_path / "out.png"
    done = cli("attachment-export", str(vault), MINIMAL, str(added["id"]), "--out", str(out),
               env=credentials("li"))  # fmt: skip
    assert done.code == 1 and "may not read the Profile section" in done.err
    assert not out.exists()
    done = cli("attachment-export", str(vault), MINIMAL, str(added["id"]), "--out", str(out),
               env=wang)  # fmt: skip
    assert done.code == 0 and "not encrypted" in done.out
    assert out.read_bytes() == scan.read_bytes()

    backup = tmp_path / "b.acbackup"
    assert cli("backup", str(vault), "--out", str(backup), env=credentials("admin")).code == 0
    restored = cli(
        "restore", str(backup), "--to", str(tmp_path / "restored"), env=credentials("admin")
    )
    assert restored.code == 0, restored.err
    opened = Vault(tmp_path / "restored").unlock("wang", "river stone lantern 42")
    try:
        from app.services import Services

        _found, data = Services(opened).attachments.content(MINIMAL, added["id"])
    finally:
        opened.lock()
    assert data == scan.read_bytes()


def test_a_file_too_large_or_of_another_kind_changes_nothing(cli, vault, tmp_path):
    big = tmp_path / "big.pdf"
    big.write_bytes(b"%PDF-" + b"0" * (20 * 1024 * 1024))
    done = cli("attach", str(vault), MINIMAL, str(big), env=credentials("wang"))
    assert done.code == 1 and len(done.err.splitlines()) == 1
    assert "big.pdf is 20.0 MB; an attachment may be at most 20 MB" in done.err
    odd = tmp_path / "a.zip"
    odd.write_bytes(files.zip_file())
    done = cli("attach", str(vault), MINIMAL, str(odd), "--section", "legal",
               env=credentials("zhao"))  # fmt: skip
    assert done.code == 1 and "a.zip is not a JPEG, PNG or PDF file" in done.err
    done = cli("attachments", str(vault), MINIMAL, "--json", env=credentials("chen"))
    assert json.loads(done.out) == []
