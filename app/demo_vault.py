"""The demo vault: invented cases and one user per role, for trying the program and for tests.

`aftercare demo` and `aftercare gui --demo` build it the same way. Its users' passphrases are
printed for whoever runs it; it must never hold real cases.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from app.demo_attachments import add_demo_attachments
from app.demo_data import demo_users, generate_cases
from app.services import Services
from app.services.transfer import Progress
from app.storage.list_repo import CaseFilter
from app.vault.kdf import KdfParams
from app.vault.vault import Vault

DEMO_UNIT = {
    "unit_code": "350100-S01",
    "unit_name": "福州市救助管理站（演示）",
    "prefecture": "350100",
}


def create_demo_vault(
    folder: Path,
    *,
    cases: int = 300,
    seed: int = 1,
    progress: Progress | None = None,
    today: dt.date | None = None,
) -> list[tuple[str, str, str]]:
    """Create the demo vault in `folder`; returns its users (name, role, passphrase)."""
    users = demo_users()
    admin_name, _role, admin_passphrase = users[0]
    # The minimum Argon2id parameters (64 MiB, 3 passes) keep a demo with five users quick to
    # build; the vault is invented data, and its passphrases are printed anyway.
    minimum = KdfParams()
    opened, _code = Vault.create(
        folder,
        unit_code=DEMO_UNIT["unit_code"],
        unit_name=DEMO_UNIT["unit_name"],
        prefecture=DEMO_UNIT["prefecture"],
        admin_name=admin_name,
        admin_passphrase=admin_passphrase,
        kdf_params=minimum,
    )
    try:
        for name, role, passphrase in users[1:]:
            opened.add_user(name, role, passphrase, kdf_params=minimum)
        Services(opened).cases.set_case_number_digits(5)  # as app.demo_data numbers them
    finally:
        opened.lock()
    caseworker = next(u for u in users if u[1] == "caseworker")
    health = next(u for u in users if u[1] == "health")
    opened = Vault(folder).unlock(caseworker[0], caseworker[2])
    nurse = Vault(folder).unlock(health[0], health[2])
    try:
        today = today or dt.date.today()
        services = Services(opened, today=lambda: today)
        services.transfer.import_generated(
            generate_cases(cases, seed, today=today), progress=progress, total=cases
        )
        # The girls' cases open longest, which the README's screenshots show.
        girls = CaseFilter(status="open", group="girl")
        ids = services.lists.ids(girls, sort="opened_on", descending=False)
        chosen = [row.case_number for row in services.lists.rows(ids[:6])]
        add_demo_attachments(services, Services(nurse, today=lambda: today), chosen)
        _ask_to_close(services, today)
        _demo_directory(services)
    finally:
        nurse.lock()
        opened.lock()
    return users


# Invented organisations (names, addresses and numbers), so that the directory, the provider
# suggestions, letters and resources sheets have something to show; the national hotlines are
# in every vault already.
DEMO_DIRECTORY = (
    ("福州市救助定点医院（示例）", "appointed_medical", ("medical_care",), "350100", "0591-80000001"),
    ("鼓楼区心理咨询服务中心（示例）", "counselling", ("psychological_care",), "350102", "0591-80000002"),
    ("福州市法律援助中心（示例）", "legal_aid_centre", ("legal_aid",), "350100", "0591-80000003"),
    ("思明区法律援助工作站（示例）", "legal_aid_centre", ("legal_aid",), "350203", "0592-80000004"),
    ("厦门市职业技能培训学校（示例）", "vocational_training", ("vocational_training",), "350200", "0592-80000005"),
    ("福建省妇联维权服务站（示例）", "womens_federation", ("legal_aid", "psychological_care"), "350000", "0591-80000006"),
)  # fmt: skip


def _demo_directory(services: Services) -> None:
    from app.directory.model import Organisation

    for name, kind, offered, division, phone in DEMO_DIRECTORY:
        services.directory.add(
            Organisation(name=name, kind=kind, services=offered, division=division, phones=(phone,))
        )


def _ask_to_close(services: Services, today: dt.date, count: int = 2) -> None:
    """The caseworker asks to close her longest-open cases, so that the supervisor's home
    page has closures to approve."""
    from app.domain.validation import InvalidCase
    from app.storage.list_repo import CaseFilter

    lists = services.lists
    ids = lists.ids(CaseFilter(status="open"), sort="opened_on", descending=False)
    asked = 0
    for row in lists.rows(ids[: count * 5]):
        if asked == count:
            return
        try:
            services.cases.close_case(row.case_number, today, "reintegrated_family")
        except InvalidCase:  # a case the closure would not validate on: the next one
            continue
        asked += 1
