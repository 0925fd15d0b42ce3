"""The Users page, through the real vault: add, remove, reset, new recovery code."""

from __future__ import annotations

from pypdf import PdfReader
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox, QProgressDialog

from app.vault.vault import Vault
from tests.ui.support import ADMIN, sign_in
from ui.models.users_model import Column
from ui.widgets.recovery_code import RecoveryCodeDialog


def names(page) -> list[str]:
    model = page.model
    return [model.data(model.index(row, Column.NAME)) for row in range(model.rowCount())]


def when_modal(callback, kind=QDialog) -> None:
    """Run `callback(dialog)` on the next modal dialog of `kind`, from inside its event loop."""

    def act():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind) or isinstance(dialog, QProgressDialog):
            QTimer.singleShot(10, act)
            return
        callback(dialog)

    QTimer.singleShot(0, act)


def test_list_add_and_remove(qtbot, window):
    sign_in(qtbot, window, ADMIN)
    page = window.show_page("users")
    assert names(page) == ["admin (you)", "chen", "wang"]
    assert page.model.data(page.model.index(0, Column.ROLE)) == "Administrator"
    assert page.model.headerData(0, Qt.Orientation.Horizontal) == "User name"

    def fill(dialog):
        assert not dialog.ok.isEnabled()
        dialog.name_edit.setText("liu")
        dialog.role_combo.set_code("health")
        dialog.passphrase.first.setText("short")
        assert not dialog.ok.isEnabled()
        assert "at least 12 characters" in dialog.passphrase.problems.text()
        dialog.passphrase.first.setText("maple window thunder 64")
        dialog.passphrase.second.setText("maple window thunder 64")
        assert dialog.ok.isEnabled()
        dialog.ok.click()

    when_modal(fill)
    page.add_user()
    window.runner.wait_for_idle()
    assert names(page) == ["admin (you)", "chen", "liu", "wang"]
    assert [u.role for u in window.ctx.opened.users() if u.name == "liu"] == ["health"]

    page.table.selectRow(names(page).index("liu"))
    assert page.remove_button.isEnabled()
    when_modal(lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    page.remove_selected()
    window.runner.wait_for_idle()
    assert names(page) == ["admin (you)", "chen", "wang"]

    # The key was rotated and the others still open the vault.
    window.lock()
    assert Vault(window.ctx.vault_folder).unlock("wang", "river stone lantern 42").user.role == (
        "caseworker"
    )


def test_an_admin_cannot_select_themself_for_removal(qtbot, window):
    sign_in(qtbot, window, ADMIN)
    page = window.show_page("users")
    page.table.selectRow(0)
    assert not page.remove_button.isEnabled()


def test_reset_with_the_recovery_code_then_add_a_user(qtbot, window, recovery_code):
    sign_in(qtbot, window, ADMIN)
    page = window.show_page("users")
    page.table.selectRow(names(page).index("wang"))

    def fill(dialog):
        assert dialog.user_edit.text() == "wang"
        dialog.code_edit.setText(recovery_code)
        dialog.passphrase.first.setText("violet harbour engine 31")
        dialog.passphrase.second.setText("violet harbour engine 31")
        dialog.ok.click()

    when_modal(fill)
    page.reset_selected()
    window.runner.wait_for_idle()

    # A later change to the key file keeps the reset (the open vault re-read the file).
    window.ctx.opened.add_user("liu", "health", "maple window thunder 64")
    window.lock()
    assert Vault(window.ctx.vault_folder).unlock("wang", "violet harbour engine 31").user.name == (
        "wang"
    )


def test_new_recovery_code_must_be_confirmed(qtbot, window, tmp_path, monkeypatch):
    sign_in(qtbot, window, ADMIN)
    page = window.show_page("users")
    pdf = tmp_path / "kit.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(pdf), ""))
    when_modal(lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    page.new_recovery_code()
    window.runner.wait_for_idle()

    dialog = page.findChild(RecoveryCodeDialog, "recovery_code_dialog")
    assert dialog is not None and dialog.isVisible()
    groups = dialog.view.groups()
    assert len(groups) == 10 and all(len(g) == 4 and g.isdigit() for g in groups)
    kit_text = "".join(p.extract_text() for p in PdfReader(pdf).pages)  # the kit PDF too
    assert all(g in kit_text for g in groups)
    assert not dialog.ok.isEnabled()
    dialog.view.confirm.setChecked(True)
    assert dialog.ok.isEnabled()
    dialog.ok.click()

    window.lock()
    # The new code works: reset a passphrase with it.
    vault = Vault(window.ctx.vault_folder)
    vault.reset_passphrase_with_recovery("-".join(groups), "chen", "violet harbour engine 31")
    assert vault.unlock("chen", "violet harbour engine 31").user.name == "chen"


def test_anyone_can_change_their_passphrase_in_settings(qtbot, window):
    sign_in(qtbot, window, ("wang", "river stone lantern 42"))
    page = window.show_page("settings")

    def fill(dialog):
        dialog.current.setText("river stone lantern 42")
        dialog.passphrase.first.setText("violet harbour engine 31")
        dialog.passphrase.second.setText("violet harbour engine 31")
        dialog.ok.click()

    when_modal(fill)
    page.change_passphrase()
    window.runner.wait_for_idle()
    window.lock()
    assert Vault(window.ctx.vault_folder).unlock("wang", "violet harbour engine 31").user.name == (
        "wang"
    )


def test_a_wrong_current_passphrase_is_shown(qtbot, window):
    sign_in(qtbot, window, ("wang", "river stone lantern 42"))
    page = window.show_page("settings")
    messages = []

    def fill(dialog):
        dialog.current.setText("not my passphrase")
        dialog.passphrase.first.setText("violet harbour engine 31")
        dialog.passphrase.second.setText("violet harbour engine 31")
        dialog.ok.click()

    def read_message(box):
        messages.append(box.text())
        box.accept()

    when_modal(fill)
    page.change_passphrase()
    when_modal(read_message, QMessageBox)
    window.runner.wait_for_idle()
    qtbot.waitUntil(lambda: messages != [])
    assert messages == ["The current passphrase is wrong; nothing was changed."]
