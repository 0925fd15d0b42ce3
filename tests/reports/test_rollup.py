"""The roll-up of real signed summary files: sums, intervals, bad files, trust, workbook."""

from __future__ import annotations

import base64
import datetime as dt
import json
import random

import openpyxl
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.errors import AftercareError
from app.reports.periods import Period, parse_period
from app.reports.rollup import load_trust_file, rollup
from app.reports.rollup_xlsx import write_rollup_xlsx
from app.reports.signing import key_id, public_key_raw, sign_summary, unit_key_record
from app.reports.summary_format import make_summary_document, protection_for
from app.reports.suppression import protect_body
from app.reports.tables import build_summary_body

from .test_tables import _random_case

Q3 = parse_period("2026-Q3")
KEYS = {unit: Ed25519PrivateKey.generate() for unit in ("350100-S01", "350100-S02", "350200-S01")}


def unit_cases(seed: int, n: int) -> list:
    rng = random.Random(seed)
    return [_random_case(rng, i) for i in range(n)]


def summary_doc(
    unit: str,
    cases: list,
    *,
    threshold: int | None = None,
    period: Period = Q3,
    made: dt.date = dt.date(2026, 10, 5),
    key: Ed25519PrivateKey | None = None,
) -> dict:
    body = build_summary_body(cases, period)
    if threshold is not None:
        body = protect_body(body, threshold)
    doc = make_summary_document(
        unit, unit[:6], period, made, "aftercare 0.1.0", body, protection_for(threshold)
    )
    return sign_summary(doc, key or KEYS[unit])


def as_file(name: str, doc: dict) -> tuple[str, bytes]:
    return name, json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


CASES = {
    "350100-S01": unit_cases(1, 300),
    "350100-S02": unit_cases(2, 250),
    "350200-S01": unit_cases(3, 120),
}


def true_sum(units: list[str]) -> list[dict]:
    bodies = [build_summary_body(CASES[u], Q3) for u in units]
    tables = []
    for parts in zip(*(b["tables"] for b in bodies), strict=True):
        cells = [
            [sum(p["cells"][i][j] for p in parts) for j in range(len(parts[0]["cols"]))]
            for i in range(len(parts[0]["rows"]))
        ]
        tables.append({**parts[0], "cells": cells})
    return tables


def assert_consistent(scope: dict, truth: list[dict], k: int) -> None:
    for table, true in zip(scope["tables"], truth, strict=True):
        for row, true_row in zip(table["cells"], true["cells"], strict=True):
            for cell, value in zip(row, true_row, strict=True):
                if isinstance(cell, int):
                    assert cell == value
                    assert not 1 <= cell <= k - 1
                elif isinstance(cell, list):
                    low, high = cell
                    assert low <= value and (high is None or value <= high)
                    assert high is None or high >= k


@pytest.mark.parametrize("threshold", [None, 3])
def test_sums_equal_the_inputs(threshold):
    files = [as_file(f"{u}.json", summary_doc(u, CASES[u], threshold=threshold)) for u in CASES]
    doc = rollup(files, trust=None, threshold=3)
    assert doc["format"] == "aftercare.rollup" and doc["version"] == 1
    assert doc["period"] == Q3.as_dict()
    assert doc["protection"] == {"method": "suppression", "threshold": 3}
    assert [f["status"] for f in doc["files"]] == ["accepted"] * 3
    assert doc["province"]["units"] == 3
    assert sorted(doc["prefectures"]) == ["350100", "350200"]
    assert doc["prefectures"]["350100"]["units"] == 2
    assert_consistent(doc["province"], true_sum(list(CASES)), 3)
    assert_consistent(doc["prefectures"]["350100"], true_sum(["350100-S01", "350100-S02"]), 3)
    assert_consistent(doc["prefectures"]["350200"], true_sum(["350200-S01"]), 3)
    if threshold is None:
        # Exact inputs: no intervals, and the big totals are published exactly.
        caseload = doc["province"]["tables"][0]["cells"]
        assert caseload[0][-1] == sum(t[0]["cells"][0][-1] for t in [true_sum([u]) for u in CASES])
        assert all(
            not isinstance(c, list)
            for t in doc["province"]["tables"]
            for r in t["cells"]
            for c in r
        )
    json.dumps(doc)  # plain JSON


def test_withheld_inputs_give_intervals():
    small = {u: CASES[u][:25] for u in CASES}
    files = [as_file(f"{u}.json", summary_doc(u, small[u], threshold=3)) for u in small]
    doc = rollup(files, trust=None, threshold=3)
    cells = [c for t in doc["province"]["tables"] for r in t["cells"] for c in r]
    assert any(isinstance(c, list) for c in cells)
    for table in doc["province"]["tables"]:
        for row in table["cells"]:
            for cell in row:
                if isinstance(cell, list):
                    assert cell[1] is None or cell[0] < cell[1]
    for indicator in doc["province"]["indicators"]:
        num, den = indicator["numerator"], indicator["denominator"]
        if num is None:
            assert den is None
            continue
        low = num[0] if isinstance(num, list) else num
        high = den[1] if isinstance(den, list) else den
        assert high is None or low <= high


def _bad_files() -> list[tuple[str, bytes, str]]:
    """(name, content, expected reason fragment) for each kind of bad input."""
    good = summary_doc("350100-S02", CASES["350100-S02"])
    bad: list[tuple[str, bytes, str]] = [
        ("broken.json", b'{"format": ', "not valid UTF-8 JSON"),
        ("latin1.json", "{'é'}".encode("latin-1"), "not valid UTF-8 JSON"),
        ("list.json", b"[]", "must be a JSON object"),
    ]

    def variant(name: str, change, reason: str, resign: bool = True) -> None:
        doc = json.loads(json.dumps(good))
        change(doc)
        if resign:
            doc = sign_summary(doc, KEYS["350100-S02"])
        bad.append((*as_file(name, doc), reason))

    variant("format.json", lambda d: d.__setitem__("format", "aftercare.cases"), "not a summary")
    variant("version.json", lambda d: d.__setitem__("version", 2), "version 2")
    variant("unknown.json", lambda d: d.__setitem__("note", "x"), "unknown key note")
    variant("shape.json", lambda d: d["tables"][3]["cells"].pop(), "one list per row")
    variant("negative.json", lambda d: d["tables"][0]["cells"][0].__setitem__(0, -1), "not a count")
    variant(
        "tampered.json",
        lambda d: (
            d["tables"][0]["cells"][0].__setitem__(0, 0)
            or d["tables"][0]["cells"][0].__setitem__(4, sum(d["tables"][0]["cells"][0][1:4]))
        ),
        "changed after signing",
        resign=False,
    )
    variant("unsigned.json", lambda d: d.pop("signature"), "not signed", resign=False)
    bad.append(("dupkey.json", b'{"format": "a", "format": "b"}', "not valid UTF-8 JSON"))
    return bad


def test_each_bad_file_is_reported_and_the_rest_roll_up():
    bad = _bad_files()
    good = [as_file("s1.json", summary_doc("350100-S01", CASES["350100-S01"]))]
    files = good + [(name, data) for name, data, _reason in bad]
    doc = rollup(files, trust=None, threshold=5)
    assert doc["files"][0] == {
        "file": "s1.json",
        "status": "accepted",
        "unit": "350100-S01",
        "reason": None,
    }
    for report, (name, _data, reason) in zip(doc["files"][1:], bad, strict=True):
        assert report["file"] == name
        assert report["status"] == "rejected", report
        assert reason in report["reason"], (name, report["reason"])
    assert doc["province"]["units"] == 1
    assert_consistent(doc["province"], true_sum(["350100-S01"]), 5)


def test_trust_list_replaced_and_other_period():
    stranger = Ed25519PrivateKey.generate()
    files = [
        as_file(
            "a-old.json", summary_doc("350100-S01", CASES["350100-S01"], made=dt.date(2026, 10, 2))
        ),
        as_file(
            "a-new.json", summary_doc("350100-S01", CASES["350100-S01"], made=dt.date(2026, 10, 9))
        ),
        as_file("b.json", summary_doc("350100-S02", CASES["350100-S02"], key=stranger)),
        as_file("c.json", summary_doc("350200-S01", CASES["350200-S01"])),
        as_file(
            "c-q2.json",
            summary_doc("350200-S01", CASES["350200-S01"], period=parse_period("2026-Q2")),
        ),
        as_file("d.json", summary_doc("350100-S01", CASES["350100-S01"], key=stranger)),
    ]
    trust = {u: key_id(public_key_raw(k)) for u, k in KEYS.items()}
    doc = rollup(files, trust=trust, threshold=5)
    status = {f["file"]: (f["status"], f["reason"]) for f in doc["files"]}
    assert status["a-old.json"][0] == "replaced" and "a-new.json" in status["a-old.json"][1]
    assert status["a-new.json"] == ("accepted", None)
    assert (
        status["b.json"][0] == "rejected" and "not with the key registered" in status["b.json"][1]
    )
    assert status["d.json"][0] == "rejected"
    assert status["c.json"] == ("accepted", None)
    assert status["c-q2.json"][0] == "other_period" and "2026-Q2" in status["c-q2.json"][1]
    assert doc["province"]["units"] == 2
    only_c = {"350200-S01": trust["350200-S01"]}
    unregistered = rollup(files[:1], trust=only_c, threshold=5, period=Q3)
    assert "not in the trust list" in unregistered["files"][0]["reason"]


def test_period_is_the_most_common_or_given():
    files = [
        as_file(
            "q2.json",
            summary_doc("350100-S01", CASES["350100-S01"], period=parse_period("2026-Q2")),
        ),
        as_file("q3a.json", summary_doc("350100-S02", CASES["350100-S02"])),
        as_file("q3b.json", summary_doc("350200-S01", CASES["350200-S01"])),
    ]
    assert rollup(files, trust=None)["period"]["label"] == "2026-Q3"
    given = rollup(files, trust=None, period=parse_period("2026-Q2"))
    assert [f["status"] for f in given["files"]] == ["accepted", "other_period", "other_period"]
    with pytest.raises(AftercareError, match=r"x\.json: The file is not valid"):
        rollup([("x.json", b"nope")], trust=None)
    with pytest.raises(AftercareError, match="3 or more"):
        rollup(files, trust=None, threshold=1)


def test_same_day_summaries_keep_the_last_file_name():
    doc_a = summary_doc("350100-S01", CASES["350100-S01"][:100])
    doc_b = summary_doc("350100-S01", CASES["350100-S01"])
    result = rollup([as_file("b.json", doc_b), as_file("a.json", doc_a)], trust=None, threshold=3)
    assert [f["status"] for f in result["files"]] == ["accepted", "replaced"]


def test_load_trust_file_formats(tmp_path):
    keys = {u: public_key_raw(k) for u, k in KEYS.items()}
    records = [unit_key_record(u, u[:6], raw) for u, raw in keys.items()]
    expected = {u: key_id(raw) for u, raw in keys.items()}
    (tmp_path / "map.json").write_text(json.dumps(expected))
    (tmp_path / "list.json").write_text(json.dumps(records))
    (tmp_path / "one.json").write_text(json.dumps(records[0]))
    assert load_trust_file(tmp_path / "map.json") == expected
    assert load_trust_file(tmp_path / "list.json") == expected
    assert load_trust_file(tmp_path / "one.json") == {records[0]["unit"]: records[0]["key_id"]}
    wrong = dict(records[0], public_key=base64.b64encode(keys["350200-S01"]).decode())
    (tmp_path / "wrong.json").write_text(json.dumps([wrong]))
    with pytest.raises(AftercareError, match="does not match"):
        load_trust_file(tmp_path / "wrong.json")
    twice = [
        records[0],
        dict(records[1], unit=records[0]["unit"], public_key=records[1]["public_key"]),
    ]
    (tmp_path / "twice.json").write_text(json.dumps(twice))
    with pytest.raises(AftercareError, match="two different keys"):
        load_trust_file(tmp_path / "twice.json")
    (tmp_path / "short.json").write_text(json.dumps({"350100-S01": "abc"}))
    with pytest.raises(AftercareError, match="16 hex"):
        load_trust_file(tmp_path / "short.json")
    with pytest.raises(AftercareError, match="Cannot read"):
        load_trust_file(tmp_path / "missing.json")


def test_workbook(tmp_path):
    small = {u: CASES[u][:40] for u in CASES}
    files = [as_file(f"{u}.json", summary_doc(u, small[u], threshold=3)) for u in small]
    files.append(("broken.json", b"{"))
    doc = rollup(files, trust=None, threshold=5)
    path = tmp_path / "rollup.xlsx"
    write_rollup_xlsx(doc, path)
    write_rollup_xlsx(doc, path)  # replaces
    assert [p.name for p in tmp_path.iterdir()] == ["rollup.xlsx"]
    wb = openpyxl.load_workbook(path)
    assert len(wb.sheetnames) == 8 + 2
    caseload = list(wb[wb.sheetnames[0]].iter_rows(values_only=True))
    blocks = [
        row for row in caseload if row[1] is not None and str(row[1]).endswith(("unit", "units"))
    ]
    assert len(blocks) == 1 + len(doc["prefectures"])
    province = doc["province"]["tables"][0]["cells"]
    first_row = caseload[4][1:]
    for cell, shown in zip(province[0], first_row, strict=True):
        if isinstance(cell, int):
            assert shown == cell
        elif cell is None:
            assert shown == "—"
        else:
            assert isinstance(shown, str) and str(cell[0]) in shown
    files_sheet = list(wb[wb.sheetnames[-1]].iter_rows(values_only=True))
    assert len(files_sheet) == 1 + len(files)
    assert files_sheet[-1][0] == "broken.json"
    indicators = list(wb[wb.sheetnames[-2]].iter_rows(values_only=True))
    assert len(indicators) == 1 + 9 * (1 + len(doc["prefectures"]))
