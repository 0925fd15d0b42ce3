"""A case's referral packages: where it was sent or where it came from, and the answers.

For a case this vault referred: its state (waiting, receipt received, answered, withdrawn),
Withdraw..., and the conflicts a reply left to choose. For a case referred to this vault:
Send receipt... and Reply... (what was recorded here goes back; "completed" when the work is
done). Every package is written into a folder the person chooses, with a random name.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.access import Action, allowed
from app.codes import ReferralStatus, Section, label
from app.i18n import N_, _, format_date
from app.services.referrals import PackageWritten, ReferralRecord
from ui.pages.base import Page
from ui.pages.referrals import files
from ui.pages.referrals.receive import open_conflicts
from ui.runner import AUDIT

SENT_STATES = {
    "pending": N_("Sent, no answer yet"),
    "acknowledged": N_("Receipt received"),
    "replied": N_("Answered"),
    "withdrawn": N_("Withdrawn"),
}
RECEIVED_STATES = {
    "pending": N_("Received"),
    "acknowledged": N_("Receipt sent"),
    "replied": N_("Reply sent"),
    "withdrawn": N_("Withdrawn by the sender"),
}


def state_text(record: ReferralRecord) -> str:
    states = SENT_STATES if record.direction == "sent" else RECEIVED_STATES
    text = _(states.get(record.state, record.state))
    if record.reply_status:
        text += f" ({label(ReferralStatus, record.reply_status)})"
    return text


def _day(stamp: str) -> str:
    try:
        return format_date(dt.datetime.fromisoformat(stamp).date())
    except ValueError:
        return stamp


class PackagesDialog(QDialog):
    HEADERS = (
        N_("Referral"),
        N_("Direction"),
        N_("Unit"),
        N_("State"),
        N_("Sections"),
        N_("Since"),
    )

    def __init__(self, page: Page, case_number: str, parent: QWidget | None = None):
        super().__init__(parent or page)
        self.setObjectName("packages_dialog")
        self.setWindowTitle(_("Referral packages of case {number}").format(number=case_number))
        self.resize(820, 420)
        self.page = page
        self.number = case_number
        self.role = page.ctx.vault.user.role
        self.records: list[ReferralRecord] = []

        heading = QLabel(self.windowTitle(), self)
        heading.setStyleSheet("font-size: 14pt; font-weight: bold;")
        self.table = QTableWidget(0, len(self.HEADERS), self, objectName="packages_table")
        self.table.setHorizontalHeaderLabels([_(h) for h in self.HEADERS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update)
        self.empty = QLabel(_("This case was not referred to or from another unit."), self)
        self.empty.setStyleSheet("color: #5f6368;")
        self.conflicts_line = QLabel(self, objectName="packages_conflicts")
        self.conflicts_line.setStyleSheet("color: #7a4b00;")

        self.reply_button = QPushButton(_("Reply..."), self, objectName="packages_reply")
        self.ack_button = QPushButton(_("Send receipt..."), self, objectName="packages_ack")
        self.withdraw_button = QPushButton(_("Withdraw..."), self, objectName="packages_withdraw")
        self.conflicts_button = QPushButton(
            _("Choose between versions..."), self, objectName="packages_conflicts_button"
        )
        self.reply_button.clicked.connect(self.reply)
        self.ack_button.clicked.connect(self.acknowledge)
        self.withdraw_button.clicked.connect(self.withdraw)
        self.conflicts_button.clicked.connect(self.settle_conflicts)
        row = QHBoxLayout()
        for button in (self.reply_button, self.ack_button, self.withdraw_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.conflicts_button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)

        column = QVBoxLayout(self)
        column.setSpacing(10)
        column.addWidget(heading)
        column.addLayout(row)
        column.addWidget(self.table, 1)
        column.addWidget(self.empty)
        column.addWidget(self.conflicts_line)
        column.addWidget(close)
        self.refresh()

    @property
    def referrals(self):
        return self.page.ctx.services.referrals

    def refresh(self) -> None:
        self.records = self.referrals.records(self.number)
        self.table.setRowCount(len(self.records))
        for row, record in enumerate(self.records):
            direction = _("Sent to") if record.direction == "sent" else _("Received from")
            values = (
                record.short_id,
                direction,
                record.counterpart,
                state_text(record),
                ", ".join(label(Section, s) for s in record.sections),
                _day(record.updated_at),
            )
            for col, value in enumerate(values):
                self.table.setItem(row, col, QTableWidgetItem(value))
        if self.records:
            self.table.selectRow(0)
        self.table.setVisible(bool(self.records))
        self.empty.setVisible(not self.records)
        count = len(self.referrals.conflicts(self.number))
        self.conflicts_line.setText(
            _("Entries changed on both sides, waiting for your choice: {count}").format(count=count)
        )
        self.conflicts_line.setVisible(bool(count))
        self.conflicts_button.setVisible(bool(count))
        self._update()

    def selected(self) -> ReferralRecord | None:
        rows = self.table.selectionModel().selectedRows()
        return self.records[rows[0].row()] if rows else None

    def _update(self) -> None:
        record = self.selected()
        live = record is not None and record.state != "withdrawn"
        may_reply = allowed(self.role, Action.REPLY_TO_REFERRAL)
        may_acknowledge = allowed(self.role, Action.ACKNOWLEDGE_REFERRAL)
        may_withdraw = allowed(self.role, Action.WITHDRAW_REFERRAL)
        received = record is not None and live and record.direction == "received"
        directions = {r.direction for r in self.records}
        self.reply_button.setVisible("received" in directions and may_reply)
        self.ack_button.setVisible("received" in directions and may_acknowledge)
        self.withdraw_button.setVisible("sent" in directions and may_withdraw)
        self.reply_button.setEnabled(received and may_reply)
        pending = record is not None and record.state == "pending"
        self.ack_button.setEnabled(received and may_acknowledge and pending)
        sent = record is not None and live and record.direction == "sent"
        self.withdraw_button.setEnabled(sent and may_withdraw)

    # --- answers --------------------------------------------------------------------------------

    def _written(self, written: PackageWritten | None, what: str) -> None:
        if written is None:
            return
        self.page.runner.changed.emit(frozenset({AUDIT}))
        record = self.selected()
        recipient = record.counterpart if record else _("the other unit")
        files.show_note(self, what, files.written_text(written, recipient), "package_written")
        self.refresh()

    def reply(self) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            _("Reply"),
            _(
                "The services, follow-ups and notes recorded here go back to the unit that "
                "referred the case. Is the referral completed, or is the work still going on?"
            ),
            QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("reply_question")
        going_on = box.addButton(_("Still going on"), QMessageBox.ButtonRole.AcceptRole)
        going_on.setObjectName("reply_accepted")
        completed = box.addButton(_("Completed"), QMessageBox.ButtonRole.AcceptRole)
        completed.setObjectName("reply_completed")
        box.exec()
        if box.clickedButton() not in (going_on, completed):
            return
        done = box.clickedButton() is completed
        self._written(
            files.write_package(
                self,
                _("Choose the folder to save the reply in (a USB stick)"),
                lambda folder: self.referrals.reply(self.number, folder, completed=done),
            ),
            _("Reply saved"),
        )

    def acknowledge(self) -> None:
        self._written(
            files.write_package(
                self,
                _("Choose the folder to save the receipt in (a USB stick)"),
                lambda folder: self.referrals.acknowledge(self.number, folder),
            ),
            _("Receipt saved"),
        )

    def withdraw(self) -> None:
        record = self.selected()
        if record is None:
            return
        answer = QMessageBox.question(
            self,
            _("Withdraw the referral"),
            _(
                "Withdraw referral {id} to {unit}? When they import the withdrawal, their copy "
                "of the case is deleted, and their replies are no longer accepted here."
            ).format(id=record.short_id, unit=record.counterpart),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self._written(
            files.write_package(
                self,
                _("Choose the folder to save the withdrawal in (a USB stick)"),
                lambda folder: self.referrals.withdraw(
                    self.number, folder, referral=record.referral_id
                ),
            ),
            _("Withdrawal saved"),
        )

    def settle_conflicts(self) -> None:
        dialog = open_conflicts(self.page, self.referrals.conflicts(self.number), parent=self)
        dialog.finished.connect(lambda _result: self.refresh())
