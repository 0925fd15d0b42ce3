"""The vault's users: name and role, for the Users page."""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.codes import Role, label
from app.i18n import _
from app.vault.vault import User

_Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()  # the default parent of a flat table


class Column(IntEnum):
    NAME = 0
    ROLE = 1


class UsersModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._users: list[User] = []
        self._me: int | None = None

    def set_users(self, users: list[User], me: int | None = None) -> None:
        self.beginResetModel()
        self._users = list(users)
        self._me = me
        self.endResetModel()

    def clear(self) -> None:
        self.set_users([])

    def user(self, row: int) -> User:
        return self._users[row]

    def rowCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._users)

    def columnCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(Column)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        user = self._users[index.row()]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            if column == Column.NAME:
                return (
                    _("{name} (you)").format(name=user.name) if user.id == self._me else user.name
                )
            return label(Role, user.role)
        if role == Qt.ItemDataRole.UserRole:
            return user.name if column == Column.NAME else user.role
        return None

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (_("User name"), _("Role"))[section]

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(Column) - 1)
        if self._users:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._users) - 1, len(Column) - 1)
            )
