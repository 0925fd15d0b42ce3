"""The roll-up report read back: units that reported and did not, intervals, files."""

from __future__ import annotations

from app.pdf.rollup_report import render_rollup_pdf
from tests.pdf.conftest import make_rollup, pdf_pages_text


def test_rollup_lists_units_files_and_intervals(locale_en):
    data = render_rollup_pdf(
        make_rollup(), expected_units=["350100-S01", "350200-S01", "350900-S03"]
    )
    pages = pdf_pages_text(data)
    text = "\n".join(pages)
    assert "Provincial roll-up 2026-Q3" in text
    # Counts per prefecture up front, the codes in the annex (a run of codes written once).
    assert "Units counted" in text and "Registered, not reporting" in text
    assert "Fuzhou (1)\n350100-S01" in text and "Xiamen (1)\n350200-S01" in text
    assert "Registered units that did not report\nNingde (1)\n350900-S03" in text
    assert "32–34" in text  # an interval cell
    assert "Fuzhou" in text and "Xiamen" in text
    assert "bad.json" in text and "the signature does not match" in text
    assert "Replaced by a later" in text  # the cell wraps before "summary"
    assert "Caseload" in text
    assert all("Confidential" in page for page in pages)


def test_without_a_trust_list_no_missing_units_are_claimed(locale_en):
    text = "\n".join(pdf_pages_text(render_rollup_pdf(make_rollup(), expected_units=None)))
    assert "did not report" not in text
    assert "350100-S01" in text
