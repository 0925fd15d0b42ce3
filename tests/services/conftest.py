"""Fixtures for the case-service tests: a vault with a team and known cases, per test.

The session builds one template per worker: tests/conftest.py's team vault (one user per
role, see helpers.TEAM) with seeded_cases() imported by the caseworker. Each test gets its own
copy (a file copy, not a vault creation) and unlocks, lazily, only the roles it uses, so a
test costs one Argon2id unlock (~0.25 s with AFTERCARE_KDF_CALIBRATE=0) per role it needs.

    team -> Team               a copy for the test; team.services("health"), team.opened(role)
    shared_team -> Team        a copy shared by the tests of one module (one unlock per role)
    seeded_cases()             the cases in the vault, as written (no ids): the tests' oracle
    vault_state(conn) -> dict  every table's rows, to prove a refused call wrote nothing
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from functools import cache
from pathlib import Path

import pytest

from app.codes import Section, ServiceKind
from app.demo_data import generate_cases
from app.domain import Case, Consent, Followup, Guardian, Intake, Note, Origin, Person, Service
from app.interchange.cases_v1 import dump_document
from app.services import Services
from app.vault.vault import OpenVault, Vault
from tests import helpers
from tests.case_examples import TODAY, full_case, minimal_case

ROLE_USER = {role: name for name, (role, _secret) in helpers.TEAM.items()}

FULL = "FZ-2026-0007"  # tests.case_examples.full_case: closed, every section filled in
MINIMAL = "FZ-2026-0100"  # tests.case_examples.minimal_case: open, only what is required
PLANTED = "SR-2026-0001"  # planted_case(): open, words for search, follow-ups around today
TWIN = "SR-2026-0002"  # a note holds PLANTED's number and identity number (ranking)

PLANTED_ID_NUMBER = "530102199204150028"

# From the spec and the table's docstring: medical and psychological care are medical,
# legal aid is legal, every other service is the care plan; notes of the medical and legal
# sections are theirs, all other notes belong to `notes`.
MEDICAL_KINDS = ("medical_care", "psychological_care")
SERVICE_SECTION = {
    kind.value: Section.MEDICAL
    if kind in MEDICAL_KINDS
    else Section.LEGAL
    if kind == "legal_aid"
    else Section.CARE_PLAN
    for kind in ServiceKind
}
NOTE_OWNER = {
    s.value: Section.MEDICAL if s == "medical" else Section.LEGAL if s == "legal" else Section.NOTES
    for s in Section
}


def planted_case() -> Case:
    """An open case whose words appear nowhere else: each lives in one kind of field."""
    return Case(
        case_number=PLANTED,
        status="open",
        opened_on=dt.date(2026, 5, 4),
        person=Person(
            full_name="欧阳翠萍",
            aliases=["阿翠"],
            sex="female",
            age_at_intake=23,
            id_number=PLANTED_ID_NUMBER,
            phone="13911112222",
            address="昆明市五华区某路8号",
            origin=Origin("CN", "530100"),  # Kunming: a prefecture of Yunnan (530000)
            languages=["zh"],
        ),
        intake=Intake(
            identified_on=dt.date(2026, 5, 1),
            prefecture="350200",
            identified_by="ngo",
            exploitation=["forced_criminality", "forced_labour"],
            cross_border=True,
        ),
        consents=[Consent("services", True, dt.date(2026, 5, 4))],
        guardian=Guardian("not_applicable"),
        services=[
            Service("shelter_care", "ongoing", dt.date(2026, 5, 4), notes="宿舍安排在三楼靠窗"),
            Service("medical_care", "ongoing", dt.date(2026, 5, 6), notes="结核菌素试验阳性"),
            Service("legal_aid", "ongoing", dt.date(2026, 6, 1), notes="申请国家司法救助金"),
        ],
        followups=[
            Followup(dt.date(2026, 10, 1), dt.date(2026, 10, 2), "stable", "回访时在茶园上班"),
            Followup(dt.date(2026, 11, 20)),  # overdue
            Followup(dt.date(2026, 12, 8)),  # due within 14 days
            Followup(dt.date(2027, 1, 20)),  # later
        ],
        notes=[
            Note(dt.date(2026, 5, 5), "notes", "喜欢画水彩风景"),
            Note(dt.date(2026, 5, 7), "medical", "左膝旧伤需复查核磁共振"),
            Note(dt.date(2026, 6, 2), "legal", "证人保护措施已落实"),
        ],
    )


def twin_case() -> Case:
    case = minimal_case(TWIN)
    case.person.full_name = "Trần Thị Mai"
    case.notes = [
        Note(dt.date(2026, 6, 2), "notes", f"曾借用身份证 {PLANTED_ID_NUMBER} 办卡，见 {PLANTED}")
    ]
    return case


@cache
def _seeded() -> tuple[Case, ...]:
    demo = list(generate_cases(40, 2026, today=TODAY, prefix="DM"))
    return (full_case(FULL), minimal_case(MINIMAL), planted_case(), twin_case(), *demo)


def seeded_cases() -> list[Case]:
    """The cases imported into the template, freshly built (callers may change them)."""
    import copy

    return copy.deepcopy(list(_seeded()))


def seeded(case_number: str) -> Case:
    return next(c for c in seeded_cases() if c.case_number == case_number)


@pytest.fixture(scope="session")
def _cases_template(tmp_path_factory, _team_template_vault) -> Path:
    team_folder, _code = _team_template_vault
    folder = tmp_path_factory.mktemp("cases-template") / "vault"
    shutil.copytree(team_folder, folder)
    name = ROLE_USER["caseworker"]
    opened = Vault(folder).unlock(name, helpers.TEAM[name][1])
    try:
        Services(opened, today=lambda: TODAY).transfer.import_cases(
            dump_document(seeded_cases()), source="seed.json"
        )
    finally:
        opened.lock()
    return folder


class Team:
    """One vault folder, unlocked once per role asked for, all locked at the end."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._open: dict[str, OpenVault] = {}

    def opened(self, role: str) -> OpenVault:
        if role not in self._open:
            name = ROLE_USER[role]
            self._open[role] = Vault(self.folder).unlock(name, helpers.TEAM[name][1])
        return self._open[role]

    def services(self, role: str) -> Services:
        return Services(self.opened(role), today=lambda: TODAY)

    @property
    def conn(self):
        """A connection for looking behind the services: any role's will do (one key)."""
        opened = next(iter(self._open.values()), None) or self.opened("caseworker")
        return opened.conn

    def lock_all(self) -> None:
        for opened in self._open.values():
            opened.lock()
        self._open.clear()


@pytest.fixture
def team(tmp_path, _cases_template):
    """A fresh copy for this test alone."""
    folder = tmp_path / "vault"
    shutil.copytree(_cases_template, folder)
    crew = Team(folder)
    yield crew
    crew.lock_all()


@pytest.fixture(scope="module")
def shared_team(tmp_path_factory, _cases_template):
    """One copy for a whole module, for tests that only read, or whose writes the others in
    the module tolerate: each role unlocks once per module (per worker), not once per test."""
    folder = tmp_path_factory.mktemp("shared") / "vault"
    shutil.copytree(_cases_template, folder)
    crew = Team(folder)
    yield crew
    crew.lock_all()


def vault_state(conn) -> dict[str, str]:
    """A digest of every table's rows (the search index and its shadow tables included)."""
    names = [
        r[0]
        for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    ]
    state = {}
    for name in names:
        rows = sorted(repr(tuple(r)) for r in conn.execute(f'SELECT * FROM "{name}"'))
        state[name] = f"{len(rows)}:" + hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return state
