"""The first-run wizard: make a vault, name its first administrator, show the recovery code.

Creating the vault (Argon2id calibration, about a second) runs on the Runner when the
administrator page is committed; after that the wizard cannot go back, and it can be
finished only once the recovery code is confirmed as written down. On `accepted`, the
context holds the new vault, unlocked for the administrator.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QWidget, QWizard, QWizardPage

from app.codes import FUJIAN_PREFECTURES, prefecture_label
from app.context import AppContext
from app.i18n import _
from app.vault.vault import OpenVault, Vault
from ui.runner import VAULT, Runner, error_text
from ui.widgets.code_combo import CodeCombo
from ui.widgets.passphrase_edit import PassphraseEdit
from ui.widgets.recovery_code import RecoveryCodeView


class UnitPage(QWizardPage):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("wizard_unit")
        self.code_edit = QLineEdit(self, objectName="wizard_unit_code")
        self.name_edit = QLineEdit(self, objectName="wizard_unit_name")
        self.prefecture = CodeCombo(
            codes=FUJIAN_PREFECTURES, labeller=prefecture_label, parent=self
        )
        self.prefecture.setObjectName("wizard_prefecture")
        for edit in (self.code_edit, self.name_edit):
            edit.textChanged.connect(self.completeChanged)
        self._labels = [QLabel(self) for _i in range(3)]
        form = QFormLayout(self)
        form.addRow(self._labels[0], self.name_edit)
        form.addRow(self._labels[1], self.code_edit)
        form.addRow(self._labels[2], self.prefecture)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setTitle(_("Your unit"))
        self.setSubTitle(
            _(
                "The shelter or office this vault belongs to. Its name and code appear on "
                "summaries sent to the PJC Office."
            )
        )
        self._labels[0].setText(_("Unit name"))
        self._labels[1].setText(_("Unit code"))
        self._labels[2].setText(_("Prefecture"))
        self.code_edit.setPlaceholderText(_("e.g. FZ-SHELTER-01"))
        self.prefecture.retranslate_ui()

    def isComplete(self) -> bool:
        return bool(self.code_edit.text().strip() and self.name_edit.text().strip())


class AdminPage(QWizardPage):
    def __init__(self, wizard: FirstRunWizard):
        super().__init__(wizard)
        self.setObjectName("wizard_admin")
        self._wizard = wizard
        self.name_edit = QLineEdit(self, objectName="wizard_admin_name")
        self.passphrase = PassphraseEdit(self)
        self.name_edit.textChanged.connect(self.passphrase.set_user_name)
        self.name_edit.textChanged.connect(self.completeChanged)
        self.passphrase.changed.connect(self.completeChanged)
        self.error = QLabel(self, objectName="wizard_error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #8a1c14;")
        self._name_label = QLabel(self)
        form = QFormLayout(self)
        form.addRow(self._name_label, self.name_edit)
        form.addRow(self.passphrase)
        form.addRow(self.error)
        self.setCommitPage(True)  # once the vault exists, there is no going back
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setTitle(_("The first administrator"))
        self.setSubTitle(
            _(
                "The administrator adds the other users. Choose a passphrase you can remember "
                "and nobody can guess: a few unrelated words work well."
            )
        )
        self._name_label.setText(_("Login name"))
        self.passphrase.retranslate_ui()
        self.setButtonText(QWizard.WizardButton.CommitButton, _("Create the vault"))

    def isComplete(self) -> bool:
        return bool(self.name_edit.text().strip()) and self.passphrase.acceptable()

    def validatePage(self) -> bool:
        if self._wizard.opened is not None:
            return True
        self.error.clear()
        self._wizard.create_vault()
        return False  # the wizard moves on by itself when the vault is made


class RecoveryPage(QWizardPage):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("wizard_recovery")
        self.view = RecoveryCodeView(self)
        self.view.confirmed_changed.connect(self.completeChanged)
        form = QFormLayout(self)
        form.addRow(self.view)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setTitle(_("The recovery code"))
        self.setSubTitle(_("The vault is ready. One last, important step."))
        self.view.retranslate_ui()

    def isComplete(self) -> bool:
        return self.view.is_confirmed()


class FirstRunWizard(QWizard):
    def __init__(self, ctx: AppContext, runner: Runner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("first_run_wizard")
        self.ctx = ctx
        self.runner = runner
        self.opened: OpenVault | None = None
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.unit_page = UnitPage(self)
        self.admin_page = AdminPage(self)
        self.recovery_page = RecoveryPage(self)
        for page in (self.unit_page, self.admin_page, self.recovery_page):
            self.addPage(page)
        self.setMinimumSize(640, 520)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Aftercare: create a vault"))
        for page in (self.unit_page, self.admin_page, self.recovery_page):
            page.retranslate_ui()

    @property
    def folder(self) -> Path:
        return Path(self.ctx.vault_folder)

    def create_vault(self) -> None:
        unit, admin = self.unit_page, self.admin_page
        arguments: dict[str, Any] = {
            "unit_code": unit.code_edit.text().strip(),
            "unit_name": unit.name_edit.text().strip(),
            "prefecture": unit.prefecture.code(),
            "admin_name": admin.name_edit.text().strip(),
            "admin_passphrase": admin.passphrase.text(),
        }
        self.button(QWizard.WizardButton.CommitButton).setEnabled(False)

        def failed(exc: BaseException) -> None:
            admin.error.setText(error_text(exc))
            self.button(QWizard.WizardButton.CommitButton).setEnabled(True)

        self.runner.run(
            lambda: Vault.create(self.folder, **arguments),
            parent=self,
            label=_("Creating the vault..."),
            on_success=self._created,
            on_error=failed,
            changes=[VAULT],
        )

    def _created(self, result: tuple[OpenVault, str]) -> None:
        self.opened, code = result
        self.admin_page.passphrase.clear()
        unit = self.unit_page
        self.recovery_page.view.set_code(
            code, unit_name=unit.name_edit.text().strip(), unit_code=unit.code_edit.text().strip()
        )
        self.next()

    def accept(self) -> None:
        self.ctx.opened = self.opened
        super().accept()

    def reject(self) -> None:
        # Once the vault exists, leaving without the recovery code confirmed is not offered.
        if self.opened is not None:
            return
        super().reject()
