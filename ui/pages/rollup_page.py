"""Roll-up (the PJC Office): verify the units' summaries and add them up, with no case vault.

Choose the summary files, an optional trust list (the registered unit keys), the roll-up's
own threshold and an output folder; "Roll up" runs `rollup_outputs.run_rollup` off the GUI
thread and writes rollup.json, rollup.xlsx and report.pdf. The page then lists every file
with what became of it and why, and the indicators and tables of the province or of one
prefecture.

The page also lives in a window of its own (`RollupWindow`, `aftercare gui --rollup`) that
needs no vault and no passphrase: a roll-up reads only signed, de-identified summaries.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import access
from app.codes import prefecture_label
from app.context import AppContext
from app.i18n import _, format_number, ngettext
from app.reports.rollup_outputs import OUTPUT_NAMES, run_rollup
from app.summary_labels import period_text
from ui.language import Language
from ui.models.summary_models import FileColumn, RollupFilesModel
from ui.pages.base import Page
from ui.pages.evaluation_page import EvaluationPage
from ui.pages.reports.preview import NOTE_STYLE, DocumentPreview
from ui.runner import Runner, error_text

DEFAULT_THRESHOLD = 5
HEADING_STYLE = "font-size: 16pt; font-weight: 600;"
ERROR_STYLE = "color: #8a1c14;"
DONE_STYLE = "color: #1f6f3f;"
PROVINCE = ""  # the scope combo's data for the whole province; prefectures use their code


class RollupPage(Page):
    page_id = "rollup"
    office = True  # the PJC Office's work, not a shelter's
    page_actions = (access.Action.EXPORT_SUMMARY,)

    def __init__(self, ctx: AppContext | None, runner: Runner, parent: QWidget | None = None):
        # ctx is not used (no vault is needed): the window passes None.
        super().__init__(ctx, runner, parent)  # type: ignore[arg-type]
        self.inputs: list[Path] = []
        self.trust_file: Path | None = None
        self.result: dict[str, Any] | None = None
        self.result_dir: Path | None = None
        self._browse_folder = Path.home()

        self.heading = QLabel(self, objectName="rollup_heading")
        self.heading.setStyleSheet(HEADING_STYLE)
        self.intro = QLabel(self, objectName="rollup_intro")
        self.intro.setWordWrap(True)
        self.intro.setStyleSheet(NOTE_STYLE)

        self.files_box = QGroupBox(self, objectName="rollup_files_box")
        self.input_list = QListWidget(self.files_box, objectName="rollup_inputs")
        self.input_list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.add_button = QPushButton(self.files_box, objectName="rollup_add")
        self.remove_button = QPushButton(self.files_box, objectName="rollup_remove")
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        files_column = QVBoxLayout(self.files_box)
        files_column.addWidget(self.input_list, 1)
        files_column.addLayout(buttons)

        self.options_box = QGroupBox(self, objectName="rollup_options_box")
        self.trust_edit = QLineEdit(self.options_box, objectName="rollup_trust")
        self.trust_edit.setReadOnly(True)
        self.trust_button = QPushButton(self.options_box, objectName="rollup_trust_choose")
        self.trust_clear = QPushButton(self.options_box, objectName="rollup_trust_clear")
        self.threshold_spin = QSpinBox(self.options_box, objectName="rollup_threshold")
        self.threshold_spin.setRange(3, 99)
        self.threshold_spin.setValue(DEFAULT_THRESHOLD)
        self.out_edit = QLineEdit(self.options_box, objectName="rollup_out_dir")
        self.out_button = QPushButton(self.options_box, objectName="rollup_out_choose")
        # The path on a line of its own and the buttons under it: beside them, "none (any
        # valid signature)" was cut off in English.
        trust_row = QVBoxLayout()
        trust_row.addWidget(self.trust_edit)
        trust_buttons = QHBoxLayout()
        trust_buttons.addWidget(self.trust_button)
        trust_buttons.addWidget(self.trust_clear)
        trust_buttons.addStretch(1)
        trust_row.addLayout(trust_buttons)
        out_row = QHBoxLayout()
        out_row.addWidget(self.out_edit, 1)
        out_row.addWidget(self.out_button)
        self.option_labels = [QLabel(self.options_box) for _i in range(3)]
        options_form = QFormLayout(self.options_box)
        options_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)  # full-width paths
        threshold_row = QHBoxLayout()
        threshold_row.addWidget(self.threshold_spin)
        threshold_row.addStretch(1)
        fields = (trust_row, threshold_row, out_row)
        for label, field in zip(self.option_labels, fields, strict=True):
            options_form.addRow(label, field)

        self.run_button = QPushButton(self, objectName="rollup_run")
        self.run_button.setDefault(True)

        self.result_label = QLabel(self, objectName="rollup_result")
        self.result_label.setWordWrap(True)
        self.files_model = RollupFilesModel(parent=self)
        self.files_view = QTableView(self, objectName="rollup_files")
        self.files_view.setModel(self.files_model)
        self.files_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.files_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.files_view.verticalHeader().hide()
        self.files_view.setWordWrap(False)
        self.files_view.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # tooltips have it all
        self.files_view.verticalHeader().setDefaultSectionSize(24)
        header = self.files_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # Long file names are cut (the tooltip has them); the reason gets the room.
        header.setSectionResizeMode(FileColumn.FILE, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(FileColumn.FILE, 210)
        header.setSectionResizeMode(FileColumn.REASON, QHeaderView.ResizeMode.Stretch)
        self.scope_label = QLabel(self)
        self.scope_combo = QComboBox(self, objectName="rollup_scope")
        # Sized to its items once they are filled in, so "全省（4 个单位）" is not cut off.
        self.scope_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.preview = DocumentPreview(self, name="rollup_preview")
        self.open_folder_button = QPushButton(self, objectName="rollup_open_folder")
        self.open_report_button = QPushButton(self, objectName="rollup_open_report")

        left = QVBoxLayout()
        left.addWidget(self.files_box, 1)
        left.addWidget(self.options_box)
        left.addWidget(self.run_button)
        left_widget = QWidget(self)
        left_widget.setLayout(left)
        left_widget.setFixedWidth(330)
        scope_row = QHBoxLayout()
        scope_row.addWidget(self.scope_label)
        scope_row.addWidget(self.scope_combo)
        scope_row.addStretch(1)
        scope_row.addWidget(self.open_report_button)
        scope_row.addWidget(self.open_folder_button)
        right = QVBoxLayout()
        right.addWidget(self.result_label)
        right.addWidget(self.files_view, 3)
        right.addLayout(scope_row)
        right.addWidget(self.preview, 5)
        body = QHBoxLayout()
        body.setSpacing(20)
        body.addWidget(left_widget)
        body.addLayout(right, 1)
        page = QVBoxLayout(self)
        page.addWidget(self.heading)
        page.addWidget(self.intro)
        page.addLayout(body, 1)

        self.add_button.clicked.connect(self._add_clicked)
        self.remove_button.clicked.connect(self._remove_selected)
        self.trust_button.clicked.connect(self._trust_clicked)
        self.trust_clear.clicked.connect(lambda: self.set_trust_file(None))
        self.out_button.clicked.connect(self._out_clicked)
        self.run_button.clicked.connect(self.roll_up)
        self.scope_combo.currentIndexChanged.connect(self._show_scope)
        self.open_folder_button.clicked.connect(self.open_output_folder)
        self.open_report_button.clicked.connect(self.open_report)
        self.input_list.itemSelectionChanged.connect(self._update_buttons)
        self.out_edit.textChanged.connect(self._update_buttons)
        self.retranslate_ui()

    @classmethod
    def title(cls) -> str:
        return _("Roll-up")

    # --- inputs ----------------------------------------------------------------------------

    def add_inputs(self, paths: list[Path]) -> None:
        for path in paths:
            path = Path(path)
            if path not in self.inputs:
                self.inputs.append(path)
                self.input_list.addItem(path.name)
                self.input_list.item(self.input_list.count() - 1).setToolTip(str(path))
        if self.inputs and not self.out_edit.text().strip():
            # Beside the summaries, so the outputs are easy to find again.
            self.set_out_dir(self.inputs[0].parent / "rollup")
        self._update_buttons()

    def clear_inputs(self) -> None:
        self.inputs = []
        self.input_list.clear()
        self._update_buttons()

    def _remove_selected(self) -> None:
        rows = sorted(
            (self.input_list.row(i) for i in self.input_list.selectedItems()), reverse=True
        )
        for row in rows:
            self.input_list.takeItem(row)
            del self.inputs[row]
        self._update_buttons()

    def set_trust_file(self, path: Path | None) -> None:
        self.trust_file = Path(path) if path else None
        self.trust_edit.setText(str(self.trust_file) if self.trust_file else "")
        self.trust_clear.setEnabled(self.trust_file is not None)

    def set_out_dir(self, path: Path) -> None:
        self.out_edit.setText(str(path))

    def out_dir(self) -> Path | None:
        text = self.out_edit.text().strip()
        return Path(text) if text else None

    def _add_clicked(self) -> None:
        paths, _filter = QFileDialog.getOpenFileNames(
            self,
            _("Choose summary files"),
            str(self._browse_folder),
            _("Summary files (*.json)"),
            options=QFileDialog.Option.DontUseNativeDialog,
        )
        if paths:
            self._browse_folder = Path(paths[0]).parent
            self.add_inputs([Path(p) for p in paths])

    def _trust_clicked(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self,
            _("Choose the trust list"),
            str(self._browse_folder),
            _("Trust lists (*.json)"),
            options=QFileDialog.Option.DontUseNativeDialog,
        )
        if path:
            self.set_trust_file(Path(path))

    def _out_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self,
            _("Choose the output folder"),
            str(self.out_dir() or self._browse_folder),
            QFileDialog.Option.ShowDirsOnly | QFileDialog.Option.DontUseNativeDialog,
        )
        if folder:
            self.set_out_dir(Path(folder))

    def _update_buttons(self) -> None:
        self.remove_button.setEnabled(bool(self.input_list.selectedItems()))
        self.run_button.setEnabled(bool(self.inputs) and self.out_dir() is not None)
        done = self.result is not None and self.result_dir is not None
        self.open_folder_button.setEnabled(done)
        self.open_report_button.setEnabled(done)
        self.scope_combo.setEnabled(self.result is not None)

    # --- the roll-up -----------------------------------------------------------------------

    def roll_up(self) -> None:
        out_dir = self.out_dir()
        if not self.inputs or out_dir is None or self.runner.busy:
            return
        inputs, trust, k = list(self.inputs), self.trust_file, self.threshold_spin.value()
        self.runner.run(
            lambda: run_rollup(inputs, out_dir, trust_file=trust, threshold=k),
            parent=self,
            label=ngettext("Rolling up {n} file...", "Rolling up {n} files...", len(inputs)).format(
                n=format_number(len(inputs))
            ),
            on_success=lambda doc: self._show_result(doc, out_dir),
            on_error=self._show_error,
        )

    def _show_result(self, doc: dict[str, Any], out_dir: Path) -> None:
        self.result, self.result_dir = doc, out_dir
        self._fill_scopes()
        self._show_summary_line()
        self.files_model.set_files(doc["files"])
        self._show_scope()
        self._update_buttons()

    def _show_summary_line(self) -> None:
        doc = self.result
        if doc is None:
            self.result_label.clear()
            return
        counts: dict[str, int] = {}
        for entry in doc["files"]:
            counts[entry["status"]] = counts.get(entry["status"], 0) + 1
        self.result_label.setStyleSheet(DONE_STYLE)
        self.result_label.setText(
            _(
                "Roll-up of {period}: {units} units added up from {accepted} of {total} files; "
                "{rejected} rejected. Written to {folder}: {outputs}."
            ).format(
                period=period_text(doc["period"]),
                units=format_number(doc["province"]["units"]),
                accepted=format_number(counts.get("accepted", 0)),
                total=format_number(len(doc["files"])),
                rejected=format_number(counts.get("rejected", 0)),
                folder=self.result_dir,
                outputs=", ".join(OUTPUT_NAMES),
            )
        )

    def _show_error(self, exc: BaseException) -> None:
        self.result_label.setStyleSheet(ERROR_STYLE)
        self.result_label.setText(error_text(exc))

    def _fill_scopes(self) -> None:
        chosen = self.scope_combo.currentData()
        self.scope_combo.blockSignals(True)
        self.scope_combo.clear()
        if self.result is not None:
            units = self.result["province"]["units"]
            self.scope_combo.addItem(
                ngettext("Province ({n} unit)", "Province ({n} units)", units).format(
                    n=format_number(units)
                ),
                PROVINCE,
            )
            for code, part in self.result["prefectures"].items():
                self.scope_combo.addItem(
                    ngettext(
                        "{prefecture} ({n} unit)", "{prefecture} ({n} units)", part["units"]
                    ).format(prefecture=prefecture_label(code), n=format_number(part["units"])),
                    code,
                )
        self.scope_combo.setCurrentIndex(max(self.scope_combo.findData(chosen), 0))
        self.scope_combo.blockSignals(False)

    def scope(self) -> dict[str, Any] | None:
        """The province's or the chosen prefecture's tables and indicators."""
        if self.result is None:
            return None
        code = self.scope_combo.currentData()
        return self.result["prefectures"][code] if code else self.result["province"]

    def _show_scope(self) -> None:
        part = self.scope()
        if part is None:
            self.preview.clear(
                _(
                    "Add the summary files the units sent, choose an output folder, then Roll "
                    "up. Each file is checked; a bad file is reported and the others are "
                    "still added up."
                )
            )
            return
        self.preview.show_document(part["tables"], part["indicators"])

    def open_output_folder(self) -> None:
        if self.result_dir is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.result_dir)))

    def open_report(self) -> None:
        if self.result_dir is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.result_dir / "report.pdf")))

    # --- the shell's hooks -----------------------------------------------------------------

    def open(self, argument: Any) -> None:
        """ "demo": roll up invented summaries of several units (the screenshot mode)."""
        if argument == "demo":
            from app.demo_rollup import demo_folder, write_demo_summaries

            folder = demo_folder()
            self.clear_inputs()
            self.add_inputs(write_demo_summaries(folder / "inputs"))
            self.set_out_dir(folder / "rollup")
            self.roll_up()

    def retranslate_ui(self) -> None:
        self.heading.setText(_("Roll-up of unit summaries"))
        self.intro.setText(
            _(
                "For the PJC Office. Each summary's signature is checked (and, with a trust "
                "list, its key), the latest summary of each unit is kept, and the counts are "
                "added up per prefecture and for the province. No case vault is needed."
            )
        )
        self.files_box.setTitle(_("Summary files"))
        self.add_button.setText(_("Add files..."))
        self.remove_button.setText(_("Remove"))
        self.options_box.setTitle(_("Options"))
        self.trust_edit.setPlaceholderText(_("none (any valid signature)"))
        self.trust_button.setText(_("Choose..."))
        self.trust_clear.setText(_("Clear"))
        self.out_button.setText(_("Choose..."))
        texts = (_("Trust list"), _("Threshold"), _("Output folder"))
        for label, text in zip(self.option_labels, texts, strict=True):
            label.setText(text)
        self.threshold_spin.setToolTip(
            _("Counts from 1 to one below this are withheld in everything the roll-up publishes")
        )
        self.run_button.setText(_("Roll up"))
        self.scope_label.setText(_("Show"))
        self.open_folder_button.setText(_("Open output folder"))
        self.open_report_button.setText(_("Open report"))
        self.files_model.retranslate()
        self._fill_scopes()
        self._show_summary_line()
        self._show_scope()
        self.set_trust_file(self.trust_file)
        self._update_buttons()


PAGE = RollupPage


class RollupWindow(QMainWindow):
    """The PJC Office's window, which keeps no case vault: Roll-up and Evaluation, as tabs."""

    def __init__(self, *, runner: Runner | None = None, language: Language | None = None):
        super().__init__()
        self.setObjectName("rollup_window")
        self.runner = runner or Runner(self)
        self.language = language or Language(self)
        self.tabs = QTabWidget(self, objectName="office_tabs")
        self.page = RollupPage(None, self.runner, self.tabs)
        self.evaluation = EvaluationPage(None, self.runner, self.tabs)
        for page in (self.page, self.evaluation):
            page.setContentsMargins(16, 12, 16, 12)
            page.status.connect(lambda text: self.statusBar().showMessage(text, 8000))
            self.tabs.addTab(page, "")
        self.setCentralWidget(self.tabs)
        self.language.changed.connect(lambda _locale: self.retranslate_ui())
        self.resize(1120, 720)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Aftercare — Roll-up for the PJC Office"))
        for i, page in enumerate((self.page, self.evaluation)):
            page.retranslate_ui()
            self.tabs.setTabText(i, page.title())


def run_rollup_window(language: Language) -> int:
    """Show the roll-up window (QApplication already created); return the exit code."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        raise RuntimeError("the roll-up window needs the QApplication created first")
    window = RollupWindow(runner=Runner(app), language=language)
    window.show()
    return app.exec()
