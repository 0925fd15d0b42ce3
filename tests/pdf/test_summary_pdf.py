"""A summary PDF read back: tables by translated title, withheld cells, indicators, protection."""

from __future__ import annotations

from app.pdf.fonts import cjk_font_embedded
from app.pdf.summary import render_summary_pdf
from app.summary_labels import SUPPRESSED, TABLE_TITLES, format_cell, format_share
from tests.pdf.conftest import make_summary, pdf_pages_text


def test_summary_shows_every_table_and_the_withheld_mark(locale_en):
    doc = make_summary("suppression")
    data = render_summary_pdf(doc)
    pages = pdf_pages_text(data)
    text = "\n".join(pages)
    for table in doc["tables"]:
        assert TABLE_TITLES[table["id"]] in text
    assert "350100-S01" in text
    assert "2026-Q3" in text
    assert "threshold 3" in text
    assert SUPPRESSED in text
    assert "Received medical care" in text
    assert "80.0%" in text
    assert "Open at the start of the period" in text
    assert "6–15 years" in text
    assert cjk_font_embedded(data)
    assert all("Confidential" in page for page in pages)


def test_unprotected_summary_says_it_must_not_be_passed_on(locale_en):
    text = "\n".join(pdf_pages_text(render_summary_pdf(make_summary("none"))))
    assert "not protected" in text
    assert SUPPRESSED not in text.split("Indicators", 1)[1].split("Tables", 1)[1]


def test_summary_renders_in_chinese(locale_zh):
    text = "\n".join(pdf_pages_text(render_summary_pdf(make_summary())))
    assert "2026年7月1日" in text


def test_cells_and_shares(locale_en):
    assert format_cell(None) == SUPPRESSED
    assert format_cell(12) == "12"
    assert format_cell([3, 7]) == "3–7"
    assert format_cell([4, 4]) == "4"
    assert format_share(1, 4) == "25.0%"
    assert format_share(None, 4) == SUPPRESSED
    assert format_share(0, 0) == "–"
    assert format_share([2, 4], 8) == "25.0%–50.0%"
