"""Ticking off a follow-up on the follow-ups page: the visit recorded against the scheduled
one, the next scheduled, a visit moved; filters and counts that agree (issue 18)."""

from __future__ import annotations

import datetime as dt

from app.storage.list_repo import CaseFilter
from tests.ui import test_case_file
from tests.ui.support import sign_in
from tests.ui.test_case_file import ROLES, find, when_modal
from ui.pages.visit_dialog import NEXT_VISIT_DAYS

_demo_template = test_case_file._demo_template
demo_window = test_case_file.demo_window


def _followups_page(qtbot, window, role: str = "caseworker"):
    sign_in(qtbot, window, ROLES[role])
    return window.show_page("followups")


def _stored(window, number: str, followup_id: int):
    case = window.ctx.services.cases.open_case(number)
    return next(f for f in case.followups if f.id == followup_id), case


def test_a_visit_is_recorded_and_the_next_one_scheduled(qtbot, demo_window):
    from PySide6.QtWidgets import QPushButton

    page = _followups_page(qtbot, demo_window)
    assert page.model.rowCount() > 0
    assert not page.visit_button.isEnabled()
    page.table.selectRow(0)
    due = page.model.followup(0)
    today = demo_window.ctx.today()

    def fill(dialog):
        assert dialog.objectName() == "visit_dialog"
        dialog.conditions.set_code("stable")
        dialog.notes.setPlainText("Working at the tea garden; sleeps well.")
        find(dialog, QPushButton, "visit_ok").click()

    when_modal(fill)
    page.visit_button.click()
    done, case = _stored(demo_window, due.case_number, due.followup_id)
    assert (done.done_on, done.living_conditions, done.notes, done.due_on) == (
        today,
        "stable",
        "Working at the tea garden; sleeps well.",
        due.due_on,
    )
    assert any(
        f.due_on == today + dt.timedelta(days=NEXT_VISIT_DAYS) and f.done_on is None
        for f in case.followups
    )
    # The page reloaded itself: the visit is gone from the list of what is due.
    ids = [page.model.followup(r).followup_id for r in range(page.model.rowCount())]
    assert due.followup_id not in ids
    stamps = demo_window.ctx.services.cases.entry_stamps(due.case_number)
    assert stamps[("followups", due.followup_id)][0] == "caseworker"


def test_a_visit_is_moved_and_the_filters_count_as_the_case_list(qtbot, demo_window):
    from PySide6.QtWidgets import QPushButton

    page = _followups_page(qtbot, demo_window)
    page.overdue_filter.setChecked(True)
    shown = [page.model.followup(r) for r in range(page.model.rowCount())]
    assert shown and all(d.overdue for d in shown)
    cases = demo_window.ctx.services.lists.ids(CaseFilter(followup_overdue=True))
    assert f"({len(cases)} cases)" in page.summary.text()
    page.worker_filter.setCurrentIndex(page.worker_filter.findData("\x00me"))
    assert page.model.rowCount() == len(shown)  # the demo's caseworker holds every case
    page.worker_filter.setCurrentIndex(page.worker_filter.findData("supervisor"))
    assert page.worker_filter.currentIndex() == -1 or page.model.rowCount() == 0

    page.worker_filter.setCurrentIndex(0)
    page.table.selectRow(0)
    due = page.model.followup(0)
    later = demo_window.ctx.today() + dt.timedelta(days=3)

    def move(dialog):
        assert dialog.objectName() == "reschedule_dialog"
        dialog.due_on.set_date(later)
        find(dialog, QPushButton, "visit_ok").click()

    when_modal(move)
    page.reschedule_button.click()
    moved, _case = _stored(demo_window, due.case_number, due.followup_id)
    assert moved.due_on == later and moved.done_on is None
    assert due.followup_id not in [
        page.model.followup(r).followup_id for r in range(page.model.rowCount())
    ]  # no longer overdue, and the filter shows overdue only


def test_supervisors_read_but_do_not_tick_off(qtbot, demo_window):
    page = _followups_page(qtbot, demo_window, "supervisor")
    assert page.visit_button.isHidden() and page.reschedule_button.isHidden()
