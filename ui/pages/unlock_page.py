"""The unlock screen: user name and passphrase, the wait after repeated failures, and the
recovery-code path for a forgotten passphrase.

It is not a `Page` (no vault is open yet) but follows the same habits: built with the
AppContext and the Runner, `retranslate_ui()` for the language. The unlock itself (Argon2id,
about a second) runs on the Runner. After `unlocked` the context holds the open vault.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.context import AppContext
from app.errors import AftercareError, LockedOut
from app.i18n import _
from app.vault.vault import OpenVault, Vault
from ui.pages import page_classes
from ui.runner import VAULT, Runner, error_text
from ui.widgets.passphrase_edit import PassphraseEdit

ERROR_STYLE = "color: #8a1c14;"


class UnlockPage(QWidget):
    unlocked = Signal()

    def __init__(
        self,
        ctx: AppContext,
        runner: Runner,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], float] = time.time,
        tick_ms: int = 1000,
    ):
        super().__init__(parent)
        self.setObjectName("unlock_page")
        self.ctx = ctx
        self.runner = runner
        self._clock = clock
        self._deadline = 0.0
        self._countdown = QTimer(self)
        self._countdown.setInterval(tick_ms)
        self._countdown.timeout.connect(self._tick)

        self.heading = QLabel(self, objectName="unlock_heading")
        heading_font = QFont(self.font())
        heading_font.setPointSize(heading_font.pointSize() + 9)
        heading_font.setWeight(QFont.Weight.DemiBold)
        self.heading.setFont(heading_font)
        self.subtitle = QLabel(self, objectName="unlock_subtitle")
        self.subtitle.setStyleSheet("color: #555;")
        self.subtitle.setWordWrap(True)
        self.folder_label = QLabel(self, objectName="unlock_folder")
        self.folder_label.setStyleSheet("color: #777;")
        self.folder_label.setWordWrap(True)

        self.forms = QStackedWidget(self)
        self.forms.addWidget(self._build_sign_in())
        self.forms.addWidget(self._build_recovery())

        card = QFrame(self, objectName="unlock_card")
        card.setFrameShape(QFrame.Shape.StyledPanel)
        card.setStyleSheet(
            "#unlock_card { background: palette(base); border: 1px solid #d0d0d0;"
            " border-radius: 6px; }"
        )
        card.setFixedWidth(460)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(28, 24, 28, 24)
        inner.addWidget(self.heading)
        inner.addWidget(self.subtitle)
        inner.addSpacing(14)
        inner.addWidget(self.forms)
        inner.addSpacing(6)
        inner.addWidget(self.folder_label)

        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        self.retranslate_ui()
        self.show_recovery(False)

    # --- building ----------------------------------------------------------------------------

    def _build_sign_in(self) -> QWidget:
        box = QWidget(self)
        self.user_edit = QLineEdit(box, objectName="unlock_user")
        self.passphrase_edit = QLineEdit(box, objectName="unlock_passphrase")
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.user_edit.returnPressed.connect(self._name_entered)
        self.passphrase_edit.returnPressed.connect(self.unlock)
        self.unlock_button = QPushButton(box, objectName="unlock_button")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.unlock)
        self.error_label = QLabel(box, objectName="unlock_error")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.countdown_label = QLabel(box, objectName="unlock_countdown")
        self.countdown_label.setWordWrap(True)
        self.countdown_label.setStyleSheet("color: #6b4a00;")
        self.recovery_link = QPushButton(box, objectName="use_recovery_code")
        self.recovery_link.setFlat(True)
        self.recovery_link.setStyleSheet("text-align: left; color: #1a5fb4; padding: 0;")
        self.recovery_link.setCursor(Qt.CursorShape.PointingHandCursor)
        self.recovery_link.clicked.connect(lambda: self.show_recovery(True))

        self._user_label, self._passphrase_label = QLabel(box), QLabel(box)
        form = QFormLayout()
        form.addRow(self._user_label, self.user_edit)
        form.addRow(self._passphrase_label, self.passphrase_edit)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.countdown_label)
        buttons = QHBoxLayout()
        buttons.addWidget(self.recovery_link)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        layout.addLayout(buttons)
        return box

    def _build_recovery(self) -> QWidget:
        box = QWidget(self)
        self.recovery_help = QLabel(box, objectName="recovery_help")
        self.recovery_help.setWordWrap(True)
        self.recovery_code_edit = QLineEdit(box, objectName="recovery_code")
        self.recovery_code_edit.setEchoMode(QLineEdit.EchoMode.PasswordEchoOnEdit)
        self.recovery_user_edit = QLineEdit(box, objectName="recovery_user")
        self.new_passphrase = PassphraseEdit(box)
        self.recovery_user_edit.textChanged.connect(self.new_passphrase.set_user_name)
        self.recovery_error = QLabel(box, objectName="recovery_error")
        self.recovery_error.setWordWrap(True)
        self.recovery_error.setStyleSheet(ERROR_STYLE)
        self.recovery_button = QPushButton(box, objectName="recovery_button")
        self.recovery_button.clicked.connect(self.reset_with_recovery)
        self.back_button = QPushButton(box, objectName="recovery_back")
        self.back_button.clicked.connect(lambda: self.show_recovery(False))

        self._code_label, self._recovery_user_label = QLabel(box), QLabel(box)
        form = QFormLayout()
        form.addRow(self._code_label, self.recovery_code_edit)
        form.addRow(self._recovery_user_label, self.recovery_user_edit)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.recovery_help)
        layout.addLayout(form)
        layout.addWidget(self.new_passphrase)
        layout.addWidget(self.recovery_error)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.recovery_button)
        layout.addLayout(buttons)
        return box

    # --- language ----------------------------------------------------------------------------

    def retranslate_ui(self) -> None:
        self.heading.setText(_("Aftercare"))
        self.subtitle.setText(_("Encrypted case files. Sign in to unlock the vault."))
        self._user_label.setText(_("User name"))
        self._passphrase_label.setText(_("Passphrase"))
        self.unlock_button.setText(_("Unlock"))
        self.recovery_link.setText(_("Forgot the passphrase? Use the recovery code"))
        self.recovery_help.setText(
            _(
                "Type the recovery code from the sealed envelope, the user whose passphrase "
                "was forgotten, and a new passphrase for that user."
            )
        )
        self._code_label.setText(_("Recovery code"))
        self._recovery_user_label.setText(_("User name"))
        self.recovery_code_edit.setPlaceholderText("0000-0000-0000-…")
        self.recovery_button.setText(_("Set passphrase and unlock"))
        self.back_button.setText(_("Back"))
        self.new_passphrase.retranslate_ui()
        self.set_folder_label()
        self._show_countdown()

    def say(self, text: str) -> None:
        """The sign-in form's error line, taking no room while there is nothing to say."""
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))
        self.forms.adjustSize()

    def _name_entered(self) -> None:
        if self.passphrase_edit.text():
            self.unlock()
        else:
            self.passphrase_edit.setFocus()

    def set_folder_label(self) -> None:
        self.folder_label.setText(_("Vault: {path}").format(path=self.ctx.vault_folder))

    # --- actions -----------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget everything typed (on lock, and after a successful unlock)."""
        for edit in (self.passphrase_edit, self.recovery_code_edit):
            edit.clear()
        self.new_passphrase.clear()
        self.say("")
        self.recovery_error.clear()
        self.show_recovery(False)
        self.set_folder_label()

    def show_recovery(self, on: bool) -> None:
        self.forms.setCurrentIndex(1 if on else 0)
        # A stacked widget is as tall as its tallest form; let the hidden one take no room.
        for index in range(self.forms.count()):
            policy = (
                QSizePolicy.Policy.Preferred
                if index == self.forms.currentIndex()
                else (QSizePolicy.Policy.Ignored)
            )
            if (form := self.forms.widget(index)) is not None:
                form.setSizePolicy(policy, policy)
        self.forms.adjustSize()
        if on and not self.recovery_user_edit.text():
            self.recovery_user_edit.setText(self.user_edit.text())
        if on:
            self.recovery_code_edit.setFocus()
        else:  # a remembered name: the passphrase next, so it is never typed into the name
            (self.passphrase_edit if self.user_edit.text() else self.user_edit).setFocus()

    def _vault(self) -> Vault | None:
        try:
            return Vault(self.ctx.vault_folder, clock=self._clock)
        except AftercareError as exc:
            self.say(str(exc))
            self.recovery_error.setText(str(exc))
            return None

    def unlock(self) -> None:
        name, secret = self.user_edit.text().strip(), self.passphrase_edit.text()
        if not name or not secret:
            self.say(_("Type your user name and your passphrase."))
            (self.passphrase_edit if name else self.user_edit).setFocus()
            return
        if self._countdown.isActive() or self.runner.busy:
            return
        vault = self._vault()
        if vault is None:
            return
        self.say("")
        self.unlock_button.setEnabled(False)

        def unlock() -> OpenVault:
            self.ctx.backups.wait()  # the backup behind the last lock, if it is still running
            page_classes()  # the pages' modules, if their preloading has not finished
            return vault.unlock(name, secret)

        self.runner.run(
            unlock,
            parent=self,
            label=_("Unlocking the vault..."),
            on_success=self._opened,
            on_error=lambda exc: self._failed(exc, vault, name),
            changes=[VAULT],
        )

    def reset_with_recovery(self) -> None:
        code = self.recovery_code_edit.text()
        name = self.recovery_user_edit.text().strip()
        if not code.strip() or not name:
            self.recovery_error.setText(_("Type the recovery code and the user name."))
            return
        reasons = self.new_passphrase.reasons()
        if reasons:
            self.recovery_error.setText(" ".join(reasons))
            return
        vault = self._vault()
        if vault is None:
            return
        new = self.new_passphrase.text()
        self.recovery_error.clear()
        self.recovery_button.setEnabled(False)

        def work() -> OpenVault:
            self.ctx.backups.wait()  # a new passphrase re-keys: no other connection may be open
            vault.reset_passphrase_with_recovery(code, name, new)
            return vault.unlock(name, new)

        def failed(exc: BaseException) -> None:
            self.recovery_button.setEnabled(True)
            self.recovery_error.setText(error_text(exc))

        self.runner.run(
            work,
            parent=self,
            label=_("Setting the new passphrase..."),
            on_success=self._opened,
            on_error=failed,
            changes=[VAULT],
        )

    def _opened(self, opened: OpenVault) -> None:
        self.ctx.opened = opened
        self.unlock_button.setEnabled(True)
        self.recovery_button.setEnabled(True)
        self.reset()
        self.unlocked.emit()

    def _failed(self, exc: BaseException, vault: Vault, name: str) -> None:
        self.passphrase_edit.clear()
        self.passphrase_edit.setFocus()
        self.say(error_text(exc))
        if isinstance(exc, LockedOut):
            wait = exc.wait_s
        else:
            try:
                wait = vault.unlock_wait(name)
            except AftercareError:
                wait = 0.0
        if wait > 0:
            self.start_countdown(wait)
        else:
            self.unlock_button.setEnabled(True)

    # --- the wait after repeated failures ----------------------------------------------------

    def start_countdown(self, seconds: float) -> None:
        self._deadline = self._clock() + seconds
        self.unlock_button.setEnabled(False)
        self._countdown.start()
        self._show_countdown()

    def seconds_left(self) -> int:
        return max(0, int(self._deadline - self._clock() + 0.999))

    def _tick(self) -> None:
        if self.seconds_left() <= 0:
            self._countdown.stop()
            self.unlock_button.setEnabled(True)
            self.say("")
        self._show_countdown()

    def _show_countdown(self) -> None:
        left = self.seconds_left() if self._countdown.isActive() else 0
        self.countdown_label.setVisible(left > 0)
        self.countdown_label.setText(
            _("Too many wrong passphrases. You can try again in {seconds} s.").format(seconds=left)
            if left
            else ""
        )
