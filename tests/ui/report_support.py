"""Fixtures of the Reports and Roll-up page tests: a real demo vault with a few hundred
invented cases (built once per session, copied per test) and the main window over it."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from app import settings as app_settings
from app.context import AppContext

TODAY = dt.date(2026, 11, 28)


@pytest.fixture(scope="session")
def demo_accounts() -> dict[str, tuple[str, str]]:
    from app.demo_data import demo_users

    return {role: (name, secret) for name, role, secret in demo_users()}


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory) -> Path:
    from app.demo_vault import create_demo_vault

    folder = tmp_path_factory.mktemp("reports-template") / "vault"
    create_demo_vault(folder, cases=240, seed=7, today=TODAY)
    return folder


@pytest.fixture
def demo_vault(tmp_path, _demo_template) -> Path:
    folder = tmp_path / "demo-vault"
    shutil.copytree(_demo_template, folder)
    return folder


@pytest.fixture
def demo_window(qtbot, demo_vault, clock):
    """The main window on a copy of the demo vault, locked."""
    from ui.main_window import MainWindow
    from ui.security import SessionGuard

    ctx = AppContext(demo_vault, settings=app_settings.defaults())
    guard = SessionGuard(5, clock=clock, check_interval_ms=10)
    win = MainWindow(ctx, guard=guard, clock=clock, save_settings=False)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.runner.wait_for_idle()
    win.backups.wait()
    ctx.lock()
