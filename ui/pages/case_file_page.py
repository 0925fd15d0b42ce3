"""One case file: a header with the case's actions, and one tab per section the role may see.

The tabs (ui.pages.case_file) hold the forms and lists; this page loads the case through
the service, saves the forms (the header's Save), answers the lists' Add / Edit / Delete with
dialogs, and keeps typed text from being lost:
- `unsaved_changes()` is true when a form differs from the loaded case, or an open entry
  dialog differs from its entry;
- opening another case, leaving the page, a manual lock and quitting ask Save / Discard /
  Cancel (leaving cannot be stopped by a page, so the question comes right after, with
  "Cancel" bringing the case file back);
- an automatic lock asks nothing: what validates is saved, the rest is kept as a draft inside
  the vault (ui.pages.case_file.drafts), offered back the next time the case is opened.
Service calls for one case are short and run on the GUI thread; the PDF runs on the Runner.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QHideEvent, QKeyEvent
from PySide6.QtWidgets import (
    QLabel,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import access
from app.access import Level
from app.codes import Section, label
from app.domain.model import Case
from app.domain.validation import InvalidCase
from app.errors import AftercareError
from app.i18n import _
from app.services.base import Change
from ui.pages.base import Page
from ui.pages.case_file import (
    attachments_panel,
    care_plan_tab,
    consent_tab,
    followups_tab,
    intake_tab,
    legal_tab,
    medical_tab,
    notes_tab,
    profile_tab,
    referrals_tab,
)
from ui.pages.case_file import drafts as case_drafts
from ui.pages.case_file.actions import CaseActions
from ui.pages.case_file.entry_dialogs import EntryDialog
from ui.pages.case_file.entry_list import EntryList
from ui.pages.case_file.header import CaseHeader
from ui.pages.case_file.section_form import SectionForm
from ui.pages.case_file.tab import CaseTab
from ui.pages.referrals.case_actions import ReferralActions
from ui.runner import AUDIT

TAB_BUILDERS = {
    Section.PROFILE: profile_tab.build,
    Section.INTAKE: intake_tab.build,
    Section.CONSENT: consent_tab.build,
    Section.CARE_PLAN: care_plan_tab.build,
    Section.MEDICAL: medical_tab.build,
    Section.LEGAL: legal_tab.build,
    Section.FOLLOWUPS: followups_tab.build,
    Section.REFERRALS: referrals_tab.build,
    Section.NOTES: notes_tab.build,
}


def parse_argument(argument: Any) -> tuple[str | None, str | None]:
    """(case number, tab) from "FZ-2026-0007", {"case": ..., "tab": ...} or (number, tab)."""
    if isinstance(argument, str):
        return argument, None
    if isinstance(argument, dict):
        return argument.get("case"), argument.get("tab")
    if isinstance(argument, tuple | list) and len(argument) == 2:
        return argument[0], argument[1]
    return None, None


class CaseFilePage(Page):
    page_id = "case_file"
    in_navigation = False

    def __init__(self, ctx, runner, parent: QWidget | None = None):
        super().__init__(ctx, runner, parent)
        self.role = ctx.opened.user.role
        self.case: Case | None = None
        self.number: str | None = None
        self.dialog: EntryDialog | None = None  # the add/edit dialog open now, if any
        self._own_changes: set[Change] = set()

        self.header = CaseHeader(self.role, self)
        self.tabs = QTabWidget(self, objectName="case_tabs")
        self.tabs.setDocumentMode(True)
        self.case_tabs: dict[str, CaseTab] = {}
        for section in Section:
            level = access.section_level(self.role, section)
            if level == Level.NONE:
                continue
            tab = TAB_BUILDERS[section](level, self.tabs)
            self.case_tabs[section] = tab
            self.tabs.addTab(tab, label(Section, section))
            for form in tab.forms:
                form.edited.connect(self._update_dirty)
        attachments_panel.install(
            self.case_tabs,
            self.role,
            lambda: self.ctx.services,
            lambda: self.runner.changed.emit(frozenset({AUDIT})),
        )
        self.case_actions = CaseActions(self)
        for tab in self.case_tabs.values():
            for entries in tab.lists:
                self.case_actions.connect_list(entries)
        self.header.save_clicked.connect(self.save_all)
        self.header.revert_clicked.connect(self.discard_all)
        self.header.close_clicked.connect(self.case_actions.close_case)
        self.header.reopen_clicked.connect(self.case_actions.reopen_case)
        self.header.approve_clicked.connect(self.case_actions.approve_closure)
        self.header.return_clicked.connect(self.case_actions.return_closure)
        self.header.assign_clicked.connect(self.case_actions.assign)
        self.header.pdf_clicked.connect(self.case_actions.export_pdf)
        self.referral_actions = ReferralActions(self)  # Refer... and Referral packages...

        self.empty = QLabel(self, objectName="case_file_empty")
        self.empty.setStyleSheet("color: #5f6368; font-size: 12pt;")
        # Back to where the case was opened from: this button, Esc, Alt+Left (Go menu).
        self.back_button = QPushButton(self, objectName="case_back")
        self.back_button.setFlat(True)
        self.back_button.setStyleSheet("text-align: left; color: #1a5fb4; padding: 2px 0;")
        self.back_button.clicked.connect(self.go_back)
        content = QWidget(self)
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignLeft)
        column.addWidget(self.header)
        column.addWidget(self.tabs, 1)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.empty)
        self.stack.addWidget(content)
        QVBoxLayout(self).addWidget(self.stack)
        self._leave_check = QTimer(self, singleShot=True, interval=0)
        self._leave_check.timeout.connect(self._after_leaving)
        self.retranslate_ui()

    # --- the Page contract ----------------------------------------------------------------------

    @classmethod
    def title(cls) -> str:
        return _("Case file")

    def keyPressEvent(self, event: QKeyEvent) -> None:  # Qt's name
        """Esc that no field or dialog took: back to where the case was opened from."""
        if event.key() == Qt.Key.Key_Escape:
            self.go_back()
            return
        super().keyPressEvent(event)

    def go_back(self) -> None:
        window = self.window()
        if hasattr(window, "go_back"):
            window.go_back()

    def retranslate_ui(self) -> None:
        self.back_button.setText("‹ " + _("Back"))
        self.empty.setText(_("Open a case from the case list."))
        self.header.retranslate_ui()
        self.referral_actions.retranslate_ui()
        for index, section in enumerate(self.case_tabs):
            self.tabs.setTabText(index, label(Section, section))
            self.case_tabs[section].retranslate_ui()

    def open(self, argument: Any) -> None:
        number, tab = parse_argument(argument)
        if number and number != self.number:
            if self.unsaved_changes() and not self.ask_save_or_discard():
                return
            if not self.load_case(number):
                return
            self.show_tab(tab or Section.PROFILE)  # another case starts on who the person is
            case_drafts.offer_back(self)
        else:
            self.show_tab(tab)

    def unsaved_changes(self) -> bool:
        if self.dialog is not None and self.dialog.dirty():
            return True
        return any(form.dirty() for form in self.forms())

    def save_or_discard_for_lock(self, auto: bool) -> bool:
        if not auto:
            return self.ask_save_or_discard()
        case_drafts.keep_for_lock(self)
        return True

    def on_changed(self, changes: Any) -> None:
        """Reload the case when something else (an import, a referral reply) changed it."""
        found = [changes] if isinstance(changes, Change) else []
        if isinstance(changes, frozenset | set | list | tuple):
            found = [c for c in changes if isinstance(c, Change)]
        foreign = [c for c in found if c not in self._own_changes]
        self._own_changes.difference_update(found)
        mine = self.number and any(c.case_number == self.number for c in foreign)
        if mine and not self.unsaved_changes():
            self.load_case(self.number)

    # --- loading ----------------------------------------------------------------------------------

    def forms(self) -> list[SectionForm]:
        return [form for tab in self.case_tabs.values() for form in tab.forms]

    def lists(self) -> list[EntryList]:
        return [entries for tab in self.case_tabs.values() for entries in tab.lists]

    def load_case(self, number: str) -> bool:
        try:
            case = self.ctx.services.cases.open_case(number)
        except AftercareError as error:
            QMessageBox.warning(self, _("Aftercare"), str(error))
            return False
        self.case, self.number = case, number
        self.load_stamps()
        for tab in self.case_tabs.values():
            tab.load(case)
        self.refresh_header()
        self.stack.setCurrentIndex(1)
        self._update_dirty()
        return True

    def load_stamps(self) -> None:
        """Who recorded each entry, for the lists' "Recorded by" column."""
        if self.number is None:
            return
        stamps = self.ctx.services.cases.entry_stamps(self.number)
        for entries in self.lists():
            entries.model.stamps = stamps

    def refresh_header(self) -> None:
        """The header's state, approval, closure request and responsible worker, as stored."""
        if self.case is None:
            return
        number, services = self.case.case_number, self.ctx.services
        self.header.show_case(
            self.case,
            services.cases.closure_approval(number),
            self.ctx.today(),
            request=services.cases.closure_request(number),
            holder=services.caseload.holder(number),
            may_reassign=services.caseload.may_reassign(number),
        )

    def show_tab(self, section: str | None) -> None:
        if section in self.case_tabs:
            self.tabs.setCurrentWidget(self.case_tabs[section])

    def _update_dirty(self) -> None:
        editable = any(form.writable for form in self.forms())
        self.header.set_dirty(any(form.dirty() for form in self.forms()), editable)

    def announce(self, change: Change) -> None:
        """Tell the other pages (case list, follow-ups due, audit) what this page changed."""
        self._own_changes.add(change)
        self.runner.changed.emit(frozenset({change, AUDIT}))

    # --- saving -----------------------------------------------------------------------------------

    def save_all(self) -> bool:
        """Save every form that changed; on a problem show it beside its field and stop."""
        for tab in self.case_tabs.values():
            for form in tab.forms:
                if not form.dirty():
                    continue
                try:
                    change = form.save(self.ctx.services, self.number)
                except InvalidCase as invalid:
                    self.tabs.setCurrentWidget(tab)
                    form.show_problems(invalid.problems)
                    self.status.emit(_("Not saved: please correct what is marked in red."))
                    self._update_dirty()
                    return False
                except AftercareError as error:
                    QMessageBox.warning(self, _("Aftercare"), str(error))
                    return False
                self.announce(change)
        self._update_dirty()
        self.refresh_header()
        self.status.emit(_("Saved."))
        return True

    def discard_all(self) -> None:
        for form in self.forms():
            form.revert()
        self._update_dirty()

    def ask_save_or_discard(self) -> bool:
        """Save / Discard / Cancel for typed text; False when the person chose Cancel."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            _("Unsaved changes"),
            _("Case {number} has changes that are not saved yet.").format(number=self.number),
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("unsaved_question")
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        answer = box.exec()
        if answer == QMessageBox.StandardButton.Cancel:
            return False
        dialog = self.dialog if self.dialog is not None and self.dialog.dirty() else None
        if answer == QMessageBox.StandardButton.Discard:
            self.discard_all()
            if dialog is not None:
                dialog.forget_changes()
                dialog.reject()
            return True
        if dialog is not None and not dialog.try_save():
            return False
        return self.save_all()

    # --- leaving the page -------------------------------------------------------------------------

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        if not event.spontaneous() and self.ctx.is_unlocked and self.unsaved_changes():
            self._leave_check.start()

    def _after_leaving(self) -> None:
        if not self.ctx.is_unlocked or self.isVisible() or not self.unsaved_changes():
            return
        if not self.ask_save_or_discard():
            self.navigate.emit(self.page_id, None)


PAGE = CaseFilePage
