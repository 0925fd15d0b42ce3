"""What the case file's buttons do: entries added, edited and deleted through dialogs;
closing, reopening and approving; the PDF, after a warning that it is not encrypted.

Every change goes through one service call; the page's copy of the case is then updated
from what was stored (no second read, so no extra "viewed" entry in the audit trail), and
the other pages are told what changed.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDir
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox

from app import access
from app.access import Action
from app.codes import CaseStatus
from app.errors import AftercareError
from app.fileio import atomic_write_bytes
from app.i18n import N_, _
from ui.pages.case_file.close_dialog import (
    AssignDialog,
    CloseCaseDialog,
    ClosureDecisionDialog,
    ReopenDialog,
)
from ui.pages.case_file.entry_dialogs import (
    EntryDialog,
    FollowupDialog,
    NoteDialog,
    ReferralDialog,
)
from ui.pages.case_file.entry_list import EntryList
from ui.pages.case_file.service_dialog import ServiceDialog
from ui.runner import AUDIT

if TYPE_CHECKING:
    from ui.pages.case_file_page import CaseFilePage

# entry kind -> (Case attribute, service method stem)
ENTRY_KINDS = {
    "service": ("services", "service"),
    "followup": ("followups", "followup"),
    "referral": ("referrals", "referral"),
    "note": ("notes", "note"),
}
DELETE_QUESTIONS = {
    "service": N_("Delete this service from case {number}?"),
    "followup": N_("Delete this follow-up from case {number}?"),
    "referral": N_("Delete this referral from case {number}?"),
    "note": N_("Delete this note from case {number}?"),
}


class CaseActions:
    def __init__(self, page: CaseFilePage):
        self.page = page

    @property
    def services(self):
        return self.page.ctx.services

    def connect_list(self, entries: EntryList) -> None:
        entries.add_requested.connect(lambda: self.edit_entry(entries, None))
        entries.edit_requested.connect(lambda entry: self.edit_entry(entries, entry))
        entries.delete_requested.connect(lambda entry: self.delete_entry(entries, entry))

    # --- entries ------------------------------------------------------------------------------

    def make_dialog(self, entries: EntryList, entry: Any | None) -> EntryDialog:
        spec, page = entries.spec, self.page
        number = page.number
        method = getattr(self.services.cases, f"save_{ENTRY_KINDS[spec.kind][1]}")
        args = dict(today=page.ctx.today(), parent=page)
        if spec.kind == "service":
            directory = self.services.directory
            return ServiceDialog(
                number,
                lambda e: method(number, e),
                entry,
                kinds=spec.choices,
                providers=lambda kind: [o.name for o in directory.providers(kind)],
                **args,
            )
        if spec.kind == "note":
            return NoteDialog(
                number, lambda e: method(number, e), entry, sections=spec.choices, **args
            )
        dialog_class = FollowupDialog if spec.kind == "followup" else ReferralDialog
        return dialog_class(number, lambda e: method(number, e), entry, **args)

    def edit_entry(
        self, entries: EntryList, entry: Any | None, state: dict[str, Any] | None = None
    ) -> bool:
        """Add (entry None) or edit an entry in its dialog; `state` restores a draft's text."""
        page = self.page
        if page.case is None:
            return False
        number = page.number
        dialog = self.make_dialog(entries, entry)
        dialog.list_name = entries.spec.name
        if state is not None:
            dialog.form.set_state(state)
        page.dialog = dialog
        try:
            accepted = dialog.exec() == QDialog.DialogCode.Accepted
            change = dialog.change
            built = dialog.build(dialog.form.state()) if accepted else None
        finally:
            page.dialog = None
            dialog.deleteLater()
        # A lock while the dialog was open has already saved it or kept it as a draft.
        if built is None or not page.ctx.is_unlocked or page.number != number:
            return False
        stored = dataclasses.replace(built, id=change.entry_id)
        attribute = ENTRY_KINDS[entries.spec.kind][0]
        kept = [e for e in getattr(page.case, attribute) if e.id != stored.id]
        setattr(page.case, attribute, [*kept, stored])
        self._reload_lists(attribute)
        entries.select_entry(stored.id)
        page.announce(change)
        page.status.emit(_("Saved."))
        return True

    def delete_entry(self, entries: EntryList, entry: Any) -> None:
        page = self.page
        answer = QMessageBox.question(
            page,
            _("Delete"),
            _(DELETE_QUESTIONS[entries.spec.kind]).format(number=page.number)
            + "\n"
            + _("This cannot be undone."),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        attribute, stem = ENTRY_KINDS[entries.spec.kind]
        try:
            change = getattr(self.services.cases, f"delete_{stem}")(page.number, entry.id)
        except AftercareError as error:
            QMessageBox.warning(page, _("Aftercare"), str(error))
            return
        setattr(
            page.case, attribute, [e for e in getattr(page.case, attribute) if e.id != entry.id]
        )
        self._reload_lists(attribute)
        page.announce(change)

    def _reload_lists(self, attribute: str) -> None:
        self.page.load_stamps()
        kinds = {a: k for k, (a, _stem) in ENTRY_KINDS.items()}
        for entries in self.page.lists():
            if entries.spec.kind == kinds[attribute]:
                entries.load(self.page.case)

    # --- closing ------------------------------------------------------------------------------

    def close_case(self) -> None:
        """Close the case, or (a caseworker) ask a supervisor to close it."""
        page = self.page
        requesting = not access.allowed(page.role, Action.APPROVE_CLOSURE)
        dialog = CloseCaseDialog(page.number, page.ctx.today(), page, requesting=requesting)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        closed_on, reason = dialog.closed_on.date(), dialog.reason.code()
        if self._run(lambda: self.services.cases.close_case(page.number, closed_on, reason)):
            if not requesting:
                page.case.status = CaseStatus.CLOSED.value
                page.case.closed_on, page.case.closure_reason = closed_on, reason
            page.refresh_header()
            if requesting:
                page.status.emit(_("Closure requested: a supervisor will approve it."))

    def reopen_case(self) -> None:
        page = self.page
        dialog = ReopenDialog(page.number, page)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        reason = dialog.reason.text()
        if self._run(lambda: self.services.cases.reopen_case(page.number, reason)):
            page.case.status = CaseStatus.OPEN.value
            page.case.closed_on = page.case.closure_reason = None
            page.refresh_header()

    def approve_closure(self) -> None:
        self._decide(approve=True)

    def return_closure(self) -> None:
        self._decide(approve=False)

    def _decide(self, approve: bool) -> None:
        """Approve or return a closure request, after the supervisor confirms with a comment."""
        page = self.page
        number = page.number
        request = self.services.cases.closure_request(number)
        pending = request if request is not None and request.state == "pending" else None
        dialog = ClosureDecisionDialog(number, pending, approve, page)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        comment = dialog.text()
        cases = self.services.cases
        call = (
            (lambda: cases.approve_closure(number, comment))
            if approve
            else (lambda: cases.return_closure(number, comment))
        )
        if self._run(call):
            if approve and pending is not None:
                page.case.status = CaseStatus.CLOSED.value
                page.case.closed_on, page.case.closure_reason = pending.closed_on, pending.reason
            page.refresh_header()

    def assign(self) -> None:
        """Give the case to another worker: a supervisor assigns, the holder hands over."""
        page = self.page
        number = page.number
        caseload = self.services.caseload
        hand_over = not access.allowed(page.role, Action.ASSIGN_CASE)
        dialog = AssignDialog(
            number, caseload.possible_holders(), caseload.holder(number), hand_over, page
        )
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        worker = dialog.chosen() or ""
        if self._run(lambda: caseload.assign(number, worker)):
            page.refresh_header()
            page.status.emit(
                _("{name} now holds case {number}.").format(name=worker, number=number)
            )

    def _run(self, call) -> bool:
        try:
            change = call()
        except AftercareError as error:
            QMessageBox.warning(self.page, _("Aftercare"), str(error))
            return False
        self.page.announce(change)
        return True

    # --- the PDF ------------------------------------------------------------------------------

    def export_pdf(self) -> None:
        page = self.page
        number = page.number
        warning = QMessageBox(
            QMessageBox.Icon.Warning,
            _("Print / Export PDF"),
            _("The PDF file is NOT encrypted."),
            QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel,
            page,
        )
        warning.setObjectName("pdf_warning")
        warning.setInformativeText(
            _(
                "Anyone who gets the file can read this case file. Save it only where it is "
                "safe (not a shared folder, a cloud drive or an e-mail), print it, and delete "
                "the file when it is no longer needed."
            )
        )
        warning.button(QMessageBox.StandardButton.Ok).setText(_("I understand, continue"))
        warning.setDefaultButton(QMessageBox.StandardButton.Cancel)
        if warning.exec() != QMessageBox.StandardButton.Ok:
            return
        chooser = QFileDialog(page, _("Save the case file as PDF"), QDir.homePath())
        chooser.setObjectName("pdf_file_dialog")
        chooser.setOption(QFileDialog.Option.DontUseNativeDialog)  # no desktop "recent files"
        chooser.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        chooser.setNameFilter(_("PDF files (*.pdf)"))
        chooser.setDefaultSuffix("pdf")
        chooser.selectFile(f"case-{number}.pdf")
        if chooser.exec() != QDialog.DialogCode.Accepted or not chooser.selectedFiles():
            return
        target = Path(chooser.selectedFiles()[0])
        documents = self.services.documents

        def make() -> Path:
            atomic_write_bytes(target, documents.case_pdf(number))
            return target

        page.runner.run(
            make,
            parent=page,
            label=_("Making the PDF of case {number}...").format(number=number),
            on_success=lambda path: page.status.emit(
                _("The case file was saved as {path}. It is not encrypted.").format(path=path)
            ),
            changes=[AUDIT],
        )
