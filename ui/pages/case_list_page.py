"""Cases: the list of case files with search as you type, filters and sorting.

The table is `CaseListModel` (ids kept, rows fetched a page at a time). A filter is offered
only to a role that may read what it filters on (exploitation: the intake; place of origin:
the full profile; overdue follow-ups: the follow-ups), so a filter never reveals a value the
role may not read. Double-click or Enter opens the case file.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import access
from app.access import Action, Level
from app.codes import FUJIAN_PREFECTURES, CaseState, Exploitation, Group, Section
from app.i18n import N_, _, format_number
from app.services.workers import may_hold
from app.storage.list_repo import CaseFilter
from ui.models.case_list_model import CaseListModel, Column, masked_columns
from ui.pages.base import Page, case_changes
from ui.pages.sheet_import import SheetActions
from ui.security import copy_secret
from ui.widgets.code_combo import CodeCombo
from ui.widgets.focus import FOCUS_STYLE

# The search runs after this pause in typing, not on every key.
SEARCH_DELAY_MS = 250
# Changes after which the set of matching cases (not only their rows) may differ.
_REQUERY = frozenset(
    {
        "created",
        "imported",
        "closed",
        "reopened",
        "deleted",
        "assigned",
        "closure_requested",
        "closure_approved",
        "closure_returned",
    }
)

# Provinces most victims identified in Fujian come from, besides Fujian itself.
ORIGIN_PROVINCES: dict[str, str] = {
    "350000": N_("Fujian (whole province)"),
    "530000": N_("Yunnan"),
    "520000": N_("Guizhou"),
    "450000": N_("Guangxi"),
    "510000": N_("Sichuan"),
    "430000": N_("Hunan"),
    "360000": N_("Jiangxi"),
    "410000": N_("Henan"),
}
_SIX_DIGITS = re.compile(r"[0-9]{6}")


@contextlib.contextmanager
def busy_cursor() -> Iterator[None]:
    """A wait cursor while a query runs on the GUI thread (a sort of 100,000 cases by a
    computed column takes a moment)."""
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()


class OriginCombo(QComboBox):
    """A Fujian prefecture, a province, or a six-digit GB/T 2260 code typed in."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self._codes: list[str | None] = [None, *FUJIAN_PREFECTURES, *ORIGIN_PROVINCES]
        for code in self._codes:
            self.addItem("", code)
        self.retranslate_ui()

    def code(self) -> str | None:
        text = self.currentText().strip()
        index = self.findText(text)
        if index >= 0:
            return self.itemData(index)
        return text if _SIX_DIGITS.fullmatch(text) else None

    def is_valid(self) -> bool:
        text = self.currentText().strip()
        return not text or self.findText(text) >= 0 or bool(_SIX_DIGITS.fullmatch(text))

    def retranslate_ui(self) -> None:
        for index, code in enumerate(self._codes):
            if code is None:
                text = _("Any place of origin")
            elif code in FUJIAN_PREFECTURES:
                text = _(FUJIAN_PREFECTURES[code])
            else:
                text = _(ORIGIN_PROVINCES[code])
            self.setItemText(index, text)
        if (line := self.lineEdit()) is not None:  # an editable combo has one
            line.setPlaceholderText(_("or a 6-digit area code"))


class CaseListPage(Page):
    page_id = "cases"

    def __init__(self, ctx, runner, parent: QWidget | None = None):
        super().__init__(ctx, runner, parent)
        self.role = ctx.opened.user.role
        self.model = CaseListModel(today=ctx.today, parent=self)
        self._loaded = False
        self._build_table()
        self._build_filters()

        self.heading = QLabel(self, objectName="cases_heading")
        self.heading.setStyleSheet("font-size: 16pt; font-weight: 600;")
        self.new_button = QPushButton(self, objectName="cases_new")
        self.new_button.setVisible(access.allowed(self.role, Action.CREATE_CASE))
        self.new_button.clicked.connect(self.new_case)
        self.sheet_actions = SheetActions(ctx, runner, self)  # import / export spreadsheets
        self.sheet_actions.status.connect(self.status)
        self.count_label = QLabel(self, objectName="cases_count")
        self.count_label.setStyleSheet("color: #555;")

        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch(1)
        top.addWidget(self.sheet_actions)
        top.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(self.search_edit)
        layout.addLayout(self._filter_row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        self.retranslate_ui()

    # --- construction --------------------------------------------------------------------------

    def _build_table(self) -> None:
        self.table = QTableView(self, objectName="cases_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        rows = self.table.verticalHeader()
        rows.hide()
        # Fixed row heights: the view never measures rows it has not shown.
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(30)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSortIndicator(Column.OPENED, Qt.SortOrder.DescendingOrder)
        header.sortIndicatorChanged.connect(self._sort_requested)
        header.setSortIndicatorShown(True)
        header.setSectionsClickable(True)
        for column, width in zip(Column, (150, 140, 90, 60, 80, 130, 130), strict=True):
            self.table.setColumnWidth(column, width)
        self.table.setColumnHidden(Column.NEXT_FOLLOWUP, self._masked(Column.NEXT_FOLLOWUP))
        self.table.activated.connect(self._open_index)
        # Where the keyboard is: a frame around the table while it has the focus.
        self.table.setStyleSheet(FOCUS_STYLE)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)

    def _build_filters(self) -> None:
        self.search_edit = QLineEdit(self, objectName="cases_search")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMinimumHeight(32)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._run_search)
        self.search_edit.textChanged.connect(self._search_timer.start)
        # Down from the search box goes to the results, as in a browser's address bar.
        self.search_edit.installEventFilter(self)

        self.status_filter = CodeCombo(CaseState, blank=True, blank_text=N_("All statuses"))
        self.group_filter = CodeCombo(Group, blank=True, blank_text=N_("All groups"))
        self.exploitation_filter = CodeCombo(
            Exploitation, blank=True, blank_text=N_("All forms of exploitation")
        )
        self.origin_filter = OriginCombo()
        self.overdue_filter = QCheckBox(objectName="cases_overdue")
        self.mine_filter = QCheckBox(objectName="cases_mine")
        self.mine_filter.toggled.connect(self._filters_changed)
        self.clear_button = QPushButton(objectName="cases_clear_filters")
        self.clear_button.setFlat(True)
        self.clear_button.clicked.connect(self.clear_filters)
        for name, combo in (
            ("cases_status", self.status_filter),
            ("cases_group", self.group_filter),
            ("cases_exploitation", self.exploitation_filter),
            ("cases_origin", self.origin_filter),
        ):
            combo.setObjectName(name)
            combo.currentIndexChanged.connect(self._filters_changed)
        if (origin_line := self.origin_filter.lineEdit()) is not None:
            origin_line.editingFinished.connect(self._filters_changed)
        self.overdue_filter.toggled.connect(self._filters_changed)
        self.exploitation_filter.setVisible(self._reads(Section.INTAKE))
        self.origin_filter.setVisible(self._reads(Section.PROFILE))
        self.overdue_filter.setVisible(self._reads(Section.FOLLOWUPS))
        self.mine_filter.setVisible(may_hold(self.role))

        self._filter_row = QHBoxLayout()
        for widget in (
            self.status_filter,
            self.group_filter,
            self.exploitation_filter,
            self.origin_filter,
        ):
            self._filter_row.addWidget(widget)
        self._filter_row.addWidget(self.mine_filter)
        self._filter_row.addWidget(self.overdue_filter)
        self._filter_row.addStretch(1)
        self._filter_row.addWidget(self.clear_button)

    def _reads(self, section: str) -> bool:
        return access.section_level(self.role, section) >= Level.READ

    def _masked(self, column: Column) -> bool:
        return column in masked_columns(self.role)

    # --- page hooks ----------------------------------------------------------------------------

    @classmethod
    def title(cls) -> str:
        return _("Case files")

    def retranslate_ui(self) -> None:
        self.heading.setText(_("Case files"))
        self.new_button.setText(_("New case..."))
        self.sheet_actions.retranslate_ui()
        self.search_edit.setPlaceholderText(_("Search by name, case number, ID number or phone"))
        for combo in (self.status_filter, self.group_filter, self.exploitation_filter):
            combo.retranslate_ui()
        self.origin_filter.retranslate_ui()
        self.status_filter.setToolTip(_("Status"))
        self.group_filter.setToolTip(_("Group"))
        self.exploitation_filter.setToolTip(_("Primary form of exploitation"))
        self.origin_filter.setToolTip(_("Place of origin"))
        self.overdue_filter.setText(_("Overdue follow-ups only"))
        self.mine_filter.setText(_("My cases only"))
        self.clear_button.setText(_("Clear filters"))
        self.model.retranslate()
        self._show_count()

    def refresh(self) -> None:
        """Load the list the first time the page is shown; later changes come by on_changed."""
        if self._loaded or not self.ctx.is_unlocked or self.runner.busy:
            return
        self._loaded = True
        with busy_cursor():
            self.model.set_source(self.ctx.services.lists)
        if self.table.horizontalHeader().sectionSize(Column.NAME) < 140:
            self.table.resizeColumnsToContents()
        self._show_count()

    def open(self, argument) -> None:
        """A CaseFilter (from the home page's chart): the list with just those filters."""
        if isinstance(argument, CaseFilter):
            self.refresh()
            self.show_filtered(argument)

    def on_changed(self, changes) -> None:
        found = case_changes(changes)
        if not found or not self._loaded:
            return
        if any(c.what in _REQUERY for c in found):
            with busy_cursor():
                self.model.reload(keep_rows=self.model.fetched(), recount=True)
            self._show_count()
        else:
            self.model.refresh_cases(c.case_id for c in found)

    # --- filters, search, sort -----------------------------------------------------------------

    def show_filtered(self, filters: CaseFilter) -> None:
        """Show the whole list with these filters (a line of the home page was chosen)."""
        combos = (self.status_filter, self.group_filter, self.exploitation_filter)
        boxes = (self.overdue_filter, self.mine_filter)
        for widget in (*combos, *boxes, self.origin_filter, self.search_edit):
            widget.blockSignals(True)
        for combo, code in zip(combos, (filters.status, filters.group, None), strict=True):
            combo.setCurrentIndex(max(0, combo.findData(code)) if code else 0)
        self.origin_filter.setCurrentIndex(0)
        self.overdue_filter.setChecked(filters.followup_overdue)
        self.mine_filter.setChecked(filters.holder_id is not None)
        searching = bool(self.search_edit.text())
        self.search_edit.clear()
        for widget in (*combos, *boxes, self.origin_filter, self.search_edit):
            widget.blockSignals(False)
        if searching and self._loaded:
            self._run_search()
        self._filters_changed()

    def current_filters(self) -> CaseFilter:
        return CaseFilter(
            status=self.status_filter.code(),
            group=self.group_filter.code(),
            followup_overdue=self.overdue_filter.isVisible() and self.overdue_filter.isChecked(),
            exploitation=self.exploitation_filter.code() if self._reads(Section.INTAKE) else None,
            origin_division=self.origin_filter.code() if self._reads(Section.PROFILE) else None,
            holder_id=self.ctx.vault.user.id if self.mine_filter.isChecked() else None,
        )

    def _filters_changed(self) -> None:
        valid = self.origin_filter.is_valid()
        self.origin_filter.setStyleSheet(
            "" if valid else "QComboBox { border: 1px solid #b3261e; }"
        )
        if self._loaded and self.current_filters() != self.model.filters:
            with busy_cursor():
                self.model.set_filters(self.current_filters())
            self._show_count()

    def clear_filters(self) -> None:
        for combo in (self.status_filter, self.group_filter, self.exploitation_filter):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.origin_filter.blockSignals(True)
        self.origin_filter.setCurrentIndex(0)
        self.origin_filter.blockSignals(False)
        for box in (self.overdue_filter, self.mine_filter):
            box.blockSignals(True)
            box.setChecked(False)
            box.blockSignals(False)
        self._filters_changed()

    def _run_search(self) -> None:
        if self.runner.busy:  # the worker has the vault: search when it is done
            self._search_timer.start()
            return
        self._search_timer.stop()
        if self._loaded:
            with busy_cursor():
                self.model.set_search(self.search_edit.text())
            self._show_count()

    def _sort_requested(self, column: int, order: Qt.SortOrder) -> None:
        if self._masked(Column(column)):  # put the indicator back: that column does not sort
            header = self.table.horizontalHeader()
            header.blockSignals(True)
            header.setSortIndicator(*self.model.sort_state())
            header.blockSignals(False)
            return
        with busy_cursor():
            self.model.sort(column, order)

    def _show_count(self) -> None:
        total = self.model.total()
        if self.model.searching or self.model.filters != CaseFilter():
            text = _("{shown} of {total} cases").format(
                shown=format_number(total), total=format_number(self.model.all_total())
            )
        else:
            text = _("{total} cases").format(total=format_number(total))
        self.count_label.setText(text if self._loaded else "")

    # --- opening, copying, creating ------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt's name
        if (
            watched is self.search_edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
        ):
            self.focus_results()
            return True
        return super().eventFilter(watched, event)

    def focus_results(self) -> None:
        """The keyboard in the results, on the first row when none is chosen yet."""
        if self._search_timer.isActive():  # typed just now: search before going down
            self._run_search()
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if not self.table.currentIndex().isValid() and self.model.rowCount() > 0:
            self.table.selectRow(0)

    def _open_index(self, index) -> None:
        if index.isValid():
            self.navigate.emit("case_file", self.model.case_row(index.row()).case_number)

    def _context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if not index.isValid():
            return
        number = self.model.case_row(index.row()).case_number
        menu = QMenu(self)
        menu.addAction(_("Open case file"), lambda: self._open_index(index))
        menu.addAction(_("Copy case number"), lambda: copy_secret(number))
        menu.exec(self.table.viewport().mapToGlobal(pos))

    def new_case(self) -> None:
        from ui.pages.new_case_dialog import NewCaseDialog

        dialog = NewCaseDialog(self.ctx, self.runner, self)
        if dialog.exec() == NewCaseDialog.DialogCode.Accepted and dialog.created_number:
            self.navigate.emit("case_file", dialog.created_number)
        elif dialog.existing_number:  # probably the same person: her case, not a new one
            self.navigate.emit("case_file", dialog.existing_number)


PAGE = CaseListPage
