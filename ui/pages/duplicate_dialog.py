"""“This person may already be in the vault”: the new case and the stored candidates side by
side, the reason for each, and the choice: open the existing case, or go on."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.codes import CaseStatus, DuplicateReason, Sex, label
from app.domain.model import Case
from app.i18n import N_, _, format_date
from app.services.duplicates import Candidate

ROWS = (
    (N_("Case number"), lambda c: c.case_number),
    (N_("Name"), lambda c: c.person.full_name),
    (N_("Aliases"), lambda c: "、".join(c.person.aliases)),
    (N_("Sex"), lambda c: label(Sex, c.person.sex)),
    (N_("Date of birth"), lambda c: format_date(c.person.date_of_birth)),
    (
        N_("Age at intake"),
        lambda c: "" if c.person.age_at_intake is None else str(c.person.age_at_intake),
    ),
    (N_("ID number"), lambda c: c.person.id_number or ""),
    (N_("Phone"), lambda c: c.person.phone or ""),
    (N_("Opened on"), lambda c: format_date(c.opened_on)),
    (N_("Status"), lambda c: label(CaseStatus, c.status)),
)


class DuplicateDialog(QDialog):
    """`exec()` is Accepted to go on creating; `open_number` is set when the person chose
    to open an existing case instead."""

    def __init__(self, new: Case, candidates: list[Candidate], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("duplicate_dialog")
        self.setWindowTitle(_("This person may already have a case"))
        self.candidates = candidates
        self.open_number: str | None = None
        intro = QLabel(
            _(
                "The vault holds cases that are probably the same person. Compare them, then "
                "open the existing case, or go on if this is someone else."
            ),
            self,
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(len(ROWS) + 1, len(candidates) + 1, self)
        self.table.setObjectName("duplicate_table")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectColumns)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        headers = [_("New case")] + [
            _("Existing {n}").format(n=n) for n in range(1, len(candidates) + 1)
        ]
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setVerticalHeaderLabels([_(title) for title, _cell in ROWS] + [_("Why")])
        for index, case in enumerate([new, *(c.case for c in candidates)]):
            for row, (_title, cell) in enumerate(ROWS):
                self.table.setItem(row, index, QTableWidgetItem(cell(case)))
        for index, candidate in enumerate(candidates, start=1):
            why = QTableWidgetItem(label(DuplicateReason, candidate.reason))
            self.table.setItem(len(ROWS), index, why)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.resizeRowsToContents()
        if candidates:
            self.table.selectColumn(1)

        self.open_button = QPushButton(
            _("Open the existing case"), self, objectName="duplicate_open"
        )
        self.go_on_button = QPushButton(
            _("Someone else: create the case"), self, objectName="duplicate_go_on"
        )
        self.cancel_button = QPushButton(_("Cancel"), self, objectName="duplicate_cancel")
        self.open_button.setDefault(True)
        self.open_button.clicked.connect(self._open)
        self.go_on_button.clicked.connect(self.accept)
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.cancel_button, self.go_on_button, self.open_button):
            buttons.addWidget(button)
        column = QVBoxLayout(self)
        column.addWidget(intro)
        column.addWidget(self.table, 1)
        column.addLayout(buttons)
        self.resize(760, 480)

    def _open(self) -> None:
        chosen = [i.column() for i in self.table.selectedIndexes() if i.column() > 0]
        index = (chosen[0] if chosen else 1) - 1
        self.open_number = self.candidates[index].case.case_number
        self.reject()
