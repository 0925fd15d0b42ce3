"""Fixtures of the window tests: offscreen Qt, a real team vault, a clock that moves on demand.

Set before Qt is imported: QT_QPA_PLATFORM=offscreen (no display needed) and
AFTERCARE_KDF_CALIBRATE=0 (minimum Argon2id, so an unlock costs a fraction of a second).
Each test gets its own data folder (settings) and English messages.
"""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ["AFTERCARE_KDF_CALIBRATE"] = "0"

import shutil
from pathlib import Path

import pytest

from app import i18n
from app import settings as app_settings
from app.context import AppContext
from tests.ui.support import ADMIN, CASEWORKER, SUPERVISOR, UNIT_NAME, Clock


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("AFTERCARE_DATA_DIR", str(tmp_path / "data"))
    before = i18n.current_locale()
    i18n.set_locale("en")
    yield
    i18n.set_locale(before)


@pytest.fixture(scope="session")
def _team_template(tmp_path_factory) -> tuple[Path, str]:
    from app.vault.vault import Vault

    folder = tmp_path_factory.mktemp("ui-template") / "vault"
    opened, code = Vault.create(
        folder,
        unit_code="350100-S01",
        unit_name=UNIT_NAME,
        prefecture="350100",
        admin_name=ADMIN[0],
        admin_passphrase=ADMIN[1],
    )
    try:
        opened.add_user(CASEWORKER[0], "caseworker", CASEWORKER[1])
        opened.add_user(SUPERVISOR[0], "supervisor", SUPERVISOR[1])
    finally:
        opened.lock()
    return folder, code


@pytest.fixture
def team_vault(tmp_path, _team_template) -> Path:
    """A locked vault with an admin, a caseworker and a supervisor (a copy of a template)."""
    folder = tmp_path / "vault"
    shutil.copytree(_team_template[0], folder)
    return folder


@pytest.fixture
def recovery_code(_team_template) -> str:
    return _team_template[1]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def ctx(team_vault) -> AppContext:
    return AppContext(team_vault, settings=app_settings.defaults())


@pytest.fixture
def window(qtbot, ctx, clock):
    """The main window on the team vault, locked, with a guard on the fake clock."""
    from ui.main_window import MainWindow
    from ui.security import SessionGuard

    guard = SessionGuard(5, clock=clock, check_interval_ms=10)
    win = MainWindow(ctx, guard=guard, clock=clock, save_settings=False)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.runner.wait_for_idle()
    win.backups.wait()
    ctx.lock()
