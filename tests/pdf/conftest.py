"""Fixtures of the PDF tests: a real case, a summary and a roll-up in the shapes of the specs.

The PDF tests need a TrueType CJK font on this computer; without one they are skipped with
the reason `cjk_font()` gives (that is the only reason to skip).
"""

from __future__ import annotations

import datetime as dt
import io

import pytest

from app.domain.model import (
    Case,
    Consent,
    Followup,
    Guardian,
    Intake,
    Note,
    Origin,
    Person,
    Referral,
    Service,
)
from app.errors import AftercareError
from app.i18n import current_locale, set_locale

MEDICAL_NOTE = "Hepatitis B screening negative, follow-up in March"
PROFILE_NOTE = "Prefers to be called by her nickname"


@pytest.fixture(autouse=True)
def _font_or_skip():
    from app.pdf.fonts import cjk_font

    try:
        cjk_font()
    except AftercareError as exc:
        pytest.skip(str(exc))


@pytest.fixture
def locale_en():
    before = current_locale()
    set_locale("en")
    yield
    set_locale(before)


@pytest.fixture
def locale_zh():
    before = current_locale()
    set_locale("zh_CN")
    yield
    set_locale(before)


def pdf_pages_text(data: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def make_case() -> Case:
    return Case(
        case_number="FZ-2026-0007",
        status="closed",
        opened_on=dt.date(2026, 3, 2),
        closed_on=dt.date(2026, 9, 15),
        closure_reason="reintegrated_family",
        person=Person(
            full_name="张小梅",
            aliases=["阿梅"],
            sex="female",
            date_of_birth=dt.date(2010, 5, 17),
            id_number="350102201005170028",
            phone="13800000000",
            address="福建省福州市鼓楼区某街道12号",
            origin=Origin(country="CN", division="350100"),
            languages=["zh", "yue"],
            disability=False,
        ),
        intake=Intake(
            identified_on=dt.date(2026, 3, 1),
            prefecture="350100",
            identified_by="public_security",
            police_case_number="闽公(2026)117号",
            exploitation=["forced_marriage", "forced_labour"],
            relationship_to_trafficker="acquaintance",
            cross_border=False,
            narrative="被熟人以打工为名带离家乡，后被卖到外省强迫结婚。",
        ),
        consents=[
            Consent("services", True, dt.date(2026, 3, 2)),
            Consent("statistics", True, dt.date(2026, 3, 2)),
            Consent("data_sharing", False, dt.date(2026, 3, 2)),
        ],
        guardian=Guardian("tracing", "母亲在宁德，正在联系"),
        services=[
            Service("shelter_care", "completed", dt.date(2026, 3, 2), dt.date(2026, 9, 15)),
            Service(
                "schooling",
                "ongoing",
                dt.date(2026, 4, 1),
                details={"school": "鼓楼区第三中学", "grade": "初二"},
            ),
            Service("medical_care", "completed", dt.date(2026, 3, 3), dt.date(2026, 3, 20)),
            Service(
                "legal_aid",
                "ongoing",
                dt.date(2026, 3, 10),
                provider="福州市法律援助中心",
                details={"lawyer": "王律师", "stage": "investigation"},
            ),
        ],
        followups=[
            Followup(dt.date(2026, 10, 15), dt.date(2026, 10, 14), "stable", "学习正常"),
            Followup(dt.date(2027, 1, 15)),
        ],
        referrals=[
            Referral("education", dt.date(2026, 3, 20), "completed", "鼓楼区教育局", "入学"),
        ],
        notes=[
            Note(dt.date(2026, 3, 3), "medical", MEDICAL_NOTE),
            Note(dt.date(2026, 3, 4), "profile", PROFILE_NOTE),
            Note(dt.date(2026, 5, 1), "notes", "与家人第一次通话，情绪稳定。"),
        ],
    )


GROUP_COLS = ["girl", "boy", "woman", "other", "total"]


def make_summary(protection: str = "suppression") -> dict:
    suppressed = protection == "suppression"
    n = None if suppressed else 2
    tables = [
        {
            "id": "caseload",
            "rows": ["open_at_start", "opened", "closed", "open_at_end"],
            "cols": GROUP_COLS,
            "cells": [[5, 0, 7, 0, 12], [6, 0, 8, 0, 14], [3, 0, 5, 0, 8], [8, 0, 10, 0, 18]],
        },
        {
            "id": "age_sex",
            "rows": ["0-5", "6-15", "16-17", "18-24", "25-39", "40+", "unknown", "total"],
            "cols": ["female", "male", "unknown", "total"],
            "cells": [
                [0, 0, 0, 0],
                [n, 0, 0, n],
                [n, 0, 0, n],
                [5, 0, 0, 5],
                [3, 0, 0, 3],
                [0, 0, 0, 0],
                [0, 0, 0, 0],
                [14, 0, 0, 14],
            ],
        },
        {
            "id": "origin",
            "rows": ["fujian", "other_province", "foreign", "unknown", "total"],
            "cols": GROUP_COLS,
            "cells": [
                [6, 0, 5, 0, 11],
                [0, 0, n, 0, n],
                [0, 0, n, 0, n],
                [0, 0, 0, 0, 0],
                [6, 0, 8, 0, 14],
            ],
        },
        {
            "id": "followups",
            "rows": ["on_time", "late", "not_done", "total"],
            "cols": GROUP_COLS,
            "cells": [[4, 0, 6, 0, 10], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0], [4, 0, 6, 0, 10]],
        },
    ]
    indicators = [
        {"id": "medical_care", "numerator": 16, "denominator": 20},
        {"id": "psychological_care", "numerator": 12, "denominator": 20},
        {"id": "legal_aid", "numerator": n, "denominator": 20},
        {"id": "school_enrolment", "numerator": 5, "denominator": 6},
        {"id": "reintegrated", "numerator": 0, "denominator": 8},
        {"id": "followup_on_time", "numerator": 10, "denominator": 10},
    ]
    return {
        "format": "aftercare.summary",
        "version": 1,
        "unit": {"code": "350100-S01", "prefecture": "350100"},
        "period": {"label": "2026-Q3", "start": "2026-07-01", "end": "2026-09-30"},
        "generated_on": "2026-10-05",
        "software": "aftercare 0.1.0",
        "protection": {"method": protection, "threshold": 3 if suppressed else None},
        "tables": tables,
        "indicators": indicators,
        "signature": {
            "alg": "ed25519",
            "key_id": "0123456789abcdef",
            "public_key": "AAAA",
            "value": "BBBB",
        },
    }


def make_rollup() -> dict:
    table = {
        "id": "caseload",
        "rows": ["open_at_start", "opened", "closed", "open_at_end"],
        "cols": GROUP_COLS,
        "cells": [
            [12, [0, 2], 20, 0, [32, 34]],
            [None, 0, 18, 0, 27],
            [6, 0, 10, 0, 16],
            [15, 0, 28, 0, 43],
        ],
    }
    inds = [
        {"id": "medical_care", "numerator": [30, 33], "denominator": 45},
        {"id": "legal_aid", "numerator": None, "denominator": 45},
        {"id": "reintegrated", "numerator": 9, "denominator": 16},
    ]
    return {
        "format": "aftercare.rollup",
        "version": 1,
        "period": {"label": "2026-Q3", "start": "2026-07-01", "end": "2026-09-30"},
        "protection": {"method": "suppression", "threshold": 5},
        "files": [
            {"file": "s1.json", "status": "accepted", "unit": "350100-S01", "reason": None},
            {"file": "s2.json", "status": "accepted", "unit": "350200-S01", "reason": None},
            {
                "file": "s2-old.json",
                "status": "replaced",
                "unit": "350200-S01",
                "reason": "a later summary of this unit and period was read",
            },
            {
                "file": "bad.json",
                "status": "rejected",
                "unit": None,
                "reason": "the signature does not match",
            },
        ],
        "province": {"units": 2, "tables": [table], "indicators": inds},
        "prefectures": {
            "350100": {"units": 1, "tables": [table], "indicators": inds},
            "350200": {"units": 1, "tables": [table], "indicators": inds[:1]},
        },
    }
