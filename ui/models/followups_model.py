"""Follow-ups due: overdue ones first, then those due soon, for the Follow-ups page.

The list is short (open cases' visits in a few weeks), so it is loaded whole, in the
service's order (due date, then case number). Overdue visits are marked in red.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from enum import IntEnum

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from app import access
from app.access import Level
from app.codes import Section
from app.i18n import N_, _, format_date
from app.storage.list_repo import DueFollowup

_Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()

OVERDUE_BACKGROUND = QColor("#fbecea")
OVERDUE_TEXT = QColor("#a3261b")


class Column(IntEnum):
    CASE_NUMBER = 0
    NAME = 1
    DUE = 2
    WHEN = 3
    WORKER = 4


_HEADERS = (N_("Case number"), N_("Name"), N_("Due"), N_("When"), N_("Worker"))


def when_text(due: dt.date, today: dt.date) -> str:
    """ "3 days overdue", "today", "in 5 days": how far the visit is from today."""
    days = (due - today).days
    if days < 0:
        return _("{n} days overdue").format(n=-days) if days < -1 else _("1 day overdue")
    if days == 0:
        return _("Due today")
    return _("in {n} days").format(n=days) if days > 1 else _("tomorrow")


class FollowupsModel(QAbstractTableModel):
    def __init__(self, parent=None, *, today: Callable[[], dt.date] = dt.date.today):
        super().__init__(parent)
        self._today = today
        self._due: list[DueFollowup] = []
        self._mask_names = False

    def set_followups(self, due: list[DueFollowup], role: str) -> None:
        self.beginResetModel()
        self._due = list(due)
        self._mask_names = access.section_level(role, Section.PROFILE) == Level.NONE
        self.endResetModel()

    def clear(self) -> None:
        self.beginResetModel()
        self._due = []
        self.endResetModel()

    def followup(self, row: int) -> DueFollowup:
        return self._due[row]

    def shown(self) -> list[DueFollowup]:
        return list(self._due)

    def overdue_count(self) -> int:
        return sum(1 for d in self._due if d.overdue)

    def rowCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._due)

    def columnCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(Column)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        due = self._due[index.row()]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            if column == Column.CASE_NUMBER:
                return due.case_number
            if column == Column.NAME:
                return access.MASK if self._mask_names else due.full_name
            if column == Column.DUE:
                return format_date(due.due_on)
            if column == Column.WORKER:
                return due.holder or _("not assigned")
            return when_text(due.due_on, self._today())
        if role == Qt.ItemDataRole.UserRole:
            name = None if self._mask_names else due.full_name
            days = (due.due_on - self._today()).days
            return (due.case_number, name, due.due_on, days, due.holder)[column]
        # Only the "when" cell is marked: a page of overdue visits stays readable, not a wall
        # of colour.
        if due.overdue and column == Column.WHEN:
            if role == Qt.ItemDataRole.BackgroundRole:
                return OVERDUE_BACKGROUND
            if role == Qt.ItemDataRole.ForegroundRole:
                return OVERDUE_TEXT
        return None

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return _(_HEADERS[section])

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(Column) - 1)
        if self._due:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._due) - 1, len(Column) - 1))
