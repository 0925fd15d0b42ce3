"""The backup files of the vault (app.vault.auto_backup.list_backups), for the Backups page."""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.i18n import _, format_datetime, format_number
from app.vault.auto_backup import VAULT, BackupFile

_Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


class Column(IntEnum):
    TIME = 0
    KIND = 1
    SIZE = 2
    WHERE = 3


def size_text(size: int) -> str:
    if size < 1024 * 1024:
        return _("{n} KB").format(n=format_number(max(1, round(size / 1024))))
    return _("{n} MB").format(n=format_number(round(size / (1024 * 1024), 1)))


class BackupsModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._files: list[BackupFile] = []

    def set_files(self, files: list[BackupFile]) -> None:
        self.beginResetModel()
        self._files = list(files)
        self.endResetModel()

    def clear(self) -> None:
        self.set_files([])

    def file(self, row: int) -> BackupFile:
        return self._files[row]

    def rowCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._files)

    def columnCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(Column)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        item = self._files[index.row()]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            if column == Column.TIME:
                return format_datetime(item.created.astimezone())
            if column == Column.KIND:
                return _("Automatic") if item.automatic else _("Other")
            if column == Column.SIZE:
                return size_text(item.size)
            if item.where == VAULT:
                return _("This computer")
            return _("Second folder: {path}").format(path=item.path.parent.parent)
        if role == Qt.ItemDataRole.ToolTipRole:
            return str(item.path)
        if role == Qt.ItemDataRole.UserRole:
            return str(item.path)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == Column.SIZE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (_("Made"), _("Kind"), _("Size"), _("Where"))[section]

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(Column) - 1)
        if self._files:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._files) - 1, len(Column) - 1)
            )
