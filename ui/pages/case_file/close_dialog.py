"""Closing a case (a reason from the list and the day) and reopening it (a reason, typed)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from app.codes import ClosureReason, Role, label
from app.i18n import _, format_date
from app.storage.workflow_repo import ClosureRequest
from app.vault.vault import User
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
    """The day and reason of a closure; `requesting` when a supervisor must approve it."""

    def __init__(
        self,
        case_number: str,
        today: dt.date,
        parent: QWidget | None = None,
        *,
        requesting: bool = False,
    ):
        super().__init__(parent)
        self.setObjectName("close_case_dialog")
        self.setWindowTitle(
            (_("Ask to close case {number}") if requesting else _("Close case {number}")).format(
                number=case_number
            )
        )
        self.reason = CodeCombo(ClosureReason, parent=self)
        self.reason.setObjectName("close_reason")
        self.closed_on = DateEdit(self)
        self.closed_on.setObjectName("close_date")
        self.closed_on.set_date(today)
        self.problem = ProblemLabel("close_problem", self)
        explanation = QLabel(
            _(
                "A supervisor approves the closure; until then the case stays open and shows "
                "“closure requested”. A closed case stays in the vault and can be reopened."
            )
            if requesting
            else _("A closed case stays in the vault and can be reopened."),
            self,
        )
        explanation.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(explanation)
        form.addRow(_("Reason"), self.reason)
        form.addRow(_("Closed on"), self.closed_on)
        form.addRow(self.problem)
        form.addRow(_buttons(self, _("Ask to close") if requesting else _("Close case")))
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


class ClosureDecisionDialog(QDialog):
    """A supervisor approves or returns a closure request: the request, a comment the
    caseworker reads (required to return), and the button that confirms."""

    def __init__(
        self,
        case_number: str,
        request: ClosureRequest | None,
        approve: bool,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.approve = approve
        self.setObjectName("closure_decision_dialog")
        title = (
            _("Approve the closure of case {number}")
            if approve
            else _("Return the closure of case {number}")
        )
        self.setWindowTitle(title.format(number=case_number))
        form = QFormLayout(self)
        if request is not None:
            asked = QLabel(
                _("{name} asked to close the case on {date}: {reason}.").format(
                    name=request.requested_by,
                    date=format_date(request.closed_on),
                    reason=label(ClosureReason, request.reason),
                ),
                self,
            )
            asked.setWordWrap(True)
            form.addRow(asked)
        explanation = QLabel(
            _("The case will be closed. The caseworker sees your comment.")
            if approve
            else _("The case stays open. Say what is missing: the caseworker sees your comment."),
            self,
        )
        explanation.setWordWrap(True)
        form.addRow(explanation)
        self.comment = QPlainTextEdit(self, objectName="closure_comment")
        self.comment.setTabChangesFocus(True)
        self.comment.setFixedHeight(90)
        form.addRow(_("Comment"), self.comment)
        self.problem = ProblemLabel("closure_problem", self)
        form.addRow(self.problem)
        form.addRow(
            _buttons(self, _("Approve and close") if approve else _("Return to caseworker"))
        )
        self.setMinimumWidth(480)

    def text(self) -> str:
        return self.comment.toPlainText().strip()

    def accept(self) -> None:
        if not self.approve and not self.text():
            self.problem.say(_("Say why the closure is returned."))
            return
        super().accept()


class AssignDialog(QDialog):
    """Choose the worker who will hold the case (a supervisor assigns, the holder hands over)."""

    def __init__(
        self,
        case_number: str,
        holders: list[User],
        current: str | None,
        hand_over: bool,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("assign_dialog")
        title = _("Hand over case {number}") if hand_over else _("Assign case {number}")
        self.setWindowTitle(title.format(number=case_number))
        self.worker = QComboBox(self, objectName="assign_worker")
        for user in holders:
            if user.name != current:
                self.worker.addItem(f"{user.name} ({label(Role, user.role)})", user.name)
        form = QFormLayout(self)
        held = QLabel(
            _("Held by {name} now.").format(name=current) if current else _("Nobody holds it now."),
            self,
        )
        form.addRow(held)
        form.addRow(_("Responsible worker"), self.worker)
        self.problem = ProblemLabel("assign_problem", self)
        form.addRow(self.problem)
        form.addRow(_buttons(self, _("Hand over") if hand_over else _("Assign")))
        self.setMinimumWidth(420)

    def chosen(self) -> str | None:
        return self.worker.currentData()

    def accept(self) -> None:
        if not self.chosen():
            self.problem.say(_("There is nobody else who can hold this case."))
            return
        super().accept()
