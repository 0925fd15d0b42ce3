"""Automatic backups on lock in the window, and the Backups page, on real files."""

from __future__ import annotations

import hashlib

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from app import audit
from app import settings as app_settings
from app.vault import auto_backup, backup
from app.vault.vault import Vault
from tests.ui.support import ADMIN, CASEWORKER, SUPERVISOR, nav_texts, sign_in
from tests.ui.test_users_page import when_modal
from ui.pages.backups_page import BackupsPage
from ui.pages.settings_page import SettingsPage
from ui.pages.users_page import UsersPage


@pytest.fixture(autouse=True)
def _pages(monkeypatch):
    # Only the pages these tests need, so that they do not depend on the case pages.
    monkeypatch.setattr(
        "ui.main_window.page_classes", lambda: [UsersPage, BackupsPage, SettingsPage]
    )


def automatic(folder) -> list[str]:
    found = folder / "backups"
    return sorted(p.name for p in found.iterdir()) if found.is_dir() else []


def trail(folder, user=SUPERVISOR) -> list[audit.Entry]:
    opened = Vault(folder).unlock(*user)
    try:
        return list(reversed(audit.entries(opened.conn)))
    finally:
        opened.lock()


def problems_box():
    return next(
        (
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.objectName() == "backup_problems" and w.isVisible()
        ),
        None,
    )


def test_a_lock_backs_up_when_something_changed_and_not_otherwise(qtbot, window, clock):
    folder = window.ctx.vault_folder
    sign_in(qtbot, window, CASEWORKER)
    window.lock()  # users were added since the vault was made: a change, and no backup yet
    window.backups.wait()
    (first,) = automatic(folder)
    assert auto_backup.time_of(first) is not None

    sign_in(qtbot, window, CASEWORKER)
    clock.advance(5 * 60)
    window.guard.check()  # the automatic lock: nothing changed since, so no backup
    window.backups.wait()
    assert not window.ctx.is_unlocked
    assert automatic(folder) == [first]

    sign_in(qtbot, window, ADMIN)
    # Backups are named by the second, and a second one in the same second replaces the
    # first (app/vault/auto_backup.py): on a quick machine the quit could come within it.
    qtbot.wait(1100)
    window.ctx.opened.new_recovery_code()  # a change
    assert window.close()  # quitting locks, and backs up first
    assert not window.ctx.is_unlocked
    assert len(automatic(folder)) == 2

    written = [e for e in trail(folder) if e.action == auto_backup.WRITTEN]
    assert [e.detail["where"] for e in written] == ["vault", "vault"]
    for entry in written:
        data = (folder / "backups" / entry.detail["file"]).read_bytes()
        assert entry.detail["sha256"] == hashlib.sha256(data).hexdigest()


def test_the_lock_does_not_wait_for_the_backup(qtbot, window):
    folder = window.ctx.vault_folder
    sign_in(qtbot, window, CASEWORKER)
    with backup.ONE_AT_A_TIME:  # the backup cannot go on until this test lets it
        window.lock()
        assert window.stack.currentWidget() is window.unlock_page
        assert not window.ctx.is_unlocked and window.backups.running
        assert not list(folder.glob("backups/*.acbackup"))
    # The next unlock waits for it: a backup's connection and a re-keying cannot share the file.
    sign_in(qtbot, window, CASEWORKER)
    assert not window.backups.running
    assert len(automatic(folder)) == 1
    actions = [e.action for e in trail(folder)]
    assert actions[-4:] == ["auto_backup", "lock", "unlock", "unlock"]


def test_a_missing_second_folder_does_not_stop_the_lock_and_is_told_next_time(
    qtbot, window, clock, tmp_path
):
    stick = tmp_path / "usb"
    window.ctx.settings[app_settings.BACKUP_FOLDER] = str(stick)
    sign_in(qtbot, window, CASEWORKER)
    assert problems_box() is None
    clock.advance(5 * 60)
    window.guard.check()  # the automatic lock, with the stick missing
    window.backups.wait()
    assert not window.ctx.is_unlocked
    assert len(automatic(window.ctx.vault_folder)) == 1
    assert not stick.exists()

    sign_in(qtbot, window, CASEWORKER)
    box = problems_box()
    assert box is not None and str(stick) in box.text()
    window.lock()  # closes the box; the stick is still missing: tried and recorded again
    window.backups.wait()
    assert problems_box() is None

    stick.mkdir()
    sign_in(qtbot, window, SUPERVISOR)
    page = window.show_page("backups")
    assert page.problem_label.isVisible() and str(stick) in page.problem_label.text()
    problems_box().done(0)
    window.lock()  # nothing changed, but the stick is back: the newest backup is copied
    window.backups.wait()
    copies = list(stick.glob("aftercare-*/auto-*.acbackup"))
    assert [p.name for p in copies] == automatic(window.ctx.vault_folder)
    sign_in(qtbot, window, SUPERVISOR)
    assert problems_box() is None
    failed = [e for e in trail(window.ctx.vault_folder) if e.action == auto_backup.FAILED]
    assert len(failed) == 2 and all(e.detail["folder"] == str(stick) for e in failed)


def test_the_page_is_for_supervisors_and_administrators(qtbot, window):
    sign_in(qtbot, window, CASEWORKER)
    assert "Backups" not in nav_texts(window)
    window.lock()
    window.backups.wait()
    sign_in(qtbot, window, SUPERVISOR)
    assert "Backups" in nav_texts(window)


def test_back_up_now_lists_and_restores_into_a_new_folder(qtbot, window, tmp_path, monkeypatch):
    sign_in(qtbot, window, SUPERVISOR)
    page = window.show_page("backups")
    assert page.model.rowCount() == 0
    assert not page.restore_button.isEnabled()
    page.backup_button.click()
    window.runner.wait_for_idle()
    assert page.model.rowCount() == 1
    index = page.model.index(0, 3)
    assert page.model.data(index) == "This computer"
    assert page.model.headerData(0, Qt.Orientation.Horizontal) == "Made"

    page.table.selectRow(0)
    assert page.restore_button.isEnabled()
    occupied = tmp_path / "Documents"
    occupied.mkdir()
    (occupied / "letter.txt").write_text("mine")
    source = page.selected_file().path
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(occupied))
    when_modal(lambda box: box.button(QMessageBox.StandardButton.Open).click(), QMessageBox)
    page.restore_selected()
    window.runner.wait_for_idle()
    qtbot.waitUntil(lambda: not window.ctx.is_unlocked)
    (restored,) = occupied.glob("aftercare-restored-*")  # beside the person's own file
    assert (occupied / "letter.txt").read_text() == "mine"
    assert window.ctx.vault_folder == restored
    sign_in(qtbot, window, SUPERVISOR)  # the same passphrase opens the restored vault
    assert window.ctx.opened.folder == restored
    assert source.exists()


def test_the_second_folder_setting(qtbot, window, tmp_path, monkeypatch):
    sign_in(qtbot, window, ADMIN)
    page = window.show_page("backups")
    assert page.second_value.text() == "None" and not page.clear_button.isEnabled()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path))
    page.choose_button.click()
    assert window.ctx.settings[app_settings.BACKUP_FOLDER] == str(tmp_path)
    assert page.second_value.text() == str(tmp_path)
    page.backup_button.click()
    window.runner.wait_for_idle()
    assert sorted(page.model.data(page.model.index(r, 3)) for r in range(2)) == [
        f"Second folder: {tmp_path}",
        "This computer",
    ]
    page.clear_button.click()
    assert window.ctx.settings[app_settings.BACKUP_FOLDER] is None
    assert page.second_value.text() == "None"
