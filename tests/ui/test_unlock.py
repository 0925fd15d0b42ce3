"""The unlock screen: success, a wrong passphrase, the countdown, the recovery-code path."""

from __future__ import annotations

import contextlib

from PySide6.QtCore import Qt

from app.errors import AftercareError
from app.vault.vault import Vault
from tests.ui.support import ADMIN, CASEWORKER, SUPERVISOR, nav_texts, sign_in
from ui.pages.unlock_page import UnlockPage
from ui.runner import Runner


def test_unlock_shows_the_pages_of_the_role(qtbot, window):
    assert window.stack.currentWidget() is window.unlock_page
    assert window.windowTitle() == "Aftercare"

    sign_in(qtbot, window, CASEWORKER)

    assert window.stack.currentIndex() == 1
    assert nav_texts(window)[:3] == ["Home", "Case files", "Follow-ups due"]
    assert window.page_stack.currentWidget().page_id == "home"
    assert "Users" not in nav_texts(window) and "Audit trail" not in nav_texts(window)
    assert window.user_label.text() == "Signed in as wang (Caseworker)"
    assert window.windowTitle() == "Aftercare — Fuzhou Test Shelter"
    assert window.unlock_page.passphrase_edit.text() == ""


def test_pages_follow_the_role(qtbot, window):
    sign_in(qtbot, window, ADMIN)
    admin = nav_texts(window)
    assert {"Users", "Audit trail", "Backups", "Settings"} <= set(admin)
    assert "Follow-ups due" not in admin  # administrators do not read follow-ups
    window.lock()
    sign_in(qtbot, window, SUPERVISOR)
    supervisor = nav_texts(window)
    assert {"Case files", "Audit trail", "Reports", "Backups", "Settings"} <= set(supervisor)
    assert "Users" not in supervisor


def test_wrong_passphrase_is_said_inline(qtbot, window):
    page = window.unlock_page
    qtbot.keyClicks(page.user_edit, "wang")
    qtbot.keyClicks(page.passphrase_edit, "not the passphrase")
    qtbot.keyClick(page.passphrase_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.error_label.text() != "" and not window.runner.busy)

    assert (
        page.error_label.text()
        == "“wang” cannot unlock this vault: the user name or the passphrase is wrong."
    )
    assert not window.ctx.is_unlocked
    assert page.passphrase_edit.text() == ""
    assert page.unlock_button.isEnabled()


def test_unknown_user_is_said_inline(qtbot, window):
    page = window.unlock_page
    qtbot.keyClicks(page.user_edit, "nobody")
    qtbot.keyClicks(page.passphrase_edit, "whatever it is")
    page.unlock()
    qtbot.waitUntil(lambda: page.error_label.text() != "" and not window.runner.busy)
    assert (
        page.error_label.text()
        == "“nobody” cannot unlock this vault: the user name or the passphrase is wrong."
    )


def test_countdown_after_five_failures(qtbot, team_vault, ctx, clock):
    runner = Runner()
    page = UnlockPage(ctx, runner, clock=clock, tick_ms=10)
    qtbot.addWidget(page)
    page.show()
    page.user_edit.setText("wang")
    for _attempt in range(5):
        page.passphrase_edit.setText("wrong guess 123456")
        page.unlock()
        runner.wait_for_idle()

    assert page.countdown_label.isVisible()
    assert page.countdown_label.text() == ("Too many wrong passphrases. You can try again in 30 s.")
    assert not page.unlock_button.isEnabled()

    clock.advance(12)
    qtbot.waitUntil(lambda: "18 s" in page.countdown_label.text())
    assert not page.unlock_button.isEnabled()

    clock.advance(19)
    qtbot.waitUntil(page.unlock_button.isEnabled)
    assert not page.countdown_label.isVisible()

    # The right passphrase works once the wait is over, and the vault agrees on the clock.
    assert Vault(team_vault, clock=clock).unlock_wait("wang") == 0
    page.passphrase_edit.setText(CASEWORKER[1])
    page.unlock()
    runner.wait_for_idle()
    assert ctx.is_unlocked
    ctx.lock()


def test_a_vault_still_waiting_shows_the_countdown(qtbot, team_vault, ctx, clock):
    """A LockedOut from the vault itself (e.g. after the program was restarted)."""
    vault = Vault(team_vault, clock=clock)
    for _attempt in range(5):
        with contextlib.suppress(AftercareError):
            vault.unlock("wang", "wrong guess 123456")
    runner = Runner()
    page = UnlockPage(ctx, runner, clock=clock, tick_ms=10)
    qtbot.addWidget(page)
    page.show()
    page.user_edit.setText("wang")
    page.passphrase_edit.setText(CASEWORKER[1])
    page.unlock()
    runner.wait_for_idle()

    assert "Try again in 30 seconds" in page.error_label.text()
    assert page.countdown_label.isVisible()
    assert not ctx.is_unlocked


def test_recovery_code_sets_a_new_passphrase_and_unlocks(qtbot, window, recovery_code):
    page = window.unlock_page
    page.user_edit.setText("wang")
    qtbot.mouseClick(page.recovery_link, Qt.MouseButton.LeftButton)
    assert page.forms.currentIndex() == 1
    assert page.recovery_user_edit.text() == "wang"

    page.recovery_code_edit.setText(recovery_code.replace("-", " "))
    page.new_passphrase.first.setText("violet harbour engine 31")
    page.new_passphrase.second.setText("violet harbour engine 31")
    qtbot.mouseClick(page.recovery_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.ctx.is_unlocked and not window.runner.busy, timeout=15_000)

    assert window.ctx.opened.user.name == "wang"
    window.lock()
    assert Vault(window.ctx.vault_folder).unlock("wang", "violet harbour engine 31").user.name == (
        "wang"
    )


def test_wrong_recovery_code_is_said_inline(qtbot, window):
    page = window.unlock_page
    page.show_recovery(True)
    page.recovery_code_edit.setText("1234-" * 9 + "1234")
    page.recovery_user_edit.setText("wang")
    page.new_passphrase.first.setText("violet harbour engine 31")
    page.new_passphrase.second.setText("violet harbour engine 31")
    page.reset_with_recovery()
    qtbot.waitUntil(lambda: page.recovery_error.text() != "" and not window.runner.busy)
    assert page.recovery_error.text() == (
        "The recovery code does not open this vault. Check each group of digits."
    )
    assert not window.ctx.is_unlocked
