"""Contact cards: adding one, marking a contact verified, saving this vault's own card.

A card by itself proves nothing: whoever carried it could have swapped it. So adding shows
the card's fingerprint in large digit groups to compare with the other unit, and marking the
contact verified asks for the digits the other unit reads out (the service compares them
with the card; a mismatch is audited and nothing changes).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QDir
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import AftercareError
from app.fileio import atomic_write_bytes
from app.i18n import _
from app.referrals import keys
from app.services.referrals import Contact

DIGITS = keys.FINGERPRINT_GROUPS * keys.FINGERPRINT_GROUP_DIGITS
HINT_STYLE = "color: #4a4f57;"
ERROR_STYLE = "color: #a3261b;"
FINGERPRINT_STYLE = (
    "font-size: 22pt; letter-spacing: 2px; color: #12325c; background: #f3f6fa;"
    " border: 1px solid #d5dde8; border-radius: 6px; padding: 10px 18px;"
)


def fingerprint_view(fingerprint: str, object_name: str, parent: QWidget) -> QLabel:
    """The fingerprint in large digits, three groups to a line, easy to read out."""
    groups = fingerprint.split()
    half = (len(groups) + 1) // 2
    text = "   ".join(groups[:half]) + "\n" + "   ".join(groups[half:])
    view = QLabel(text, parent, objectName=object_name)
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    view.setFont(font)
    view.setStyleSheet(FINGERPRINT_STYLE)
    return view


def hint(text: str, parent: QWidget, object_name: str = "") -> QLabel:
    label = QLabel(text, parent)
    if object_name:
        label.setObjectName(object_name)
    label.setWordWrap(True)
    label.setStyleSheet(HINT_STYLE)
    return label


def role_combo(current: str, parent: QWidget, object_name: str) -> QComboBox:
    combo = QComboBox(parent, objectName=object_name)
    for code in keys.CONTACT_ROLES:
        combo.addItem(keys.role_label(code), code)
    combo.setCurrentIndex(max(0, combo.findData(current)))
    return combo


def _buttons(dialog: QDialog, ok_text: str) -> tuple[QDialogButtonBox, QPushButton]:
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog
    )
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    if ok is None:
        raise RuntimeError("a button box made with Ok has an Ok button")
    ok.setText(ok_text)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons, ok


class AddContactDialog(QDialog):
    """A card that was read: its unit, the name to file it under, and its fingerprint."""

    def __init__(self, card: keys.ContactCard, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("add_contact_dialog")
        self.setWindowTitle(_("Add a contact"))
        self.setMinimumWidth(520)
        self.name_edit = QLineEdit(card.name, self, objectName="contact_name")
        self.role = role_combo(card.role, self, "contact_role")
        heading = QLabel(
            _("Card of {name}, unit {unit}").format(name=card.name, unit=card.unit_code), self
        )
        heading.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.fingerprint = fingerprint_view(card.fingerprint, "card_fingerprint", self)
        buttons, self.ok = _buttons(self, _("Add contact"))
        self.name_edit.textChanged.connect(lambda text: self.ok.setEnabled(bool(text.strip())))

        form = QFormLayout()
        form.addRow(_("File it under"), self.name_edit)
        form.addRow(_("Kind of unit"), self.role)
        column = QVBoxLayout(self)
        column.setSpacing(12)
        column.addWidget(heading)
        column.addLayout(form)
        column.addWidget(QLabel(_("Fingerprint of this card"), self))
        column.addWidget(self.fingerprint)
        column.addWidget(
            hint(
                _(
                    "Read these digits to the other side by phone, or compare them on paper. "
                    "Mark the contact verified only when they match: until then nothing is "
                    "sent to it or accepted from it."
                ),
                self,
                "card_instruction",
            )
        )
        column.addWidget(buttons)

    def chosen(self) -> tuple[str, str]:
        """The name and the kind of unit to add the contact with."""
        return self.name_edit.text().strip(), self.role.currentData()


class VerifyContactDialog(QDialog):
    """Mark a contact verified: the digits the other unit read out must match its card."""

    def __init__(
        self,
        contact: Contact,
        verify: Callable[[str], Contact],
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("verify_contact_dialog")
        self.setWindowTitle(_("Mark a contact verified"))
        self.setMinimumWidth(520)
        self._verify = verify
        self.verified: Contact | None = None
        heading = QLabel(contact.counterpart, self)
        heading.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.digits_edit = QLineEdit(self, objectName="verify_fingerprint")
        self.digits_edit.setPlaceholderText(" ".join(["00000"] * keys.FINGERPRINT_GROUPS))
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSize(14)
        self.digits_edit.setFont(font)
        self.count = hint("", self, "verify_count")
        self.problem = QLabel(self, objectName="verify_problem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(ERROR_STYLE)
        self.problem.hide()
        buttons, self.ok = _buttons(self, _("Mark verified"))
        self.digits_edit.textChanged.connect(self._update)

        column = QVBoxLayout(self)
        column.setSpacing(10)
        column.addWidget(heading)
        column.addWidget(
            hint(
                _(
                    "Ask {name} to read out the fingerprint of their vault (on their Contacts "
                    "page), or take it from the paper they gave you, and type the digits here. "
                    "They are compared with the card you added."
                ).format(name=contact.name),
                self,
            )
        )
        column.addWidget(self.digits_edit)
        column.addWidget(self.count)
        column.addWidget(self.problem)
        column.addWidget(buttons)
        self._update()

    def _update(self) -> None:
        typed = len(keys.fingerprint_digits(self.digits_edit.text()))
        self.count.setText(_("{count} of {total} digits").format(count=typed, total=DIGITS))
        self.ok.setEnabled(typed == DIGITS)
        self.problem.hide()

    def accept(self) -> None:
        try:
            self.verified = self._verify(self.digits_edit.text())
        except AftercareError as error:
            self.problem.setText(str(error))
            self.problem.show()
            return
        super().accept()


class OwnCardDialog(QDialog):
    """This vault's contact card, and the fingerprint the other units will compare."""

    def __init__(
        self,
        fingerprint: str,
        unit_name: str,
        unit_code: str,
        make_card: Callable[[str, str], bytes],
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("own_card_dialog")
        self.setWindowTitle(_("My contact card"))
        self.setMinimumWidth(520)
        self._make_card = make_card
        self._unit_code = unit_code
        self.saved_to: Path | None = None
        self.name_edit = QLineEdit(unit_name, self, objectName="own_card_name")
        self.role = role_combo("shelter", self, "own_card_role")
        buttons, self.ok = _buttons(self, _("Save card..."))
        self.problem = QLabel(self, objectName="own_card_problem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(ERROR_STYLE)
        self.problem.hide()
        self.name_edit.textChanged.connect(lambda text: self.ok.setEnabled(bool(text.strip())))

        form = QFormLayout()
        form.addRow(_("Name on the card"), self.name_edit)
        form.addRow(_("Kind of unit"), self.role)
        column = QVBoxLayout(self)
        column.setSpacing(12)
        column.addWidget(
            hint(
                _(
                    "Give this card to the units you work with, on a USB stick or by e-mail: "
                    "it holds no secret. When they add it they see the digits below; read them "
                    "out when they call, or hand them over on paper."
                ),
                self,
            )
        )
        column.addLayout(form)
        column.addWidget(QLabel(_("Fingerprint of this vault"), self))
        column.addWidget(fingerprint_view(fingerprint, "own_fingerprint", self))
        column.addWidget(self.problem)
        column.addWidget(buttons)

    def accept(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self,
            _("Save my contact card"),
            QDir(QDir.homePath()).filePath(f"contact-card-{self._unit_code}{keys.CARD_SUFFIX}"),
            _("Contact cards (*{suffix})").format(suffix=keys.CARD_SUFFIX),
            options=QFileDialog.Option.DontUseNativeDialog,
        )
        if not path:
            return
        try:
            data = self._make_card(self.role.currentData(), self.name_edit.text().strip())
            atomic_write_bytes(path, data, mode=0o644)  # a card is public: others read it
        except (AftercareError, OSError) as error:
            reason = error.strerror if isinstance(error, OSError) else str(error)
            self.problem.setText(
                _("The card was not saved: {reason}").format(reason=reason or error)
            )
            self.problem.show()
            return
        self.saved_to = Path(path)
        super().accept()
