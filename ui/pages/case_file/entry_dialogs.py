"""Add and edit dialogs for the entries of a case's lists: follow-ups, referrals, notes.

An `EntryDialog` is a keyed form with Save and Cancel. Save builds the entry and hands it
to the service call it was given; a validation problem is shown beside its field and the
dialog stays open, anything else a person can cause is shown in a message box. It closes
only once the entry is stored. The service dialog (with its kind's detail fields) is in
service_dialog.py.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.codes import LivingConditions, ReferralStatus, ReferralTo, Section
from app.codes import label as code_label
from app.domain.model import Followup, Note, Referral
from app.domain.validation import InvalidCase, Problem
from app.errors import AftercareError
from app.i18n import N_, _
from app.services.base import Change
from ui.pages.case_file.forms import FieldForm, blank_to_none, iso, parse_date
from ui.widgets.code_combo import CodeCombo
from ui.widgets.date_edit import DateEdit

_ENTRY_PATH = re.compile(r"^(services|followups|referrals|notes)\[\d+\]\.?")


def text_box(parent: QWidget, height: int = 90) -> QPlainTextEdit:
    box = QPlainTextEdit(parent)
    box.setMinimumHeight(height)
    box.setTabChangesFocus(True)
    return box


class EntryDialog(QDialog):
    """Subclasses add their fields to `self.form` and say how state and entry relate."""

    kind_name = ""  # the objectName stem: "followup" -> followup_dialog
    list_name = ""  # the EntryList it was opened from (set by the page; drafts name it)
    add_title = ""
    edit_title = ""

    def __init__(
        self,
        case_number: str,
        save: Callable[[Any], Change],
        entry: Any | None = None,
        *,
        today: dt.date,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName(f"{self.kind_name}_dialog")
        self.case_number = case_number
        self.entry = entry
        self.today = today
        self._save = save
        self.change: Change | None = None
        self.form = FieldForm(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("entry_save")
        self.buttons.accepted.connect(self.try_save)
        self.buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addWidget(self.form)
        column.addWidget(self.buttons)
        self.setMinimumWidth(520)

    def finish_setup(self) -> None:
        """Called by subclasses once their fields exist: show the entry, remember it."""
        self.form.set_state(self.state_of(self.entry))
        self._initial = self.form.state()
        self.setWindowTitle(_(self.edit_title if self.entry is not None else self.add_title))

    @property
    def entry_id(self) -> int | None:
        return getattr(self.entry, "id", None)

    def dirty(self) -> bool:
        return self.form.state() != self._initial

    def forget_changes(self) -> None:
        """What is typed was saved or kept elsewhere: the dialog no longer counts as unsaved."""
        self._initial = self.form.state()

    def try_save(self, *, quiet: bool = False) -> bool:
        """Store the entry; True when stored (and the dialog accepted)."""
        try:
            problems = self.form.date_problems(self.case_number)
            if problems:
                raise InvalidCase(problems)
            self.change = self._save(self.build(self.form.state()))
        except InvalidCase as invalid:
            self.form.show_problems(
                [
                    Problem(p.case_number, _ENTRY_PATH.sub("", p.path), p.message)
                    for p in invalid.problems
                ]
            )
            return False
        except AftercareError as error:
            if not quiet:
                QMessageBox.warning(self, _("Aftercare"), str(error))
            return False
        self.accept()
        return True

    # --- what subclasses say ------------------------------------------------------------------

    def state_of(self, entry: Any | None) -> dict[str, Any]:
        raise NotImplementedError

    def build(self, state: dict[str, Any]) -> Any:
        raise NotImplementedError


class FollowupDialog(EntryDialog):
    """A follow-up: when it is due, and once done, the day, living conditions and notes."""

    kind_name = "followup"
    add_title = N_("Add a follow-up")
    edit_title = N_("Edit the follow-up")

    def __init__(self, case_number, save, entry=None, *, today, parent=None):
        super().__init__(case_number, save, entry, today=today, parent=parent)
        self.form.add_field("due_on", N_("Due on"), DateEdit(self))
        self.form.add_field("done_on", N_("Visited on"), DateEdit(self))
        conditions = CodeCombo(
            LivingConditions, blank=True, blank_text=N_("Not recorded"), parent=self
        )
        self.form.add_field("living_conditions", N_("Living conditions"), conditions)
        self.form.add_field("notes", N_("Notes"), text_box(self, 120))
        self.finish_setup()

    def state_of(self, entry: Followup | None) -> dict[str, Any]:
        entry = entry or Followup(due_on=self.today)
        return {
            "due_on": iso(entry.due_on),
            "done_on": iso(entry.done_on),
            "living_conditions": entry.living_conditions,
            "notes": entry.notes or "",
        }

    def build(self, state: dict[str, Any]) -> Followup:
        return Followup(
            due_on=parse_date(state["due_on"]),  # type: ignore[arg-type]  # a blank is validation's to report
            done_on=parse_date(state["done_on"]),
            living_conditions=state["living_conditions"],
            notes=blank_to_none(state["notes"]),
            id=self.entry_id,
        )


class ReferralDialog(EntryDialog):
    kind_name = "referral"
    add_title = N_("Add a referral")
    edit_title = N_("Edit the referral")

    def __init__(self, case_number, save, entry=None, *, today, parent=None):
        super().__init__(case_number, save, entry, today=today, parent=parent)
        self.form.add_field("to", N_("Referred to"), CodeCombo(ReferralTo, parent=self))
        self.form.add_field("organisation", N_("Organisation"), QLineEdit(self))
        self.form.add_field("sent_on", N_("Sent on"), DateEdit(self))
        self.form.add_field("status", N_("Status"), CodeCombo(ReferralStatus, parent=self))
        self.form.add_field("reason", N_("Reason"), text_box(self))
        self.finish_setup()

    def state_of(self, entry: Referral | None) -> dict[str, Any]:
        entry = entry or Referral(to=ReferralTo.CIVIL_AFFAIRS.value, sent_on=self.today)
        return {
            "to": entry.to,
            "organisation": entry.organisation or "",
            "sent_on": iso(entry.sent_on),
            "status": entry.status,
            "reason": entry.reason or "",
        }

    def build(self, state: dict[str, Any]) -> Referral:
        return Referral(
            to=state["to"],
            sent_on=parse_date(state["sent_on"]),  # type: ignore[arg-type]  # a blank is validation's to report
            status=state["status"],
            organisation=blank_to_none(state["organisation"]),
            reason=blank_to_none(state["reason"]),
            id=self.entry_id,
        )


class NoteDialog(EntryDialog):
    """A dated note about one section; `sections` are those this tab files notes under."""

    kind_name = "note"
    add_title = N_("Add a note")
    edit_title = N_("Edit the note")

    def __init__(
        self, case_number, save, entry=None, *, today, sections: Iterable[str], parent=None
    ):
        super().__init__(case_number, save, entry, today=today, parent=parent)
        self._sections = list(sections)
        about = CodeCombo(
            codes=self._sections, labeller=lambda c: code_label(Section, c), parent=self
        )
        self.form.add_field("written_on", N_("Date"), DateEdit(self))
        self.form.add_field("section", N_("About"), about)
        self.form.add_field("text", N_("Note"), text_box(self, 160))
        self.form.set_field_visible("section", len(self._sections) > 1)
        self.finish_setup()

    def state_of(self, entry: Note | None) -> dict[str, Any]:
        entry = entry or Note(written_on=self.today, section=self._sections[0], text="")
        return {"written_on": iso(entry.written_on), "section": entry.section, "text": entry.text}

    def build(self, state: dict[str, Any]) -> Note:
        return Note(
            written_on=parse_date(state["written_on"]),  # type: ignore[arg-type]  # a blank is validation's to report
            section=state["section"],
            text=state["text"].strip(),
            id=self.entry_id,
        )


def with_id(entry: Any, entry_id: int | None) -> Any:
    """A copy of `entry` carrying the id storage gave it."""
    return dataclasses.replace(entry, id=entry_id)
