"""The Reports page over a real demo vault: the preview is the document, saving writes it."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json

from pypdf import PdfReader
from PySide6.QtCore import Qt

from app.reports.periods import last_complete_quarter, period_label
from app.reports.rollup import load_trust_file
from app.reports.signing import verify_summary
from app.services.reports import Reports
from app.summary_labels import (
    col_label,
    format_cell,
    format_share,
    indicator_title,
    row_label,
    table_title,
)
from tests.ui.support import nav_texts, sign_in
from ui.models.summary_models import IndicatorColumn
from ui.pages.reports.period_choice import PeriodChooser
from ui.pages.reports_page import summary_file_name

pytest_plugins = ["tests.ui.report_support"]  # the demo vault fixtures

PERIOD = "2026-Q3"

H, V = Qt.Orientation.Horizontal, Qt.Orientation.Vertical


def preview(qtbot, window, period: str, threshold: int | None):
    page = window.show_page("reports")
    page.set_choice(period, threshold)
    qtbot.mouseClick(page.preview_button, Qt.MouseButton.LeftButton)
    window.runner.wait_for_idle()
    assert page.doc is not None
    return page


def shown_table(view) -> dict:
    """What a preview table shows, read back through its model as a person would see it."""
    model = view.model()
    rows, cols = model.rowCount(), model.columnCount()
    return {
        "cols": [model.headerData(c, H) for c in range(cols)],
        "rows": [model.headerData(r, V) for r in range(rows)],
        "cells": [[model.data(model.index(r, c)) for c in range(cols)] for r in range(rows)],
    }


def expected_table(table: dict) -> dict:
    return {
        "cols": [col_label(table["id"], c) for c in table["cols"]],
        "rows": [row_label(table["id"], r) for r in table["rows"]],
        "cells": [[format_cell(c) for c in row] for row in table["cells"]],
    }


def test_the_preview_shows_exactly_the_document(qtbot, demo_window, demo_accounts):
    sign_in(qtbot, demo_window, demo_accounts["supervisor"])
    page = preview(qtbot, demo_window, PERIOD, 5)
    doc = page.doc
    # The same vault, period and threshold give the same signed document (rule 4).
    assert doc == Reports(demo_window.ctx.opened).build_summary(PERIOD, 5)
    assert doc["protection"] == {"method": "suppression", "threshold": 5}

    views = page.preview.table_views
    assert [v.objectName() for v in views] == [f"preview_table_{t['id']}" for t in doc["tables"]]
    for view, table in zip(views, doc["tables"], strict=True):
        assert shown_table(view) == expected_table(table)
        assert table_title(table["id"]) != table["id"]  # a translated title, not a code
    suppressed = [c for t in doc["tables"] for row in t["cells"] for c in row if c is None]
    assert suppressed, "a vault of a few hundred cases has small counts to withhold"
    shown = [c for v in views for row in shown_table(v)["cells"] for c in row]
    assert shown.count("—") == len(suppressed)

    model = page.preview.indicator_view.model()
    assert model.rowCount() == len(doc["indicators"])
    for row, indicator in enumerate(doc["indicators"]):
        texts = [model.data(model.index(row, c)) for c in IndicatorColumn]
        assert texts == [
            indicator_title(indicator["id"]),
            format_cell(indicator["numerator"]),
            format_cell(indicator["denominator"]),
            format_share(indicator["numerator"], indicator["denominator"]),
        ]
    assert any(t.endswith("%") for t in (model.data(model.index(r, 3)) for r in range(9)))
    assert "350100-S01" in page.preview_title.text()
    assert page.save_button.isEnabled()
    # The chart the PDF has, bar for bar; whole tables, no scroll bar of their own.
    chart = page.preview.chart
    assert [b.label for b in chart.bars] == [indicator_title(i["id"]) for i in doc["indicators"]]
    for view in views:
        assert view.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        assert view.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        last = view.model().rowCount() - 1
        assert view.rowViewportPosition(last) + view.rowHeight(last) <= view.viewport().height()


def test_saving_writes_the_signed_json_and_its_pdf(qtbot, demo_window, demo_accounts, tmp_path):
    sign_in(qtbot, demo_window, demo_accounts["admin"])
    page = preview(qtbot, demo_window, PERIOD, None)
    name = summary_file_name("350100-S01", PERIOD)
    assert name == "summary-350100-S01-2026-Q3.json"
    out = tmp_path / "sent" / name
    out.parent.mkdir()
    page.save_summary_to(out)
    demo_window.runner.wait_for_idle()

    data = out.read_bytes()
    written = json.loads(data)
    assert written == page.doc
    verify_summary(written)  # raises if the signature does not verify
    assert written["protection"] == {"method": "none", "threshold": None}
    pdf = out.with_suffix(".pdf")
    text = "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    assert "350100-S01" in text and PERIOD in text
    digest = hashlib.sha256(data).hexdigest()
    assert digest in page.save_result.text()
    assert page.last_saved == (out, pdf, digest)

    rows = demo_window.ctx.opened.conn.execute(
        "SELECT detail FROM audit WHERE action = 'summary_exported'"
    ).fetchall()
    assert [json.loads(r[0])["sha256"] for r in rows] == [digest]


def test_an_unwritable_place_is_said_in_words(qtbot, demo_window, demo_accounts, tmp_path):
    sign_in(qtbot, demo_window, demo_accounts["supervisor"])
    page = preview(qtbot, demo_window, PERIOD, 5)
    page.save_summary_to(tmp_path / "no such folder" / "s.json")
    demo_window.runner.wait_for_idle()
    assert page.save_result.text().startswith("Cannot write")
    assert "no such folder" in page.save_result.text()


def test_suppression_changes_the_preview(qtbot, demo_window, demo_accounts):
    sign_in(qtbot, demo_window, demo_accounts["supervisor"])
    page = preview(qtbot, demo_window, PERIOD, None)
    exact = page.doc
    small = [
        (t, r, c)
        for t, table in enumerate(exact["tables"])
        for r, row in enumerate(table["cells"])
        for c, cell in enumerate(row)
        if cell is not None and 1 <= cell < 5
    ]
    assert small
    t, r, c = small[0]
    model = page.preview.table_views[t].model()
    assert model.data(model.index(r, c)) == str(exact["tables"][t]["cells"][r][c])

    page.suppress_radio.setChecked(True)  # a changed choice drops the old preview
    assert page.doc is None and not page.save_button.isEnabled()
    assert page.preview.table_views == []
    assert "withheld" in page.protection_text.text()
    qtbot.mouseClick(page.preview_button, Qt.MouseButton.LeftButton)
    demo_window.runner.wait_for_idle()
    model = page.preview.table_views[t].model()
    assert page.doc["tables"][t]["cells"][r][c] is None
    assert model.data(model.index(r, c)) == "—"

    page.exact_radio.setChecked(True)
    assert "PJC Office only" in page.protection_text.text()
    assert not page.threshold_spin.isEnabled()


def test_the_unit_key_file_is_a_trust_list_entry(qtbot, demo_window, demo_accounts, tmp_path):
    sign_in(qtbot, demo_window, demo_accounts["supervisor"])
    page = preview(qtbot, demo_window, PERIOD, 5)
    path = tmp_path / "unit-key-350100-S01.json"
    page.save_unit_key_to(path)
    record = json.loads(path.read_text())
    assert record["unit"] == "350100-S01"
    assert record["key_id"] == page.doc["signature"]["key_id"]
    assert load_trust_file(path) == {"350100-S01": record["key_id"]}
    assert record["key_id"] in page.save_result.text()


def test_only_supervisors_and_admins_see_reports(qtbot, demo_window, demo_accounts):
    sign_in(qtbot, demo_window, demo_accounts["caseworker"])
    assert demo_window.page("reports") is None and demo_window.page("rollup") is None
    assert "Reports" not in nav_texts(demo_window)
    demo_window.lock(False)
    for role in ("supervisor", "admin"):
        sign_in(qtbot, demo_window, demo_accounts[role])
        assert "Reports" in nav_texts(demo_window)
        # The roll-up is the PJC Office's work, in its own window (gui --rollup), never in
        # a shelter's vault.
        assert "Roll-up" not in nav_texts(demo_window) and demo_window.page("rollup") is None
        demo_window.lock(False)


def test_period_choices_make_the_labels_of_the_spec(qtbot):
    assert period_label("month", 2026, 7) == "2026-07"
    assert period_label("quarter", 2026, 3) == "2026-Q3"
    assert period_label("year", 2026) == "2026"
    assert last_complete_quarter(dt.date(2026, 11, 28)) == (2026, 3)
    assert last_complete_quarter(dt.date(2027, 2, 1)) == (2026, 4)

    chooser = PeriodChooser(today=dt.date(2026, 11, 28))
    qtbot.addWidget(chooser)
    assert chooser.label() == "2026-Q3"
    seen = []
    chooser.changed.connect(seen.append)
    chooser.kind_combo.setCurrentIndex(chooser.kind_combo.findData("month"))
    assert chooser.label() == "2026-07"  # the quarter's first month
    chooser.part_combo.setCurrentIndex(chooser.part_combo.findData(11))
    chooser.kind_combo.setCurrentIndex(chooser.kind_combo.findData("quarter"))
    assert chooser.label() == "2026-Q4"
    chooser.kind_combo.setCurrentIndex(chooser.kind_combo.findData("year"))
    assert chooser.label() == "2026" and chooser.part_combo.isHidden()
    assert seen == ["2026-07", "2026-11", "2026-Q4", "2026"]
    for label in ("2025-02", "2024-Q1", "2023"):
        chooser.set_label(label)
        assert chooser.label() == label


def test_the_preview_names_the_releases_it_was_protected_against(
    qtbot, demo_window, demo_accounts, tmp_path
):
    sign_in(qtbot, demo_window, demo_accounts["supervisor"])
    page = preview(qtbot, demo_window, "2025-05", 5)
    page.save_summary_to(tmp_path / "may.json")
    demo_window.runner.wait_for_idle()
    today = dt.date.today().isoformat()
    page = preview(qtbot, demo_window, "2025-Q2", 5)
    assert (
        f"Protected together with the summaries already released: 2025-05 (threshold 5, released {today})."
        in page.preview_facts.text()
    )
    page = preview(qtbot, demo_window, "2025-05", 5)
    assert f"Released on {today}: this is that file again, unchanged." in page.preview_facts.text()
    assert page.doc == json.loads((tmp_path / "may.json").read_text())
