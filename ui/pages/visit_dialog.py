"""Ticking off a follow-up: the visit made (day, living conditions, notes) and the next one
scheduled, or a visit moved to another day. Used by the follow-ups page."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QWidget,
)

from app.codes import LivingConditions
from app.domain.model import Followup
from app.i18n import N_, _, format_date
from ui.pages.case_file.forms import ProblemLabel
from ui.widgets.code_combo import CodeCombo
from ui.widgets.date_edit import DateEdit

NEXT_VISIT_DAYS = 30  # the usual interval of aftercare visits: proposed, and changeable


def _buttons(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog
    )
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.setText(ok_text)
    ok.setObjectName("visit_ok")
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


class VisitDialog(QDialog):
    """The visit made for a scheduled follow-up, and the next one."""

    def __init__(
        self, case_number: str, due_on: dt.date, today: dt.date, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.setObjectName("visit_dialog")
        self.setWindowTitle(_("Record the visit: case {number}").format(number=case_number))
        self.done_on = DateEdit(self)
        self.done_on.setObjectName("visit_done_on")
        self.done_on.set_date(today)
        self.conditions = CodeCombo(
            LivingConditions, blank=True, blank_text=N_("Not recorded"), parent=self
        )
        self.conditions.setObjectName("visit_conditions")
        self.notes = QPlainTextEdit(self, objectName="visit_notes")
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(90)
        self.schedule = QCheckBox(_("Schedule the next visit"), self, objectName="visit_schedule")
        self.schedule.setChecked(True)
        self.next_due = DateEdit(self)
        self.next_due.setObjectName("visit_next_due")
        self.next_due.set_date(today + dt.timedelta(days=NEXT_VISIT_DAYS))
        self.schedule.toggled.connect(self.next_due.setEnabled)
        self.problem = ProblemLabel("visit_problem", self)
        form = QFormLayout(self)
        form.addRow(QLabel(_("Scheduled for {date}.").format(date=format_date(due_on)), self))
        form.addRow(_("Visited on"), self.done_on)
        form.addRow(_("Living conditions"), self.conditions)
        form.addRow(_("Notes"), self.notes)
        form.addRow(self.schedule)
        form.addRow(_("Next visit on"), self.next_due)
        form.addRow(self.problem)
        form.addRow(_buttons(self, _("Record visit")))
        self.setMinimumWidth(460)

    def visit(self) -> Followup:
        notes = self.notes.toPlainText().strip() or None
        return Followup(dt.date.min, self.done_on.date(), self.conditions.code(), notes)

    def next_visit(self) -> dt.date | None:
        return self.next_due.date() if self.schedule.isChecked() else None

    def say(self, text: str) -> None:
        self.problem.say(text)

    def accept(self) -> None:
        if self.done_on.date() is None:
            self.problem.say(_("Give the day of the visit (YYYY-MM-DD)."))
            return
        if self.schedule.isChecked() and self.next_due.date() is None:
            self.problem.say(_("Give the day of the next visit (YYYY-MM-DD)."))
            return
        super().accept()


class RescheduleDialog(QDialog):
    """Move a visit that has not happened yet to another day."""

    def __init__(self, case_number: str, due_on: dt.date, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("reschedule_dialog")
        self.setWindowTitle(_("Reschedule the visit: case {number}").format(number=case_number))
        self.due_on = DateEdit(self)
        self.due_on.setObjectName("reschedule_due_on")
        self.due_on.set_date(due_on)
        self.problem = ProblemLabel("reschedule_problem", self)
        form = QFormLayout(self)
        form.addRow(_("New day"), self.due_on)
        form.addRow(self.problem)
        form.addRow(_buttons(self, _("Reschedule")))
        self.setMinimumWidth(380)

    def accept(self) -> None:
        if self.due_on.date() is None:
            self.problem.say(_("Give the new day of the visit (YYYY-MM-DD)."))
            return
        super().accept()
