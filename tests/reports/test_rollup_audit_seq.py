"""The audit trail's head in each summary, and a unit whose trail went backwards flagged by
the roll-up (issue #14, item 4: a whole-folder rollback the laptop alone cannot see)."""

from __future__ import annotations

import datetime as dt

from app import audit
from app.reports.periods import parse_period
from app.reports.rollup import rollup
from app.reports.signing import sign_summary
from app.reports.summary_format import make_summary_document, protection_for
from app.reports.tables import build_summary_body
from app.services.reports import Reports

from .test_rollup import CASES, KEYS, as_file

UNIT = "350100-S01"


def _summary(period: str, made: dt.date, seq: int | None) -> dict:
    doc = make_summary_document(
        UNIT,
        UNIT[:6],
        parse_period(period),
        made,
        "aftercare 0.1.0",
        build_summary_body(CASES[UNIT], parse_period(period)),
        protection_for(None),
        audit_seq=seq,
    )
    return sign_summary(doc, KEYS[UNIT])


def test_a_summary_carries_the_audit_head(opened_vault):
    doc = Reports(opened_vault).build_summary("2026-Q3")
    assert doc["audit_seq"] == audit.head(opened_vault.conn)[0] > 0


def test_a_trail_that_went_backwards_is_flagged():
    files = [
        as_file("q2.json", _summary("2026-Q2", dt.date(2026, 7, 3), 900)),
        as_file("q3.json", _summary("2026-Q3", dt.date(2026, 10, 5), 450)),
    ]
    done = rollup(files, trust=None, period=parse_period("2026-Q3"))
    by_file = {f["file"]: f for f in done["files"]}
    assert by_file["q3.json"]["status"] == "accepted"
    assert "went backwards" in by_file["q3.json"]["warning"]
    assert "q2.json" in by_file["q3.json"]["warning"]
    assert "warning" not in by_file["q2.json"]


def test_a_trail_that_grew_or_a_summary_without_it_is_not_flagged():
    files = [
        as_file("q2.json", _summary("2026-Q2", dt.date(2026, 7, 3), 450)),
        as_file("q3.json", _summary("2026-Q3", dt.date(2026, 10, 5), 900)),
        as_file("old.json", _summary("2026-Q1", dt.date(2026, 4, 2), None)),
    ]
    done = rollup(files, trust=None, period=parse_period("2026-Q3"))
    assert not [f for f in done["files"] if "warning" in f]
