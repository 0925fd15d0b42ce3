"""The one guard (app.access.require / require_section) on a real vault, and the command's
backup and restore passing through it.

Each refusal says which role may not do what, changes nothing, and is in the audit trail;
and nothing outside app/access.py decides a permission on its own.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app import access, audit
from app.access import Action, Level
from app.codes import Role, Section
from app.errors import AccessDenied
from app.services import Services
from app.vault.vault import OpenVault, Vault
from tests.helpers import TEAM, credentials

pytestmark = pytest.mark.usefixtures("english")

ROOT = Path(__file__).resolve().parents[1]
USER_OF = {role: name for name, (role, _secret) in TEAM.items()}


@pytest.fixture
def team_folder(make_vault) -> Path:
    return make_vault(team=True)[0]


def unlock(folder: Path, role: str) -> OpenVault:
    name = USER_OF[role]
    return Vault(folder).unlock(name, TEAM[name][1])


def refusals(folder: Path) -> list[audit.Entry]:
    opened = unlock(folder, Role.ADMIN)
    try:
        return audit.entries(opened.conn, action="access_denied")
    finally:
        opened.lock()


# --- the guard itself ---------------------------------------------------------------------------


def test_an_allowed_action_passes_and_writes_nothing(team_folder):
    opened = unlock(team_folder, Role.SUPERVISOR)
    try:
        before = audit.entries(opened.conn)
        access.require(opened, Action.BACK_UP)
        access.require_section(opened, Section.NOTES, Level.READ)
        assert audit.entries(opened.conn) == before
    finally:
        opened.lock()


@pytest.mark.parametrize(
    ("role", "action", "message"),
    [
        (
            Role.HEALTH,
            Action.EXPORT_IDENTIFIABLE,
            "Health staff may not export identifiable case files",
        ),
        (Role.CASEWORKER, Action.BACK_UP, "Caseworker may not back up the vault"),
        (Role.LEGAL, Action.RESTORE_BACKUP, "Legal-aid staff may not restore a backup"),
        (Role.ADMIN, Action.SEND_REFERRAL, "Administrator may not refer a case to another unit"),
    ],
)
def test_a_refused_action_names_role_and_action_and_is_audited(team_folder, role, action, message):
    opened = unlock(team_folder, role)
    try:
        with pytest.raises(AccessDenied) as caught:
            access.require(opened, action, "S01-2026-0001")
        assert str(caught.value) == message
    finally:
        opened.lock()
    (entry,) = refusals(team_folder)
    assert entry.user_name == USER_OF[role]
    assert entry.case_number == "S01-2026-0001"
    assert entry.detail == {"what": str(action), "role": str(role)}


@pytest.mark.parametrize(
    ("role", "section", "needed", "message"),
    [
        (
            Role.CASEWORKER,
            Section.MEDICAL,
            Level.READ,
            "Caseworker may not read the Medical section",
        ),
        (
            Role.SUPERVISOR,
            Section.NOTES,
            Level.WRITE,
            "Supervisor may not change the Notes section",
        ),
        (Role.ADMIN, Section.INTAKE, Level.LIST, "Administrator may not see the Intake section"),
    ],
)
def test_a_refused_section_names_role_and_section_and_is_audited(
    team_folder, role, section, needed, message
):
    opened = unlock(team_folder, role)
    try:
        with pytest.raises(AccessDenied) as caught:
            access.require_section(opened, section, needed)
        assert str(caught.value) == message
    finally:
        opened.lock()
    (entry,) = refusals(team_folder)
    assert entry.detail == {"what": f"{section}:{needed.name.lower()}", "role": str(role)}


# --- one place decides ----------------------------------------------------------------------------

# A role compared with a role or a set of roles, or a refusal raised by hand: a permission
# decided outside the table.
_DECIDING = re.compile(
    r"raise AccessDenied\("
    r"|\brole\s*(==|!=)\s*Role\."
    r"|\brole\s+(not\s+)?in\s+(\(|\{|\[|frozenset)?\s*Role\."
    # a set of roles by name (CONTACT_ROLES is a code list: the roles a contact card names)
    r"|\brole\s+(not\s+)?in\s+(?!CONTACT_ROLES\b)[A-Z][A-Z_]+\b"
)


def test_no_permission_is_decided_outside_app_access():
    found = []
    for folder in ("app", "ui"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path == ROOT / "app" / "access.py":
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if _DECIDING.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []


# --- backup and restore: supervisors and administrators -------------------------------------------


def test_the_backup_command_is_refused_to_a_caseworker_and_audited(team_folder, cli, tmp_path):
    out = tmp_path / "by-hand.acbackup"
    done = cli("backup", str(team_folder), "--out", str(out), env=credentials("wang"))
    assert done.code == 1 and len(done.err_lines) == 1, done.err
    assert "Caseworker may not back up the vault" in done.err
    assert not out.exists()
    assert not (team_folder / "backups").exists()
    (entry,) = refusals(team_folder)
    assert entry.user_name == "wang" and entry.detail["what"] == "back_up"


@pytest.mark.parametrize("name", ["li", "zhao", "wang"])
def test_restore_is_refused_to_other_roles_and_leaves_no_copy(team_folder, cli, tmp_path, name):
    out = tmp_path / "made.acbackup"
    done = cli("backup", str(team_folder), "--out", str(out), env=credentials("chen"))
    assert done.code == 0, done.err
    target = tmp_path / "restored"
    done = cli("restore", str(out), "--to", str(target), env=credentials(name))
    assert done.code == 1 and len(done.err_lines) == 1, done.err
    assert "may not restore a backup" in done.err
    assert not target.exists()


@pytest.mark.parametrize("name", ["chen", "admin"])
def test_supervisors_and_administrators_back_up_and_restore(team_folder, cli, tmp_path, name):
    out = tmp_path / "made.acbackup"
    done = cli("backup", str(team_folder), "--out", str(out), env=credentials(name))
    assert done.code == 0, done.err
    target = tmp_path / "restored"
    done = cli("restore", str(out), "--to", str(target), env=credentials(name))
    assert done.code == 0, done.err
    assert (target / "vault.db").exists()


def test_the_window_s_backup_and_restore_pass_through_the_guard(team_folder, tmp_path):
    caseworker = Services(unlock(team_folder, Role.CASEWORKER)).backups
    try:
        with pytest.raises(AccessDenied, match="Caseworker may not back up the vault"):
            caseworker.back_up_now(None)
        with pytest.raises(AccessDenied, match="Caseworker may not restore a backup"):
            caseworker.restore(tmp_path / "any.acbackup", tmp_path / "restored")
    finally:
        caseworker.opened.lock()
    assert not (team_folder / "backups").exists() and not (tmp_path / "restored").exists()
    assert [e.detail["what"] for e in reversed(refusals(team_folder))] == [
        "back_up",
        "restore_backup",
    ]


def test_the_automatic_backup_on_lock_stays_on_for_every_role(team_folder):
    from app.vault import auto_backup

    for role in (Role.CASEWORKER, Role.HEALTH, Role.LEGAL):
        opened = unlock(team_folder, role)
        try:
            outcome = auto_backup.back_up(opened, None, trigger="lock", force=True)
        finally:
            opened.lock()
        assert len(outcome.written) == 1 and not outcome.failures, role


@pytest.mark.parametrize(
    ("argv", "what"),
    [(["audit", "verify"], "read_audit"), (["audit", "show"], "read_audit")],
)
def test_the_command_s_refusals_are_audited_too(team_folder, cli, argv, what):
    done = cli(*argv[:1], argv[1], str(team_folder), env=credentials("li"))
    assert done.code == 1 and "Health staff may not read the audit trail" in done.err
    (entry,) = refusals(team_folder)
    assert entry.user_name == "li" and entry.detail == {"what": what, "role": "health"}


def test_user_management_refusals_are_audited(team_folder, cli):
    done = cli("user", "list", str(team_folder), env=credentials("chen"))
    assert done.code == 1 and "Supervisor may not manage users" in done.err
    (entry,) = refusals(team_folder)
    assert entry.detail == {"what": "manage_users", "role": "supervisor"}
