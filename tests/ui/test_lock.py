"""Locking: inactivity, Ctrl+L, dialogs closed, unsaved work asked about, clipboard cleared."""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QMessageBox

from app.i18n import _
from tests.ui.support import ADMIN, CASEWORKER, sign_in
from ui.pages.base import Page
from ui.pages.settings_page import SettingsPage
from ui.security import clear_clipboard_if_ours, clipboard_is_ours, copy_secret


def test_inactivity_locks_after_the_timeout(qtbot, window, clock):
    sign_in(qtbot, window, CASEWORKER)
    assert window.guard.armed

    clock.advance(4 * 60)
    window.guard.check()
    assert window.ctx.is_unlocked

    # Input resets the idle time.
    qtbot.keyClick(window.page("settings").lock_spin, "a")
    clock.advance(4 * 60)
    window.guard.check()
    assert window.ctx.is_unlocked

    clock.advance(61)
    qtbot.waitUntil(lambda: not window.ctx.is_unlocked)  # the guard's own timer fires
    assert window.stack.currentWidget() is window.unlock_page
    assert window.pages() == []
    assert window.navigation.count() == 0
    assert window.windowTitle() == "Aftercare"
    assert not window.guard.armed


def test_the_timeout_follows_the_setting(qtbot, window, clock):
    sign_in(qtbot, window, CASEWORKER)
    window.page("settings").lock_spin.setValue(1)
    assert window.ctx.settings["lock_minutes"] == 1
    clock.advance(61)
    qtbot.waitUntil(lambda: not window.ctx.is_unlocked)


def test_ctrl_l_locks(qtbot, window):
    sign_in(qtbot, window, CASEWORKER)
    window.lock_action.trigger()
    assert not window.ctx.is_unlocked
    assert window.lock_action.isEnabled() is False


def test_lock_closes_an_open_dialog(qtbot, window):
    sign_in(qtbot, window, ADMIN)
    users = window.page("users")
    seen = []

    def lock_while_the_dialog_is_open():
        dialog = QApplication.activeModalWidget()
        seen.append(dialog.objectName())
        dialog.name_edit.setText("typed before the lock")
        window.guard.lock_requested.emit(True)

    QTimer.singleShot(0, lock_while_the_dialog_is_open)
    users.add_user()  # returns when the lock has rejected the dialog

    assert seen == ["add_user_dialog"]
    assert not window.ctx.is_unlocked
    assert not [
        w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()
    ]


class DraftPage(Page):
    """A page with typed text, as the case file will have."""

    page_id = "draft"
    answers: ClassVar[list[str]] = []
    calls: ClassVar[list[bool]] = []

    def __init__(self, ctx, runner, parent=None):
        super().__init__(ctx, runner, parent)
        self.edit = QLineEdit(self)

    @classmethod
    def title(cls) -> str:
        return _("Draft")

    def retranslate_ui(self) -> None:
        pass

    def unsaved_changes(self) -> bool:
        return bool(self.edit.text())

    def save_or_discard_for_lock(self, auto: bool) -> bool:
        DraftPage.calls.append(auto)
        return auto or DraftPage.answers.pop(0) != "cancel"


def test_unsaved_changes_are_asked_about(qtbot, window, monkeypatch):
    monkeypatch.setattr("ui.main_window.page_classes", lambda: [DraftPage, SettingsPage])
    DraftPage.calls, DraftPage.answers = [], ["cancel", "discard"]
    sign_in(qtbot, window, CASEWORKER)
    window.page("draft").edit.setText("half a sentence")

    assert window.lock() is False  # the person pressed Cancel
    assert window.ctx.is_unlocked
    assert window.lock() is True  # then Discard
    assert DraftPage.calls == [False, False]

    sign_in(qtbot, window, CASEWORKER)
    window.page("draft").edit.setText("half a sentence")
    window.guard.lock_requested.emit(True)  # inactivity: the page is told, and cannot refuse
    assert DraftPage.calls == [False, False, True]
    assert not window.ctx.is_unlocked


def test_quitting_asks_too(qtbot, window, monkeypatch):
    monkeypatch.setattr("ui.main_window.page_classes", lambda: [DraftPage, SettingsPage])
    DraftPage.calls, DraftPage.answers = [], ["cancel", "discard"]
    sign_in(qtbot, window, CASEWORKER)
    window.page("draft").edit.setText("half a sentence")
    assert window.close() is False
    assert window.isVisible() and window.ctx.is_unlocked
    assert window.close() is True
    assert not window.ctx.is_unlocked


def test_an_automatic_lock_waits_for_a_running_call(qtbot, window):
    sign_in(qtbot, window, ADMIN)
    opened = window.ctx.opened
    window.runner.run(lambda: opened.users(), parent=window, label="…")
    assert window.lock(auto=True) is False
    assert window.ctx.is_unlocked
    window.runner.wait_for_idle()
    assert not window.ctx.is_unlocked


def test_lock_clears_the_clipboard_only_if_it_is_ours(qtbot, window):
    clipboard = QGuiApplication.clipboard()
    sign_in(qtbot, window, CASEWORKER)
    copy_secret("FZ-2026-0042")
    assert clipboard_is_ours()
    window.lock()
    assert clipboard.text() == ""

    sign_in(qtbot, window, CASEWORKER)
    clipboard.setText("a shopping list")
    window.lock()
    assert clipboard.text() == "a shopping list"
    assert clear_clipboard_if_ours() is False


def test_a_message_box_over_a_dialog_is_closed_too(qtbot, window):
    sign_in(qtbot, window, ADMIN)
    dialog = QDialog(window)
    dialog.open()
    box = QMessageBox(QMessageBox.Icon.Question, "?", "?", QMessageBox.StandardButton.Ok, dialog)
    box.open()
    window.lock()
    assert not dialog.isVisible() and not box.isVisible()
