"""The recovery kit read back: unit, every code group in order, the warnings."""

from __future__ import annotations

import datetime as dt
import io

from pypdf import PdfReader

from app.pdf.fonts import cjk_font_embedded
from app.pdf.recovery_kit import render_recovery_kit
from tests.pdf.conftest import pdf_pages_text

GROUPS = ["K7QD", "M2XA", "P9RT", "WZ3H", "B6NE", "C4FJ", "T8GV", "Y5LU", "R3MP"]


def _render() -> bytes:
    return render_recovery_kit(
        unit_name="福州市救助管理站",
        unit_code="350100-S01",
        recovery_code_groups=GROUPS,
        created_at=dt.datetime(2026, 11, 28, 9, 5),
    )


def test_kit_shows_the_unit_the_code_and_what_to_do(locale_en):
    data = _render()
    pages = pdf_pages_text(data)
    text = "\n".join(pages)
    assert "福州市救助管理站" in text
    positions = [text.index(g) for g in GROUPS]
    assert positions == sorted(positions)
    assert "apart from the laptop" in text
    assert "can open every case file" in text
    assert "makes this one useless" in text
    assert all("Confidential" in page for page in pages)
    assert cjk_font_embedded(data)


def test_the_code_is_not_in_the_document_properties(locale_zh):
    reader = PdfReader(io.BytesIO(_render()))
    meta = " ".join(str(v) for v in (reader.metadata or {}).values())
    assert not any(g in meta for g in GROUPS)
    assert "福州市救助管理站" in "\n".join(pdf_pages_text(_render()))
