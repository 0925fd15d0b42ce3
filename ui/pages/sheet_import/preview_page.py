"""Step 3 of the import wizard: every row as it will be imported, and every problem.

Nothing has been written yet. Each problem is listed against its row and cell (row, column
letter, header, what is wrong). Import stays disabled while a row that is not skipped has a
problem: the person fixes the sheet and reads it again, or ticks Skip for that row. Cancel
here leaves the vault as it was.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.i18n import _, format_number, ngettext
from ui.pages.sheet_import.file_page import ERROR_STYLE, NOTE_STYLE
from ui.pages.sheet_import.preview_model import Column, PreviewModel

if TYPE_CHECKING:
    from ui.pages.sheet_import.wizard import SheetImportWizard

SUMMARY_STYLE = "font-size: 11pt; font-weight: 600;"


class PreviewPage(QWizardPage):
    def __init__(self, wizard: SheetImportWizard):
        super().__init__(wizard)
        self.setObjectName("sheet_preview_page")
        self._wizard = wizard
        self.setCommitPage(True)  # after Import there is no going back

        self.summary = QLabel(self, objectName="sheet_preview_summary")
        self.summary.setStyleSheet(SUMMARY_STYLE)
        self.advice = QLabel(self, objectName="sheet_preview_advice")
        self.advice.setWordWrap(True)
        self.reload_button = QPushButton(self, objectName="sheet_preview_reload")
        self.reload_button.clicked.connect(self.reload)

        self.model = PreviewModel(self)
        self.model.skip_toggled.connect(wizard.set_skipped)
        self.rows_view = QTableView(self, objectName="sheet_preview_rows")
        self.rows_view.setModel(self.model)
        self.rows_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.rows_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.rows_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.rows_view.setWordWrap(False)
        self.rows_view.setShowGrid(False)
        self.rows_view.verticalHeader().hide()
        self.rows_view.verticalHeader().setDefaultSectionSize(28)
        header = self.rows_view.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setStretchLastSection(True)
        for column, width in zip(Column, (52, 52, 130, 140, 80), strict=False):
            self.rows_view.setColumnWidth(column, width)

        self.problems = QTableWidget(0, 4, self, objectName="sheet_preview_problems")
        self.problems.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.problems.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.problems.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.problems.setShowGrid(False)
        self.problems.setWordWrap(False)
        self.problems.verticalHeader().hide()
        self.problems.verticalHeader().setDefaultSectionSize(26)
        problems_header = self.problems.horizontalHeader()
        problems_header.setDefaultAlignment(
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        )
        problems_header.setStretchLastSection(True)
        for column, width in enumerate((52, 60, 170)):
            self.problems.setColumnWidth(column, width)
        self.problems.currentCellChanged.connect(self._problem_chosen)

        self.noted = QLabel(self, objectName="sheet_preview_noted")
        self.noted.setWordWrap(True)
        self.noted.setStyleSheet(NOTE_STYLE)
        self.error = QLabel(self, objectName="sheet_preview_error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)

        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.reload_button)
        self.problems_box = QWidget(self)
        box = QVBoxLayout(self.problems_box)
        box.setContentsMargins(0, 0, 0, 0)
        self.problems_title = QLabel(self.problems_box)
        self.problems_title.setStyleSheet("font-weight: 600;")
        box.addWidget(self.problems_title)
        box.addWidget(self.problems)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.rows_view)
        splitter.addWidget(self.problems_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.advice)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.noted)
        layout.addWidget(self.error)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setTitle(_("Preview: every row as it will be imported"))
        self.setSubTitle(_("Nothing has been written yet."))
        self.setButtonText(QWizard.WizardButton.CommitButton, _("Import"))
        self.reload_button.setText(_("Read the file again"))
        self.reload_button.setToolTip(
            _("After fixing the sheet in Excel or WPS and saving it, read it again here.")
        )
        self.problems_title.setText(_("Problems"))
        self.problems.setHorizontalHeaderLabels([_("Row"), _("Column"), _("Header"), _("Problem")])
        self.model.retranslate()
        self.show_preview()

    def initializePage(self) -> None:
        self.error.clear()
        self.show_preview()

    def show_preview(self) -> None:
        """Show the wizard's current preview (after a skip or a fresh read)."""
        preview = self._wizard.preview
        self.model.set_preview(preview)
        self.problems.setRowCount(0)
        if preview is None:
            self.summary.clear()
            self.advice.clear()
            self.noted.clear()
            return
        problems = preview.problems
        self.problems.setRowCount(len(problems))
        for row, problem in enumerate(problems):
            for column, text in enumerate(
                (str(problem.row), problem.column or "", problem.header or "", problem.message)
            ):
                item = QTableWidgetItem(text)
                if column == 3:
                    item.setToolTip(text)
                self.problems.setItem(row, column, item)
        self.problems_box.setVisible(bool(problems))
        self.summary.setText(
            _("{n} rows will be imported, {m} skipped.").format(
                n=format_number(len(preview.cases)), m=format_number(len(preview.skipped_rows))
            )
        )
        self.advice.setText(self._advice_text())
        self.advice.setStyleSheet(ERROR_STYLE if problems else NOTE_STYLE)
        self.noted.setVisible(bool(preview.noted_fields))
        self.noted.setText(
            _("Kept in a note on each case (no place in the case file): {fields}").format(
                fields=", ".join(preview.noted_fields)
            )
        )
        self.completeChanged.emit()

    def _advice_text(self) -> str:
        preview = self._wizard.preview
        problems = preview.problems
        lines = []
        if problems:
            rows = len({p.row for p in problems})
            lines.append(
                _(
                    "{problems} in {rows}. Import is possible once every row is right: fix "
                    "the sheet and read it again, or tick Skip for those rows."
                ).format(
                    problems=ngettext("{n} problem", "{n} problems", len(problems)).format(
                        n=format_number(len(problems))
                    ),
                    rows=ngettext("{n} row", "{n} rows", rows).format(n=format_number(rows)),
                )
            )
        elif not preview.cases:
            lines.append(_("There is no row to import."))
        else:
            lines.append(_("No problems. Choose Import to write these cases into the vault."))
        if preview.blank_rows:
            lines.append(
                _("Blank rows left out: {rows}.").format(
                    rows=", ".join(map(str, preview.blank_rows))
                )
            )
        return " ".join(lines)

    def _problem_chosen(self, row: int, _column: int, _prev_row: int, _prev_col: int) -> None:
        item = self.problems.item(row, 0)
        if item is None:
            return
        found = self.model.row_of(int(item.text()))
        if found >= 0:
            index = self.model.index(found, Column.PROBLEMS)
            self.rows_view.scrollTo(index)
            self.rows_view.selectionModel().setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )

    def reload(self) -> None:
        message = self._wizard.reload_file()
        self.error.setText(message or "")
        self.show_preview()

    def isComplete(self) -> bool:
        preview = self._wizard.preview
        return (
            preview is not None
            and preview.ok
            and bool(preview.cases)
            and not self._wizard.runner.busy
        )

    def validatePage(self) -> bool:
        if self._wizard.result is not None:
            return True
        self.error.clear()
        self._wizard.start_import()
        return False  # the wizard moves on by itself when the cases are written
