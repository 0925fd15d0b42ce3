"""Read-only table models over summary-v1 and roll-up documents, for the Reports and Roll-up
pages.

Labels and cell texts come from app.pdf.summary (`row_label`, `col_label`, `indicator_title`,
`format_cell`, `format_share`), so the window shows exactly what the PDF prints. Each model
keeps the raw value of a cell under `Qt.UserRole`.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from app.i18n import N_, _
from app.summary_labels import col_label, format_cell, format_share, indicator_title, row_label

_Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_TOTAL_BG = QBrush(QColor("#eef1f5"))
_REJECTED = QBrush(QColor("#8a1c14"))
_MUTED = QBrush(QColor("#6b7280"))


def _bold() -> QFont:
    font = QFont()
    font.setBold(True)
    return font


class _ReadOnlyModel(QAbstractTableModel):
    """A flat table whose texts depend on the language: `retranslate` refreshes them all."""

    def retranslate(self) -> None:
        rows, cols = self.rowCount(), self.columnCount()
        if cols:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, cols - 1)
        if rows:
            self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, rows - 1)
        if rows and cols:
            self.dataChanged.emit(self.index(0, 0), self.index(rows - 1, cols - 1))


class SummaryTableModel(_ReadOnlyModel):
    """One table of a summary or roll-up: rows and columns as headers, a cell per count."""

    def __init__(self, table: dict[str, Any], parent=None):
        super().__init__(parent)
        self.table = table

    @property
    def table_id(self) -> str:
        return self.table["id"]

    def rowCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.table["rows"])

    def columnCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.table["cols"])

    def _is_total(self, row: int, col: int) -> bool:
        return self.table["rows"][row] == "total" or self.table["cols"][col] == "total"

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        cell = self.table["cells"][index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return format_cell(cell)
        if role == Qt.ItemDataRole.UserRole:
            return cell
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(_RIGHT)
        if role == Qt.ItemDataRole.BackgroundRole and self._is_total(index.row(), index.column()):
            return _TOTAL_BG
        if role == Qt.ItemDataRole.ToolTipRole and cell is None:
            return _("Withheld: a small count, or one from which a small count could be worked out")
        return None

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        horizontal = orientation == Qt.Orientation.Horizontal
        codes = self.table["cols"] if horizontal else self.table["rows"]
        if role == Qt.ItemDataRole.DisplayRole:
            label = col_label if horizontal else row_label
            return label(self.table_id, codes[section])
        if role == Qt.ItemDataRole.UserRole:
            return codes[section]
        if role == Qt.ItemDataRole.FontRole and codes[section] == "total":
            return _bold()
        return None


class IndicatorColumn(IntEnum):
    TITLE = 0
    NUMERATOR = 1
    DENOMINATOR = 2
    SHARE = 3


class IndicatorModel(_ReadOnlyModel):
    """Indicators as the PDF lists them: title, cases, out of, share."""

    def __init__(self, indicators: list[dict[str, Any]], parent=None):
        super().__init__(parent)
        self.indicators = list(indicators)

    def rowCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.indicators)

    def columnCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(IndicatorColumn)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        item = self.indicators[index.row()]
        column = IndicatorColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            if column == IndicatorColumn.TITLE:
                return indicator_title(item["id"])
            if column == IndicatorColumn.NUMERATOR:
                return format_cell(item["numerator"])
            if column == IndicatorColumn.DENOMINATOR:
                return format_cell(item["denominator"])
            return format_share(item["numerator"], item["denominator"])
        if role == Qt.ItemDataRole.UserRole:
            raw = {
                IndicatorColumn.TITLE: item["id"],
                IndicatorColumn.NUMERATOR: item["numerator"],
                IndicatorColumn.DENOMINATOR: item["denominator"],
            }
            return raw.get(column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column != IndicatorColumn.TITLE:
            return int(_RIGHT)
        if role == Qt.ItemDataRole.FontRole and column == IndicatorColumn.SHARE:
            return _bold()
        return None

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (_("Indicator"), _("Cases"), _("Out of"), _("Share"))[section]


class FileColumn(IntEnum):
    FILE = 0
    UNIT = 1
    RESULT = 2
    REASON = 3


# Short, for a column; the reason column says the rest (replaced by which file, ...).
FILE_STATUS: dict[str, str] = {
    "accepted": N_("Accepted"),
    "replaced": N_("Replaced"),
    "rejected": N_("Rejected"),
    "other_period": N_("Other period"),
}


def file_status_label(code: str) -> str:
    return _(FILE_STATUS[code]) if code in FILE_STATUS else code


class RollupFilesModel(_ReadOnlyModel):
    """The files a roll-up read, with what became of each (rollup.json `files`)."""

    def __init__(self, files: list[dict[str, Any]] | None = None, parent=None):
        super().__init__(parent)
        self.files = list(files or [])

    def set_files(self, files: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self.files = list(files)
        self.endResetModel()

    def rowCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.files)

    def columnCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(FileColumn)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        entry = self.files[index.row()]
        column = FileColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            if column == FileColumn.FILE:
                return entry["file"]
            if column == FileColumn.UNIT:
                return entry.get("unit") or ""
            if column == FileColumn.RESULT:
                return file_status_label(entry["status"])
            return entry.get("reason") or ""
        if role == Qt.ItemDataRole.UserRole:
            return entry["status"]
        if role == Qt.ItemDataRole.ToolTipRole:
            return entry["file"] if column == FileColumn.FILE else entry.get("reason") or None
        if role == Qt.ItemDataRole.ForegroundRole and entry["status"] != "accepted":
            return _REJECTED if entry["status"] == "rejected" else _MUTED
        return None

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (_("File"), _("Unit"), _("Result"), _("Reason"))[section]
