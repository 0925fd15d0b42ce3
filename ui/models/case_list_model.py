"""The case list: rows in the chosen order, fetched a page at a time as the view scrolls.

`reload()` asks the service for the first page of the cases that match the filters and the
search, in the order of the sort column (the database walks an index, never Python), and how
many match. The view asks for more through `canFetchMore()` / `fetchMore()` as it scrolls to
the end; each page continues after the last row of the one before (the service's cursor), so
a page costs the same in a vault of 1,000 cases as in one of 100,000.

Masks: the service already masks a name the role may not see; this model also shows a mask,
not a blank, in the next follow-up column for a role that may not read follow-ups, and
refuses to sort by a column the role may not read (an order would reveal the values).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import replace
from enum import IntEnum

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from app import access
from app.access import Level
from app.codes import CaseState, CaseStatus, Group, Section, label
from app.i18n import N_, _, format_date
from app.services.listing import CaseList
from app.storage.list_repo import CaseFilter, CaseRow, Cursor

_Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()

PAGE_SIZE = 100
OVERDUE_COLOUR = QColor("#a3261b")
CLOSED_COLOUR = QColor("#6b7280")


class Column(IntEnum):
    CASE_NUMBER = 0
    NAME = 1
    GROUP = 2
    AGE = 3
    STATUS = 4
    OPENED = 5
    NEXT_FOLLOWUP = 6


_HEADERS = (
    N_("Case number"),
    N_("Name"),
    N_("Group"),
    N_("Age"),
    N_("Status"),
    N_("Opened"),
    N_("Next follow-up"),
)
# The service's sort keys (app.storage.list_repo.SORT_COLUMNS) per column.
SORT_KEYS = ("case_number", "name", "group", "age", "status", "opened_on", "next_followup")
_RAW = ("case_number", "full_name", "group", "age", "status", "opened_on", "next_followup")


def masked_columns(role: str) -> frozenset[Column]:
    """The columns `role` sees only as a mask."""
    masked = set()
    if access.section_level(role, Section.PROFILE) == Level.NONE:
        masked.add(Column.NAME)
    if access.section_level(role, Section.FOLLOWUPS) < Level.READ:
        masked.add(Column.NEXT_FOLLOWUP)
    return frozenset(masked)


class CaseListModel(QAbstractTableModel):
    def __init__(
        self,
        lists: CaseList | None = None,
        *,
        today: Callable[[], dt.date] = dt.date.today,
        page_size: int = PAGE_SIZE,
        parent=None,
    ):
        super().__init__(parent)
        self._lists = lists
        self._today = today
        self.page_size = page_size
        self._rows: list[CaseRow] = []
        self._cursor: Cursor | None = None  # where the next page starts; None: no more
        self._total = 0
        self._filters = CaseFilter()
        self._search_ids: tuple[int, ...] | None = None
        self._sort_column = Column.OPENED
        self._descending = True
        self._masked = masked_columns(lists.role) if lists else frozenset()
        self._all_total: int | None = None  # every case the list could show, unfiltered

    # --- what is shown -------------------------------------------------------------------------

    def set_source(self, lists: CaseList | None) -> None:
        """The service to read from (None empties the model, as on lock)."""
        self._lists = lists
        self._masked = masked_columns(lists.role) if lists else frozenset()
        self.reload(recount=True)

    @property
    def filters(self) -> CaseFilter:
        return self._filters

    def set_filters(self, filters: CaseFilter) -> None:
        self._filters = filters
        self.reload()

    def set_search(self, query: str) -> None:
        """Restrict to the cases `find` returns for `query`; an empty query shows all."""
        query = query.strip()
        if query and self._lists is not None:
            self._search_ids = tuple(self._lists.find_ids(query))
        else:
            self._search_ids = None
        self.reload()

    @property
    def searching(self) -> bool:
        return self._search_ids is not None

    def masked(self, column: int) -> bool:
        return column in self._masked

    def sort_state(self) -> tuple[Column, Qt.SortOrder]:
        order = Qt.SortOrder.DescendingOrder if self._descending else Qt.SortOrder.AscendingOrder
        return self._sort_column, order

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Ask the service for the ids in the new order; a masked column is not sortable."""
        if not 0 <= column < len(Column) or column in self._masked:
            return
        self._sort_column = Column(column)
        self._descending = order == Qt.SortOrder.DescendingOrder
        self.reload()

    def reload(self, keep_rows: int = 0, *, recount: bool = False) -> None:
        """Query the ids again and fetch the first page (or `keep_rows`, to stay in place).

        `recount`: cases may have been added or removed, so the unfiltered total is stale.
        """
        self.beginResetModel()
        self._rows, self._cursor, self._total = [], None, 0
        if recount:
            self._all_total = None
        if self._lists is not None:
            self._rows, self._cursor = self._page(None, max(self.page_size, keep_rows))
            self._total = self._lists.count(self._query_filters())
            if self._query_filters() == CaseFilter():
                self._all_total = self._total
        self.endResetModel()

    def _query_filters(self) -> CaseFilter:
        return replace(self._filters, case_ids=self._search_ids)

    def _page(self, after: Cursor | None, count: int) -> tuple[list[CaseRow], Cursor | None]:
        assert self._lists is not None
        return self._lists.page(
            self._query_filters(), SORT_KEYS[self._sort_column], self._descending, after, count
        )

    def total(self) -> int:
        """How many cases match (fetched or not)."""
        return self._total

    def all_total(self) -> int:
        """How many cases there are without filters or search (counted when not known)."""
        if self._all_total is None:
            self._all_total = self._lists.count() if self._lists is not None else 0
        return self._all_total

    def fetched(self) -> int:
        return len(self._rows)

    def case_row(self, row: int) -> CaseRow:
        return self._rows[row]

    def row_of(self, case_id: int) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.case_id == case_id), None)

    def refresh_cases(self, case_ids: Iterable[int]) -> None:
        """Read again the fetched rows of these cases (after an edit), in place."""
        positions = {r.case_id: i for i, r in enumerate(self._rows)}
        wanted = [case_id for case_id in set(case_ids) if case_id in positions]
        if not wanted or self._lists is None:
            return
        for fresh in self._lists.rows(wanted):
            row = positions[fresh.case_id]
            self._rows[row] = fresh
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(Column) - 1))

    def clear(self) -> None:
        self.set_source(None)

    # --- lazy fetching ---------------------------------------------------------------------------

    def canFetchMore(self, parent: _Index = _ROOT) -> bool:
        return not parent.isValid() and self._cursor is not None

    def fetchMore(self, parent: _Index = _ROOT) -> None:
        if parent.isValid() or self._lists is None or self._cursor is None:
            return
        start = len(self._rows)
        more, self._cursor = self._page(self._cursor, self.page_size)
        if not more:
            return
        self.beginInsertRows(_ROOT, start, start + len(more) - 1)
        self._rows.extend(more)
        self.endInsertRows()

    # --- the table -------------------------------------------------------------------------------

    def rowCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(Column)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            if column in self._masked:
                return access.MASK
            return self._text(row, column)
        if role == Qt.ItemDataRole.UserRole:  # the raw value, for tests and the page
            return None if column in self._masked else getattr(row, _RAW[column])
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == Column.NEXT_FOLLOWUP and self._overdue(row):
                return OVERDUE_COLOUR
            if row.status == CaseStatus.CLOSED:
                return CLOSED_COLOUR
        tooltip = role == Qt.ItemDataRole.ToolTipRole
        if tooltip and column == Column.NEXT_FOLLOWUP and self._overdue(row):
            return _("Overdue")
        if role == Qt.ItemDataRole.TextAlignmentRole and column == Column.AGE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _overdue(self, row: CaseRow) -> bool:
        return (
            Column.NEXT_FOLLOWUP not in self._masked
            and row.status != CaseStatus.CLOSED  # closed cases are never overdue
            and row.next_followup is not None
            and row.next_followup < self._today()
        )

    @staticmethod
    def _text(row: CaseRow, column: Column) -> str:
        if column == Column.CASE_NUMBER:
            return row.case_number
        if column == Column.NAME:
            return row.full_name
        if column == Column.GROUP:
            return label(Group, row.group)
        if column == Column.AGE:
            return "" if row.age is None else str(row.age)
        if column == Column.STATUS:
            return label(CaseState, row.status)
        if column == Column.OPENED:
            return format_date(row.opened_on)
        return format_date(row.next_followup)

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return _(_HEADERS[section])

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(Column) - 1)
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._rows) - 1, len(Column) - 1)
            )
