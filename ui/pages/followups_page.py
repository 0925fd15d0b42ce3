"""Follow-ups due: overdue visits (highlighted) and those due in the next 14 days.

Across every open case the user may see, by due date; shown only to roles that read
follow-ups. Filters: the worker who holds the case, overdue only. A role that writes
follow-ups ticks one off here ("Record visit...": the day, living conditions and notes,
which completes it, and the next visit scheduled) or moves it ("Reschedule..."). The count
of overdue cases is the one the case list's "Overdue follow-ups only" filter gives.
Double-click or Enter opens the case file on its Follow-ups tab.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import access
from app.access import Level
from app.codes import Section
from app.errors import AftercareError
from app.i18n import _, format_number
from ui.models.followups_model import Column, FollowupsModel
from ui.pages.base import Page, case_changes
from ui.pages.visit_dialog import RescheduleDialog, VisitDialog
from ui.runner import AUDIT
from ui.security import copy_secret
from ui.widgets.focus import FOCUS_STYLE

EVERYONE, MINE = "", "\x00me"  # the worker filter's first two entries

DAYS_AHEAD = 14


class FollowupsPage(Page):
    page_id = "followups"

    def __init__(self, ctx, runner, parent: QWidget | None = None):
        super().__init__(ctx, runner, parent)
        self.model = FollowupsModel(self, today=ctx.today)
        self._loaded = False
        self.heading = QLabel(self, objectName="followups_heading")
        self.heading.setStyleSheet("font-size: 16pt; font-weight: 600;")
        self.summary = QLabel(self, objectName="followups_summary")
        self.summary.setStyleSheet("color: #555;")
        self.table = QTableView(self, objectName="followups_table")
        self.table.setModel(self.model)
        self.table.setStyleSheet(FOCUS_STYLE)  # where the keyboard is
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(30)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # No stretched column: the red "when" cells stay the width of their text.
        header.setStretchLastSection(False)
        for column, width in zip(Column, (170, 160, 150, 160, 120), strict=True):
            self.table.setColumnWidth(column, width)
        self.table.activated.connect(self._open_index)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.empty_label = QLabel(self, objectName="followups_empty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setStyleSheet("color: #555; font-size: 11pt; padding: 24px;")
        self.empty_label.hide()

        self.worker_filter = QComboBox(self, objectName="followups_worker")
        self.worker_filter.currentIndexChanged.connect(self._show_rows)
        self.overdue_filter = QCheckBox(self, objectName="followups_overdue")
        self.overdue_filter.toggled.connect(self._show_rows)
        writes = access.section_level(ctx.opened.user.role, Section.FOLLOWUPS) >= Level.WRITE
        self.visit_button = QPushButton(self, objectName="followups_record_visit")
        self.reschedule_button = QPushButton(self, objectName="followups_reschedule")
        for button, slot in (
            (self.visit_button, self.record_visit),
            (self.reschedule_button, self.reschedule),
        ):
            button.setVisible(writes)
            button.setEnabled(False)
            button.clicked.connect(slot)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        self._all: list = []
        filters = QHBoxLayout()
        filters.addWidget(self.worker_filter)
        filters.addWidget(self.overdue_filter)
        filters.addStretch(1)
        filters.addWidget(self.reschedule_button)
        filters.addWidget(self.visit_button)

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(self.heading)
        layout.addLayout(filters)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)
        self.retranslate_ui()

    @classmethod
    def title(cls) -> str:
        return _("Follow-ups due")

    @classmethod
    def visible_for(cls, role: str) -> bool:
        return access.section_level(role, Section.FOLLOWUPS) >= Level.READ

    def retranslate_ui(self) -> None:
        self.heading.setText(_("Follow-ups due"))
        self.overdue_filter.setText(_("Overdue only"))
        self.visit_button.setText(_("Record visit..."))
        self.reschedule_button.setText(_("Reschedule..."))
        self._fill_workers()
        self.empty_label.setText(
            _("No follow-up visits are overdue or due in the next {n} days.").format(n=DAYS_AHEAD)
        )
        self.model.retranslate()
        self._show_summary()

    def refresh(self) -> None:
        """Reload each time the page is shown: "overdue" depends on the day, too."""
        if not self.ctx.is_unlocked or self.runner.busy:
            return
        lists = self.ctx.services.lists
        self._all = lists.followups_due(DAYS_AHEAD)
        self._loaded = True
        self._fill_workers()
        self._show_rows()

    def _fill_workers(self) -> None:
        """All workers, me, and each worker who holds a case with a visit listed."""
        chosen = self.worker_filter.currentData()
        self.worker_filter.blockSignals(True)
        self.worker_filter.clear()
        self.worker_filter.addItem(_("All workers"), EVERYONE)
        self.worker_filter.addItem(_("My cases"), MINE)
        for name in sorted({d.holder for d in self._all if d.holder}):
            self.worker_filter.addItem(name, name)
        index = self.worker_filter.findData(chosen) if chosen is not None else 0
        self.worker_filter.setCurrentIndex(max(index, 0))
        self.worker_filter.blockSignals(False)

    def _show_rows(self) -> None:
        opened = self.ctx.opened
        if opened is None:
            return
        worker = self.worker_filter.currentData()
        if worker == MINE:
            worker = opened.user.name
        shown = [
            d
            for d in self._all
            if (not worker or d.holder == worker)
            and (d.overdue or not self.overdue_filter.isChecked())
        ]
        self.model.set_followups(shown, opened.user.role)
        self._show_summary()

    def on_changed(self, changes) -> None:
        if self._loaded and case_changes(changes):
            self.refresh()

    def _show_summary(self) -> None:
        total = self.model.rowCount()
        overdue = self.model.overdue_count()
        self.table.setVisible(total > 0 or not self._loaded)
        self.empty_label.setVisible(self._loaded and total == 0)
        if not self._loaded:
            self.summary.clear()
            return
        cases = len({d.case_id for d in self.model.shown() if d.overdue})
        self.summary.setText(
            _("{overdue} overdue ({cases} cases), {soon} due in the next {days} days").format(
                overdue=format_number(overdue),
                cases=format_number(cases),
                soon=format_number(total - overdue),
                days=DAYS_AHEAD,
            )
        )

    # --- ticking off -------------------------------------------------------------------------

    def _selected(self):
        rows = self.table.selectionModel().selectedRows()
        return self.model.followup(rows[0].row()) if rows else None

    def _update_buttons(self, *_args) -> None:
        chosen = self._selected() is not None
        self.visit_button.setEnabled(chosen)
        self.reschedule_button.setEnabled(chosen)

    def record_visit(self) -> None:
        """The visit made for the selected follow-up, and the next one scheduled."""
        due = self._selected()
        if due is None:
            return
        dialog = VisitDialog(due.case_number, due.due_on, self.ctx.today(), self)
        cases = self.ctx.services.cases
        while dialog.exec() == QDialog.DialogCode.Accepted:
            try:
                change = cases.record_visit(
                    due.case_number, due.followup_id, dialog.visit(), dialog.next_visit()
                )
            except AftercareError as error:  # e.g. a visit before the case was opened
                dialog.say(str(error))
                continue
            self._announce(
                change, _("Visit recorded for case {number}.").format(number=due.case_number)
            )
            return

    def reschedule(self) -> None:
        due = self._selected()
        if due is None:
            return
        dialog = RescheduleDialog(due.case_number, due.due_on, self)
        new_day = dialog.due_on.date() if dialog.exec() == QDialog.DialogCode.Accepted else None
        if new_day is None:
            return
        try:
            change = self.ctx.services.cases.reschedule_followup(
                due.case_number, due.followup_id, new_day
            )
        except AftercareError as error:
            QMessageBox.warning(self, _("Aftercare"), str(error))
            return
        self._announce(change, _("Visit moved for case {number}.").format(number=due.case_number))

    def _announce(self, change, message: str) -> None:
        self.runner.changed.emit(frozenset({change, AUDIT}))  # this page refreshes too
        self.status.emit(message)

    def _open_index(self, index) -> None:
        if index.isValid():
            number = self.model.followup(index.row()).case_number
            self.navigate.emit("case_file", {"case": number, "tab": "followups"})

    def _context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if not index.isValid():
            return
        number = self.model.followup(index.row()).case_number
        menu = QMenu(self)
        menu.addAction(_("Open case file"), lambda: self._open_index(index))
        menu.addAction(_("Copy case number"), lambda: copy_secret(number))
        menu.exec(self.table.viewport().mapToGlobal(pos))


PAGE = FollowupsPage
