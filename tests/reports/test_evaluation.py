"""The evaluation over periods (summary-v1, A4) from real signed summaries and roll-ups."""

from __future__ import annotations

import datetime as dt
import io
import json
import random

import openpyxl
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pypdf import PdfReader

from app.errors import AftercareError
from app.reports.evaluation import evaluate, share
from app.reports.periods import parse_period
from app.reports.rollup import rollup
from app.reports.signing import sign_summary
from app.reports.summary_format import make_summary_document, protection_for
from app.reports.suppression import protect_body
from app.reports.tables import build_summary_body

from .test_tables import _random_case

UNITS = ("350100-S01", "350100-S02", "350200-S01")
KEYS = {unit: Ed25519PrivateKey.generate() for unit in UNITS}


def summary(unit: str, label: str, seed: int, threshold: int | None) -> tuple[str, bytes]:
    rng = random.Random(seed)
    period = parse_period(label)
    cases = [_random_case(rng, i) for i in range(60)]
    body = build_summary_body(cases, period)
    if threshold is not None:
        body = protect_body(body, threshold)
    doc = make_summary_document(
        unit, unit[:6], period, dt.date(2027, 1, 5), "aftercare", body, protection_for(threshold)
    )
    doc = sign_summary(doc, KEYS[unit])
    return f"{unit}-{label}.json", json.dumps(doc).encode()


def rollup_file(label: str, seed: int) -> tuple[str, bytes]:
    files = [summary(u, label, seed + i, (None, 3)[i % 2]) for i, u in enumerate(UNITS)]
    return f"rollup-{label}.json", json.dumps(rollup(files, trust=None, threshold=5)).encode()


def test_missing_periods_are_gaps_and_ranges_stay_ranges():
    files = [rollup_file("2024", 1), rollup_file("2023", 2), rollup_file("2026", 3)]
    doc = evaluate(files)
    assert doc["format"] == "aftercare.evaluation" and doc["version"] == 1
    assert doc["periods"] == ["2023", "2024", "2025", "2026"]
    series = doc["province"]["indicators"]["medical_care"]
    gap = series[2]
    assert gap == {
        "period": "2025",
        "numerator": None,
        "denominator": None,
        "value": None,
        "missing": True,
    }
    assert all(not p.get("missing") for p in (series[0], series[1], series[3]))
    assert set(doc["prefectures"]) == {"350100", "350200"}
    # Baseline is the first period with a value, latest the last; change is their difference.
    for indicator_id, base in doc["province"]["baseline"].items():
        last = doc["province"]["latest"][indicator_id]
        change = doc["province"]["change"][indicator_id]
        if base["period"] == last["period"]:
            assert change is None  # one period with a value: no change to show
        elif isinstance(base["value"], float) and isinstance(last["value"], float):
            assert change == pytest.approx(last["value"] - base["value"], abs=1e-6)
    ranged = [
        p
        for points in doc["province"]["indicators"].values()
        for p in points
        if isinstance(p["value"], list)
    ]
    assert ranged, "suppressed inputs give ranges of shares"
    for p in ranged:
        assert 0 <= p["value"][0] <= p["value"][1] <= 1


def test_share_of_counts_and_ranges():
    assert share(3, 4) == 0.75
    assert share([1, 3], 10) == [0.1, 0.3]
    assert share(2, [4, None]) == [0.0, 0.5]
    assert share(None, 5) is None and share(0, 0) is None


def test_summaries_of_periods_are_rolled_up_here_and_kinds_must_not_mix():
    files = [
        summary(u, label, i, 3) for i, u in enumerate(UNITS) for label in ("2026-Q1", "2026-Q3")
    ]
    doc = evaluate(files)
    assert doc["periods"] == ["2026-Q1", "2026-Q2", "2026-Q3"]
    assert doc["province"]["indicators"]["legal_aid"][1]["missing"] is True
    with pytest.raises(AftercareError, match="different kinds"):
        evaluate([*files, rollup_file("2026", 9)])


def test_the_command_writes_json_pdf_and_xlsx(cli, tmp_path):
    paths = []
    for name, data in (rollup_file("2023", 1), rollup_file("2025", 2)):
        path = tmp_path / name
        path.write_bytes(data)
        paths.append(str(path))
    out = tmp_path / "eval"
    result = cli("evaluate", *paths, "--out-dir", str(out))
    assert result.code == 0, result.err
    assert "No file for: 2024 (gaps in the series)." in result.out
    doc = json.loads((out / "evaluation.json").read_text(encoding="utf-8"))
    assert doc["periods"] == ["2023", "2024", "2025"]
    text = "".join(
        p.extract_text() or ""
        for p in PdfReader(io.BytesIO((out / "evaluation.pdf").read_bytes())).pages
    )
    assert "Evaluation 2023 to 2025" in text and "no data" in text and "Baseline" in text
    sheet = openpyxl.load_workbook(out / "evaluation.xlsx")["Indicators"]
    header = [c.value for c in sheet[1]]
    assert header[3:] == ["2023", "2024", "2025"]
    first = [c.value for c in sheet[2]]
    assert first[4] is None, "a missing period is an empty cell, never 0"
    zh = cli("evaluate", *paths, "--out-dir", str(tmp_path / "zh"), lang="zh_CN")
    assert zh.code == 0, zh.err
    zh_text = "".join(
        p.extract_text() or ""
        for p in PdfReader(io.BytesIO((tmp_path / "zh" / "evaluation.pdf").read_bytes())).pages
    )
    assert "评估" in zh_text
