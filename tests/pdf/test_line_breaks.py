"""A line break typed in a note or an address stays a line break in every PDF.

The CJK font has no glyph for "\\n", and the font runs used to turn every such space into a
plain one before the markup could make it a <br/>: a multi-line note printed as one line."""

from __future__ import annotations

import io

from pypdf import PdfReader

from app.pdf import layout
from app.pdf.layout import PageInfo


def test_markup_keeps_line_breaks_in_chinese_and_latin_text():
    assert "<br/>" in layout.markup("第一行\n第二行")
    assert "<br/>" in layout.markup("line one\nline two")


def test_a_paragraph_with_a_line_break_prints_on_two_lines():
    story = [layout.para("第一行 first\n第二行 second")]
    data = layout.build_pdf(story, PageInfo(unit="", title="t"), pdf_title="t")
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    lines = [line.strip() for line in text.splitlines()]
    assert "第一行 first" in lines and "第二行 second" in lines
