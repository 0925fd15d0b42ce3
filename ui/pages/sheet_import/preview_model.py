"""The preview's rows as a table: one line per data row of the sheet, as it will be imported.

Column SKIP is a check box on the rows that have a problem (and on rows already skipped, so
that skipping can be undone): checking it asks the wizard to skip that row, which makes a new
preview (duplicates depend on which rows stay). Rows with problems are tinted; skipped rows
are grey.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from app.codes import CaseStatus, label
from app.i18n import N_, _
from app.interchange.mapping import CellProblem
from app.services.sheet_import import Preview, PreviewRow

_Index = QModelIndex | QPersistentModelIndex
PROBLEM_BACKGROUND = QColor("#fbecea")
SKIPPED_FOREGROUND = QColor("#8a8f98")


class Column(IntEnum):
    SKIP = 0
    ROW = 1
    CASE_NUMBER = 2
    NAME = 3
    STATUS = 4
    PROBLEMS = 5


HEADERS = {
    Column.SKIP: N_("Skip"),
    Column.ROW: N_("Row"),
    Column.CASE_NUMBER: N_("Case number"),
    Column.NAME: N_("Name"),
    Column.STATUS: N_("Status"),
    Column.PROBLEMS: N_("Problems"),
}


def cell_text(problem: CellProblem) -> str:
    """A problem as shown beside its row: the cell first, then what is wrong."""
    if problem.column is None:
        return problem.message
    return _("column {column} ({header}): {message}").format(
        column=problem.column, header=problem.header or "", message=problem.message
    )


class PreviewModel(QAbstractTableModel):
    skip_toggled = Signal(int, bool)  # sheet row, skip

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[PreviewRow] = []

    def set_preview(self, preview: Preview | None) -> None:
        self.beginResetModel()
        self._rows = list(preview.rows) if preview is not None else []
        self.endResetModel()

    def preview_row(self, row: int) -> PreviewRow:
        return self._rows[row]

    def row_of(self, sheet_row: int) -> int:
        """The table row that shows the sheet's row `sheet_row`, or -1."""
        return next((i for i, r in enumerate(self._rows) if r.row == sheet_row), -1)

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(Column) - 1)
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._rows) - 1, len(Column) - 1)
            )

    # --- Qt ------------------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _(HEADERS[Column(section)])
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == Column.SKIP and self._skippable(self._rows[index.row()]):
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry, column = self._rows[index.row()], Column(index.column())
        if role == Qt.ItemDataRole.CheckStateRole and column == Column.SKIP:
            if not self._skippable(entry):
                return None
            return Qt.CheckState.Checked if entry.skipped else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(entry, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == Column.PROBLEMS and entry.problems:
            return "\n".join(cell_text(p) for p in entry.problems)
        if role == Qt.ItemDataRole.BackgroundRole and entry.problems and not entry.skipped:
            return QBrush(PROBLEM_BACKGROUND)
        if role == Qt.ItemDataRole.ForegroundRole and entry.skipped:
            return QBrush(SKIPPED_FOREGROUND)
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or index.column() != Column.SKIP:
            return False
        entry = self._rows[index.row()]
        if not self._skippable(entry):
            return False
        skip = Qt.CheckState(value) == Qt.CheckState.Checked
        if skip != entry.skipped:
            self.skip_toggled.emit(entry.row, skip)
        return True

    # --- helpers -------------------------------------------------------------------------------

    @staticmethod
    def _skippable(entry: PreviewRow) -> bool:
        return bool(entry.problems) or entry.skipped

    @staticmethod
    def _text(entry: PreviewRow, column: Column) -> str | None:
        case = entry.case
        if column == Column.SKIP:
            return None
        if column == Column.ROW:
            return str(entry.row)
        if column == Column.CASE_NUMBER:
            return case.case_number
        if column == Column.NAME:
            return case.person.full_name
        if column == Column.STATUS:
            return label(CaseStatus, case.status)
        if entry.skipped:
            return _("skipped")
        return "; ".join(cell_text(p) for p in entry.problems)
