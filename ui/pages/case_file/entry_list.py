"""A list of a case's entries (services, follow-ups, referrals, notes) with Add / Edit / Delete.

The list only shows and asks: its buttons emit `add_requested`, `edit_requested(entry)` and
`delete_requested(entry)`, and the page opens the dialog and calls the service, so the
dialogs, the unsaved-work rules of a lock and the refresh live in one place. Buttons are
there only for a role that may change the section; a role with LIST sees a line saying
why details are missing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.access import Level
from app.domain.model import Case
from app.i18n import _
from ui.models.entry_models import EntryModel
from ui.pages.case_file.forms import hint_label


@dataclass(frozen=True)
class ListSpec:
    """Which entries a list holds and how they are edited."""

    kind: str  # service, followup, referral or note
    section: str  # the access section guarding these entries
    heading: str  # English source, e.g. N_("Services")
    pick: Callable[[Case], Sequence[Any]]  # the entries of the case this list shows
    choices: tuple[str, ...] = ()  # service kinds, or note sections, offered when adding

    @property
    def name(self) -> str:
        return f"{self.kind}s_{self.section}"


class EntryList(QWidget):
    add_requested = Signal()
    edit_requested = Signal(object)
    delete_requested = Signal(object)

    def __init__(
        self,
        spec: ListSpec,
        model: EntryModel,
        level: Level,
        restricted_hint: str = "",
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName(f"list_{spec.name}")
        self.spec = spec
        self.model = model
        self.level = level
        self._hint_text = restricted_hint
        self.heading = QLabel(self, objectName=f"heading_{spec.name}")
        self.heading.setStyleSheet("font-weight: 600; font-size: 11pt;")
        self.hint = hint_label(f"hint_{spec.name}", self)
        self.hint.setVisible(model.restricted and bool(restricted_hint))
        self.table = QTableView(self, objectName=f"table_{spec.name}")
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        # A restricted list has only short columns: spread them; otherwise the last (the
        # free text) takes what is left.
        header.setSectionResizeMode(
            QHeaderView.ResizeMode.Stretch
            if model.restricted
            else QHeaderView.ResizeMode.ResizeToContents
        )
        header.setStretchLastSection(True)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.setMinimumHeight(130)
        self.empty = hint_label(f"empty_{spec.name}", self)
        model.modelReset.connect(self._show_empty)
        self.add_button = QPushButton(self, objectName=f"add_{spec.name}")
        self.edit_button = QPushButton(self, objectName=f"edit_{spec.name}")
        self.delete_button = QPushButton(self, objectName=f"delete_{spec.name}")
        self.add_button.clicked.connect(lambda _checked=False: self.add_requested.emit())
        self.edit_button.clicked.connect(self._edit)
        self.delete_button.clicked.connect(self._delete)
        self.table.doubleClicked.connect(self._edit)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        model.modelReset.connect(self._update_buttons)

        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch(1)
        writable = level >= Level.WRITE
        for button in (self.add_button, self.edit_button, self.delete_button):
            button.setVisible(writable)
            top.addWidget(button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(top)
        column.addWidget(self.hint)
        column.addWidget(self.table, 1)
        column.addWidget(self.empty)
        self.retranslate_ui()
        self._update_buttons()
        self._show_empty()

    @property
    def writable(self) -> bool:
        return self.level >= Level.WRITE

    def load(self, case: Case) -> None:
        self.model.set_entries(self.spec.pick(case))

    def select_entry(self, entry_id: int | None) -> None:
        row = self.model.row_of(entry_id)
        if row >= 0:
            self.table.selectRow(row)

    def selected(self) -> Any | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.entry(rows[0].row()) if rows else None

    def _edit(self, *_args) -> None:
        entry = self.selected()
        if entry is not None and self.writable:
            self.edit_requested.emit(entry)

    def _delete(self) -> None:
        entry = self.selected()
        if entry is not None:
            self.delete_requested.emit(entry)

    def _show_empty(self) -> None:
        empty = self.model.rowCount() == 0
        self.table.setVisible(not empty)
        self.empty.setVisible(empty)
        # An empty list keeps to its heading and line; a full one takes the room there is.
        policy = QSizePolicy.Policy.Maximum if empty else QSizePolicy.Policy.Expanding
        self.setSizePolicy(QSizePolicy.Policy.Preferred, policy)

    def _update_buttons(self, *_args) -> None:
        chosen = self.selected() is not None
        self.edit_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    def retranslate_ui(self) -> None:
        self.heading.setText(_(self.spec.heading))
        self.hint.setText(_(self._hint_text) if self._hint_text else "")
        self.add_button.setText(_("Add..."))
        self.edit_button.setText(_("Edit..."))
        self.delete_button.setText(_("Delete..."))
        self.empty.setText(_("None recorded yet."))
        self.model.retranslate()
