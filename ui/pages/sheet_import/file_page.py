"""Step 1 of the import wizard: the spreadsheet file, and which of its sheets to read.

The file is read into memory from where it is (`SheetImport.open`); it is never copied.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWizardPage,
)

from app.i18n import N_, _

if TYPE_CHECKING:
    from ui.pages.sheet_import.wizard import SheetImportWizard

ERROR_STYLE = "color: #8a1c14;"
NOTE_STYLE = "color: #444;"

TEMPLATE_NAMES = {
    "htcds-plain": N_("IOM's HTCDS 2.0 template (plain)"),
    "htcds-single-select": N_("IOM's HTCDS 2.0 template (single select)"),
    "htcds-multi-select": N_("IOM's HTCDS 2.0 template (multi select)"),
}


def template_name(template: str | None) -> str:
    return _(TEMPLATE_NAMES[template]) if template in TEMPLATE_NAMES else (template or "")


class FilePage(QWizardPage):
    def __init__(self, wizard: SheetImportWizard):
        super().__init__(wizard)
        self.setObjectName("sheet_file_page")
        self._wizard = wizard
        self.path_edit = QLineEdit(self, objectName="sheet_file_path")
        self.path_edit.setReadOnly(True)
        self.choose_button = QPushButton(self, objectName="sheet_file_choose")
        self.choose_button.clicked.connect(self.choose_file)
        self.sheet_combo = QComboBox(self, objectName="sheet_file_sheet")
        self.sheet_combo.currentIndexChanged.connect(self._sheet_chosen)
        self.found_label = QLabel(self, objectName="sheet_file_found")
        self.found_label.setWordWrap(True)
        self.found_label.setStyleSheet(NOTE_STYLE)
        self.error = QLabel(self, objectName="sheet_file_error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.privacy_note = QLabel(self, objectName="sheet_file_privacy")
        self.privacy_note.setWordWrap(True)
        self.privacy_note.setStyleSheet(NOTE_STYLE)

        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.choose_button)
        self._file_label, self._sheet_label = QLabel(self), QLabel(self)
        form = QFormLayout(self)
        form.addRow(self._file_label, row)
        form.addRow(self._sheet_label, self.sheet_combo)
        form.addRow(self.found_label)
        form.addRow(self.error)
        form.addRow(self.privacy_note)
        self._show_sheets()
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setTitle(_("Choose the spreadsheet"))
        self.setSubTitle(
            _(
                "An Excel workbook (.xlsx, .xlsm) or a CSV file with one case per row. IOM's "
                "HTCDS 2.0 templates are recognised; for any other sheet you choose where each "
                "column goes."
            )
        )
        self._file_label.setText(_("File"))
        self._sheet_label.setText(_("Sheet"))
        self.choose_button.setText(_("Choose file..."))
        self.path_edit.setPlaceholderText(_("No file chosen"))
        self.privacy_note.setText(
            _(
                "The file is read where it is and is not copied. Nothing is written to the "
                "vault until you have seen every row in the preview and chosen Import."
            )
        )
        self._show_found()

    def choose_file(self) -> None:
        start = (
            str(Path(self.path_edit.text()).parent) if self.path_edit.text() else str(Path.home())
        )
        path, _filter = QFileDialog.getOpenFileName(
            self,
            _("Choose the spreadsheet"),
            start,
            _("Spreadsheets (*.xlsx *.xlsm *.csv)"),
            options=QFileDialog.Option.DontUseNativeDialog,
        )
        if path:
            self.load(Path(path))

    def load(self, path: Path) -> bool:
        """Read `path`; False (and the reason shown) when it cannot be read."""
        self.path_edit.setText(str(path))
        message = self._wizard.load_file(path)
        self.error.setText(message or "")
        self._show_sheets()
        self._show_found()
        self.completeChanged.emit()
        return message is None

    def _show_sheets(self) -> None:
        book, found = self._wizard.book, self._wizard.detection
        names = book.sheet_names if book is not None and book.kind != "csv" else []
        self.sheet_combo.blockSignals(True)
        self.sheet_combo.clear()
        self.sheet_combo.addItems(names)
        if found is not None and found.sheet in names:
            self.sheet_combo.setCurrentIndex(names.index(found.sheet))
        self.sheet_combo.blockSignals(False)
        self.sheet_combo.setEnabled(len(names) > 1)
        self.sheet_combo.setVisible(bool(names))
        self._sheet_label.setVisible(bool(names))

    def _sheet_chosen(self, index: int) -> None:
        if index < 0:
            return
        message = self._wizard.choose_sheet(self.sheet_combo.itemText(index))
        self.error.setText(message or "")
        self._show_found()
        self.completeChanged.emit()

    def _show_found(self) -> None:
        found = self._wizard.detection
        if found is None:
            self.found_label.clear()
        elif found.template:
            self.found_label.setText(
                _("Recognised: {template}. No column choices are needed.").format(
                    template=template_name(found.template)
                )
            )
        else:
            self.found_label.setText(
                _("{count} columns. Next, choose where each column goes.").format(
                    count=len(found.columns)
                )
            )

    def isComplete(self) -> bool:
        return self._wizard.detection is not None
