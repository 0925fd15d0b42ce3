"""A caseworker's day in the window: assigning and handing over, asking to close a case, a
supervisor approving or returning it with a comment the caseworker reads (issue 18)."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton

from app import audit
from tests.ui import test_case_file
from tests.ui.support import sign_in
from tests.ui.test_case_file import ROLES, find, girls_case, when_modal

# The case-file tests' demo vault and window (fixtures).
_demo_template = test_case_file._demo_template
demo_window = test_case_file.demo_window


def _open(qtbot, window, role: str, number: str | None = None):
    if window.ctx.is_unlocked:
        window.lock(False)
    sign_in(qtbot, window, ROLES[role])
    number = number or girls_case(window)
    page = window.show_page("case_file", number)
    assert page.number == number
    return page, number


def _ask_to_close(page) -> None:
    def fill(dialog):
        assert dialog.objectName() == "close_case_dialog"
        assert "Ask to close" in dialog.windowTitle()
        dialog.reason.set_code("reintegrated_family")
        find(dialog, QPushButton, "close_dialog_ok").click()

    when_modal(fill)
    page.header.close_button.click()


def _decide(page, button, comment: str) -> None:
    def fill(dialog):
        assert dialog.objectName() == "closure_decision_dialog"
        dialog.comment.setPlainText(comment)
        find(dialog, QPushButton, "close_dialog_ok").click()

    when_modal(fill)
    button.click()


def test_a_closure_is_asked_for_then_returned_then_approved_with_comments(qtbot, demo_window):
    page, number = _open(qtbot, demo_window, "caseworker")
    _ask_to_close(page)
    header = page.header
    assert header.status_badge.text() == "Closure requested"
    assert "Waiting for a supervisor" in header.closure.text()
    assert header.close_button.isHidden() and header.approve_button.isHidden()
    assert page.ctx.services.cases.open_case(number).status == "open"

    page, _ = _open(qtbot, demo_window, "supervisor", number)
    header = page.header
    assert not header.approve_button.isHidden() and not header.return_button.isHidden()

    # Returning needs a comment: an empty one keeps the dialog open and changes nothing.
    seen = {}

    def empty(dialog):
        find(dialog, QPushButton, "close_dialog_ok").click()
        seen["problem"] = find(dialog, type(dialog.problem), "closure_problem").text()
        dialog.reject()

    when_modal(empty)
    header.return_button.click()
    assert "Say why" in seen["problem"]
    assert page.ctx.services.cases.closure_request(number).state == "pending"

    _decide(page, header.return_button, "Visit the family once more first.")
    assert page.ctx.services.cases.closure_request(number).state == "returned"

    page, _ = _open(qtbot, demo_window, "caseworker", number)
    assert "Visit the family once more first." in page.header.closure.text()
    assert page.header.status_badge.text() == "Open"
    _ask_to_close(page)

    page, _ = _open(qtbot, demo_window, "supervisor", number)
    _decide(page, page.header.approve_button, "Well prepared.")
    assert page.header.status_badge.text() == "Closed"
    assert page.ctx.services.cases.open_case(number).status == "closed"
    assert page.header.approve_button.isHidden() and page.header.return_button.isHidden()

    page, _ = _open(qtbot, demo_window, "caseworker", number)
    text = page.header.closure.text()
    assert "approved by supervisor" in text and "Well prepared." in text
    actions = [e.action for e in audit.entries(page.ctx.opened.conn, case_number=number)]
    assert actions.count("case_closure_requested") == 2
    assert {"case_closure_returned", "case_closure_approved"} <= set(actions)


def test_a_supervisor_assigns_and_the_holder_hands_over(qtbot, demo_window):
    page, number = _open(qtbot, demo_window, "supervisor")
    header = page.header
    assert "held by caseworker" in header.facts.text()
    assert header.assign_button.text() == "Assign..."

    def choose(dialog):
        assert dialog.objectName() == "assign_dialog"
        index = dialog.worker.findData("supervisor")
        dialog.worker.setCurrentIndex(index)
        find(dialog, QPushButton, "close_dialog_ok").click()

    when_modal(choose)
    header.assign_button.click()
    assert "held by supervisor" in header.facts.text()
    assert page.ctx.services.caseload.holder(number) == "supervisor"

    # The caseworker no longer holds it: no hand-over button; on one she holds, there is.
    page, _ = _open(qtbot, demo_window, "caseworker", number)
    assert page.header.assign_button.isHidden()
    other = next(
        r.case_number
        for r in page.ctx.services.lists.rows(page.ctx.services.lists.ids()[:5])
        if r.case_number != number
    )
    page, _ = _open(qtbot, demo_window, "caseworker", other)
    assert page.header.assign_button.text() == "Hand over..."

    def hand_over(dialog):
        dialog.worker.setCurrentIndex(dialog.worker.findData("supervisor"))
        find(dialog, QPushButton, "close_dialog_ok").click()

    when_modal(hand_over)
    page.header.assign_button.click()
    assert page.ctx.services.caseload.holder(other) == "supervisor"
    assert page.header.assign_button.isHidden()
