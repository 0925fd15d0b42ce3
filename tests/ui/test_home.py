"""The home page after unlocking: my caseload, what is due, what waits for me; every line
opens its case (issue 18)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from app.storage.list_repo import CaseFilter
from tests.ui import test_case_file
from tests.ui.support import sign_in
from tests.ui.test_case_file import ROLES

_demo_template = test_case_file._demo_template
demo_window = test_case_file.demo_window


def _click_line(qtbot, card, row: int = 0) -> None:
    rect = card.list.visualItemRect(card.list.item(row))
    qtbot.mouseClick(card.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_the_caseworker_lands_on_her_day_and_each_line_opens_its_case(qtbot, demo_window):
    sign_in(qtbot, demo_window, ROLES["caseworker"])
    home = demo_window.page_stack.currentWidget()
    assert home.page_id == "home"
    view = demo_window.ctx.services.caseload.view()
    # Counts as the case list counts: her cases (she imported the demo) by state.
    lists = demo_window.ctx.services.lists
    me = demo_window.ctx.opened.user.id
    for state in ("open", "closure_requested", "closed"):
        assert view.total(state) == len(lists.ids(CaseFilter(status=state, holder_id=me)))
    assert f"{view.total()} cases" in home.caseload_title.text()
    assert home.overdue.list.count() == len(view.overdue)
    # The sign-in notice says what is overdue, when something is.
    assert home.notice.isVisibleTo(home) == bool(view.overdue)
    if view.overdue:
        assert str(len(view.overdue)) in home.notice.text()
        first = view.overdue[0]
        _click_line(qtbot, home.overdue)
        page = demo_window.page_stack.currentWidget()
        assert page.page_id == "case_file" and page.number == first.case_number
        assert page.tabs.currentWidget() is page.case_tabs["followups"]
        # Opened: it is now the first of "cases I opened last".
        demo_window.show_page("home")
        assert home.recent.list.item(0).text().startswith(first.case_number)

    # A bar of the chart: the case list of my open cases.
    chart = home.chart
    rect, bar, group = next(iter(chart._segments()))
    QApplication.sendEvent(
        chart,
        QMouseEvent(
            QMouseEvent.Type.MouseButtonRelease,
            QPointF(rect.center()),
            QPointF(rect.center()),
            Qt.MouseButton.LeftButton,
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
        ),
    )
    cases = demo_window.page_stack.currentWidget()
    assert cases.page_id == "cases"
    assert cases.mine_filter.isChecked() and cases.status_filter.code() == bar.state
    assert cases.group_filter.code() == group
    wanted = dict(bar.segments)[group]
    assert cases.model.total() == wanted


def test_the_supervisor_sees_closures_to_approve_and_opens_one(qtbot, demo_window):
    sign_in(qtbot, demo_window, ROLES["supervisor"])
    home = demo_window.page_stack.currentWidget()
    assert home.page_id == "home"
    closures = demo_window.ctx.services.caseload.view().closures
    assert len(closures) == 2  # the demo's caseworker asked to close two cases
    assert home.closures.list.count() == 2 and not home.closures.isHidden()
    _click_line(qtbot, home.closures, 1)
    page = demo_window.page_stack.currentWidget()
    assert page.number == closures[1].case_number
    assert not page.header.approve_button.isHidden()
    assert page.header.status_badge.text() == "Closure requested"


def test_the_home_page_speaks_chinese(qtbot, demo_window):
    demo_window.set_language("zh_CN")
    sign_in(qtbot, demo_window, ROLES["caseworker"])
    home = demo_window.page_stack.currentWidget()
    assert "我的个案" in home.caseload_title.text()
    assert home.overdue.title.text().startswith("逾期的回访")
