"""The new-case dialog warns when the person is probably already in the vault, shows the
candidates side by side, and lets the caseworker open the existing case or go on."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.storage.list_repo import CaseFilter
from tests.ui import demo_support
from tests.ui.test_case_file import when_modal
from ui.runner import Runner


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory):
    return demo_support.template(tmp_path_factory)


@pytest.fixture
def writable(demo_template, tmp_path):
    folder = demo_support.copy_of(demo_template, tmp_path / "vault")
    ctx = demo_support.context(folder, demo_support.unlock(folder, "caseworker"))
    yield ctx
    ctx.lock()


def _someone_with_a_birth_date(ctx):
    lists = ctx.services.lists
    for row in lists.rows(lists.ids(CaseFilter(status="open"))[:50]):
        case = ctx.services.cases.open_case(row.case_number)
        if case.person.date_of_birth is not None and len(case.person.full_name) >= 2:
            return case
    raise AssertionError("the demo has no open case with a birth date")


def _fill(qtbot, dialog, name: str, born) -> None:
    dialog.name_edit.setText(name)  # keyClicks cannot type Chinese
    dialog.birth_edit.set_date(born)


@pytest.mark.parametrize("choice", ["open", "go_on"])
def test_a_probable_duplicate_is_shown_side_by_side(qtbot, writable, choice):
    from ui.pages.new_case_dialog import NewCaseDialog

    existing = _someone_with_a_birth_date(writable)
    runner = Runner()
    dialog = NewCaseDialog(writable, runner)
    qtbot.addWidget(dialog)
    dialog.show()
    number = dialog.number_edit.text()
    _fill(qtbot, dialog, existing.person.full_name, existing.person.date_of_birth)
    if existing.guardian is not None and dialog.form.isRowVisible(dialog._guardian_box):
        dialog._guardian_box.setCurrentIndex(1)
    seen = {}

    def decide(warning):
        assert warning.objectName() == "duplicate_dialog"
        table = warning.table
        seen["new"] = table.item(1, 0).text()
        seen["existing"] = table.item(0, 1).text()
        seen["why"] = table.item(table.rowCount() - 1, 1).text()
        button = warning.open_button if choice == "open" else warning.go_on_button
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    when_modal(decide)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    runner.wait_for_idle()
    assert seen["new"] == existing.person.full_name
    assert seen["existing"] == existing.case_number
    assert seen["why"] == "same name and birth date"
    if choice == "open":
        assert dialog.existing_number == existing.case_number and not dialog.created_number
        assert dialog.result() == dialog.DialogCode.Rejected
        assert number not in {r.case_number for r in writable.services.lists.find(number)}
    else:
        assert dialog.created_number == number and dialog.existing_number is None
        assert (
            writable.services.cases.open_case(number).person.full_name == existing.person.full_name
        )
