"""Settings (every role): language, lock timeout, and the unit's details (read-only).

Changes apply at once; the page has no Save button and so never has unsaved changes. It only
says what the person chose; the shell applies and stores it (`app.settings`).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app import settings as app_settings
from app.codes import prefecture_label
from app.i18n import _, current_locale
from ui.pages.base import Page
from ui.runner import AUDIT
from ui.widgets.passphrase_edit import PassphraseEdit

# Each language is named in itself, so it can be found whatever the current language is.
LANGUAGES = (("zh_CN", "中文"), ("en", "English"))


class ChangePassphraseDialog(QDialog):
    def __init__(self, user_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("change_passphrase_dialog")
        self.setWindowTitle(_("Change my passphrase"))
        self.current = QLineEdit(self, objectName="current_passphrase")
        self.current.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase = PassphraseEdit(self, user_name=user_name)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.current.textChanged.connect(self._update)
        self.passphrase.changed.connect(self._update)
        form = QFormLayout(self)
        form.addRow(_("Current passphrase"), self.current)
        form.addRow(self.passphrase)
        form.addRow(buttons)
        self._update()

    def _update(self) -> None:
        self.ok.setEnabled(bool(self.current.text()) and self.passphrase.acceptable())


class SettingsPage(Page):
    page_id = "settings"

    language_chosen = Signal(str)
    lock_minutes_chosen = Signal(int)

    def __init__(self, ctx, runner, parent: QWidget | None = None):
        super().__init__(ctx, runner, parent)
        self.heading = QLabel(self, objectName="settings_heading")
        self.heading.setStyleSheet("font-size: 16pt; font-weight: 600;")

        self.language_combo = QComboBox(self, objectName="settings_language")
        for code, name in LANGUAGES:
            self.language_combo.addItem(name, code)
        self.language_combo.setCurrentIndex(max(0, self.language_combo.findData(current_locale())))
        self.language_combo.currentIndexChanged.connect(
            lambda _i: self.language_chosen.emit(self.language_combo.currentData())
        )
        low, high = app_settings.LOCK_MINUTES_RANGE
        self.lock_spin = QSpinBox(self, objectName="settings_lock_minutes")
        self.lock_spin.setRange(low, high)
        self.lock_spin.setValue(
            ctx.settings.get(app_settings.LOCK_MINUTES, app_settings.LOCK_MINUTES_DEFAULT)
        )
        self.lock_spin.valueChanged.connect(self.lock_minutes_chosen)
        self.lock_spin.valueChanged.connect(lambda _v: self._set_lock_suffix())
        self.language_combo.setMinimumWidth(220)
        self.lock_spin.setMinimumWidth(220)

        self.general = QGroupBox(self, objectName="settings_general")
        self._language_label = QLabel(self, objectName="settings_language_label")
        self._lock_label = QLabel(self, objectName="settings_lock_label")
        self._lock_help = QLabel(self)
        self._lock_help.setWordWrap(True)
        self._lock_help.setStyleSheet("color: #555;")
        general = QFormLayout(self.general)
        general.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        general.addRow(self._language_label, self.language_combo)
        general.addRow(self._lock_label, self.lock_spin)
        general.addRow("", self._lock_help)
        self.change_button = QPushButton(self, objectName="settings_change_passphrase")
        self.change_button.clicked.connect(self.change_passphrase)
        general.addRow("", self.change_button)

        self.unit_box = QGroupBox(self, objectName="settings_unit")
        self._unit_labels = [QLabel(self) for _i in range(3)]
        self.unit_values = [QLabel(self, objectName=f"settings_unit_{i}") for i in range(3)]
        unit_form = QFormLayout(self.unit_box)
        for label, value in zip(self._unit_labels, self.unit_values, strict=True):
            unit_form.addRow(label, value)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.general)
        layout.addWidget(self.unit_box)
        layout.addStretch(1)
        self.retranslate_ui()

    @classmethod
    def title(cls) -> str:
        return _("Settings")

    def _set_lock_suffix(self) -> None:
        one = self.lock_spin.value() == 1  # "1 minute", not "1 minutes"
        suffix = _("minute without use") if one else _("minutes without use")
        self.lock_spin.setSuffix(" " + suffix)

    def retranslate_ui(self) -> None:
        self.heading.setText(_("Settings"))
        self.general.setTitle(_("This computer"))
        self._language_label.setText(_("Language"))
        self._lock_label.setText(_("Lock after"))
        self._set_lock_suffix()
        self._lock_help.setText(
            _("The vault locks itself when nobody has used the keyboard or mouse for this long.")
        )
        self.change_button.setText(_("Change my passphrase..."))
        self.unit_box.setTitle(_("Unit"))
        for label, text in zip(
            self._unit_labels, (_("Unit name"), _("Unit code"), _("Prefecture")), strict=True
        ):
            label.setText(text)
        self.refresh()

    def refresh(self) -> None:
        opened = self.ctx.opened
        if opened is None or not opened.is_open:
            return
        unit = opened.unit
        for value, text in zip(
            self.unit_values, (unit.name, unit.code, prefecture_label(unit.prefecture)), strict=True
        ):
            value.setText(text)

    def change_passphrase(self) -> None:
        opened = self.ctx.vault
        dialog = ChangePassphraseDialog(opened.user.name, self)
        if dialog.exec() != QDialog.DialogCode.Accepted or not self.ctx.is_unlocked:
            return
        old, new = dialog.current.text(), dialog.passphrase.text()
        self.runner.run(
            lambda report: opened.change_passphrase(old, new, progress=report),
            parent=self,
            with_progress=True,
            label=_("Changing the passphrase and re-encrypting the vault under a new data key..."),
            on_success=lambda _result: self.status.emit(_("Your passphrase was changed.")),
            changes=[AUDIT],
        )


PAGE = SettingsPage
