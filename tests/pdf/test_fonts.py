"""The CJK font is found, registered and embedded; the runtime check finds it without pypdf."""

from __future__ import annotations

import io

from pypdf import PdfReader
from reportlab.pdfgen import canvas

from app.pdf import fonts


def _pdf(font: str, text: str) -> bytes:
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer)
    c.setFont(font, 12)
    c.drawString(72, 720, text)
    c.showPage()
    c.save()
    return buffer.getvalue()


def _pypdf_embedded(data: bytes) -> set[str]:
    """The same question answered by pypdf, to check the byte scan against."""
    names = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object().get("/FontDescriptor")
            if descriptor is not None and "/FontFile2" in descriptor.get_object():
                names.add(str(descriptor.get_object()["/FontName"]).lstrip("/").split("+", 1)[-1])
    return names


def test_cjk_font_is_a_registered_truetype_font_with_chinese_and_latin():
    info = fonts.cjk_font()
    assert info.path.suffix.lower() in (".ttf", ".ttc")
    assert info.path.is_file()
    widths = [fonts.string_width(t, 10) for t in ("张小梅", "Case")]
    assert all(w > 0 for w in widths)


def test_embedded_fonts_matches_pypdf_and_finds_the_cjk_font():
    data = _pdf(fonts.cjk_font().name, "张小梅 Confidential")
    found = fonts.embedded_fonts(data)
    assert found
    assert found == _pypdf_embedded(data)
    assert fonts.cjk_font_embedded(data)


def test_a_pdf_with_only_standard_fonts_embeds_nothing():
    data = _pdf("Helvetica", "Confidential")
    assert fonts.embedded_fonts(data) == set()
    assert not fonts.cjk_font_embedded(data)


def test_a_file_reportlab_refuses_is_skipped(tmp_path):
    fake = tmp_path / "broken.ttf"
    fake.write_bytes(b"OTTO" + b"\0" * 200)  # a CFF header with nothing behind it
    assert fonts._try_load(fake) is None
    assert fonts._try_load(tmp_path / "missing.ttc") is None


def test_runs_keep_every_character_and_replace_missing_spaces():
    text = "2:30\u202fPM 张三"
    pieces = fonts.runs(text)
    joined = "".join(piece for _, piece in pieces)
    assert len(joined) == len(text)
    assert "张三" in joined
    assert {font for font, _ in pieces} <= {fonts.cjk_font().name, fonts.LATIN_FALLBACK}
