"""The case file's buttons for passing someone on: Refer..., Referral packages... and
Resources sheet..., beside Print / PDF.

They sit in the header's row of actions (not on the Referrals tab, which health and legal
staff, who answer referrals, do not see). Refer... and Resources sheet... (whom to call near
where she goes, from the directory of services) are shown to the roles that may send;
Referral packages... to every role that sends or answers referrals.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QBoxLayout, QDialog, QLayout, QPushButton, QWidget

from app.access import Action, allowed
from app.i18n import _
from ui.pages.directory.dialogs import ResourcesSheetDialog, save_pdf
from ui.pages.referrals import files
from ui.pages.referrals.packages_dialog import PackagesDialog
from ui.pages.referrals.refer_dialog import ReferDialog
from ui.runner import AUDIT

if TYPE_CHECKING:
    from ui.pages.case_file_page import CaseFilePage


def _row_holding(layout: QLayout, widget: QWidget) -> QBoxLayout | None:
    """The box layout (at any depth) that holds `widget`."""
    if isinstance(layout, QBoxLayout) and layout.indexOf(widget) >= 0:
        return layout
    for i in range(layout.count()):
        item = layout.itemAt(i)
        child = item.layout() if item is not None else None
        found = _row_holding(child, widget) if child is not None else None
        if found is not None:
            return found
    return None


class ReferralActions:
    def __init__(self, page: CaseFilePage):
        self.page = page
        role = page.ctx.vault.user.role
        header = page.header
        self.refer_button = QPushButton(header, objectName="refer_button")
        self.packages_button = QPushButton(header, objectName="referral_packages_button")
        self.sheet_button = QPushButton(header, objectName="resources_sheet_button")
        self.refer_button.setVisible(allowed(role, Action.SEND_REFERRAL))
        self.sheet_button.setVisible(allowed(role, Action.SEND_REFERRAL))
        self.sheet_button.clicked.connect(self.resources_sheet)
        self.packages_button.setVisible(
            allowed(role, Action.SEND_REFERRAL) or allowed(role, Action.RECEIVE_REFERRAL)
        )
        self.refer_button.clicked.connect(self.refer)
        self.packages_button.clicked.connect(self.show_packages)
        outer = header.layout()
        row = _row_holding(outer, header.pdf_button) if outer is not None else None
        row = row or (outer if isinstance(outer, QBoxLayout) else None)
        if row is None:
            raise RuntimeError("the case header lays out its buttons in a box")
        at = row.indexOf(header.pdf_button)
        for button in (self.sheet_button, self.packages_button, self.refer_button):
            row.insertWidget(at if at >= 0 else row.count(), button)
        self.dialog: ReferDialog | PackagesDialog | ResourcesSheetDialog | None = None
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.refer_button.setText(_("Refer..."))
        self.packages_button.setText(_("Referral packages..."))
        self.sheet_button.setText(_("Resources sheet..."))

    def refer(self) -> None:
        page = self.page
        if page.case is None:
            return
        if page.unsaved_changes() and not page.ask_save_or_discard():
            return  # the package is made from what is saved
        services = page.ctx.services
        dialog = ReferDialog(services.referrals, page.case, page, directory=services.directory)
        dialog.accepted.connect(lambda: self._sent(dialog))
        self.dialog = dialog
        dialog.open()

    def _sent(self, dialog: ReferDialog) -> None:
        if dialog.letter_saved is not None:
            path, change = dialog.letter_saved
            self.page.runner.changed.emit(frozenset({change, AUDIT}))
            self.page.status.emit(_("Referral letter saved to {file}.").format(file=path))
            return
        written = dialog.written
        if written is None:
            return
        # Not one of the page's own changes: the case file reloads and lists the new referral.
        self.page.runner.changed.emit(frozenset({written.change, AUDIT}))
        self.page.status.emit(_("Referral package saved."))
        files.show_note(
            self.page,
            _("Referral package saved"),
            files.written_text(written, dialog.contact_name() or ""),
            "package_written",
        )

    def show_packages(self) -> None:
        if self.page.number is None:
            return
        self.dialog = PackagesDialog(self.page, self.page.number)
        self.dialog.open()

    def resources_sheet(self) -> None:
        """Whom to call near where she goes (her home by default), to take with her."""
        case = self.page.case
        if case is None:
            return
        person = case.person
        dialog = ResourcesSheetDialog(person.origin.division, tuple(person.languages), self.page)
        self.dialog = dialog
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        division, languages = dialog.chosen()
        directory = self.page.ctx.services.directory
        number = case.case_number
        saved = save_pdf(
            self.page,
            _("Save the resources sheet"),
            "resources.pdf",
            lambda: directory.resources_sheet(division, languages=languages, case_number=number),
        )
        if saved is not None:
            self.page.runner.changed.emit(frozenset({AUDIT}))
            self.page.status.emit(_("Resources sheet saved to {file}.").format(file=saved))
