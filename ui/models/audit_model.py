"""The audit trail, newest first, for the Audit page (supervisors and administrators).

Entries are loaded through `app.audit.entries` with the page's filters, up to `LIMIT` rows;
the page says when more exist. Action codes are shown as translated phrases; codes this
table does not know (a later service's action) are shown as they are.
"""

from __future__ import annotations

import datetime as dt
from enum import IntEnum
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app import audit
from app.codes import Role, Section, label
from app.i18n import N_, _, format_datetime

if TYPE_CHECKING:
    from app.services.audit_trail import AuditTrail

_Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()  # the default parent of a flat table

LIMIT = 5000

_DETAIL_KEYS: dict[str, str] = {
    "user": N_("user"),
    "role": N_("role"),
    "unit": N_("unit"),
    "reason": N_("reason"),
    "key_rotated": N_("data key rotated"),
    "spare_key_file": N_("spare key file used"),
    "at": N_("at"),
    "slot": N_("slot"),
    "imported": N_("imported"),
    "source": N_("source"),
    "file": N_("file"),
    "folder": N_("folder"),
    "where": N_("where"),
    "sha256": N_("SHA-256"),
    "sections": N_("sections"),
    "period": N_("period"),
    "method": N_("method"),
    "threshold": N_("threshold"),
    "cases": N_("cases"),
    "skipped": N_("skipped"),
    "what": N_("what"),
}


def local_time(at: str) -> str:
    """The entry's UTC time in the computer's time zone, in the chosen language's format."""
    try:
        moment = dt.datetime.fromisoformat(at)
    except ValueError:
        return at
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return format_datetime(moment.astimezone(), "medium")


def _value_text(key: str, value: object) -> str:
    """One detail's value in words: codes by their labels, lists joined, yes for true."""
    if isinstance(value, list | tuple):
        return _(", ").join(_value_text(key, item) for item in value)
    if key == "role" and isinstance(value, str):
        return label(Role, value)
    if key == "sections" and isinstance(value, str):
        return label(Section, value)
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    return str(value)


def detail_text(detail: dict[str, object]) -> str:
    """The entry's details as a phrase per detail ("sections: legal aid, medical care"), in
    the window's language; keys this table does not know are shown as they are."""
    parts = []
    for key, value in sorted(detail.items()):
        name = _(_DETAIL_KEYS[key]) if key in _DETAIL_KEYS else key
        parts.append(_("{name}: {value}").format(name=name, value=_value_text(key, value)))
    return _("; ").join(parts)


class Column(IntEnum):
    ID = 0
    AT = 1
    USER = 2
    ACTION = 3
    CASE = 4
    DETAIL = 5


_HEADERS = (N_("No."), N_("Time"), N_("User"), N_("Action"), N_("Case"), N_("Details"))


class AuditModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._entries: list[audit.Entry] = []
        self.truncated = False

    def load(
        self,
        trail: AuditTrail,
        *,
        action: str | None = None,
        user_name: str | None = None,
        case_number: str | None = None,
        since: dt.date | None = None,
    ) -> None:
        found = trail.entries(
            action=action or None,
            user_name=user_name or None,
            case_number=case_number or None,
            since=since.isoformat() if since else None,
            limit=LIMIT + 1,
        )
        self.beginResetModel()
        self.truncated = len(found) > LIMIT
        self._entries = found[:LIMIT]
        self.endResetModel()

    def clear(self) -> None:
        self.beginResetModel()
        self._entries = []
        self.truncated = False
        self.endResetModel()

    def entry(self, row: int) -> audit.Entry:
        return self._entries[row]

    def rowCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(Column)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        entry = self._entries[index.row()]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            if column == Column.ID:
                return str(entry.id)
            if column == Column.AT:
                return local_time(entry.at)
            if column == Column.USER:
                return entry.user_name or ""
            if column == Column.ACTION:
                return audit.action_label(entry.action)
            if column == Column.CASE:
                return entry.case_number or ""
            return detail_text(entry.detail)
        if role == Qt.ItemDataRole.UserRole:  # the raw value, for filters and tests
            return (
                entry.id,
                entry.at,
                entry.user_name,
                entry.action,
                entry.case_number,
                entry.detail,
            )[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column == Column.ID:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return _(_HEADERS[section])

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(Column) - 1)
        if self._entries:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._entries) - 1, len(Column) - 1)
            )
