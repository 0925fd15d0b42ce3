"""Fixtures for referrals: three real vaults of three units that know each other's cards.

Per worker session, three template vaults are made once (each a fresh Vault.create, so each
has its own signing and receiving keys):

    shelter   unit 350100-S01: admin, wang (caseworker), chen (supervisor); holds the cases
              CONSENTED (referral consent given) and NO_CONSENT; knows "Hospital", verified
    hospital  unit 350100-H01: admin, li (health), wang (caseworker); knows "Shelter", verified
    stranger  unit 350200-S09: admin, wang (caseworker); knows "Shelter", verified; the
              shelter does not know it

Each test gets copies (`units`) and opens them, lazily, as the users it needs.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from app.domain import Case, Consent, Guardian, Intake, Note, Origin, Person, Service
from app.services import Services
from app.storage.connection import connect
from app.vault import slots
from app.vault.vault import DB_NAME, OpenVault, User, Vault
from tests import helpers

TODAY = dt.date(2026, 11, 28)
CONSENTED = "FZ-2026-0201"
NO_CONSENT = "FZ-2026-0202"
SENTINEL_NAME = "SENTINEL-Meihua-欧阳梅花"
SENTINEL_NOTE = "SENTINEL-NOTE-左手腕有旧伤疤"
SENTINEL_ID = "350102199803070049"

UNITS = {
    "shelter": ("350100-S01", "Fuzhou Shelter", ["wang", "chen"]),
    "hospital": ("350100-H01", "Fuzhou Hospital", ["li", "wang"]),
    "stranger": ("350200-S09", "Xiamen Shelter", ["wang"]),
}
# Who knows whom: (unit, contact name, the other unit, role on the card).
KNOWN = [
    ("shelter", "Hospital", "hospital", "health"),
    ("hospital", "Shelter", "shelter", "shelter"),
    ("stranger", "Shelter", "shelter", "shelter"),
]


def referral_case(number: str, *, consent: bool = True) -> Case:
    consents = [Consent("services", True, dt.date(2026, 9, 1))]
    if consent:
        consents.append(Consent("referral", True, dt.date(2026, 9, 1)))
    return Case(
        case_number=number,
        status="open",
        opened_on=dt.date(2026, 9, 1),
        person=Person(
            full_name=SENTINEL_NAME,
            sex="female",
            age_at_intake=24,
            id_number=SENTINEL_ID,
            origin=Origin("CN", "350100"),
            languages=["zh"],
        ),
        intake=Intake(
            identified_on=dt.date(2026, 8, 30),
            prefecture="350100",
            identified_by="public_security",
            exploitation=["forced_labour"],
            narrative="Invented narrative.",
        ),
        consents=consents,
        guardian=Guardian("not_applicable"),
        services=[Service("shelter_care", "ongoing", dt.date(2026, 9, 1), provider="Shelter")],
        notes=[Note(dt.date(2026, 9, 2), "notes", SENTINEL_NOTE)],
    )


def _open(folder: Path, data_key: bytes, user: str) -> OpenVault:
    """The vault at `folder` opened as `user` with its data key, skipping Argon2id.

    Every copy of a template has the template's data key, captured when the template was
    made; these tests are about referrals, not unlocking (tests/test_vault.py covers that),
    and an unlock costs up to a second on a busy machine.
    """
    conn = connect(folder / DB_NAME, data_key)
    row = conn.execute(
        "SELECT id, name, role FROM users WHERE name_key = ?", (user.casefold(),)
    ).fetchone()
    slot_file, _spare = slots.read(folder)
    return OpenVault(Vault(folder), conn, data_key, User(*row), slot_file)


@pytest.fixture(scope="session")
def _templates(tmp_path_factory) -> dict[str, tuple[Path, bytes]]:
    root = tmp_path_factory.mktemp("referral-templates")
    admins: dict[str, OpenVault] = {}
    for unit, (code, name, users) in UNITS.items():
        opened, _code = Vault.create(
            root / unit,
            unit_code=code,
            unit_name=name,
            prefecture=helpers.PREFECTURE,
            admin_name=helpers.ADMIN,
            admin_passphrase=helpers.ADMIN_PASSPHRASE,
        )
        for user in users:
            opened.add_user(user, helpers.TEAM[user][0], helpers.TEAM[user][1])
        admins[unit] = opened
    cards = {
        unit: Services(opened).referrals.own_card("shelter") for unit, opened in admins.items()
    }
    for unit, contact_name, other, role in KNOWN:
        referrals = Services(admins[unit]).referrals
        added = referrals.add_contact(cards[other], name=contact_name, role=role)
        referrals.verify_contact(contact_name, added.fingerprint)
    templates = {}
    for unit, opened in admins.items():
        templates[unit] = (opened.folder, opened.data_key_for_backup())
        opened.lock()
    wang = _open(*templates["shelter"], "wang")
    cases = Services(wang, today=lambda: TODAY).cases
    cases.create_case(referral_case(CONSENTED))
    cases.create_case(referral_case(NO_CONSENT, consent=False))
    wang.lock()
    return templates


class Units:
    """Copies of the three vaults; `services(unit, user)` opens lazily and is locked after."""

    def __init__(self, templates: dict[str, tuple[Path, bytes]], root: Path):
        self.root = root
        self.folders: dict[str, Path] = {}
        self._keys: dict[str, bytes] = {}
        for unit, (template, data_key) in templates.items():
            self.folders[unit] = root / unit
            self._keys[unit] = data_key
            shutil.copytree(template, self.folders[unit])
        self.outbox = root / "usb"
        self.outbox.mkdir()
        self._open: dict[tuple[str, str], OpenVault] = {}

    def opened(self, unit: str, user: str) -> OpenVault:
        key = (unit, user)
        if key not in self._open:
            self._open[key] = _open(self.folders[unit], self._keys[unit], user)
        return self._open[key]

    def services(self, unit: str, user: str) -> Services:
        return Services(self.opened(unit, user), today=lambda: TODAY)

    def referrals(self, unit: str, user: str):
        return self.services(unit, user).referrals

    def close(self) -> None:
        for opened in self._open.values():
            opened.lock()


@pytest.fixture
def units(_templates, tmp_path):
    made = Units(_templates, tmp_path)
    yield made
    made.close()


def table_counts(opened: OpenVault) -> dict[str, int]:
    """Rows per table other than the audit trail, to prove a refusal wrote nothing."""
    tables = [
        r[0]
        for r in opened.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'search%'"
            " AND name NOT IN ('audit', 'meta')"
        )
    ]
    return {t: opened.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def audit_actions(opened: OpenVault) -> list[tuple[str, dict]]:
    import json

    return [
        (r[0], json.loads(r[1]))
        for r in opened.conn.execute("SELECT action, detail FROM audit ORDER BY id")
    ]
