"""The recovery code shown once, in large groups, with the "I have written it down" box.

Used by the first-run wizard and by "New recovery code..." on the Users page. The code is not
copyable: it is meant for paper, not for a file or the clipboard.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import AftercareError
from app.fileio import atomic_write_bytes
from app.i18n import _

GROUPS_PER_ROW = 5


def recovery_kit_available() -> bool:
    try:
        from app.pdf import recovery_kit  # noqa: F401
    except ImportError:
        return False
    return True


class RecoveryCodeView(QWidget):
    """Shows `code` ("1234-5678-...") and requires the confirmation box to be ticked."""

    confirmed_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None, *, unit_name: str = "", unit_code: str = ""):
        super().__init__(parent)
        self._code = ""
        self._unit = (unit_name, unit_code)
        self.intro = QLabel(self, objectName="recovery_intro")
        self.intro.setWordWrap(True)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(18)
        self.grid.setVerticalSpacing(10)
        self.confirm = QCheckBox(self, objectName="recovery_confirm")
        self.confirm.toggled.connect(self.confirmed_changed)
        self.save_kit = QPushButton(self, objectName="recovery_save_kit")
        self.save_kit.clicked.connect(self._save_kit)
        self.save_kit.setVisible(recovery_kit_available())
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addSpacing(8)
        layout.addLayout(self.grid)
        layout.addSpacing(8)
        layout.addWidget(self.save_kit, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.confirm)
        layout.addStretch(1)
        self.retranslate_ui()

    def set_code(self, code: str, *, unit_name: str = "", unit_code: str = "") -> None:
        self._code = code
        if unit_name or unit_code:
            self._unit = (unit_name, unit_code)
        self.confirm.setChecked(False)
        while (item := self.grid.takeAt(0)) is not None:
            if (widget := item.widget()) is not None:
                widget.deleteLater()
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSize(20)
        font.setWeight(QFont.Weight.DemiBold)
        for index, group in enumerate(self.groups()):
            cell = QLabel(group, self, objectName=f"recovery_group_{index}")
            cell.setFont(font)
            cell.setAlignment(Qt.AlignmentFlag.AlignCenter)
            cell.setStyleSheet(
                "padding: 6px 10px; border: 1px solid #c9c9c9; border-radius: 4px;"
                " background: #fafafa; color: #1d1d1d;"
            )
            cell.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
            self.grid.addWidget(cell, index // GROUPS_PER_ROW, index % GROUPS_PER_ROW)

    def groups(self) -> list[str]:
        return [g for g in self._code.split("-") if g]

    def is_confirmed(self) -> bool:
        return self.confirm.isChecked()

    def retranslate_ui(self) -> None:
        self.intro.setText(
            _(
                "This recovery code opens the vault if every passphrase is forgotten. It is shown "
                "only now. Write it on paper, seal it in an envelope and keep it locked away, apart "
                "from this laptop. Whoever holds it and the laptop can read every case file."
            )
        )
        self.confirm.setText(
            _("I have written it down and will keep it sealed, apart from this laptop")
        )
        self.save_kit.setText(_("Save recovery kit PDF..."))

    def _save_kit(self) -> None:
        from app.pdf.recovery_kit import render_recovery_kit

        path, _filter = QFileDialog.getSaveFileName(
            self,
            _("Save recovery kit PDF"),
            "recovery-kit.pdf",
            _("PDF files (*.pdf)"),
            options=QFileDialog.Option.DontUseNativeDialog,
        )
        if not path:
            return
        try:
            data = render_recovery_kit(
                unit_name=self._unit[0],
                unit_code=self._unit[1],
                recovery_code_groups=self.groups(),
                created_at=dt.datetime.now().astimezone(),
            )
            atomic_write_bytes(path, data)
        except (AftercareError, OSError) as exc:
            QMessageBox.warning(self, _("Aftercare"), str(exc))
            return
        QMessageBox.information(
            self,
            _("Save recovery kit PDF"),
            _(
                "Saved to {file}. The PDF holds the recovery code and is not encrypted: "
                "print it, then delete the file."
            ).format(file=path),
        )


class RecoveryCodeDialog(QDialog):
    """A new recovery code; OK is enabled only once the confirmation box is ticked."""

    def __init__(self, code: str, parent: QWidget | None = None, *, unit_name="", unit_code=""):
        super().__init__(parent)
        self.setObjectName("recovery_code_dialog")
        self.setWindowTitle(_("New recovery code"))
        self.view = RecoveryCodeView(self, unit_name=unit_name, unit_code=unit_code)
        self.view.set_code(code)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok, self)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setEnabled(False)
        self.view.confirmed_changed.connect(self.ok.setEnabled)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addWidget(buttons)
