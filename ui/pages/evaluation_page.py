"""Evaluation (the PJC Office): the plan's indicators over several periods (summary-v1, A4).

Choose roll-ups (or summaries) of several years or quarters and an output folder;
"Evaluate" runs `evaluation_outputs.run_evaluation` off the GUI thread and writes
evaluation.json, evaluation.xlsx and evaluation.pdf. The page then shows every indicator
over the periods for the province or one prefecture: a share, a range where inputs were
suppressed, "no data" where a period has no file (never a zero), and the change from the
baseline period to the latest.

Like Roll-up, it is a page of the office's own window (`aftercare gui --rollup`), never of
a shelter's vault window.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QBrush, QColor, QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import access
from app.codes import prefecture_label
from app.context import AppContext
from app.i18n import _, format_number, ngettext
from app.pdf.evaluation_report import change_text, share_text
from app.reports.evaluation_outputs import run_evaluation
from app.summary_labels import indicator_title
from ui.pages.base import Page
from ui.pages.reports.preview import NOTE_STYLE
from ui.runner import Runner, error_text

HEADING_STYLE = "font-size: 16pt; font-weight: 600;"
ERROR_STYLE = "color: #8a1c14;"
DONE_STYLE = "color: #1f6f3f;"
MISSING = QColor("#888888")
PROVINCE = ""


class EvaluationPage(Page):
    page_id = "evaluation"
    office = True  # the PJC Office's work, not a shelter's
    page_actions = (access.Action.EXPORT_SUMMARY,)

    def __init__(self, ctx: AppContext | None, runner: Runner, parent: QWidget | None = None):
        super().__init__(ctx, runner, parent)  # type: ignore[arg-type]  # no vault needed
        self.inputs: list[Path] = []
        self.result: dict[str, Any] | None = None
        self.result_dir: Path | None = None
        self.heading = QLabel(self, objectName="evaluation_heading")
        self.heading.setStyleSheet(HEADING_STYLE)
        self.intro = QLabel(self, objectName="evaluation_intro")
        self.intro.setWordWrap(True)
        self.intro.setStyleSheet(NOTE_STYLE)
        self.input_list = QListWidget(self, objectName="evaluation_inputs")
        self.add_button = QPushButton(self, objectName="evaluation_add")
        self.clear_button = QPushButton(self, objectName="evaluation_clear")
        self.out_edit = QLineEdit(self, objectName="evaluation_out_dir")
        self.out_button = QPushButton(self, objectName="evaluation_out_choose")
        self.run_button = QPushButton(self, objectName="evaluation_run")
        self.result_label = QLabel(self, objectName="evaluation_result")
        self.result_label.setWordWrap(True)
        self.scope_combo = QComboBox(self, objectName="evaluation_scope")
        self.table = QTableWidget(self, objectName="evaluation_table")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.open_report_button = QPushButton(self, objectName="evaluation_open_report")

        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.clear_button)
        out_row = QHBoxLayout()
        out_row.addWidget(self.out_edit, 1)
        out_row.addWidget(self.out_button)
        left = QVBoxLayout()
        left.addWidget(self.input_list, 1)
        left.addLayout(buttons)
        left.addLayout(out_row)
        left.addWidget(self.run_button)
        left_widget = QWidget(self)
        left_widget.setLayout(left)
        left_widget.setFixedWidth(330)
        scope_row = QHBoxLayout()
        scope_row.addWidget(self.scope_combo)
        scope_row.addStretch(1)
        scope_row.addWidget(self.open_report_button)
        right = QVBoxLayout()
        right.addWidget(self.result_label)
        right.addLayout(scope_row)
        right.addWidget(self.table, 1)
        body = QHBoxLayout()
        body.addWidget(left_widget)
        body.addLayout(right, 1)
        page = QVBoxLayout(self)
        page.addWidget(self.heading)
        page.addWidget(self.intro)
        page.addLayout(body, 1)

        self.add_button.clicked.connect(self._add_clicked)
        self.clear_button.clicked.connect(self.clear_inputs)
        self.out_button.clicked.connect(self._out_clicked)
        self.run_button.clicked.connect(self.evaluate)
        self.scope_combo.currentIndexChanged.connect(self._show_scope)
        self.open_report_button.clicked.connect(self.open_report)
        self.out_edit.textChanged.connect(self._update_buttons)
        self.retranslate_ui()

    @classmethod
    def title(cls) -> str:
        return _("Evaluation")

    def retranslate_ui(self) -> None:
        self.heading.setText(_("Evaluation over periods"))
        self.intro.setText(
            _(
                "The plan's indicators over several years or quarters, from the roll-ups (or "
                "the summaries) of each period. A period with no file is shown as a gap, "
                "never as zero; where units withheld counts the share is a range."
            )
        )
        self.add_button.setText(_("Add files..."))
        self.clear_button.setText(_("Clear"))
        self.out_button.setText(_("Folder..."))
        self.out_edit.setPlaceholderText(_("Output folder"))
        self.run_button.setText(_("Evaluate"))
        self.open_report_button.setText(_("Open the report"))
        if self.result is not None:
            self._fill_scopes()
        self._update_buttons()

    # --- inputs ----------------------------------------------------------------------------

    def add_inputs(self, paths: list[Path]) -> None:
        for path in map(Path, paths):
            if path not in self.inputs:
                self.inputs.append(path)
                self.input_list.addItem(path.name)
        if self.inputs and not self.out_edit.text().strip():
            self.out_edit.setText(str(self.inputs[0].parent / "evaluation"))
        self._update_buttons()

    def clear_inputs(self) -> None:
        self.inputs = []
        self.input_list.clear()
        self._update_buttons()

    def _add_clicked(self) -> None:
        paths, _filter = QFileDialog.getOpenFileNames(
            self,
            _("Choose roll-ups or summaries"),
            str(self.inputs[0].parent if self.inputs else Path.home()),
            _("Roll-ups and summaries (*.json)"),
            options=QFileDialog.Option.DontUseNativeDialog,
        )
        if paths:
            self.add_inputs([Path(p) for p in paths])

    def _out_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self,
            _("Choose the output folder"),
            self.out_edit.text() or str(Path.home()),
            QFileDialog.Option.ShowDirsOnly | QFileDialog.Option.DontUseNativeDialog,
        )
        if folder:
            self.out_edit.setText(folder)

    def _update_buttons(self) -> None:
        self.run_button.setEnabled(bool(self.inputs) and bool(self.out_edit.text().strip()))
        self.open_report_button.setEnabled(self.result_dir is not None)
        self.scope_combo.setEnabled(self.result is not None)

    # --- the evaluation --------------------------------------------------------------------

    def evaluate(self) -> None:
        text = self.out_edit.text().strip()
        if not self.inputs or not text or self.runner.busy:
            return
        inputs, out_dir = list(self.inputs), Path(text)
        self.runner.run(
            lambda: run_evaluation(inputs, out_dir),
            parent=self,
            label=ngettext("Evaluating {n} file...", "Evaluating {n} files...", len(inputs)).format(
                n=format_number(len(inputs))
            ),
            on_success=lambda doc: self._show_result(doc, out_dir),
            on_error=self._show_error,
        )

    def _show_error(self, exc: BaseException) -> None:
        self.result_label.setStyleSheet(ERROR_STYLE)
        self.result_label.setText(error_text(exc))

    def _show_result(self, doc: dict[str, Any], out_dir: Path) -> None:
        self.result, self.result_dir = doc, out_dir
        periods = doc["periods"]
        self.result_label.setStyleSheet(DONE_STYLE)
        self.result_label.setText(
            _("Evaluation {first} to {last} written to {folder}.").format(
                first=periods[0], last=periods[-1], folder=out_dir
            )
        )
        self._fill_scopes()
        self._update_buttons()

    def _fill_scopes(self) -> None:
        assert self.result is not None
        current = self.scope_combo.currentData()
        self.scope_combo.blockSignals(True)
        self.scope_combo.clear()
        self.scope_combo.addItem(_("Province"), PROVINCE)
        for code in self.result["prefectures"]:
            self.scope_combo.addItem(prefecture_label(code), code)
        found = self.scope_combo.findData(current)
        self.scope_combo.setCurrentIndex(max(found, 0))
        self.scope_combo.blockSignals(False)
        self._show_scope()

    def _show_scope(self) -> None:
        doc = self.result
        if doc is None:
            return
        code = self.scope_combo.currentData()
        scope = doc["province"] if not code else doc["prefectures"][code]
        periods = doc["periods"]
        self.table.setColumnCount(len(periods) + 1)
        self.table.setHorizontalHeaderLabels([*periods, _("Change")])
        ids = list(scope["indicators"])
        self.table.setRowCount(len(ids))
        self.table.setVerticalHeaderLabels([indicator_title(i) for i in ids])
        for row, indicator_id in enumerate(ids):
            for col, point in enumerate(scope["indicators"][indicator_id]):
                missing = bool(point.get("missing"))
                item = QTableWidgetItem(_("no data") if missing else share_text(point["value"]))
                if missing:
                    item.setForeground(QBrush(MISSING))
                self.table.setItem(row, col, item)
            self.table.setItem(
                row, len(periods), QTableWidgetItem(change_text(scope["change"].get(indicator_id)))
            )
        self.table.resizeColumnsToContents()

    def open_report(self) -> None:
        if self.result_dir is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.result_dir / "evaluation.pdf")))


PAGE = EvaluationPage
