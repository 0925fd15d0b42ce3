"""What the referral window tests share: windows over the real vaults of tests/referrals.

The vaults are those of tests/referrals/conftest.py (a shelter and a hospital that know each
other's verified cards, a third unit the shelter does not know); a test module imports its
fixtures (`_templates`, `units`) and opens a main window per unit and user with
`open_window`, already signed in (the Argon2id unlock is tested elsewhere).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QProgressDialog

from app import settings as app_settings
from app.context import AppContext
from tests.referrals.conftest import TODAY
from tests.ui.support import Clock


def open_window(qtbot, units, unit: str, user: str):
    """The main window on `unit`'s vault, signed in as `user`."""
    from ui.main_window import MainWindow
    from ui.security import SessionGuard

    ctx = AppContext(
        units.folders[unit],
        opened=units.opened(unit, user),
        settings=app_settings.defaults(),
        today=lambda: TODAY,
    )
    guard = SessionGuard(5, clock=Clock(), check_interval_ms=60_000)
    window = MainWindow(ctx, guard=guard, save_settings=False)
    qtbot.addWidget(window)
    window.show()
    return window


def when_modal(callback, kind=QDialog) -> None:
    """Run `callback(dialog)` on the next modal dialog of `kind`, from inside its event loop."""

    def act():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind) or isinstance(dialog, QProgressDialog):
            QTimer.singleShot(10, act)
            return
        callback(dialog)

    QTimer.singleShot(0, act)


def pick_folder(monkeypatch, folder: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))


def pick_file(monkeypatch, path: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))


def only_file(folder: Path, suffix: str = ".acpkg") -> Path:
    (found,) = sorted(folder.glob(f"*{suffix}"))
    return found
