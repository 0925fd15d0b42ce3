"""Contacts: the other units' vaults this vault sends referrals to and receives them from.

Who sees what follows the access table (app.access): administrators and supervisors add, verify
and remove contacts (adding a key is a trust decision); everyone may see the list and this
vault's own fingerprint; every role that answers referrals imports packages here (Receive
package...). Open conflicts left by replies are counted, with the way to settle them.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.access import Action, allowed
from app.errors import AftercareError
from app.i18n import _
from app.services.base import Change
from ui.models.contacts_model import Column, ContactsModel
from ui.pages.base import Page
from ui.pages.referrals import files
from ui.pages.referrals.contact_dialogs import (
    AddContactDialog,
    OwnCardDialog,
    VerifyContactDialog,
)
from ui.pages.referrals.receive import open_conflicts, receive_package
from ui.runner import AUDIT

CONTACTS = "contacts"  # the change name of this page's own calls


class ContactsPage(Page):
    page_id = "contacts"
    page_actions = (Action.MANAGE_CONTACTS, Action.SEND_REFERRAL, Action.RECEIVE_REFERRAL)

    def __init__(self, ctx, runner, parent: QWidget | None = None):
        super().__init__(ctx, runner, parent)
        self.role = ctx.opened.user.role
        self.manager = allowed(self.role, Action.MANAGE_CONTACTS)
        self.dialog: QDialog | None = None  # the dialog open now (tests find it here)
        self.model = ContactsModel(self)
        self.table = QTableView(self, objectName="contacts_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(Column.NAME, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _index: self.verify_selected())

        self.heading = QLabel(self, objectName="contacts_heading")
        self.heading.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.explanation = QLabel(self)
        self.explanation.setWordWrap(True)
        self.explanation.setStyleSheet("color: #555;")

        # This vault's own card: the fingerprint others compare, and the card to hand out.
        self.own_box = QFrame(self, objectName="own_card_box")
        self.own_box.setStyleSheet(
            "QFrame#own_card_box { background: #f6f8fb; border: 1px solid #dde3ea;"
            " border-radius: 6px; }"
        )
        self.own_label = QLabel(self.own_box)
        self.own_fingerprint = QLabel(self.own_box, objectName="contacts_own_fingerprint")
        self.own_fingerprint.setStyleSheet(
            "font-family: monospace; font-size: 13pt; color: #12325c; letter-spacing: 1px;"
        )
        self.card_button = QPushButton(self.own_box, objectName="save_card_button")
        self.card_button.clicked.connect(self.save_own_card)
        own_row = QHBoxLayout(self.own_box)
        own_row.setContentsMargins(14, 10, 14, 10)
        own_row.addWidget(self.own_label)
        own_row.addWidget(self.own_fingerprint)
        own_row.addStretch(1)
        own_row.addWidget(self.card_button)

        self.add_button = QPushButton(self, objectName="add_contact_button")
        self.verify_button = QPushButton(self, objectName="verify_contact_button")
        self.remove_button = QPushButton(self, objectName="remove_contact_button")
        self.receive_button = QPushButton(self, objectName="receive_package_button")
        self.add_button.clicked.connect(self.add_contact)
        self.verify_button.clicked.connect(self.verify_selected)
        self.remove_button.clicked.connect(self.remove_selected)
        self.receive_button.clicked.connect(self.receive_package)
        for button in (self.add_button, self.verify_button, self.remove_button):
            button.setVisible(self.manager)
        self.receive_button.setVisible(allowed(self.role, Action.RECEIVE_REFERRAL))

        self.empty = QLabel(self, objectName="contacts_empty")
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("color: #5f6368; padding: 12px 2px;")
        self.conflicts_line = QLabel(self, objectName="contacts_conflicts")
        self.conflicts_line.setStyleSheet("color: #7a4b00;")
        self.conflicts_button = QPushButton(self, objectName="contacts_conflicts_button")
        self.conflicts_button.clicked.connect(self.settle_conflicts)

        buttons = QHBoxLayout()
        for button in (self.add_button, self.verify_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.receive_button)
        conflicts = QHBoxLayout()
        conflicts.addWidget(self.conflicts_line)
        conflicts.addWidget(self.conflicts_button)
        conflicts.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(self.heading)
        layout.addWidget(self.explanation)
        layout.addWidget(self.own_box)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addLayout(conflicts)
        self.retranslate_ui()
        self._update_buttons()

    # --- the Page contract ----------------------------------------------------------------------

    @classmethod
    def title(cls) -> str:
        return _("Contacts")

    def retranslate_ui(self) -> None:
        self.heading.setText(_("Contacts"))
        self.explanation.setText(
            _(
                "Other units' vaults that referrals are sent to and received from. A contact "
                "is used only after its fingerprint was compared with the other unit, by phone "
                "or on paper, and it was marked verified."
            )
        )
        self.own_label.setText(_("Fingerprint of this vault:"))
        self.card_button.setText(_("Save my contact card..."))
        self.add_button.setText(_("Add contact card..."))
        self.verify_button.setText(_("Mark verified..."))
        self.remove_button.setText(_("Remove..."))
        self.receive_button.setText(_("Receive package..."))
        self.conflicts_button.setText(_("Choose between versions..."))
        self.model.retranslate()
        self.refresh()

    def refresh(self) -> None:
        if not self.ctx.is_unlocked:
            self.model.clear()
            return
        referrals = self.ctx.services.referrals
        selected = self.selected()
        self.model.set_contacts(referrals.contacts())
        self.own_fingerprint.setText(referrals.own_fingerprint())
        if self.manager:
            empty = _("No contacts yet. Add the card of a unit you work with.")
        else:
            empty = _("No contacts yet. A supervisor or administrator adds them.")
        self.empty.setText(empty)
        self.empty.setVisible(self.model.rowCount() == 0)
        count = len(referrals.conflicts())
        self.conflicts_line.setText(
            _("Sections changed on both sides, waiting for your choice: {count}").format(
                count=count
            )
        )
        for widget in (self.conflicts_line, self.conflicts_button):
            widget.setVisible(bool(count))
        if selected is not None:
            self.select(selected.name)
        self._update_buttons()

    def on_changed(self, changes) -> None:
        if CONTACTS in changes or any(isinstance(c, Change) for c in changes):
            self.refresh()

    # --- selection ------------------------------------------------------------------------------

    def selected(self):
        rows = self.table.selectionModel().selectedRows()
        return self.model.contact(rows[0].row()) if rows else None

    def select(self, name: str) -> None:
        row = self.model.row_of(name)
        if row is not None:
            self.table.selectRow(row)

    def _update_buttons(self) -> None:
        contact = self.selected()
        self.verify_button.setEnabled(contact is not None and not contact.verified)
        self.remove_button.setEnabled(contact is not None)

    def _announce(self, text: str) -> None:
        self.status.emit(text)
        self.runner.changed.emit(frozenset({CONTACTS, AUDIT}))

    # --- actions --------------------------------------------------------------------------------

    def add_contact(self) -> None:
        path = files.choose_card(self)
        if path is None:
            return
        raw = files.read_bytes(self, path)
        if raw is None or not self.ctx.is_unlocked:
            return
        referrals = self.ctx.services.referrals
        try:
            card = referrals.read_card(raw, path.name)
        except AftercareError as error:
            files.show_error(self, error)
            return
        dialog = AddContactDialog(card, self)
        self.dialog = dialog
        if dialog.exec() != QDialog.DialogCode.Accepted or not self.ctx.is_unlocked:
            return
        name, role = dialog.chosen()
        try:
            contact = referrals.add_contact(raw, name=name, role=role, source=path.name)
        except AftercareError as error:
            files.show_error(self, error)
            return
        self._announce(
            _("Contact “{name}” added; it is not verified yet.").format(name=contact.name)
        )
        self.select(contact.name)

    def verify_selected(self) -> None:
        contact = self.selected()
        if contact is None or contact.verified or not self.manager:
            return
        referrals = self.ctx.services.referrals
        dialog = VerifyContactDialog(
            contact, lambda digits: referrals.verify_contact(contact.name, digits), self
        )
        self.dialog = dialog
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        if not accepted:
            self.runner.changed.emit(frozenset({AUDIT}))  # a failed comparison is audited
            return
        self._announce(_("“{name}” is verified.").format(name=contact.name))
        self.select(contact.name)

    def remove_selected(self) -> None:
        contact = self.selected()
        if contact is None:
            return
        answer = QMessageBox.question(
            self,
            _("Remove a contact"),
            _(
                "Remove “{name}”? Nothing more can be sent to it or received from it until "
                "its card is added and verified again. Referrals already made keep its name."
            ).format(name=contact.name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes or not self.ctx.is_unlocked:
            return
        try:
            self.ctx.services.referrals.remove_contact(contact.name)
        except AftercareError as error:
            files.show_error(self, error)
            return
        self._announce(_("Contact “{name}” removed.").format(name=contact.name))

    def save_own_card(self) -> None:
        referrals = self.ctx.services.referrals
        unit = self.ctx.vault.unit
        dialog = OwnCardDialog(
            referrals.own_fingerprint(),
            unit.name,
            unit.code,
            lambda role, name: referrals.own_card(role, name),
            self,
        )
        self.dialog = dialog
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.saved_to is not None:
            self.status.emit(_("Contact card saved to {file}.").format(file=dialog.saved_to))

    def receive_package(self) -> None:
        receive_package(self)

    def settle_conflicts(self) -> None:
        dialog = open_conflicts(self, self.ctx.services.referrals.conflicts())
        dialog.finished.connect(lambda _result: self.refresh())


PAGE = ContactsPage
