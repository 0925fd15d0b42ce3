"""Users (administrators): the list, add, remove (rotates the data key), reset a forgotten
passphrase with the recovery code, and a new recovery kit (replaces the recovery code and
writes its PDF, app.vault.kit)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import access
from app.codes import Role
from app.i18n import _
from app.vault import kit
from ui.models.users_model import UsersModel
from ui.pages.base import Page
from ui.runner import AUDIT, USERS, error_text
from ui.widgets.code_combo import CodeCombo
from ui.widgets.passphrase_edit import PassphraseEdit
from ui.widgets.recovery_code import RecoveryCodeDialog


class AddUserDialog(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("add_user_dialog")
        self.setWindowTitle(_("Add a user"))
        self.name_edit = QLineEdit(self, objectName="add_user_name")
        self.role_combo = CodeCombo(Role, parent=self)
        self.role_combo.setObjectName("add_user_role")
        self.role_combo.set_code(Role.CASEWORKER)
        self.passphrase = PassphraseEdit(self)
        self.name_edit.textChanged.connect(self.passphrase.set_user_name)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(_("Add user"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        for signal in (self.name_edit.textChanged, self.passphrase.changed):
            signal.connect(self._update)
        form = QFormLayout(self)
        form.addRow(_("Login name"), self.name_edit)
        form.addRow(_("Role"), self.role_combo)
        form.addRow(self.passphrase)
        form.addRow(
            QLabel(_("Give the passphrase to the person in private; they can change it later."))
        )
        form.addRow(buttons)
        self._update()

    def _update(self) -> None:
        self.ok.setEnabled(bool(self.name_edit.text().strip()) and self.passphrase.acceptable())


class ResetDialog(QDialog):
    """A forgotten passphrase replaced with the printed recovery code."""

    def __init__(self, user_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("reset_dialog")
        self.setWindowTitle(_("Reset a passphrase with the recovery code"))
        self.user_edit = QLineEdit(user_name, self, objectName="reset_user")
        self.code_edit = QLineEdit(self, objectName="reset_code")
        self.code_edit.setEchoMode(QLineEdit.EchoMode.PasswordEchoOnEdit)
        self.passphrase = PassphraseEdit(self, user_name=user_name)
        self.user_edit.textChanged.connect(self.passphrase.set_user_name)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        for signal in (self.user_edit.textChanged, self.code_edit.textChanged):
            signal.connect(self._update)
        self.passphrase.changed.connect(self._update)
        form = QFormLayout(self)
        form.addRow(_("User name"), self.user_edit)
        form.addRow(_("Recovery code"), self.code_edit)
        form.addRow(self.passphrase)
        form.addRow(buttons)
        self._update()

    def _update(self) -> None:
        self.ok.setEnabled(
            bool(self.user_edit.text().strip() and self.code_edit.text().strip())
            and self.passphrase.acceptable()
        )


class UsersPage(Page):
    page_id = "users"
    page_actions = (access.Action.MANAGE_USERS,)

    def __init__(self, ctx, runner, parent: QWidget | None = None):
        super().__init__(ctx, runner, parent)
        self.model = UsersModel(self)
        self.table = QTableView(self, objectName="users_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setAlternatingRowColors(True)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)

        self.heading = QLabel(self, objectName="users_heading")
        self.heading.setStyleSheet("font-size: 16pt; font-weight: 600;")
        self.explanation = QLabel(self)
        self.explanation.setWordWrap(True)
        self.explanation.setStyleSheet("color: #555;")
        self.add_button = QPushButton(self, objectName="add_user_button")
        self.remove_button = QPushButton(self, objectName="remove_user_button")
        self.reset_button = QPushButton(self, objectName="reset_user_button")
        self.recovery_button = QPushButton(self, objectName="new_recovery_button")
        self.add_button.clicked.connect(self.add_user)
        self.remove_button.clicked.connect(self.remove_selected)
        self.reset_button.clicked.connect(self.reset_selected)
        self.recovery_button.clicked.connect(self.new_recovery_code)

        buttons = QHBoxLayout()
        for button in (self.add_button, self.remove_button, self.reset_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.recovery_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.explanation)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        self.retranslate_ui()
        self._update_buttons()

    @classmethod
    def title(cls) -> str:
        return _("Users")

    def retranslate_ui(self) -> None:
        self.heading.setText(_("Users"))
        self.explanation.setText(
            _(
                "Everyone who may open this vault, with the role that decides what they see. "
                "Removing a user also changes the vault's data key, so a copy of the old key "
                "file no longer opens it."
            )
        )
        self.add_button.setText(_("Add user..."))
        self.remove_button.setText(_("Remove..."))
        self.reset_button.setText(_("Reset with recovery code..."))
        self.recovery_button.setText(_("New recovery kit..."))
        self.model.retranslate()

    def refresh(self) -> None:
        opened = self.ctx.opened
        if opened is None or not opened.is_open:
            self.model.clear()
        else:
            self.model.set_users(opened.users(), me=opened.user.id)
        self._update_buttons()

    def on_changed(self, changes) -> None:
        if USERS in changes:
            self.refresh()

    def selected_name(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.user(rows[0].row()).name if rows else None

    def _update_buttons(self) -> None:
        name = self.selected_name()
        me = self.ctx.vault.user.name if self.ctx.opened else None
        self.remove_button.setEnabled(name is not None and name != me)

    # --- actions -----------------------------------------------------------------------------

    def add_user(self) -> None:
        dialog = AddUserDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted or not self.ctx.is_unlocked:
            return
        opened = self.ctx.vault
        name, role = dialog.name_edit.text().strip(), dialog.role_combo.code()
        secret = dialog.passphrase.text()
        if role is None:  # the role list has no blank entry
            return
        self.runner.run(
            lambda: opened.add_user(name, role, secret),
            parent=self,
            label=_("Adding the user..."),
            on_success=lambda user: self.status.emit(_("User “{name}” added.").format(name=name)),
            changes=[USERS, AUDIT],
        )

    def remove_selected(self) -> None:
        name = self.selected_name()
        if name is None:
            return
        answer = QMessageBox.question(
            self,
            _("Remove a user"),
            _(
                "Remove “{name}”? They will no longer be able to open the vault. The vault's "
                "data key is changed and every other user's key is re-sealed, which can take "
                "a moment. The audit trail keeps what they did."
            ).format(name=name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes or not self.ctx.is_unlocked:
            return
        opened = self.ctx.vault
        self.runner.run(
            lambda report: opened.remove_user(name, progress=report),
            parent=self,
            with_progress=True,
            label=_("Removing the user and re-encrypting the vault under a new data key..."),
            on_success=lambda _result: self.status.emit(
                _("User “{name}” removed; the data key was changed.").format(name=name)
            ),
            changes=[USERS, AUDIT],
        )

    def reset_selected(self) -> None:
        dialog = ResetDialog(self.selected_name() or "", self)
        if dialog.exec() != QDialog.DialogCode.Accepted or not self.ctx.is_unlocked:
            return
        opened = self.ctx.vault
        name, code = dialog.user_edit.text().strip(), dialog.code_edit.text()
        secret = dialog.passphrase.text()

        self.runner.run(
            lambda report: opened.reset_with_recovery(code, name, secret, progress=report),
            parent=self,
            with_progress=True,
            label=_(
                "Setting the new passphrase and re-encrypting the vault under a new data key..."
            ),
            on_success=lambda _result: self.status.emit(
                _("The passphrase of “{name}” was replaced.").format(name=name)
            ),
            changes=[USERS, AUDIT],
        )

    def new_recovery_code(self) -> None:
        """A new recovery code, written into a recovery kit PDF and shown once on screen."""
        answer = QMessageBox.question(
            self,
            _("New recovery kit"),
            _(
                "Make a new recovery code? The printed code stops working at once; destroy "
                "the old envelope after you have sealed the new one.\n\nThe new code is "
                "written into a PDF to print. The PDF is not encrypted and holds the code: "
                "print it, then delete the file."
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes or not self.ctx.is_unlocked:
            return
        path, _filter = QFileDialog.getSaveFileName(
            self,
            _("Save recovery kit PDF"),
            "recovery-kit.pdf",
            _("PDF files (*.pdf)"),
            options=QFileDialog.Option.DontUseNativeDialog,
        )
        if not path or not self.ctx.is_unlocked:
            return  # nothing was changed
        opened = self.ctx.vault
        unit = opened.unit

        def written(code: str) -> None:
            self.status.emit(
                _("Recovery kit written to {file}. Print it, then delete the file.").format(
                    file=path
                )
            )
            self._show_code(code, unit)

        def failed(exc: BaseException) -> None:
            QMessageBox.warning(self, _("Aftercare"), error_text(exc))
            if isinstance(exc, kit.KitNotWritten):  # the old code is gone: show the new one
                self._show_code(exc.code, unit)

        self.runner.run(
            lambda report: kit.new_recovery_kit(opened, path, progress=report),
            parent=self,
            with_progress=True,
            label=_("Making a new recovery kit..."),
            on_success=written,
            on_error=failed,
            changes=[AUDIT],
        )

    def _show_code(self, code: str, unit) -> None:
        dialog = RecoveryCodeDialog(code, self, unit_name=unit.name, unit_code=unit.code)
        dialog.view.save_kit.hide()  # the kit was written (and audited) already
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()  # window-modal, without a nested event loop


PAGE = UsersPage
