"""The Roll-up page, alone in its window (no vault): real summary files made with the
service, one of each outcome, the three outputs written and shown."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pypdf import PdfReader
from PySide6.QtCore import Qt

from app.cli import build_parser
from app.reports.signing import sign_summary
from app.services import Services
from app.services.reports import summary_bytes
from app.summary_labels import format_cell, format_share, indicator_title
from app.vault.vault import Vault
from ui import gui_cmd
from ui.models.summary_models import FileColumn, IndicatorColumn
from ui.pages.rollup_page import RollupPage, RollupWindow

pytest_plugins = ["tests.ui.report_support"]  # the demo vault fixtures


@pytest.fixture(scope="session")
def summary_files(tmp_path_factory, _demo_template, demo_accounts) -> dict[str, Path]:
    """Summaries of the demo unit written by the service, plus a trust list and bad files."""
    folder = tmp_path_factory.mktemp("summaries")
    vault = folder / "vault"
    shutil.copytree(_demo_template, vault)  # writing a summary audits it: not in the template
    opened = Vault(vault).unlock(*demo_accounts["supervisor"])
    try:
        late = Services(opened, today=lambda: dt.date(2026, 11, 28)).reports
        early = Services(opened, today=lambda: dt.date(2026, 10, 5)).reports
        files = {
            "kept": folder / "summary-350100-S01-2026-Q3.json",
            "early": folder / "first-try.json",
            "other": folder / "summary-350100-S01-2026-Q2.json",
        }
        late.write_summary(late.build_summary("2026-Q3", 5), files["kept"])
        early.write_summary(early.build_summary("2026-Q3", 5), files["early"])
        late.write_summary(late.build_summary("2026-Q2", 5), files["other"])
        key = late.unit_key()
    finally:
        opened.lock()
    doc = json.loads(files["kept"].read_bytes())
    files["trust"] = folder / "trust.json"
    files["trust"].write_text(json.dumps([key]))
    files["broken"] = folder / "broken.json"
    files["broken"].write_bytes(b'{"format": "aftercare.summary", ')
    files["foreign"] = folder / "someone-else.json"
    files["foreign"].write_bytes(summary_bytes(sign_summary(doc, Ed25519PrivateKey.generate())))
    return files


@pytest.fixture
def rollup_window(qtbot):
    window = RollupWindow()
    qtbot.addWidget(window)
    window.show()
    yield window
    window.runner.wait_for_idle()


def test_the_window_needs_no_vault(rollup_window):
    page = rollup_window.page
    assert isinstance(page, RollupPage) and page.ctx is None
    assert rollup_window.windowTitle() == "Aftercare — Roll-up for the PJC Office"
    assert not page.run_button.isEnabled()  # nothing chosen yet
    assert "Add the summary files" in page.findChild(object, "rollup_preview_empty").text()
    assert build_parser((gui_cmd,)).parse_args(["gui", "--rollup"]).rollup


def test_the_trust_list_field_shows_its_whole_placeholder(rollup_window):
    edit = rollup_window.page.trust_edit
    text = edit.placeholderText()
    assert text == "none (any valid signature)"
    assert edit.width() > edit.fontMetrics().horizontalAdvance(text) + 8


def test_rolling_up_real_summaries(qtbot, rollup_window, summary_files, tmp_path):
    page = rollup_window.page
    names = ("early", "kept", "other", "broken", "foreign")
    page.add_inputs([summary_files[n] for n in names])
    assert page.out_edit.text() == str(summary_files["kept"].parent / "rollup")
    page.set_trust_file(summary_files["trust"])
    out = tmp_path / "out"
    page.set_out_dir(out)
    assert page.threshold_spin.value() == 5
    qtbot.mouseClick(page.run_button, Qt.MouseButton.LeftButton)
    rollup_window.runner.wait_for_idle()

    written = json.loads((out / "rollup.json").read_bytes())
    assert written == page.result
    model = page.files_model
    shown = [
        [model.data(model.index(row, col)) for col in FileColumn] for row in range(model.rowCount())
    ]
    assert [row[FileColumn.FILE] for row in shown] == [summary_files[n].name for n in names]
    statuses = [model.data(model.index(r, 0), Qt.ItemDataRole.UserRole) for r in range(5)]
    assert statuses == ["replaced", "accepted", "other_period", "rejected", "rejected"]
    assert shown[0][FileColumn.RESULT] == "Replaced"
    assert shown[0][FileColumn.REASON].startswith("Replaced by summary-350100-S01-2026-Q3.json")
    assert shown[2][FileColumn.REASON] == "A summary of 2026-Q2, not of 2026-Q3."
    assert shown[3][FileColumn.RESULT] == "Rejected"
    assert shown[3][FileColumn.REASON] == "The file is not valid UTF-8 JSON."
    assert "not with the key registered for unit 350100-S01" in shown[4][FileColumn.REASON]
    assert "1 units added up from 1 of 5 files; 2 rejected" in page.result_label.text()

    # The province's indicators and tables, as rollup.json has them.
    province = written["province"]
    view = page.preview.indicator_view.model()
    for row, indicator in enumerate(province["indicators"]):
        assert [view.data(view.index(row, c)) for c in IndicatorColumn] == [
            indicator_title(indicator["id"]),
            format_cell(indicator["numerator"]),
            format_cell(indicator["denominator"]),
            format_share(indicator["numerator"], indicator["denominator"]),
        ]
    assert len(page.preview.table_views) == len(province["tables"])
    assert [page.scope_combo.itemData(i) for i in range(page.scope_combo.count())] == [
        "",
        "350100",
    ]
    page.scope_combo.setCurrentIndex(1)
    assert page.scope() == written["prefectures"]["350100"]

    # The three outputs, read back.
    text = "".join(
        p.extract_text() or ""
        for p in PdfReader(io.BytesIO((out / "report.pdf").read_bytes())).pages
    )
    assert "2026-Q3" in text and "350100-S01" in text
    assert openpyxl.load_workbook(out / "rollup.xlsx").sheetnames
    assert page.open_folder_button.isEnabled() and page.open_report_button.isEnabled()


def test_no_valid_file_is_said_on_the_page(qtbot, rollup_window, summary_files, tmp_path):
    page = rollup_window.page
    page.add_inputs([summary_files["broken"]])
    page.set_out_dir(tmp_path / "out")
    page.roll_up()
    rollup_window.runner.wait_for_idle()
    assert page.result is None
    assert page.result_label.text().startswith("No file is a valid summary")
    assert not (tmp_path / "out").exists()
    page.input_list.item(0).setSelected(True)
    qtbot.mouseClick(page.remove_button, Qt.MouseButton.LeftButton)
    assert page.inputs == [] and not page.run_button.isEnabled()
