"""The tables and indicators of a summary (or of one roll-up scope), as read-only tables.

Shows exactly the document's `indicators` and `tables`, in the document's order, with the
labels of the PDF (ui.models.summary_models); nothing is added or left out.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from app.pdf.summary import indicator_bar
from app.summary_labels import indicator_title, table_title
from ui.models.summary_models import IndicatorColumn, IndicatorModel, SummaryTableModel
from ui.widgets.share_chart import ShareChartWidget

TITLE_STYLE = "font-size: 11pt; font-weight: 600; color: #1f2a37; padding-top: 10px;"
NOTE_STYLE = "color: #4b5563;"


def read_only_view(model: QAbstractItemModel, parent: QWidget, name: str) -> QTableView:
    """A table that shows all its rows without scrolling (the page scrolls instead)."""
    view = QTableView(parent, objectName=name)
    view.setModel(model)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    view.setAlternatingRowColors(False)
    view.setWordWrap(False)
    view.verticalHeader().setDefaultSectionSize(26)
    # Whole tables: no scroll bar of their own (one could hide the last row); the page
    # scrolls instead, across too when a table is wider than the window.
    view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setStyleSheet("QTableView { gridline-color: #e3e6ea; }")
    fit_height(view)
    return view


def fit_height(view: QTableView) -> None:
    """As tall as all its rows and at least as wide as all its columns need."""
    rows = sum(view.rowHeight(r) for r in range(view.model().rowCount()))
    height = view.horizontalHeader().sizeHint().height() + rows + 2 * view.frameWidth()
    view.setFixedHeight(height)
    header = view.horizontalHeader()
    columns = sum(
        max(header.sectionSizeHint(c), header.minimumSectionSize())
        for c in range(view.model().columnCount())
    )
    side = view.verticalHeader()
    side_width = max(side.sizeHint().width(), side.minimumWidth()) if side.isVisible() else 0
    view.setMinimumWidth(columns + side_width + 2 * view.frameWidth())


class DocumentPreview(QScrollArea):
    """Indicators first, then every table, as in the PDF."""

    def __init__(self, parent: QWidget | None = None, *, name: str = "preview"):
        super().__init__(parent)
        self.setObjectName(name)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self._tables: list[dict[str, Any]] = []
        self._indicators: list[dict[str, Any]] = []
        self._placeholder = ""
        self.indicator_view: QTableView | None = None
        self.table_views: list[QTableView] = []
        self.clear("")

    def clear(self, placeholder: str) -> None:
        """Show only `placeholder` (what to do to see something)."""
        self._tables, self._indicators, self._placeholder = [], [], placeholder
        self._rebuild()

    def show_document(self, tables: list[dict[str, Any]], indicators: list[dict[str, Any]]) -> None:
        self._tables, self._indicators = list(tables), list(indicators)
        self._rebuild()

    def retranslate_ui(self) -> None:
        self._rebuild()

    def _rebuild(self) -> None:
        content = QWidget(self, objectName=f"{self.objectName()}_content")
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 8, 8)
        column.setSpacing(4)
        self.indicator_view = None
        self.chart: ShareChartWidget | None = None
        self.table_views = []
        if not self._tables and not self._indicators:
            note = QLabel(self._placeholder, content, objectName=f"{self.objectName()}_empty")
            note.setWordWrap(True)
            note.setStyleSheet(NOTE_STYLE)
            note.setAlignment(Qt.AlignmentFlag.AlignCenter)
            column.addStretch(1)
            column.addWidget(note)
            column.addStretch(2)
            self.setWidget(content)
            return
        if self._indicators:
            column.addWidget(self._title(_("Indicators"), content))
            view = read_only_view(
                IndicatorModel(self._indicators, content), content, "preview_indicators"
            )
            view.verticalHeader().hide()
            header = view.horizontalHeader()
            header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            header.setSectionResizeMode(IndicatorColumn.TITLE, QHeaderView.ResizeMode.Stretch)
            fit_height(view)
            column.addWidget(view)
            self.indicator_view = view
            bars = [indicator_bar(indicator_title(i["id"]), i) for i in self._indicators]
            self.chart = ShareChartWidget(bars, _("withheld or no cases"), content)
            self.chart.setObjectName("preview_chart")
            column.addWidget(self.chart)
        for table in self._tables:
            column.addWidget(self._title(table_title(table["id"]), content))
            view = read_only_view(
                SummaryTableModel(table, content), content, f"preview_table_{table['id']}"
            )
            view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
            view.horizontalHeader().setMinimumSectionSize(64)
            view.verticalHeader().setMinimumWidth(220)
            fit_height(view)
            column.addWidget(view)
            self.table_views.append(view)
        column.addStretch(1)
        self.setWidget(content)  # the old content widget is deleted by the scroll area

    @staticmethod
    def _title(text: str, parent: QWidget) -> QLabel:
        label = QLabel(text, parent)
        label.setStyleSheet(TITLE_STYLE)
        return label
