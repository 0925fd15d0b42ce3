"""Nothing identifying leaves the encrypted database; an old vault upgrades and keeps working."""

from __future__ import annotations

import copy
import datetime as dt
import os
import secrets
import tempfile
import time
from pathlib import Path

from app import audit
from app.domain import Followup, Note, Service
from app.interchange.cases_v1 import dump_document
from app.services import Services
from app.storage.connection import user_version
from app.storage.migrations import LATEST
from app.vault import backup
from app.vault.vault import Vault
from tests import helpers
from tests.case_examples import TODAY, full_case, minimal_case
from tests.services.conftest import FULL, Team


def _changed_since(folder: str, since: float) -> list[Path]:
    """Files under `folder` written since `since` (a leak would be a new or rewritten file)."""
    found = []
    for root, _dirs, files in os.walk(folder, onerror=lambda _error: None):
        for name in files:
            path = Path(root) / name
            try:
                if path.is_file() and not path.is_symlink() and path.stat().st_mtime >= since:
                    found.append(path)
            except OSError:  # gone, or another user's
                continue
    return found


def _temp_files_holding(sentinels: list[str], since: float) -> list[tuple[str, str]]:
    forms = {
        s: [s.encode("utf-8"), s.encode("utf-16-le"), s.encode("utf-16-be")] for s in sentinels
    }
    hits = []
    for path in _changed_since(tempfile.gettempdir(), since):
        try:
            data = path.read_bytes()
        except OSError:
            continue
        hits += [(str(path), s) for s, encoded in forms.items() if any(e in data for e in encoded)]
        hits += [(str(path), s) for s in sentinels if s in str(path)]
    return hits


def test_no_sentinel_reaches_any_file_of_the_vault_or_the_temp_folder(team: Team):
    started = time.time() - 2  # file times can be coarser than the clock
    token = secrets.token_hex(4)  # so files of other runs can never match
    sentinel = {
        key: f"SENTINEL-李秘密-7731-{token}-{key}"
        for key in ("name", "alias", "id", "phone", "note", "service", "followup", "new")
    }
    number = f"SEN-{token}"
    case = minimal_case(number)
    case.person.full_name = sentinel["name"]
    case.person.aliases = [sentinel["alias"]]
    case.person.id_number = sentinel["id"]
    case.person.phone = sentinel["phone"]
    day = dt.date(2026, 7, 1)
    case.notes = [Note(day, "notes", sentinel["note"])]
    case.services = [Service("shelter_care", "ongoing", day, notes=sentinel["service"])]
    case.followups = [Followup(dt.date(2026, 12, 1), notes=sentinel["followup"])]

    caseworker, supervisor = team.services("caseworker"), team.services("supervisor")
    caseworker.transfer.import_cases(dump_document([case]), source="sentinel.json")
    for key in ("name", "alias", "id", "phone", "note", "service", "followup"):
        assert [f.row.case_number for f in caseworker.lists.find(sentinel[key])] == [number]
    assert number in {f.row.case_number for f in caseworker.lists.find("李秘")}  # LIKE path
    opened_case = caseworker.cases.open_case(number)
    person = copy.deepcopy(opened_case.person)
    person.phone = sentinel["new"]
    caseworker.cases.update_profile(number, person)
    caseworker.cases.save_note(number, Note(TODAY, "care_plan", sentinel["new"] + "-note"))
    caseworker.cases.delete_note(number, opened_case.notes[0].id)
    caseworker.lists.rows(caseworker.lists.ids())
    caseworker.lists.followups_due()
    data, _count = supervisor.transfer.export_cases([number])
    assert sentinel["name"].encode() in data  # the export is plaintext; it stays in memory
    opened = team.opened("supervisor")
    (team.folder / "backups").mkdir(exist_ok=True)
    backup.write_backup(
        team.folder,
        opened.conn,
        opened.data_key_for_backup(),
        team.folder / "backups" / "b.acbackup",
    )

    secrets_planted = [*sentinel.values(), "李秘密-7731-" + token]
    names = {p.name for p in team.folder.iterdir()}
    assert {"vault.db", "vault.db-wal", "vault.keys", "vault.keys.bak", "backups"} <= names
    assert helpers.scan_for_sentinels(team.folder, secrets_planted) == []  # while open
    team.lock_all()
    assert helpers.scan_for_sentinels(team.folder, secrets_planted) == []  # after locking
    assert _temp_files_holding(secrets_planted, started) == []
    # The scan itself works: a planted plaintext file in the temp folder is found.
    control = f"SENTINEL-对照-{token}"
    (team.folder.parent / "control.txt").write_bytes(control.encode("utf-16-le"))
    assert [s for _path, s in _temp_files_holding([control], started)] == [control]


def test_a_schema_1_vault_upgrades_with_a_backup_and_then_stores_cases(make_vault):
    folder, _code = make_vault(schema_version=1)
    assert not (folder / "backups").exists()
    admin = Vault(folder).unlock(helpers.ADMIN, helpers.ADMIN_PASSPHRASE)
    try:
        assert user_version(admin.conn) == LATEST
        (kept,) = (folder / "backups").iterdir()
        assert kept.name.startswith("pre-upgrade-v1-") and kept.suffix == backup.SUFFIX
        manifest, _members = backup.read_backup(kept.read_bytes(), source=kept.name)
        assert manifest["schema_version"] == 1
        name, (role, secret) = "wang", helpers.TEAM["wang"]
        admin.add_user(name, role, secret)
    finally:
        admin.lock()

    opened = Vault(folder).unlock(name, secret)
    try:
        services = Services(opened, today=lambda: TODAY)
        services.cases.create_case(full_case(FULL))
        assert services.cases.open_case(FULL) == services.cases.open_case(FULL)
        assert services.cases.open_case(FULL).person == full_case().person
        assert [f.row.case_number for f in services.lists.find("林小梅")] == [FULL]
        assert audit.verify(opened.conn).ok
    finally:
        opened.lock()
    assert len(list((folder / "backups").iterdir())) == 1  # no second upgrade, no second backup
