"""Choosing a summary period: a month, a quarter or a year (summary-v1 allows nothing else).

The widget produces the labels `parse_period` reads: `2026-07`, `2026-Q3`, `2026`.
"""

from __future__ import annotations

import datetime as dt

from babel.dates import get_month_names
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QSpinBox, QWidget

from app.i18n import _, current_locale
from app.reports.periods import (
    MONTH,
    QUARTER,
    YEAR,
    Period,
    last_complete_quarter,
    parse_period,
    period_label,
)

FIRST_YEAR = 2000


class PeriodChooser(QWidget):
    """Kind, year and month or quarter; `changed` is emitted with the new label."""

    changed = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, today: dt.date | None = None):
        super().__init__(parent)
        today = today or dt.date.today()
        self.kind_combo = QComboBox(self, objectName="period_kind")
        self.year_spin = QSpinBox(self, objectName="period_year")
        self.year_spin.setRange(FIRST_YEAR, today.year)
        self.part_combo = QComboBox(self, objectName="period_part")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.kind_combo)
        row.addWidget(self.year_spin)
        row.addWidget(self.part_combo, 1)
        year, quarter = last_complete_quarter(today)
        self._fill_kinds(QUARTER)
        self.year_spin.setValue(year)
        self._fill_parts(quarter)
        self._last = self.label()
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self.year_spin.valueChanged.connect(self._emit)
        self.part_combo.currentIndexChanged.connect(self._emit)

    def kind(self) -> str:
        return self.kind_combo.currentData()

    def label(self) -> str:
        part = self.part_combo.currentData() if self.kind() != YEAR else 1
        return period_label(self.kind(), self.year_spin.value(), part or 1)

    def period(self) -> Period:
        return parse_period(self.label())

    def set_label(self, label: str) -> None:
        """Show the period named by `label` (AftercareError if it is not a period)."""
        period = parse_period(label)
        if "-Q" in label:
            kind, part = QUARTER, (period.start.month + 2) // 3
        elif "-" in label:
            kind, part = MONTH, period.start.month
        else:
            kind, part = YEAR, 0
        self.blockSignals(True)
        self._fill_kinds(kind)
        self.year_spin.setValue(period.start.year)
        self._fill_parts(part)
        self.blockSignals(False)
        self._emit()

    def retranslate_ui(self) -> None:
        self.blockSignals(True)
        self._fill_kinds(self.kind() or QUARTER)
        self._fill_parts(self.part_combo.currentData() or 0)
        self.blockSignals(False)

    def _fill_kinds(self, chosen: str) -> None:
        self.kind_combo.blockSignals(True)
        self.kind_combo.clear()
        for text, code in ((_("Month"), MONTH), (_("Quarter"), QUARTER), (_("Year"), YEAR)):
            self.kind_combo.addItem(text, code)
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(chosen))
        self.kind_combo.blockSignals(False)

    def _fill_parts(self, chosen: int) -> None:
        """Months or quarters for the kind shown; hidden for a whole year."""
        self.part_combo.blockSignals(True)
        self.part_combo.clear()
        if self.kind() == MONTH:
            names = get_month_names("wide", context="stand-alone", locale=current_locale())
            for month in range(1, 13):
                self.part_combo.addItem(names[month], month)
        elif self.kind() == QUARTER:
            for quarter in range(1, 5):
                self.part_combo.addItem(_("Quarter {n}").format(n=quarter), quarter)
        index = self.part_combo.findData(chosen)
        self.part_combo.setCurrentIndex(max(index, 0))
        self.part_combo.setVisible(self.kind() != YEAR)
        self.part_combo.blockSignals(False)

    def _kind_changed(self) -> None:
        # Keep the same stretch of the calendar: Q3 becomes July, and October becomes Q4.
        month = parse_period(self._last).start.month
        self._fill_parts(month if self.kind() == MONTH else (month + 2) // 3)
        self._emit()

    def _emit(self) -> None:
        self._last = self.label()
        if not self.signalsBlocked():
            self.changed.emit(self._last)
