"""The rough edges of the window found on a first walk through it (issue #19), each driven
here the way a person meets it."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QLabel, QLineEdit, QPushButton, QWidget

from app.storage.list_repo import CaseFilter
from tests.ui import test_case_file as case_file
from tests.ui.support import CASEWORKER, sign_in
from tests.ui.test_case_file import find, open_case

_demo_template = case_file._demo_template
demo_window = case_file.demo_window


def test_a_new_consent_row_has_nothing_chosen_and_cannot_be_saved_so(qtbot, demo_window):
    page, number = open_case(qtbot, demo_window, "caseworker")
    consent = page.case_tabs["consent"].forms[0]
    before = len(page.ctx.services.cases.open_case(number).consents)
    qtbot.mouseClick(find(consent, QPushButton, "add_consent_button"), Qt.MouseButton.LeftButton)
    index = before
    given = consent.fields[f"consents[{index}].given"]
    assert given.code() is None and given.currentText() == "Choose..."
    assert not page.save_all()
    problem = find(consent, QLabel, f"problem_consents[{index}].given")
    assert problem.text() == "Agreed is not chosen yet"
    assert len(page.ctx.services.cases.open_case(number).consents) == before
    given.set_code("no")
    assert page.save_all()
    assert page.ctx.services.cases.open_case(number).consents[-1].given is False


def test_another_case_opens_on_the_profile_not_the_last_tab(qtbot, demo_window):
    page, number = open_case(qtbot, demo_window, "caseworker")
    page.tabs.setCurrentWidget(page.case_tabs["followups"])
    lists = demo_window.ctx.services.lists
    other = next(
        r.case_number for r in lists.rows(lists.ids(CaseFilter(), "opened_on", False)[:5])
        if r.case_number != number
    )  # fmt: skip
    demo_window.show_page("case_file", other)
    assert page.number == other and page.tabs.currentWidget() is page.case_tabs["profile"]
    demo_window.show_page("case_file", {"case": number, "tab": "consent"})
    assert page.tabs.currentWidget() is page.case_tabs["consent"]


def test_the_lock_screen_types_into_the_passphrase_and_says_what_is_missing(qtbot, window):
    sign_in(qtbot, window, CASEWORKER)
    assert window.lock()
    page = window.unlock_page
    assert page.user_edit.text() == CASEWORKER[0]  # the name is remembered
    assert window.focusWidget() is page.passphrase_edit  # so a typed passphrase goes there
    qtbot.keyClick(page.passphrase_edit, Qt.Key.Key_Return)
    assert page.error_label.text() == "Type your user name and your passphrase."
    assert page.error_label.isVisible()
    height_with_error = page.forms.height()
    page.reset()
    assert not page.error_label.isVisible()
    assert page.forms.sizeHint().height() < height_with_error  # no gap left behind


def test_the_lock_minutes_say_minute_for_one(qtbot, window):
    sign_in(qtbot, window, CASEWORKER)
    settings = window.show_page("settings")
    settings.lock_spin.setValue(1)
    assert settings.lock_spin.text() == "1 minute without use"
    settings.lock_spin.setValue(2)
    assert settings.lock_spin.text() == "2 minutes without use"


def test_a_filter_is_wide_enough_for_its_label_after_a_language_switch(qtbot, window):
    sign_in(qtbot, window, CASEWORKER)
    window.language.set("zh_CN")
    cases = window.show_page("cases")
    window.language.set("en")
    combo = cases.status_filter
    assert combo.currentText() == "All statuses"
    text_width = combo.fontMetrics().horizontalAdvance("All statuses")
    assert combo.sizeHint().width() > text_width + 20  # the text and the arrow


def test_file_dialogs_in_chinese_have_no_english_labels(qtbot, window):
    window.language.set("zh_CN")
    try:
        dialog = QFileDialog(window, "x")
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
        dialog.show()
        labels = [label.text() for label in dialog.findChildren(QLabel)]
        dialog.close()
    finally:
        window.language.set("en")
    assert labels == ["查找范围：", "文件名称(&N)：", "文件类型："]


def test_back_from_a_case_by_button_escape_alt_left_and_the_sidebar(qtbot, demo_window):
    page, number = open_case(qtbot, demo_window, "caseworker")
    window = demo_window
    cases = window.page("cases")
    followups = window.show_page("followups")
    window.show_page("case_file", {"case": number, "tab": "followups"})
    assert window.page_stack.currentWidget() is page
    assert window.navigation.selectedItems() == []  # nothing else looks chosen
    page.back_button.click()
    assert window.page_stack.currentWidget() is followups

    window.show_page("cases")
    window.show_page("case_file", number)
    page.tabs.currentWidget().setFocus()
    qtbot.keyClick(page.tabs.currentWidget(), Qt.Key.Key_Escape)
    assert window.page_stack.currentWidget() is cases

    window.show_page("case_file", number)
    window.back_action.trigger()  # Alt+Left, in the Go menu
    assert window.page_stack.currentWidget() is cases
    assert window.back_action.shortcuts()[0].toString() == "Alt+Left"

    window.show_page("case_file", number)
    row = window._nav_pages().index(cases)
    item_rect = window.navigation.visualItemRect(window.navigation.item(row))
    qtbot.mouseClick(
        window.navigation.viewport(), Qt.MouseButton.LeftButton, pos=item_rect.center()
    )
    assert window.page_stack.currentWidget() is cases


def test_fields_a_reader_may_not_change_do_not_look_editable(qtbot, demo_window):
    page, _number = open_case(qtbot, demo_window, "supervisor")
    profile = page.case_tabs["profile"]
    name = find(profile, QLineEdit, "field_person.full_name")
    born = find(profile, QWidget, "field_person.date_of_birth")
    assert name.isReadOnly() and "transparent" in name.styleSheet()
    assert born.line.isReadOnly() and not born.line.isClearButtonEnabled()
    assert not born.button.isVisibleTo(profile)
    assert "transparent" in find(profile, QWidget, "field_person.origin.division").styleSheet()


def test_down_from_the_search_box_goes_to_the_results(qtbot, demo_window):
    sign_in(qtbot, demo_window, case_file.ROLES["caseworker"])
    cases = demo_window.show_page("cases")
    cases.search_edit.setFocus()
    qtbot.keyClicks(cases.search_edit, "FZ")
    qtbot.keyClick(cases.search_edit, Qt.Key.Key_Down)
    assert demo_window.focusWidget() is cases.table
    assert cases.table.currentIndex().row() == 0
    assert ":focus" in cases.table.styleSheet()  # the table shows it has the keyboard
    qtbot.keyClick(cases.table, Qt.Key.Key_Return)
    assert demo_window.page_stack.currentWidget() is demo_window.page("case_file")


def test_the_service_dialog_asks_once_for_the_school_and_lists_legal_stages(qtbot, demo_window):
    from app.domain.model import Service
    from ui.pages.case_file.service_dialog import ServiceDialog

    saved = []
    day = dt.date(2026, 6, 1)
    dialog = ServiceDialog("X", saved.append, today=day, kinds=["schooling", "legal_aid"])
    form = dialog.form
    assert form.field_label("provider") == "School"
    assert not form.fields["details.school"].isVisibleTo(dialog)
    form.fields["kind"].set_code("legal_aid")
    assert form.field_label("provider") == "Law firm"
    stage = form.fields["details.stage"]
    assert stage.itemText(0) == "Not recorded" and "First-instance trial" in [
        stage.itemText(i) for i in range(stage.count())
    ]
    older = Service("legal_aid", "ongoing", details={"stage": "一审", "firm": "某律所"})
    dialog = ServiceDialog("X", saved.append, older, today=day, kinds=["legal_aid"])
    assert dialog.form.fields["details.stage"].currentText() == "一审"  # kept as it was
    assert dialog.form.fields["provider"].text() == "某律所"
    built = dialog.build(dialog.form.state())
    assert built.provider == "某律所" and built.details == {"stage": "一审"}
