"""The case file's header: who and which case, its state, and what may be done with it.

Shown to every role that may open the case: number, status and dates are the case's
header in app.access; the name is what the service left (a mask where the profile is
hidden). Buttons appear only for what the role may do.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app import access
from app.access import Action
from app.codes import CaseState, CaseStatus, ClosureReason, label
from app.domain.model import Case
from app.domain.people import age_on, group_of
from app.i18n import N_, _, format_date
from app.storage.workflow_repo import ClosureRequest

# One person's group (the summary's Group labels are plural, for tables of counts).
GROUP_ONE: dict[str, str] = {
    "girl": N_("girl"),
    "boy": N_("boy"),
    "woman": N_("woman"),
    "other": N_("other group"),
}
STATUS_STYLE: dict[str, str] = {
    CaseStatus.OPEN: "background: #e3f1e7; color: #1d5b32;",
    CaseStatus.CLOSED: "background: #eceef1; color: #3c4350;",
}
REQUESTED_STYLE = "background: #fdf0d5; color: #7a4b00;"


class CaseHeader(QWidget):
    save_clicked = Signal()
    revert_clicked = Signal()
    close_clicked = Signal()
    reopen_clicked = Signal()
    approve_clicked = Signal()
    return_clicked = Signal()
    assign_clicked = Signal()
    pdf_clicked = Signal()

    def __init__(self, role: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("case_header")
        self.role = role
        self.case: Case | None = None
        self.approval: tuple[str | None, str | None] = (None, None)
        self.request: ClosureRequest | None = None
        self.holder: str | None = None
        self.may_reassign = False
        self.today = dt.date.today()
        self.name = QLabel(self, objectName="header_name")
        self.name.setStyleSheet("font-size: 17pt; font-weight: 600;")
        self.status_badge = QLabel(self, objectName="header_status")
        self.facts = QLabel(self, objectName="header_facts")
        self.facts.setStyleSheet("color: #444;")
        self.closure = QLabel(self, objectName="header_closure")
        self.closure.setStyleSheet("color: #444;")
        self.closure.setWordWrap(True)

        self.save_button = QPushButton(self, objectName="save_button")
        self.save_button.setDefault(True)
        self.revert_button = QPushButton(self, objectName="revert_button")
        self.close_button = QPushButton(self, objectName="close_case_button")
        self.reopen_button = QPushButton(self, objectName="reopen_button")
        self.approve_button = QPushButton(self, objectName="approve_button")
        self.return_button = QPushButton(self, objectName="return_closure_button")
        self.assign_button = QPushButton(self, objectName="assign_button")
        self.pdf_button = QPushButton(self, objectName="pdf_button")
        for button, signal in (
            (self.save_button, self.save_clicked),
            (self.revert_button, self.revert_clicked),
            (self.close_button, self.close_clicked),
            (self.reopen_button, self.reopen_clicked),
            (self.approve_button, self.approve_clicked),
            (self.return_button, self.return_clicked),
            (self.assign_button, self.assign_clicked),
            (self.pdf_button, self.pdf_clicked),
        ):
            button.clicked.connect(lambda _checked=False, s=signal: s.emit())

        title_row = QHBoxLayout()
        title_row.addWidget(self.name)
        title_row.addWidget(self.status_badge)
        title_row.addStretch(1)
        for button in (self.revert_button, self.save_button):
            title_row.addWidget(button)
        action_row = QHBoxLayout()
        action_row.addWidget(self.facts, 1)
        for button in self._case_buttons():
            action_row.addWidget(button)
        action_row.addWidget(self.pdf_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 4)
        column.addLayout(title_row)
        column.addLayout(action_row)
        column.addWidget(self.closure)
        self.retranslate_ui()
        self.set_dirty(False, False)

    def _case_buttons(self) -> tuple[QPushButton, ...]:
        return (
            self.assign_button,
            self.close_button,
            self.reopen_button,
            self.approve_button,
            self.return_button,
        )

    def show_case(
        self,
        case: Case,
        approval: tuple[str | None, str | None],
        today: dt.date,
        *,
        request: ClosureRequest | None = None,
        holder: str | None = None,
        may_reassign: bool = False,
    ) -> None:
        """`request` is the latest closure request, `holder` the responsible worker."""
        self.case, self.approval, self.today = case, approval, today
        self.request, self.holder, self.may_reassign = request, holder, may_reassign
        self._update()

    def set_dirty(self, dirty: bool, editable: bool) -> None:
        self.save_button.setVisible(editable)
        self.revert_button.setVisible(editable)
        self.save_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty)

    def retranslate_ui(self) -> None:
        self.save_button.setText(_("Save changes"))
        self.revert_button.setText(_("Undo changes"))
        self.close_button.setText(_("Close case..."))
        self.reopen_button.setText(_("Reopen..."))
        self.approve_button.setText(_("Approve closure..."))
        self.return_button.setText(_("Return..."))
        self.assign_button.setText(
            _("Assign...") if access.allowed(self.role, Action.ASSIGN_CASE) else _("Hand over...")
        )
        self.pdf_button.setText(_("Print / Export PDF..."))
        self._update()

    def _update(self) -> None:
        case = self.case
        if case is None:
            for widget in self._case_buttons():
                widget.hide()
            return
        self.name.setText(case.person.full_name or access.MASK)
        closed = case.status == CaseStatus.CLOSED
        self.status_badge.setText(label(CaseStatus, case.status))
        self.status_badge.setStyleSheet(
            STATUS_STYLE.get(case.status, "") + " border-radius: 4px; padding: 2px 8px;"
        )
        facts = [case.case_number, _("opened {date}").format(date=format_date(case.opened_on))]
        age = age_on(case.person, case.opened_on, self.today)
        group = _(GROUP_ONE[group_of(case.person.sex, age)])
        if age is not None:
            facts.insert(1, _("{age} years, {group}").format(age=age, group=group))
        facts.append(
            _("held by {name}").format(name=self.holder) if self.holder else _("not assigned")
        )
        self.facts.setText("  ·  ".join(escape(f) for f in facts))
        pending = self.request is not None and self.request.state == "pending"
        if pending:
            self.status_badge.setText(label(CaseState, CaseState.CLOSURE_REQUESTED))
            self.status_badge.setStyleSheet(
                REQUESTED_STYLE + " border-radius: 4px; padding: 2px 8px;"
            )
        self.closure.setVisible(closed or bool(self._request_text()))
        if not closed:
            self.closure.setText(self._request_text())
        else:
            text = _("Closed {date}: {reason}.").format(
                date=format_date(case.closed_on), reason=label(ClosureReason, case.closure_reason)
            )
            by, at = self.approval
            if by:
                text += " " + _("Closure approved by {name} on {date}.").format(
                    name=by, date=format_date(dt.date.fromisoformat(at)) if at else ""
                )
            else:
                text += " " + _("The closure is not approved yet.")
            comment = self.request.comment if self.request is not None else None
            if by and comment and self.request is not None and self.request.state == "approved":
                text += " " + _("Comment: {comment}").format(comment=comment)
            self.closure.setText(text)
        may_close = access.allowed(self.role, Action.CLOSE_CASE)
        approves = access.allowed(self.role, Action.APPROVE_CLOSURE)
        self.close_button.setVisible(may_close and not closed and not pending)
        self.reopen_button.setVisible(may_close and closed)
        self.approve_button.setVisible(approves and (pending or (closed and not self.approval[0])))
        self.return_button.setVisible(approves and pending)
        self.assign_button.setVisible(self.may_reassign)

    def _request_text(self) -> str:
        request = self.request
        if request is None:
            return ""
        asked = _("{name} asked on {asked} to close the case on {date}: {reason}.").format(
            name=request.requested_by,
            asked=format_date(dt.datetime.fromisoformat(request.requested_at).date()),
            date=format_date(request.closed_on),
            reason=label(ClosureReason, request.reason),
        )
        if request.state == "pending":
            return asked + " " + _("Waiting for a supervisor's approval.")
        if request.state == "returned":
            return (
                asked
                + " "
                + _("Returned by {name} on {date}: {comment}").format(
                    name=request.decided_by,
                    date=format_date(dt.datetime.fromisoformat(request.decided_at or "").date()),
                    comment=request.comment or "",
                )
            )
        return ""
