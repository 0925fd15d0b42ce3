"""Closing a case (a reason from the list and the day) and reopening it (a reason, typed)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from app.codes import ClosureReason
from app.i18n import _
from ui.pages.case_file.forms import ProblemLabel
from ui.widgets.code_combo import CodeCombo
from ui.widgets.date_edit import DateEdit


def _buttons(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog
    )
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.setText(ok_text)
    ok.setObjectName("close_dialog_ok")
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


class CloseCaseDialog(QDialog):
    def __init__(self, case_number: str, today: dt.date, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("close_case_dialog")
        self.setWindowTitle(_("Close case {number}").format(number=case_number))
        self.reason = CodeCombo(ClosureReason, parent=self)
        self.reason.setObjectName("close_reason")
        self.closed_on = DateEdit(self)
        self.closed_on.setObjectName("close_date")
        self.closed_on.set_date(today)
        self.problem = ProblemLabel("close_problem", self)
        explanation = QLabel(
            _(
                "A closed case stays in the vault and can be reopened. A supervisor approves the closure."
            ),
            self,
        )
        explanation.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(explanation)
        form.addRow(_("Reason"), self.reason)
        form.addRow(_("Closed on"), self.closed_on)
        form.addRow(self.problem)
        form.addRow(_buttons(self, _("Close case")))
        self.setMinimumWidth(440)

    def accept(self) -> None:
        if self.closed_on.date() is None:
            self.problem.say(_("Give the day the case was closed (YYYY-MM-DD)."))
            return
        super().accept()


class ReopenDialog(QDialog):
    def __init__(self, case_number: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("reopen_dialog")
        self.setWindowTitle(_("Reopen case {number}").format(number=case_number))
        self.reason = QLineEdit(self, objectName="reopen_reason")
        self.problem = ProblemLabel("reopen_problem", self)
        form = QFormLayout(self)
        form.addRow(_("Why is the case reopened?"), self.reason)
        form.addRow(self.problem)
        form.addRow(_buttons(self, _("Reopen")))
        self.setMinimumWidth(440)

    def accept(self) -> None:
        if not self.reason.text().strip():
            self.problem.say(_("Say why the case is reopened."))
            return
        super().accept()
