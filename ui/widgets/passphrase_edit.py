"""A new passphrase typed twice, with a strength meter and every reason it would be refused.

The reasons come from `app.vault.passphrase.problems`, the same rule the vault enforces, so
the form never accepts what the vault would then refuse.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QProgressBar, QWidget

from app.i18n import N_, _
from app.vault import passphrase

_STRENGTH = (N_("Very weak"), N_("Weak"), N_("Fair"), N_("Good"), N_("Strong"))
_COLOURS = ("#b3261e", "#c75c00", "#b08900", "#3b7d23", "#1f6f3f")


class PassphraseEdit(QWidget):
    """Two echo-off fields, a meter and the problems; `acceptable()` when the vault would agree."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, user_name: str = ""):
        super().__init__(parent)
        self._user_name = user_name
        self.first = QLineEdit(self, objectName="passphrase_first")
        self.second = QLineEdit(self, objectName="passphrase_second")
        for edit in (self.first, self.second):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.textChanged.connect(self._update)
        self.meter = QProgressBar(self, objectName="passphrase_meter")
        self.meter.setRange(0, 4)
        self.meter.setTextVisible(True)
        self.meter.setMaximumHeight(14)
        self.problems = QLabel(self, objectName="passphrase_problems")
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #8a1c14;")

        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self._first_label = QLabel()
        self._second_label = QLabel()
        self._meter_label = QLabel()
        form.addRow(self._first_label, self.first)
        form.addRow(self._second_label, self.second)
        form.addRow(self._meter_label, self.meter)
        form.addRow("", self.problems)
        self.retranslate_ui()

    def set_user_name(self, name: str) -> None:
        self._user_name = name
        self._update()

    def text(self) -> str:
        return self.first.text()

    def clear(self) -> None:
        self.first.clear()
        self.second.clear()

    def reasons(self) -> list[str]:
        """Why the passphrase cannot be used yet (empty when it can)."""
        text = self.first.text()
        if not text:
            return [_("Type a passphrase.")]
        found = passphrase.problems(text, self._user_name.strip())
        if not found and self.second.text() != text:
            found.append(_("The two passphrases differ."))
        return found

    def acceptable(self) -> bool:
        return not self.reasons()

    def retranslate_ui(self) -> None:
        self._first_label.setText(_("Passphrase"))
        self._second_label.setText(_("Passphrase again"))
        self._meter_label.setText(_("Strength"))
        self.first.setPlaceholderText(_("at least {n} characters").format(n=passphrase.MIN_LENGTH))
        self._update()

    def _update(self) -> None:
        text = self.first.text()
        score = passphrase.strength(text) if text else 0
        self.meter.setValue(score if text else 0)
        self.meter.setFormat(_(_STRENGTH[score]) if text else "")
        self.meter.setStyleSheet(
            f"QProgressBar::chunk {{ background: {_COLOURS[score]}; }}"
            " QProgressBar { border: 1px solid #bbb; border-radius: 3px; text-align: center; }"
        )
        # Say nothing until the person has typed something; then every reason at once.
        self.problems.setText("\n".join(self.reasons()) if text or self.second.text() else "")
        self.changed.emit()
