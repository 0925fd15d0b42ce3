"""The first-run wizard makes a vault, then insists that the recovery code is written down."""

from __future__ import annotations

from PySide6.QtWidgets import QWizard

from app import settings as app_settings
from app.context import AppContext
from app.vault.vault import Vault
from ui.pages.first_run import FirstRunWizard
from ui.runner import Runner


def test_wizard_creates_a_vault(qtbot, tmp_path):
    folder = tmp_path / "new-vault"
    ctx = AppContext(folder, settings=app_settings.defaults())
    wizard = FirstRunWizard(ctx, Runner())
    qtbot.addWidget(wizard)
    wizard.show()
    next_button = wizard.button(QWizard.WizardButton.NextButton)

    unit = wizard.unit_page
    assert not unit.isComplete()
    unit.name_edit.setText("福州市救助管理站")  # CJK through setText, never keyClicks
    qtbot.keyClicks(unit.code_edit, "350100-S01")
    assert unit.prefecture.currentText() == "Fuzhou"
    unit.prefecture.set_code("350200")
    assert unit.isComplete()
    next_button.click()

    admin = wizard.admin_page
    assert wizard.currentPage() is admin
    qtbot.keyClicks(admin.name_edit, "admin")
    admin.passphrase.first.setText("admin2026")
    assert not admin.isComplete()
    assert "at least 12 characters" in admin.passphrase.problems.text()
    admin.passphrase.first.setText("quiet orchard bicycle 7")
    admin.passphrase.second.setText("quiet orchard bicycle 7")
    assert admin.isComplete()
    wizard.button(QWizard.WizardButton.CommitButton).click()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.recovery_page, timeout=15_000)

    view = wizard.recovery_page.view
    assert len(view.groups()) == 10
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    assert not finish.isEnabled()
    wizard.reject()  # leaving before confirming is not possible
    assert wizard.isVisible()
    view.confirm.setChecked(True)
    assert finish.isEnabled()
    finish.click()

    assert ctx.is_unlocked and ctx.opened.user.name == "admin"
    assert ctx.opened.unit.prefecture == "350200"
    ctx.lock()
    vault = Vault(folder)
    vault.reset_passphrase_with_recovery("-".join(view.groups()), "admin", "amber tiger window 88")
    assert vault.unlock("admin", "amber tiger window 88").unit.name == "福州市救助管理站"


def test_an_error_from_the_vault_is_shown_on_the_page(qtbot, tmp_path):
    folder = tmp_path / "not-empty"
    folder.mkdir()
    (folder / "vault.db").write_bytes(b"something else")
    wizard = FirstRunWizard(AppContext(folder), Runner())
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.unit_page.name_edit.setText("Shelter")
    wizard.unit_page.code_edit.setText("S01")
    wizard.next()
    wizard.admin_page.name_edit.setText("admin")
    wizard.admin_page.passphrase.first.setText("quiet orchard bicycle 7")
    wizard.admin_page.passphrase.second.setText("quiet orchard bicycle 7")
    wizard.button(QWizard.WizardButton.CommitButton).click()
    wizard.runner.wait_for_idle()
    assert "already holds a vault" in wizard.admin_page.error.text()
    assert wizard.currentPage() is wizard.admin_page
