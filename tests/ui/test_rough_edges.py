"""The rough edges of the window found on a first walk through it (issue #19), each driven
here the way a person meets it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QLabel, QPushButton

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
