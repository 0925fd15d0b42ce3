"""The case list: its model through index()/data() (paging, sorting, filters, masks per role),
the page (search as you type, opening a case, refreshing after a change) and the new-case
dialog (a validation problem beside its field, then the case saved), on a real demo vault."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import QModelIndex, Qt

from app import access
from app.access import Level
from app.codes import CaseStatus, Group, Role, Section, label
from app.i18n import format_date
from app.storage.list_repo import CaseFilter
from tests.ui import demo_support
from tests.ui.demo_support import TODAY, Readers
from ui.models.case_list_model import CaseListModel, Column, masked_columns
from ui.runner import Runner

DISPLAY = Qt.ItemDataRole.DisplayRole
RAW = Qt.ItemDataRole.UserRole


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory):
    return demo_support.template(tmp_path_factory)


@pytest.fixture(scope="module")
def readers(demo_template, tmp_path_factory):
    """A copy shared by the tests that only read; one unlock per role they use."""
    shared = Readers(demo_support.copy_of(demo_template, tmp_path_factory.mktemp("cl") / "v"))
    yield shared
    shared.close()


@pytest.fixture
def writable(demo_template, tmp_path):
    """A copy of its own for a test that writes, unlocked as the caseworker."""
    folder = demo_support.copy_of(demo_template, tmp_path / "vault")
    ctx = demo_support.context(folder, demo_support.unlock(folder, "caseworker"))
    yield ctx
    ctx.lock()


def model_for(ctx, page_size: int = 50) -> CaseListModel:
    model = CaseListModel(today=ctx.today, page_size=page_size)
    model.set_source(ctx.services.lists)
    return model


def column(model: CaseListModel, col: Column, role=RAW) -> list:
    return [model.data(model.index(r, col), role) for r in range(model.rowCount())]


def all_rows(ctx):
    lists = ctx.services.lists
    return lists.rows(lists.ids())


# --- the model ---------------------------------------------------------------------------------


def test_rows_are_fetched_a_page_at_a_time(readers):
    model = model_for(readers.ctx("caseworker"), page_size=50)
    assert model.total() == demo_support.CASES
    assert model.rowCount() == 50
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 100  # one page more, not the rest
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert model.rowCount() == demo_support.CASES
    assert len(set(column(model, Column.CASE_NUMBER))) == demo_support.CASES


def test_scrolling_the_view_to_the_end_fetches_one_page(qtbot, readers):
    from PySide6.QtWidgets import QTableView

    model = model_for(readers.ctx("caseworker"), page_size=40)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(600, 400)
    view.show()
    qtbot.waitExposed(view)
    view.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() > 40)
    assert model.rowCount() in (80, 120)  # a page or two per scroll step, never everything
    assert model.rowCount() < model.total()


def test_cells_show_the_service_rows_in_words(readers):
    ctx = readers.ctx("caseworker")
    model = model_for(ctx)
    expected = all_rows(ctx)[:50]  # the default order: newest opened first
    assert column(model, Column.CASE_NUMBER) == [r.case_number for r in expected]
    first, index = expected[0], (lambda col: model.index(0, col))
    assert model.data(index(Column.NAME), DISPLAY) == first.full_name
    assert model.data(index(Column.GROUP), DISPLAY) == label(Group, first.group)
    assert model.data(index(Column.AGE), DISPLAY) == ("" if first.age is None else str(first.age))
    assert model.data(index(Column.STATUS), DISPLAY) == label(CaseStatus, first.status)
    assert model.data(index(Column.OPENED), DISPLAY) == format_date(first.opened_on)
    assert model.data(index(Column.NEXT_FOLLOWUP), DISPLAY) == format_date(first.next_followup)
    assert model.headerData(Column.OPENED, Qt.Orientation.Horizontal) == "Opened"


@pytest.mark.parametrize(
    ("col", "key"),
    [
        (Column.CASE_NUMBER, lambda r: r.case_number),
        (Column.AGE, lambda r: r.age),
        (Column.NEXT_FOLLOWUP, lambda r: r.next_followup),
    ],
)
def test_sorting_asks_the_service_for_a_new_order(readers, col, key):
    ctx = readers.ctx("caseworker")
    model = model_for(ctx, page_size=300)
    model.sort(col, Qt.SortOrder.AscendingOrder)
    values = column(model, col)
    known = [v for v in values if v is not None]
    assert known == sorted(known)
    assert values == known + [None] * (len(values) - len(known))  # unknown last
    assert len(values) == len(all_rows(ctx))
    model.sort(col, Qt.SortOrder.DescendingOrder)
    descending = [v for v in column(model, col) if v is not None]
    assert descending == sorted(known, reverse=True)
    assert model.sort_state() == (col, Qt.SortOrder.DescendingOrder)


def test_filters_narrow_the_ids(readers):
    ctx = readers.ctx("caseworker")
    everything = all_rows(ctx)
    model = model_for(ctx, page_size=300)

    model.set_filters(CaseFilter(status="closed"))
    closed = [r for r in everything if r.status == "closed"]
    assert 0 < model.total() == len(closed) < len(everything)
    assert set(column(model, Column.STATUS)) == {"closed"}

    model.set_filters(CaseFilter(group="girl"))
    assert model.total() == sum(1 for r in everything if r.group == "girl")
    assert set(column(model, Column.GROUP)) == {"girl"}

    model.set_filters(CaseFilter(followup_overdue=True))
    assert model.total() > 0
    assert all(d is not None and d < TODAY for d in column(model, Column.NEXT_FOLLOWUP))

    model.set_filters(CaseFilter(origin_division="530000"))
    yunnan = model.total()
    model.set_filters(CaseFilter(origin_division="530000", status="closed"))
    assert yunnan > 0 and model.total() <= yunnan
    assert model.all_total() == len(everything)


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_each_role_sees_a_mask_where_it_may_not_read(readers, role):
    ctx = readers.ctx(role)
    model = model_for(ctx)
    may_read_followups = access.section_level(role, Section.FOLLOWUPS) >= Level.READ
    assert (Column.NEXT_FOLLOWUP in masked_columns(role)) is not may_read_followups
    assert model.rowCount() == 50  # every role sees the list itself
    followups = column(model, Column.NEXT_FOLLOWUP, DISPLAY)
    if may_read_followups:
        assert access.MASK not in followups and any(followups)
    else:
        assert set(followups) == {access.MASK}
        assert set(column(model, Column.NEXT_FOLLOWUP)) == {None}
        before = column(model, Column.CASE_NUMBER)
        model.sort(Column.NEXT_FOLLOWUP, Qt.SortOrder.AscendingOrder)  # would reveal the dates
        assert column(model, Column.CASE_NUMBER) == before
    names = column(model, Column.NAME, DISPLAY)
    if access.section_level(role, Section.PROFILE) == Level.NONE:
        assert set(names) == {access.MASK}
    else:
        assert access.MASK not in names and all(names)


def test_search_restricts_to_what_find_returns(readers):
    ctx = readers.ctx("caseworker")
    model = model_for(ctx, page_size=300)
    number = column(model, Column.CASE_NUMBER)[7]
    model.set_search(number)
    assert column(model, Column.CASE_NUMBER) == [number]
    model.set_search("林")  # one character: allowed, matched by a scan
    expected = set(ctx.services.lists.find_ids("林"))
    assert 0 < model.total() == len(expected)
    assert {model.case_row(r).case_id for r in range(model.rowCount())} == expected
    model.set_search("")
    assert model.total() == demo_support.CASES and not model.searching


# --- the page ----------------------------------------------------------------------------------


@pytest.fixture
def case_page(qtbot, readers):
    from ui.pages.case_list_page import CaseListPage

    page = CaseListPage(readers.ctx("caseworker"), Runner())
    qtbot.addWidget(page)
    page.resize(1000, 700)
    page.show()
    page.refresh()
    return page


def test_search_box_shows_results_as_you_type(qtbot, case_page):
    model = case_page.model
    assert case_page.count_label.text() == "300 cases"
    qtbot.keyClicks(case_page.search_edit, "FZ-2022")
    assert not model.searching  # not on every key: after a pause
    qtbot.waitUntil(lambda: model.searching, timeout=2000)
    expected = case_page.ctx.services.lists.find_ids("FZ-2022")
    assert model.total() == len(expected)
    assert case_page.count_label.text() == f"{len(expected)} of 300 cases"
    case_page.search_edit.clear()
    qtbot.waitUntil(lambda: not model.searching, timeout=2000)
    assert model.total() == 300


def test_filter_widgets_build_the_filter(qtbot, case_page):
    case_page.status_filter.set_code("open")
    case_page.overdue_filter.setChecked(True)
    case_page.origin_filter.setEditText("530000")
    case_page.origin_filter.lineEdit().editingFinished.emit()
    wanted = CaseFilter(status="open", followup_overdue=True, origin_division="530000")
    assert case_page.current_filters() == wanted
    assert case_page.model.filters == wanted
    case_page.origin_filter.setCurrentIndex(1)  # Fuzhou, from the list
    assert case_page.model.filters.origin_division == "350100"
    case_page.clear_filters()
    assert case_page.model.filters == CaseFilter()
    assert case_page.count_label.text() == "300 cases"


def test_filters_a_role_may_not_use_are_not_offered(qtbot, readers):
    from ui.pages.case_list_page import CaseListPage

    page = CaseListPage(readers.ctx("health"), Runner())
    qtbot.addWidget(page)
    page.show()
    assert not page.exploitation_filter.isVisible()
    assert not page.origin_filter.isVisible()
    assert not page.overdue_filter.isVisible()
    assert not page.new_button.isVisible()
    assert page.table.isColumnHidden(Column.NEXT_FOLLOWUP)


def test_double_click_opens_the_case_file(qtbot, case_page):
    view = case_page.table
    rect = view.visualRect(case_page.model.index(2, Column.NAME))
    with qtbot.waitSignal(case_page.navigate) as opened:
        # A person's double-click is a press, then the double-click event on the same cell.
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == ["case_file", case_page.model.case_row(2).case_number]


def test_an_edit_refreshes_its_row_and_a_new_case_requeries(qtbot, writable):
    from ui.pages.case_list_page import CaseListPage

    page = CaseListPage(writable, Runner())
    qtbot.addWidget(page)
    page.refresh()
    row = page.model.case_row(3)
    cases = writable.services.cases
    person = cases.open_case(row.case_number).person
    change = cases.update_profile(row.case_number, dataclasses.replace(person, full_name="新名字"))
    page.on_changed(frozenset({change}))
    assert page.model.data(page.model.index(3, Column.NAME)) == "新名字"

    case = cases.open_case(row.case_number)
    case.case_number, case.id = "FZ-2026-09999", None
    case.opened_on = TODAY
    for entry in (*case.services, *case.followups, *case.referrals, *case.notes):
        entry.id = None
    page.on_changed(frozenset({cases.create_case(case)}))
    assert page.model.total() == 301
    assert page.model.case_row(0).case_number == "FZ-2026-09999"  # opened today: first
    assert page.count_label.text() == "301 cases"


# --- the new-case dialog -------------------------------------------------------------------------


def test_new_case_shows_a_problem_beside_its_field_then_saves(qtbot, writable):
    from ui.pages.new_case_dialog import NewCaseDialog

    runner = Runner()
    dialog = NewCaseDialog(writable, runner)
    qtbot.addWidget(dialog)
    dialog.show()
    # The demo's prefix, the next number, as wide as the demo's (the unit's setting).
    assert dialog.number_edit.text() == "FZ-2026-00301"
    assert not dialog.form.isRowVisible(dialog._guardian_box)

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    name_problem = dialog.messages["person.full_name"]
    assert name_problem.isVisible() and name_problem.text() == "Full name is empty"
    assert not runner.busy and not dialog.created_number

    dialog.birth_edit.set_date(TODAY.replace(year=TODAY.year + 1))  # in the future
    assert dialog.messages["person.date_of_birth"].text() == "Date of birth is in the future"
    dialog.birth_edit.set_date(None)
    dialog.age_spin.setValue(12)
    assert dialog.form.isRowVisible(dialog._guardian_box)  # a child: a guardian status is asked
    qtbot.keyClicks(dialog.name_edit, "Test Girl")
    assert not name_problem.isVisible()

    with qtbot.waitSignal(runner.changed) as changed:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        runner.wait_for_idle()
    assert dialog.created_number == "FZ-2026-00301"
    assert dialog.result() == dialog.DialogCode.Accepted
    (change,) = changed.args[0]
    assert change.what == "created"
    case = writable.services.cases.open_case("FZ-2026-00301")
    assert (case.person.full_name, case.person.age_at_intake) == ("Test Girl", 12)
    assert case.guardian is not None and case.guardian.status == "tracing"
    assert case.intake.prefecture == "350100" and case.opened_on == TODAY


def test_new_case_refuses_a_number_already_used(qtbot, writable):
    from ui.pages.new_case_dialog import NewCaseDialog

    runner = Runner()
    dialog = NewCaseDialog(writable, runner)
    qtbot.addWidget(dialog)
    existing = writable.services.lists.rows(writable.services.lists.ids()[:1])[0].case_number
    dialog.number_edit.setText(existing)
    qtbot.keyClicks(dialog.name_edit, "Someone")
    dialog.age_spin.setValue(30)
    dialog.save()
    assert dialog.messages["case_number"].text() == "Case number is already used by another case"
    assert not runner.busy


@pytest.fixture
def small_catalog(tmp_path, monkeypatch):
    """A real zh_CN catalog of a few messages, so the test does not depend on i18n/."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    from app import i18n

    messages = tmp_path / "i18n" / "zh_CN" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    catalog = Catalog(locale="zh_CN")
    for source, translation in {
        "Case number": "案件编号",
        "Case files": "个案列表",
        "Open": "在案",
    }.items():
        catalog.add(source, translation)
    with (messages / "messages.po").open("wb") as fh:
        write_po(fh, catalog)
    monkeypatch.setattr(i18n, "catalog_dir", lambda: tmp_path / "i18n")


def test_language_switch_retranslates_headers_and_labels(case_page, small_catalog):
    from app import i18n

    i18n.set_locale("zh_CN")
    case_page.retranslate_ui()
    assert case_page.model.headerData(Column.CASE_NUMBER, Qt.Orientation.Horizontal) == "案件编号"
    assert case_page.heading.text() == "个案列表"
    assert case_page.status_filter.itemText(1) == "在案"


def test_enter_opens_the_selected_case(qtbot, case_page):
    view = case_page.table
    view.setFocus()
    view.setCurrentIndex(case_page.model.index(4, Column.CASE_NUMBER))
    with qtbot.waitSignal(case_page.navigate) as opened:
        qtbot.keyClick(view, Qt.Key.Key_Return)
    assert opened.args == ["case_file", case_page.model.case_row(4).case_number]


def test_new_case_button_opens_the_dialog_then_the_new_case(qtbot, writable):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from ui.pages.case_list_page import CaseListPage
    from ui.pages.new_case_dialog import NewCaseDialog

    runner = Runner()
    page = CaseListPage(writable, runner)
    qtbot.addWidget(page)
    runner.changed.connect(page.on_changed)  # as the main window routes it
    page.show()
    page.refresh()

    def fill_in() -> None:
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, NewCaseDialog))
        dialog.name_edit.setText("Ana")
        dialog.age_spin.setValue(30)
        dialog.save()

    QTimer.singleShot(0, fill_in)
    with qtbot.waitSignal(page.navigate, timeout=15_000) as opened:
        qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    assert opened.args == ["case_file", "FZ-2026-00301"]
    assert page.model.total() == 301
    assert page.model.case_row(0).case_number == "FZ-2026-00301"
