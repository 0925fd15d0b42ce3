"""Follow-ups due: the model against the service's list, highlighting, the page opening the case
file on its Follow-ups tab, and which roles see the page at all."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from app import access
from app.access import Level
from app.codes import Role, Section
from app.i18n import format_date
from tests.ui import demo_support
from tests.ui.demo_support import TODAY, Readers
from ui.models.followups_model import OVERDUE_BACKGROUND, Column, when_text
from ui.runner import Runner


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory):
    return demo_support.template(tmp_path_factory)


@pytest.fixture(scope="module")
def readers(demo_template, tmp_path_factory):
    shared = Readers(demo_support.copy_of(demo_template, tmp_path_factory.mktemp("fu") / "v"))
    yield shared
    shared.close()


@pytest.fixture
def page(qtbot, readers):
    from ui.pages.followups_page import FollowupsPage

    shown = FollowupsPage(readers.ctx("caseworker"), Runner())
    qtbot.addWidget(shown)
    shown.resize(900, 600)
    shown.show()
    shown.refresh()
    return shown


def cell(model, row: int, col: Column, role=Qt.ItemDataRole.DisplayRole):
    return model.data(model.index(row, col), role)


def test_when_text_counts_days_from_today():
    assert when_text(TODAY - dt.timedelta(days=3), TODAY) == "3 days overdue"
    assert when_text(TODAY - dt.timedelta(days=1), TODAY) == "1 day overdue"
    assert when_text(TODAY, TODAY) == "Due today"
    assert when_text(TODAY + dt.timedelta(days=1), TODAY) == "tomorrow"
    assert when_text(TODAY + dt.timedelta(days=9), TODAY) == "in 9 days"


def test_the_page_lists_overdue_and_soon_due_visits(page):
    due = page.ctx.services.lists.followups_due(14)
    model = page.model
    assert model.rowCount() == len(due) > 0
    overdue = [d for d in due if d.overdue]
    assert 0 < len(overdue) < len(due)  # the demo has both kinds
    assert all(d.due_on <= TODAY + dt.timedelta(days=14) for d in due)
    for row, expected in enumerate(due):
        assert cell(model, row, Column.CASE_NUMBER) == expected.case_number
        assert cell(model, row, Column.NAME) == expected.full_name
        assert cell(model, row, Column.DUE) == format_date(expected.due_on)
        assert cell(model, row, Column.WHEN) == when_text(expected.due_on, TODAY)
        background = cell(model, row, Column.WHEN, Qt.ItemDataRole.BackgroundRole)
        assert (background == OVERDUE_BACKGROUND) is expected.overdue
    cases = len({d.case_id for d in overdue})
    assert page.summary.text() == (
        f"{len(overdue)} overdue ({cases} cases), {len(due) - len(overdue)} due in the next 14 days"
    )
    assert not page.empty_label.isVisible()


def test_double_click_opens_the_followups_tab_of_the_case(qtbot, page):
    view = page.table
    rect = view.visualRect(page.model.index(1, Column.NAME))
    with qtbot.waitSignal(page.navigate) as opened:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    number = page.model.followup(1).case_number
    assert opened.args == ["case_file", {"case": number, "tab": "followups"}]


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_only_roles_that_read_followups_see_the_page(role):
    from ui.pages.followups_page import FollowupsPage

    reads = access.section_level(role, Section.FOLLOWUPS) >= Level.READ
    assert FollowupsPage.visible_for(role) is reads


def test_supervisor_sees_the_same_list(qtbot, readers):
    from ui.pages.followups_page import FollowupsPage

    shown = FollowupsPage(readers.ctx("supervisor"), Runner())
    qtbot.addWidget(shown)
    shown.refresh()
    expected = readers.ctx("caseworker").services.lists.followups_due(14)
    assert [shown.model.followup(r) for r in range(shown.model.rowCount())] == expected
