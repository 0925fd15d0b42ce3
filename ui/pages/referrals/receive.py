"""Receive package...: import a referral, reply, receipt or withdrawal, and say what it did.

The service checks the file (its seal, its signature against a verified contact, that it was
made for this vault, that it is not a replay) and refuses it with a message otherwise; that
message is shown as it is. A reply whose sections were also changed here opens the side by
side choice (conflict_dialog); everything else is summed up in one dialog that can open the
case.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget

from app.codes import Section, label
from app.i18n import N_, _
from app.services.referrals import Received
from ui.pages.base import Page
from ui.pages.referrals import files
from ui.pages.referrals.conflict_dialog import ConflictDialog
from ui.runner import AUDIT

TITLES = {
    "referral": N_("Referral received"),
    "reply": N_("Reply received"),
    "ack": N_("Receipt received"),
    "withdraw": N_("Referral withdrawn"),
}


def _sections(names: list[str]) -> str:
    return ", ".join(label(Section, s) for s in names)


def received_text(got: Received, sections: list[str]) -> str:
    """What the package was and what it changed, in a sentence or three."""
    number = got.case_number or "-"
    if got.kind == "referral":
        return _(
            "{sender} referred a case to this vault. It was added as case {number}, with these "
            "sections: {sections}."
        ).format(sender=got.counterpart, number=number, sections=_sections(sections))
    if got.kind == "reply":
        text = _("The reply from {sender} was added to case {number}.").format(
            sender=got.counterpart, number=number
        )
        if got.merged_sections:
            text += " " + _("Taken from it: {sections}.").format(
                sections=_sections(got.merged_sections)
            )
        elif not got.conflicts:
            text += " " + _("It held nothing new.")
        if got.conflicts:
            text += " " + _("Changed on both sides: {sections}.").format(
                sections=_sections([c.section for c in got.conflicts])
            )
        return text
    if got.kind == "ack":
        return _("{sender} confirmed that the referral of case {number} arrived.").format(
            sender=got.counterpart, number=number
        )
    return _(
        "{sender} withdrew the referral. Case {number} and everything recorded in it were "
        "deleted from this vault."
    ).format(sender=got.counterpart, number=number)


class ReceivedDialog(QDialog):
    def __init__(self, got: Received, text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("received_dialog")
        self.setWindowTitle(_(TITLES[got.kind]))
        self.setMinimumWidth(480)
        heading = QLabel(_(TITLES[got.kind]), self)
        heading.setStyleSheet("font-size: 13pt; font-weight: bold;")
        body = QLabel(text, self, objectName="received_text")
        body.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        self.open_button: QPushButton | None = None
        if got.case_number and got.kind != "withdraw":
            self.open_button = buttons.addButton(
                _("Open case {number}").format(number=got.case_number),
                QDialogButtonBox.ButtonRole.AcceptRole,
            )
            self.open_button.setObjectName("received_open_case")
            self.open_button.setDefault(True)
            buttons.accepted.connect(self.accept)
        column = QVBoxLayout(self)
        column.setSpacing(12)
        column.addWidget(heading)
        column.addWidget(body)
        column.addWidget(buttons)


def receive_package(page: Page) -> None:
    """Ask for a package file and import it on the runner; then show what it was."""
    path = files.choose_package(page)
    if path is None:
        return
    if not page.ctx.is_unlocked:
        return
    referrals = page.ctx.services.referrals
    page.runner.run(
        lambda: referrals.receive_file(path),
        parent=page,
        label=_("Importing the package..."),
        on_success=lambda got: show_received(page, got),
        changes=lambda got: frozenset({got.change, AUDIT} if got.change else {AUDIT}),
    )


def show_received(page: Page, got: Received) -> QDialog:
    """The conflicts side by side when the reply has any; otherwise what the package did."""
    referrals = page.ctx.services.referrals
    records = referrals.records(got.case_number) if got.case_number else []
    sections = next((r.sections for r in records if r.referral_id == got.referral_id), [])
    text = received_text(got, sections)
    page.status.emit(text)
    if got.conflicts:
        return open_conflicts(page, got.conflicts, intro=text, then_open=got.case_number)
    dialog = ReceivedDialog(got, text, page)
    dialog.accepted.connect(lambda: page.navigate.emit("case_file", got.case_number))
    dialog.open()
    return dialog


def open_conflicts(
    page: Page,
    conflicts,
    *,
    intro: str = "",
    then_open: str | None = None,
    parent: QWidget | None = None,
) -> ConflictDialog:
    """The side-by-side choice; the choices are applied, announced, and the case opened."""
    referrals = page.ctx.services.referrals
    counterparts = {r.referral_id: r.counterpart for r in referrals.records()}
    dialog = ConflictDialog(
        conflicts, counterparts, referrals.resolve_conflict, intro, parent or page
    )

    def done() -> None:
        if dialog.changes:
            page.runner.changed.emit(frozenset({*dialog.changes, AUDIT}))
            page.status.emit(_("Your choices were applied."))
        if then_open:
            page.navigate.emit("case_file", then_open)

    dialog.accepted.connect(done)
    dialog.open()
    return dialog
