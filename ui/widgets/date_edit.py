"""A date edit that may be empty: a line for the date and a calendar, or nothing.

QDateEdit always holds a date; case files and filters need "not known" or "any". Dates are
typed as YYYY-MM-DD (what the files and the audit trail hold), and shown the same way so the
field never guesses a day/month order.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QToolButton,
    QWidget,
    QWidgetAction,
)

from app.i18n import _


class DateEdit(QWidget):
    """`date()` is a datetime.date or None; `dateChanged` fires when it changes."""

    dateChanged = Signal(object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._date: dt.date | None = None
        self.line = QLineEdit(self, objectName="date_line")
        self.line.setClearButtonEnabled(True)
        self.line.editingFinished.connect(self._parse)
        self.line.textChanged.connect(self._text_changed)
        self.button = QToolButton(self, objectName="date_button")
        self.button.setText("…")
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.button)
        self.calendar = QCalendarWidget(menu)
        self.calendar.clicked.connect(self._picked)
        action = QWidgetAction(menu)
        action.setDefaultWidget(self.calendar)
        menu.addAction(action)
        self.button.setMenu(menu)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.line, 1)
        layout.addWidget(self.button)
        self.retranslate_ui()

    def date(self) -> dt.date | None:
        return self._date

    def set_date(self, value: dt.date | None) -> None:
        self.line.setText(value.isoformat() if value else "")
        self._set(value)

    def is_valid(self) -> bool:
        """False while the text is something other than a date or nothing."""
        text = self.line.text().strip()
        return not text or _parse_iso(text) is not None

    def retranslate_ui(self) -> None:
        self.line.setPlaceholderText(_("YYYY-MM-DD"))
        self.button.setToolTip(_("Choose a date"))

    def _set(self, value: dt.date | None) -> None:
        if value != self._date:
            self._date = value
            self.dateChanged.emit(value)

    def _text_changed(self, text: str) -> None:
        if not text.strip():
            self._set(None)

    def _parse(self) -> None:
        text = self.line.text().strip()
        value = _parse_iso(text)
        if value is not None or not text:
            self._set(value)
        self.line.setStyleSheet("" if self.is_valid() else "border: 1px solid #b3261e;")

    def _picked(self, qdate: QDate) -> None:
        self.set_date(dt.date(qdate.year(), qdate.month(), qdate.day()))
        self.button.menu().hide()


def _parse_iso(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None
