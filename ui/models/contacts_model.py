"""The vault's contacts (other units' vaults), for the Contacts page and the Refer dialog."""

from __future__ import annotations

import datetime as dt
from enum import IntEnum

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFontDatabase

from app.i18n import _, format_date
from app.services.referrals import Contact

_Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
NOT_VERIFIED_COLOUR = QColor("#8a5300")  # amber-brown: needs doing, not an error


class Column(IntEnum):
    NAME = 0
    UNIT = 1
    ROLE = 2
    FINGERPRINT = 3
    VERIFIED = 4


def verified_text(contact: Contact) -> str:
    return _("Verified") if contact.verified else _("Not verified")


def verified_detail(contact: Contact) -> str:
    """Who marked the contact verified, and when; or what is still to do."""
    if not contact.verified:
        return _("Compare the fingerprint with the other unit, then mark it verified.")
    when = ""
    if contact.verified_at:
        try:
            when = format_date(dt.datetime.fromisoformat(contact.verified_at).date())
        except ValueError:
            when = contact.verified_at
    return _("Verified by {name} on {date}.").format(name=contact.verified_by or "-", date=when)


class ContactsModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._contacts: list[Contact] = []

    def set_contacts(self, contacts: list[Contact]) -> None:
        self.beginResetModel()
        self._contacts = list(contacts)
        self.endResetModel()

    def clear(self) -> None:
        self.set_contacts([])

    def contact(self, row: int) -> Contact:
        return self._contacts[row]

    def row_of(self, name: str) -> int | None:
        key = name.casefold()
        return next((i for i, c in enumerate(self._contacts) if c.name.casefold() == key), None)

    def rowCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._contacts)

    def columnCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(Column)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        contact = self._contacts[index.row()]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return {
                Column.NAME: contact.name,
                Column.UNIT: contact.unit_code,
                Column.ROLE: contact.role_label,
                Column.FINGERPRINT: contact.fingerprint,
                Column.VERIFIED: verified_text(contact),
            }[column]
        if role == Qt.ItemDataRole.UserRole:
            return contact.name
        if role == Qt.ItemDataRole.ToolTipRole and column == Column.VERIFIED:
            return verified_detail(contact)
        if role == Qt.ItemDataRole.FontRole and column == Column.FINGERPRINT:
            return QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and column == Column.VERIFIED
            and not contact.verified
        ):
            return NOT_VERIFIED_COLOUR
        return None

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (_("Contact"), _("Unit code"), _("Kind of unit"), _("Fingerprint"), _("Verified"))[
            section
        ]

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(Column) - 1)
        if self._contacts:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._contacts) - 1, len(Column) - 1)
            )
