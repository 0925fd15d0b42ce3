"""A case file PDF read back: what it shows, what a narrower role does not see, every page's footer."""

from __future__ import annotations

import datetime as dt
import io

from pypdf import PdfReader

from app.codes import Section
from app.pdf.case_file import render_case_pdf
from app.pdf.fonts import cjk_font_embedded
from tests.pdf.conftest import MEDICAL_NOTE, PROFILE_NOTE, make_case, pdf_pages_text


def _render(sections: set[str]) -> bytes:
    return render_case_pdf(
        make_case(),
        unit_name="福州市救助管理站",
        unit_code="350100-S01",
        printed_by="李红",
        printed_at=dt.datetime(2026, 11, 28, 14, 30),
        sections=sections,
    )


def test_full_case_file_in_english(locale_en):
    data = _render(set(Section))
    pages = pdf_pages_text(data)
    text = "\n".join(pages)
    assert "Case file FZ-2026-0007" in text
    assert "张小梅" in text
    assert "福州市救助管理站" in text
    for heading in (
        "Profile",
        "Intake",
        "Consent",
        "Care plan",
        "Medical",
        "Legal",
        "Follow-ups",
        "Referrals",
        "Notes",
    ):
        assert heading in text
    assert MEDICAL_NOTE in text
    assert PROFILE_NOTE in text
    assert "Forced marriage, Forced labour" in text
    # Places and languages by name, the division's code beside it for offices that file by it.
    assert "Fuzhou, Fujian (350100), China" in text
    assert "Chinese, Cantonese" in text
    assert "Mar 2, 2026" in text  # dates in the locale's format
    assert cjk_font_embedded(data)
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert "Confidential" in page
        assert f"Page {number} / {len(pages)}" in page
        assert "Printed by 李红 on" in page


def test_sections_outside_the_role_do_not_appear(locale_en):
    text = "\n".join(pdf_pages_text(_render({Section.PROFILE})))
    assert "张小梅" in text
    assert "FZ-2026-0007" in text  # the case header is for every reader
    assert PROFILE_NOTE not in text  # notes other than medical and legal are in Notes
    assert "Tracing guardian" not in text  # the guardian is in the care plan
    assert "Medical" not in text
    assert MEDICAL_NOTE not in text
    assert "Legal" not in text
    assert "被熟人以打工为名" not in text  # the intake narrative
    assert "学习正常" not in text  # a follow-up note
    assert "Confidential" in text


def test_chinese_locale_renders_the_name_and_chinese_dates(locale_zh):
    data = _render(set(Section))
    text = "\n".join(pdf_pages_text(data))
    assert "张小梅" in text
    assert "2026年3月2日" in text
    assert "母亲在宁德，正在联系" in text


def test_document_properties_do_not_name_the_person(locale_en):
    reader = PdfReader(io.BytesIO(_render(set(Section))))
    meta = " ".join(str(v) for v in (reader.metadata or {}).values())
    assert "FZ-2026-0007" in meta
    assert "张小梅" not in meta


def test_medical_notes_go_with_the_medical_section(locale_en):
    text = "\n".join(pdf_pages_text(_render({Section.MEDICAL, Section.NOTES})))
    assert MEDICAL_NOTE in text
    assert PROFILE_NOTE in text
    assert "张小梅" not in text
    assert "Shelter care" not in text  # a care-plan service
