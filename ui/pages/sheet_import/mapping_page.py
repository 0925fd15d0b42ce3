"""Step 2 of the import wizard: where each column goes, and what the sheet lacks.

A recognised HTCDS template needs no choices: the page says which template it is. For any
other sheet, a table lists the columns with their first values and a field for each (the
importer's guess from the header first); the choices can be saved as a mapping file and
loaded again, and the file used last is applied by itself to a sheet with the same headers.
Below: how dates are written, and what the sheet does not say (the case number pattern, the
opening date, the closing date of closed rows, the guardian status of children).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWizardPage,
)

from app import settings as app_settings
from app.codes import GuardianStatus
from app.errors import AftercareError
from app.fileio import atomic_write_bytes
from app.i18n import N_, _
from app.interchange import sheets
from app.interchange.mapping import (
    DEFAULT_PATTERN,
    FAMILY_GIVEN,
    GIVEN_FAMILY,
    NOTE,
    TARGETS,
    ColumnRule,
    Mapping,
    check_pattern,
    join_name,
)
from app.interchange.sheets import normalise_key
from ui.pages.sheet_import.file_page import ERROR_STYLE, NOTE_STYLE, template_name
from ui.widgets.code_combo import CodeCombo
from ui.widgets.date_edit import DateEdit

if TYPE_CHECKING:
    from app.services.sheet_import import ColumnInfo
    from ui.pages.sheet_import.wizard import SheetImportWizard

DATE_ORDERS = {
    "ymd": N_("Year first (2024-03-05, 2024/3/5, 2024年3月5日)"),
    "dmy": N_("Day first (05/03/2024)"),
    "mdy": N_("Month first (03/05/2024)"),
}
# What the page lets a person supply for rows that lack it (Mapping.defaults keys).
SUPPLIED = ("opened_on", "closed_on", "guardian.status")
# Fields that may take more than one column: lists, notes, and texts that are joined.
_MANY_KINDS = {"texts", "codes", "note", "ignore"}
_MANY_KEYS = {"person.address", "referral.reason"}
TARGET_KEYS = list(TARGETS)
NAME_FIELDS = {"person.full_name", "person.given_name", "person.family_name"}


class Col:
    LETTER, HEADER, SAMPLES, FIELD = range(4)


def takes_many(key: str) -> bool:
    return TARGETS[key].kind in _MANY_KINDS or key in _MANY_KEYS


def repeated_fields(fields: list[str]) -> list[str]:
    """Fields that take one value but are chosen for more than one column."""
    seen: set[str] = set()
    repeated: list[str] = []
    for key in fields:
        if key in seen and not takes_many(key) and key not in repeated:
            repeated.append(key)
        seen.add(key)
    return repeated


class MappingPage(QWizardPage):
    def __init__(self, wizard: SheetImportWizard):
        super().__init__(wizard)
        self.setObjectName("sheet_mapping_page")
        self._wizard = wizard
        self._shown = None  # the Detection the page was filled from
        self._base: Mapping | None = None  # detected, or loaded from a mapping file
        self._loaded_from: str | None = None

        self.found_label = QLabel(self, objectName="sheet_mapping_found")
        self.found_label.setWordWrap(True)
        self.found_label.setStyleSheet("font-weight: 600;")
        self.loaded_label = QLabel(self, objectName="sheet_mapping_loaded")
        self.loaded_label.setWordWrap(True)
        self.loaded_label.setStyleSheet(NOTE_STYLE)
        self.date_order = QComboBox(self, objectName="sheet_date_order")
        for order in DATE_ORDERS:
            self.date_order.addItem("", order)
        self.load_button = QPushButton(self, objectName="sheet_mapping_load")
        self.load_button.clicked.connect(self.choose_mapping_to_load)
        self.save_button = QPushButton(self, objectName="sheet_mapping_save")
        self.save_button.clicked.connect(self.choose_mapping_to_save)
        self.table = QTableWidget(0, 4, self, objectName="sheet_columns")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(30)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(Col.LETTER, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(Col.HEADER, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Col.SAMPLES, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(Col.FIELD, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(Col.HEADER, 170)
        self.table.setColumnWidth(Col.FIELD, 230)
        self.combos: list[QComboBox] = []

        self.pattern_edit = QLineEdit(self, objectName="sheet_pattern")
        self.opened_edit = DateEdit(self)
        self.opened_edit.setObjectName("sheet_opened_on")
        self.closed_edit = DateEdit(self)
        self.closed_edit.setObjectName("sheet_closed_on")
        self.guardian_combo = CodeCombo(
            GuardianStatus, blank=True, blank_text=N_("(none: such rows are reported)")
        )
        self.guardian_combo.setObjectName("sheet_guardian")
        # Two name columns: which part comes first, with the first row's name as it will be.
        self.name_swap = QCheckBox(self, objectName="sheet_name_swap")
        self.name_swap.toggled.connect(self._update)
        self.name_example = QLabel(self, objectName="sheet_name_example")
        self.suggested_label = QLabel(self, objectName="sheet_mapping_suggested")
        self.suggested_label.setWordWrap(True)
        self.suggested_label.setStyleSheet(NOTE_STYLE)
        self.error = QLabel(self, objectName="sheet_mapping_error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)

        self.pattern_edit.textChanged.connect(self._update)
        for edit in (self.opened_edit, self.closed_edit):
            edit.dateChanged.connect(self._update)
            edit.line.textChanged.connect(self._update)
        self._build_layout()
        self.retranslate_ui()

    def _build_layout(self) -> None:
        self._date_order_label = QLabel(self)
        top = QHBoxLayout()
        top.addWidget(self._date_order_label)
        top.addWidget(self.date_order)
        top.addStretch(1)
        top.addWidget(self.load_button)
        top.addWidget(self.save_button)
        self.lacks_box = QGroupBox(self, objectName="sheet_lacks")
        self._lacks_labels = [QLabel(self) for _i in range(4)]
        grid = QGridLayout(self.lacks_box)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        for index, widget in enumerate(
            (self.pattern_edit, self.opened_edit, self.closed_edit, self.guardian_combo)
        ):
            row, col = divmod(index, 2)
            grid.addWidget(self._lacks_labels[index], row, col * 2)
            grid.addWidget(widget, row, col * 2 + 1)
        names = QHBoxLayout()
        names.addWidget(self.name_swap)
        names.addWidget(self.name_example)
        names.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.found_label)
        layout.addWidget(self.suggested_label)
        layout.addWidget(self.loaded_label)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(names)
        layout.addWidget(self.lacks_box)
        layout.addWidget(self.error)

    def retranslate_ui(self) -> None:
        self.setTitle(_("Where each column goes"))
        self.setSubTitle(
            _(
                'Choose a field for each column; a column left as "Keep in a note" is kept, '
                "with its header, in a note on the case."
            )
        )
        self._date_order_label.setText(_("Dates written as"))
        for index, order in enumerate(DATE_ORDERS.values()):
            self.date_order.setItemText(index, _(order))
        self.name_swap.setText(_("Swap the two name columns"))
        self.load_button.setText(_("Load mapping..."))
        self.save_button.setText(_("Save mapping..."))
        self.table.setHorizontalHeaderLabels(
            [_("Column"), _("Header"), _("First values"), _("Goes to")]
        )
        for combo in self.combos:
            for index, key in enumerate(TARGET_KEYS):
                combo.setItemText(index, _(TARGETS[key].label))
        self.lacks_box.setTitle(_("What the sheet does not say"))
        for text, widget in zip(
            (
                _("Case numbers"),
                _("Opening date for rows without one"),
                _("Closing date for closed rows without one"),
                _("Guardian status of children without one"),
            ),
            self._lacks_labels,
            strict=True,
        ):
            widget.setText(text)
        self.opened_edit.retranslate_ui()
        self.closed_edit.retranslate_ui()
        self.guardian_combo.retranslate_ui()
        self.pattern_edit.setToolTip(
            _(
                "{n} numbers the rows 1, 2, 3...; {row} is the row of the sheet; {number} the "
                "sheet's own numbering in column A; {year} the opening year. {n:04d} writes 0001."
            )
        )
        self._show_found()
        self._update()

    # --- filling the page ------------------------------------------------------------------

    def initializePage(self) -> None:
        found = self._wizard.detection
        if found is None or found is self._shown:
            return  # back and forth without a new file: keep the person's choices
        self._shown = found
        self._base = found.mapping
        self._loaded_from = None
        self.name_swap.setChecked(False)
        template = bool(found.template)
        for widget in (self.table, self.load_button, self.save_button):
            widget.setVisible(not template)
        self._fill_columns(found.columns)
        self._apply_settings(found.mapping)
        if not template:
            self._apply_remembered()
        self._show_found()
        self._update()

    def _fill_columns(self, columns: list[ColumnInfo]) -> None:
        self.table.setRowCount(0)
        self.combos = []
        self.table.setRowCount(len(columns))
        for row, info in enumerate(columns):
            self.table.setItem(row, Col.LETTER, QTableWidgetItem(info.letter))
            self.table.setItem(row, Col.HEADER, QTableWidgetItem(info.header or "—"))
            samples = QTableWidgetItem("  ·  ".join(info.samples))
            samples.setToolTip("\n".join(info.samples))
            self.table.setItem(row, Col.SAMPLES, samples)
            combo = QComboBox(self.table, objectName=f"sheet_field_{info.letter}")
            for key in TARGET_KEYS:
                combo.addItem(_(TARGETS[key].label), key)
            combo.setCurrentIndex(TARGET_KEYS.index(info.field))
            combo.currentIndexChanged.connect(self._update)
            self.table.setCellWidget(row, Col.FIELD, combo)
            self.combos.append(combo)

    def _apply_settings(self, mapping: Mapping) -> None:
        """Date order, pattern and supplied values as a mapping says."""
        self.date_order.setCurrentIndex(max(self.date_order.findData(mapping.date_order), 0))
        base_pattern = self._base.case_number_pattern if self._base else None
        pattern = mapping.case_number_pattern
        self.pattern_edit.setText(pattern if pattern and pattern != base_pattern else "")
        self.pattern_edit.setPlaceholderText(base_pattern or DEFAULT_PATTERN)
        for edit, key in ((self.opened_edit, "opened_on"), (self.closed_edit, "closed_on")):
            edit.set_date(_iso_date(mapping.defaults.get(key)))
        self.guardian_combo.set_code(mapping.defaults.get("guardian.status"))

    def _show_found(self) -> None:
        found = self._wizard.detection
        if found is not None and found.template:
            self.found_label.setText(
                _(
                    "Recognised: {template}. Its columns are read as the template defines "
                    "them; what has no place in a case file is kept in a note on the case."
                ).format(template=template_name(found.template))
            )
        else:
            self.found_label.setText(
                _("{count} columns, headers in row {row}.").format(
                    count=len(self.combos), row=self._base.header_row if self._base else 1
                )
            )
        suggested = [
            f"{c.header} → {_(TARGETS[c.field].label)}"
            for c in (found.columns if found is not None and not found.template else [])
            if c.header and c.field not in (NOTE, "ignore")
        ]
        self.suggested_label.setVisible(bool(suggested) and not self._loaded_from)
        self.suggested_label.setText(
            _(
                "Suggested from the headers: {pairs}. Check each column and change what is "
                "wrong before going on."
            ).format(pairs=", ".join(suggested))
        )
        self.loaded_label.setVisible(bool(self._loaded_from))
        if self._loaded_from:
            self.loaded_label.setText(
                _("Choices loaded from the mapping file {file}.").format(file=self._loaded_from)
            )

    # --- the mapping -------------------------------------------------------------------------

    def fields(self) -> list[str]:
        return [combo.currentData() for combo in self.combos]

    def set_field(self, letter: str, key: str) -> None:
        """Choose `key` (a TARGETS key) for the column `letter`, as a person would."""
        found = self._wizard.detection
        index = next(i for i, c in enumerate(found.columns) if c.letter == letter)
        self.combos[index].setCurrentIndex(TARGET_KEYS.index(key))

    def mapping(self) -> Mapping:
        """The mapping the page shows now."""
        found, base = self._wizard.detection, self._base
        assert found is not None and base is not None
        defaults = {k: v for k, v in base.defaults.items() if k not in SUPPLIED}
        for key, value in (
            ("opened_on", self.opened_edit.date()),
            ("closed_on", self.closed_edit.date()),
        ):
            if value is not None:
                defaults[key] = value.isoformat()
        if self.guardian_combo.code():
            defaults["guardian.status"] = self.guardian_combo.code()
        columns = base.columns
        if not found.template:
            columns = [
                ColumnRule(key, info.letter, info.header)
                for info, key in zip(found.columns, self.fields(), strict=True)
            ]
        return dataclasses.replace(
            base,
            columns=columns,
            sheet=found.sheet,
            date_order=self.date_order.currentData(),
            case_number_pattern=self.pattern_edit.text().strip() or base.case_number_pattern,
            defaults=defaults,
            name_order=self.name_order(),
        )

    # --- name order ----------------------------------------------------------------------------

    def _name_samples(self) -> tuple[str, str] | None:
        """The first row's given and family name, when the sheet has a column for each."""
        found = self._wizard.detection
        if found is None:
            return None
        fields = self.fields() if not found.template else [c.field for c in found.columns]
        parts: dict[str, str] = {}
        for info, key in zip(found.columns, fields, strict=True):
            if key in ("person.given_name", "person.family_name") and key not in parts:
                parts[key] = info.samples[0] if info.samples else ""
        if len(parts) < 2:
            return None
        return parts["person.given_name"], parts["person.family_name"]

    def name_order(self) -> str | None:
        """The base mapping's order, or the other one when the person swapped them."""
        base = self._base.name_order if self._base else None
        if not self.name_swap.isChecked():
            return base
        if base is None:  # by script: swap what the first row's name would get
            samples = self._name_samples() or ("", "")
            base = GIVEN_FAMILY if join_name(*samples) == " ".join(samples) else FAMILY_GIVEN
        return FAMILY_GIVEN if base == GIVEN_FAMILY else GIVEN_FAMILY

    def _show_name_example(self) -> None:
        samples = self._name_samples()
        self.name_swap.setVisible(samples is not None)
        self.name_example.setVisible(samples is not None)
        if samples is not None:
            self.name_example.setText(
                _("First row's name: {name}").format(
                    name=join_name(*samples, self.name_order()) or "—"
                )
            )

    def apply_mapping(self, mapping: Mapping, source: str) -> None:
        """Show a loaded mapping: each column by its header, else by its letter."""
        found = self._wizard.detection
        by_header = {normalise_key(r.header): r.field for r in mapping.columns if r.header}
        by_letter = {r.column: r.field for r in mapping.columns if r.column and not r.header}
        for info, combo in zip(found.columns, self.combos, strict=True):
            key = by_header.get(normalise_key(info.header)) if info.header else None
            key = key or by_letter.get(info.letter) or NOTE
            combo.setCurrentIndex(TARGET_KEYS.index(key))
        self._base = dataclasses.replace(
            mapping, sheet=found.sheet, template=None, case_number_pattern=None
        )
        self._apply_settings(mapping)
        self._loaded_from = source
        self._show_found()
        self._update()

    def fits(self, mapping: Mapping) -> bool:
        """Every header the mapping names is a header of this sheet."""
        headers = {normalise_key(c.header) for c in self._wizard.detection.columns if c.header}
        named = [normalise_key(r.header) for r in mapping.columns if r.header]
        return bool(named) and all(h in headers for h in named)

    def _apply_remembered(self) -> None:
        remembered = self._wizard.ctx.settings.get(app_settings.LAST_MAPPING)
        if not remembered or not Path(remembered).is_file():
            return
        try:
            mapping = Mapping.from_json(Path(remembered).read_bytes(), Path(remembered).name)
        except (OSError, AftercareError):
            return  # a moved or damaged file: the guesses stand
        if self.fits(mapping):
            self.apply_mapping(mapping, Path(remembered).name)

    # --- mapping files -----------------------------------------------------------------------

    def _mapping_folder(self) -> str:
        remembered = self._wizard.ctx.settings.get(app_settings.LAST_MAPPING)
        return str(Path(remembered).parent) if remembered else str(Path.home())

    def choose_mapping_to_load(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self,
            _("Load mapping"),
            self._mapping_folder(),
            _("Mapping files (*.json)"),
            options=QFileDialog.Option.DontUseNativeDialog,
        )
        if path:
            self.load_mapping_from(Path(path))

    def load_mapping_from(self, path: Path) -> bool:
        try:
            mapping = Mapping.from_json(path.read_bytes(), path.name)
        except OSError as exc:
            self.error.setText(
                _("Cannot read {file}: {reason}").format(file=path.name, reason=exc.strerror)
            )
            return False
        except AftercareError as exc:
            self.error.setText(str(exc))
            return False
        self.apply_mapping(mapping, path.name)
        self._remember(path)
        return True

    def choose_mapping_to_save(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self,
            _("Save mapping"),
            str(Path(self._mapping_folder()) / "mapping.json"),
            _("Mapping files (*.json)"),
            options=QFileDialog.Option.DontUseNativeDialog,
        )
        if path:
            self.save_mapping_to(Path(path))

    def save_mapping_to(self, path: Path) -> bool:
        """Write the page's mapping (headers and field names only, no cell values)."""
        path = path if path.suffix.lower() == ".json" else path.with_name(path.name + ".json")
        try:
            atomic_write_bytes(path, self.mapping().to_json(), mode=0o644)
        except OSError as exc:
            self.error.setText(
                _("Cannot write {file}: {reason}").format(file=path.name, reason=exc.strerror)
            )
            return False
        self._loaded_from = path.name
        self._show_found()
        self._remember(path)
        return True

    def _remember(self, path: Path) -> None:
        self._wizard.ctx.settings[app_settings.LAST_MAPPING] = str(path.resolve())
        self._wizard.store_settings()

    # --- checks ------------------------------------------------------------------------------

    def problem(self) -> str | None:
        """What stops the preview, or None."""
        repeated = repeated_fields(self.fields())
        if repeated:
            return _(
                "{field} is chosen for more than one column; it takes one value. Choose "
                '"Keep in a note" for the others.'
            ).format(field=_(TARGETS[repeated[0]].label))
        pattern = self.pattern_edit.text().strip()
        if pattern:
            try:
                check_pattern(pattern)
            except AftercareError as exc:
                return str(exc)
        for edit in (self.opened_edit, self.closed_edit):
            if not edit.is_valid():
                return _("Write dates as YYYY-MM-DD, e.g. 2024-03-05.")
        if self.combos and not set(self.fields()) & NAME_FIELDS:
            return _("Choose the column that holds the name: Full name, or Given name.")
        return None

    def _update(self) -> None:
        self._show_name_example()
        self.error.setText(self.problem() or "")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self._wizard.detection is not None and self.problem() is None

    def validatePage(self) -> bool:
        message = self._wizard.make_preview(self.mapping())
        if message:
            self.error.setText(message)
            return False
        return True


def _iso_date(text: str | None) -> dt.date | None:
    """A date written in a mapping file (by this page: ISO; by hand: any form the sheet reads)."""
    try:
        return sheets.parse_date(text) if text else None
    except sheets.BadDate:
        return None
