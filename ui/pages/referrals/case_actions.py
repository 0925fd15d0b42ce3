"""The case file's referral buttons: Refer... and Referral packages..., beside Print / PDF.

They sit in the header's row of actions (not on the Referrals tab, which health and legal
staff, who answer referrals, do not see). Refer... is shown to the roles that may send;
Referral packages... to every role that sends or answers referrals.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QBoxLayout, QLayout, QPushButton, QWidget

from app.access import Action, allowed
from app.i18n import _
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
        self.refer_button.setVisible(allowed(role, Action.SEND_REFERRAL))
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
        for button in (self.packages_button, self.refer_button):
            row.insertWidget(at if at >= 0 else row.count(), button)
        self.dialog: ReferDialog | PackagesDialog | None = None
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.refer_button.setText(_("Refer..."))
        self.packages_button.setText(_("Referral packages..."))

    def refer(self) -> None:
        page = self.page
        if page.case is None:
            return
        if page.unsaved_changes() and not page.ask_save_or_discard():
            return  # the package is made from what is saved
        dialog = ReferDialog(page.ctx.services.referrals, page.case, page)
        dialog.accepted.connect(lambda: self._sent(dialog))
        self.dialog = dialog
        dialog.open()

    def _sent(self, dialog: ReferDialog) -> None:
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
