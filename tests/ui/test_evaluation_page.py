"""The office window's Evaluation page: real roll-up files of three years, one missing."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.reports.test_evaluation import rollup_file
from ui.pages.evaluation_page import EvaluationPage
from ui.pages.rollup_page import RollupWindow


def test_the_office_window_evaluates_roll_ups_with_gaps(qtbot, tmp_path):
    window = RollupWindow()
    qtbot.addWidget(window)
    window.show()
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [
        "Roll-up",
        "Evaluation",
    ]
    window.tabs.setCurrentWidget(window.evaluation)
    page = window.evaluation
    assert isinstance(page, EvaluationPage) and not page.run_button.isEnabled()
    paths = []
    for name, data in (rollup_file("2024", 1), rollup_file("2026", 2)):
        path = tmp_path / name
        path.write_bytes(data)
        paths.append(path)
    page.add_inputs(paths)
    assert page.out_edit.text() == str(tmp_path / "evaluation")
    qtbot.mouseClick(page.run_button, Qt.MouseButton.LeftButton)
    window.runner.wait_for_idle()
    assert "written to" in page.result_label.text(), page.result_label.text()
    for name in ("evaluation.json", "evaluation.xlsx", "evaluation.pdf"):
        assert (tmp_path / "evaluation" / name).stat().st_size > 0
    headers = [page.table.horizontalHeaderItem(c).text() for c in range(page.table.columnCount())]
    assert headers == ["2024", "2025", "2026", "Change"]
    assert {page.table.item(r, 1).text() for r in range(page.table.rowCount())} == {"no data"}
    assert any(page.table.item(r, 0).text().endswith("%") for r in range(page.table.rowCount()))
    page.scope_combo.setCurrentIndex(1)  # the first prefecture
    assert page.table.item(0, 1).text() == "no data"
