"""Follow-ups due: overdue visits (highlighted) and those due in the next 14 days.

Across every open case the user may see; shown only to roles that read follow-ups.
Double-click or Enter opens the case file on its Follow-ups tab.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import access
from app.access import Level
from app.codes import Section
from app.i18n import _, format_number
from ui.models.followups_model import Column, FollowupsModel
from ui.pages.base import Page, case_changes
from ui.security import copy_secret

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
        for column, width in zip(Column, (170, 160, 150, 160), strict=True):
            self.table.setColumnWidth(column, width)
        self.table.activated.connect(self._open_index)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.empty_label = QLabel(self, objectName="followups_empty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setStyleSheet("color: #555; font-size: 11pt; padding: 24px;")
        self.empty_label.hide()

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(self.heading)
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
        self.model.set_followups(lists.followups_due(DAYS_AHEAD), lists.role)
        self._loaded = True
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
        self.summary.setText(
            _("{overdue} overdue, {soon} due in the next {days} days").format(
                overdue=format_number(overdue),
                soon=format_number(total - overdue),
                days=DAYS_AHEAD,
            )
        )

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
