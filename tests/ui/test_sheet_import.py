"""The Import spreadsheet wizard and the HTCDS export, driven in a real window on a real vault.

Filled HTCDS templates are made as tests/htcds make them (a copy of IOM's empty template,
filled by label); the generic sheet is a CSV with headers the importer cannot guess, mapped
through the wizard's combo boxes.
"""

from __future__ import annotations

import datetime as dt

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWizard

from app import settings as app_settings
from app.interchange import htcds
from app.services.sheet_import import SheetImport
from tests.htcds.conftest import fill_template
from tests.ui.support import ADMIN, CASEWORKER, SUPERVISOR, sign_in
from ui.pages.sheet_import.preview_model import Column

HTCDS_ROWS = {
    3: {
        "First Name": "王",
        "Second Name": "芳",
        "Consent": "是",
        "Birthdate": dt.datetime(1990, 5, 1),
        "Gender": "女",
        "Citizenship": "中国",
        "Type of Exploitation": "强迫劳动；童工",
        "Trafficking Status": "Actual victim of trafficking",
        "Status": "Active",
        "Incoming Referral Date": "2024年3月5日",
    },
    5: {  # row 4 is left blank
        "First Name": "Mai",
        "Second Name": "Tran",
        "Consent": "No",
        "Birthdate": "2001/7/14",
        "Gender": "Feminine",
        "Type of Exploitation": "Sexual exploitation",
        "Status": "Active",
        "Incoming Referral Date": "2024.3.5",
    },
}

# Headers no guess recognises ("Survivor", "Born"): they must be mapped by hand.
GENERIC_CSV = (
    "Survivor,Born,Gender,Remarks\n"
    "林秀英,1995-04-02,女,arrived by bus\n"
    "陈小梅,2024-13-45,女,\n"
    "Nguyen Thi Hoa,1998/11/3,F,speaks Vietnamese\n"
)


def case_count(ctx) -> int:
    return ctx.opened.conn.execute("SELECT count(*) FROM cases").fetchone()[0]


def audit_count(ctx) -> int:
    return ctx.opened.conn.execute("SELECT count(*) FROM audit").fetchone()[0]


def open_wizard(qtbot, window, user=CASEWORKER):
    sign_in(qtbot, window, user)
    page = window.show_page("cases")
    qtbot.mouseClick(page.sheet_actions.import_button, Qt.MouseButton.LeftButton)
    wizard = page.sheet_actions.wizard
    assert wizard is not None and wizard.isVisible()
    return wizard


def import_button(wizard):
    return wizard.button(QWizard.WizardButton.CommitButton)


def run_import(qtbot, wizard) -> None:
    qtbot.mouseClick(import_button(wizard), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.result_page, timeout=15_000)


def generic_csv(tmp_path):
    path = tmp_path / "intake-book.csv"
    path.write_text(GENERIC_CSV, encoding="utf-8")
    return path


def map_generic(wizard) -> None:
    """Map the two unguessed columns through their combos; supply the opening date."""
    page = wizard.mapping_page
    page.set_field("A", "person.full_name")
    page.set_field("B", "person.date_of_birth")
    page.opened_edit.set_date(dt.date(2024, 3, 5))


def test_htcds_template_is_recognised_and_imported(qtbot, window, tmp_path):
    path = fill_template(tmp_path, htcds.SINGLE_SELECT, HTCDS_ROWS)
    wizard = open_wizard(qtbot, window)
    assert wizard.file_page.load(path)
    assert "HTCDS 2.0" in wizard.file_page.found_label.text()
    wizard.next()
    page = wizard.mapping_page
    assert wizard.currentPage() is page
    assert page.table.isHidden() and page.load_button.isHidden()
    assert "single select" in page.found_label.text()
    wizard.next()

    preview = wizard.preview_page
    assert wizard.currentPage() is preview
    assert [preview.model.index(r, Column.ROW).data() for r in range(2)] == ["3", "5"]
    assert preview.model.index(0, Column.NAME).data() == "王芳"
    assert "2 rows will be imported, 0 skipped." in preview.summary.text()
    assert "Blank rows left out: 4." in preview.advice.text()
    assert "Trafficking Status" in preview.noted.text()
    assert preview.problems_box.isHidden()
    assert import_button(wizard).isEnabled()

    run_import(qtbot, wizard)
    assert "2 cases imported from 2 rows." in wizard.result_page.text.text()
    numbers = [c.case_number for c in wizard.preview.cases]
    for number in numbers:
        case = window.ctx.services.cases.open_case(number)
        assert case.person.full_name in ("王芳", "Mai Tran")
    assert window.page("cases").model.all_total() == 2  # the list was told
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.page("cases").sheet_actions.wizard is None)


def test_generic_sheet_mapped_by_hand_bad_cell_then_skipped(qtbot, window, tmp_path):
    wizard = open_wizard(qtbot, window)
    assert wizard.file_page.load(generic_csv(tmp_path))
    assert wizard.file_page.sheet_combo.isHidden()  # a CSV has one sheet
    wizard.next()
    page = wizard.mapping_page
    assert not page.table.isHidden()
    assert page.table.rowCount() == 4
    assert page.table.item(1, 1).text() == "Born"
    assert "1995-04-02" in page.table.item(1, 2).text()
    assert page.fields() == ["note", "note", "person.sex", "note"]
    assert not page.isComplete()  # nothing but notes: no name
    map_generic(wizard)
    assert page.isComplete()
    page.set_field("C", "person.full_name")  # the same one-value field twice is refused
    assert not page.isComplete() and "more than one column" in page.error.text()
    page.set_field("C", "person.sex")
    wizard.next()

    preview = wizard.preview_page
    assert wizard.currentPage() is preview
    assert not import_button(wizard).isEnabled()
    problems = preview.problems
    texts = [[problems.item(r, c).text() for c in range(4)] for r in range(problems.rowCount())]
    assert len(texts) == 1
    row, column, header, message = texts[0]
    assert (row, column, header) == ("3", "B", "Born")
    assert "2024-13-45" in message
    assert "1 problem in 1 row." in preview.advice.text()
    model = preview.model
    bad = model.row_of(3)
    assert model.flags(model.index(bad, Column.SKIP)) & Qt.ItemFlag.ItemIsUserCheckable
    assert not model.flags(model.index(model.row_of(2), Column.SKIP)) & (
        Qt.ItemFlag.ItemIsUserCheckable
    )
    assert "column B (Born)" in model.index(bad, Column.PROBLEMS).data()

    assert model.setData(
        model.index(bad, Column.SKIP), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole
    )
    assert wizard.preview.skipped_rows == [3]
    assert "2 rows will be imported, 1 skipped." in preview.summary.text()
    assert import_button(wizard).isEnabled()

    before = case_count(window.ctx)
    run_import(qtbot, wizard)
    assert case_count(window.ctx) == before + 2
    assert "Rows skipped: 3." in wizard.result_page.text.text()
    names = {
        window.ctx.services.cases.open_case(c.case_number).person.full_name
        for c in wizard.preview.cases
    }
    assert names == {"林秀英", "Nguyen Thi Hoa"}
    case = window.ctx.services.cases.open_case(wizard.preview.cases[0].case_number)
    assert case.opened_on == dt.date(2024, 3, 5)
    assert case.person.date_of_birth == dt.date(1995, 4, 2)


def test_a_saved_mapping_is_applied_next_time(qtbot, window, tmp_path):
    wizard = open_wizard(qtbot, window)
    wizard.file_page.load(generic_csv(tmp_path))
    wizard.next()
    map_generic(wizard)
    target = tmp_path / "mappings" / "intake-book"
    target.parent.mkdir()
    assert wizard.mapping_page.save_mapping_to(target)
    stored = tmp_path / "mappings" / "intake-book.json"
    assert b'"person.date_of_birth"' in stored.read_bytes()
    assert b"1995" not in stored.read_bytes()  # headers and fields, never a cell's value
    assert window.ctx.settings[app_settings.LAST_MAPPING] == str(stored.resolve())
    assert app_settings.load()[app_settings.LAST_MAPPING] == str(stored.resolve())  # on disk
    wizard.reject()

    page = window.page("cases")
    page.sheet_actions.open_import()
    second = page.sheet_actions.wizard
    second.file_page.load(generic_csv(tmp_path))
    second.next()
    mapping_page = second.mapping_page
    assert mapping_page.fields()[:2] == ["person.full_name", "person.date_of_birth"]
    assert mapping_page.opened_edit.date() == dt.date(2024, 3, 5)
    assert "intake-book.json" in mapping_page.loaded_label.text()


def test_cancelling_at_the_preview_writes_nothing(qtbot, window, tmp_path):
    wizard = open_wizard(qtbot, window)
    before = (case_count(window.ctx), audit_count(window.ctx))
    sheet = generic_csv(tmp_path)
    wizard.file_page.load(sheet)
    wizard.next()
    map_generic(wizard)
    wizard.next()
    model = wizard.preview_page.model
    model.setData(
        model.index(model.row_of(3), Column.SKIP),
        Qt.CheckState.Checked.value,
        Qt.ItemDataRole.CheckStateRole,
    )
    assert import_button(wizard).isEnabled()
    # The person fixes the sheet and reads it again: every row is back, none skipped.
    sheet.write_text(GENERIC_CSV.replace("2024-13-45", "2004-12-25"), encoding="utf-8")
    qtbot.mouseClick(wizard.preview_page.reload_button, Qt.MouseButton.LeftButton)
    assert wizard.preview.ok and wizard.preview.skipped_rows == []
    assert "3 rows will be imported, 0 skipped." in wizard.preview_page.summary.text()
    assert import_button(wizard).isEnabled()
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.CancelButton), Qt.MouseButton.LeftButton)
    assert not wizard.isVisible()
    assert (case_count(window.ctx), audit_count(window.ctx)) == before


def test_files_that_cannot_be_read_are_explained(qtbot, window, tmp_path):
    wizard = open_wizard(qtbot, window)
    old = tmp_path / "cases.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    assert not wizard.file_page.load(old)
    assert ".xlsx" in wizard.file_page.error.text()
    assert not wizard.file_page.isComplete()
    wizard.file_page.load(generic_csv(tmp_path))
    wizard.next()
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    assert not wizard.mapping_page.load_mapping_from(bad)
    assert "not a mapping file" in wizard.mapping_page.error.text()


@pytest.mark.parametrize(
    ("user", "imports", "exports"),
    [(CASEWORKER, True, False), (SUPERVISOR, True, True), (ADMIN, False, False)],
)
def test_buttons_follow_the_role(qtbot, window, user, imports, exports):
    sign_in(qtbot, window, user)
    page = window.page("cases")
    if page is None:  # a role without the case list has neither
        assert not imports and not exports
        return
    actions = page.sheet_actions
    assert actions.import_button.isVisibleTo(page) == imports
    assert actions.export_button.isVisibleTo(page) == exports


def test_export_for_partners_leaves_out_cases_without_consent(qtbot, window, tmp_path):
    sign_in(qtbot, window, SUPERVISOR)
    importer = SheetImport(window.ctx.opened, today=window.ctx.today)
    book = importer.open(fill_template(tmp_path, htcds.SINGLE_SELECT, HTCDS_ROWS))
    importer.commit(importer.preview(book))
    out = tmp_path / "share" / "for-partner"
    out.parent.mkdir()
    window.page("cases").sheet_actions.export_to(out)
    window.runner.wait_for_idle()
    written = tmp_path / "share" / "for-partner.xlsx"
    assert written.exists()
    box = window.findChild(QMessageBox, "htcds_export_done")
    assert box is not None
    assert "1 case written" in box.text()
    assert "1 case left out: no standing consent to data sharing." in box.text()
    back = SheetImport(window.ctx.opened).open(written)
    assert SheetImport(window.ctx.opened).detect(back).template == htcds.SINGLE_SELECT
    box.close()


def test_locking_closes_the_wizard(qtbot, window, tmp_path):
    wizard = open_wizard(qtbot, window)
    wizard.file_page.load(generic_csv(tmp_path))
    wizard.next()
    assert window.lock(False)
    qtbot.waitUntil(lambda: not shiboken6.isValid(wizard))  # rejected, then deleted
    assert not window.ctx.is_unlocked


def test_a_plain_sheet_gets_suggestions_and_the_name_columns_can_be_swapped(
    qtbot, window, tmp_path
):
    path = tmp_path / "names.csv"
    path.write_bytes("序号,姓,名,性别,入站日期\n1,王,芳,女,2024-03-05\n".encode("gbk"))
    wizard = open_wizard(qtbot, window)
    assert wizard.file_page.load(path)
    wizard.next()
    page = wizard.mapping_page
    assert page.suggested_label.isVisible()
    assert "入站日期 → Date opened" in page.suggested_label.text()
    assert page.name_swap.isVisible() and not page.name_swap.isChecked()
    assert page.name_example.text() == "First row's name: 王芳"
    page.name_swap.setChecked(True)
    assert page.name_example.text() == "First row's name: 芳王"
    wizard.next()
    assert wizard.preview_page.model.index(0, Column.NAME).data() == "芳王"
    wizard.back()
    page.name_swap.setChecked(False)
    wizard.next()
    assert wizard.preview_page.model.index(0, Column.NAME).data() == "王芳"


def test_a_templates_name_columns_join_first_then_second_and_swap(qtbot, window, tmp_path):
    path = fill_template(tmp_path, htcds.SINGLE_SELECT, HTCDS_ROWS)
    wizard = open_wizard(qtbot, window)
    assert wizard.file_page.load(path)
    wizard.next()
    page = wizard.mapping_page
    assert page.name_example.text() == "First row's name: 王芳"
    page.name_swap.setChecked(True)
    assert page.name_example.text() == "First row's name: 芳王"
    wizard.next()
    assert wizard.preview_page.model.index(0, Column.NAME).data() == "芳王"
