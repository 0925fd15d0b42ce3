"""Roll-ups of roll-ups (summary-v1, A3) and the roll-up at scale: real signed files."""

from __future__ import annotations

import datetime as dt
import json
import random

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.codes import FUJIAN_PREFECTURES
from app.reports.periods import parse_period
from app.reports.rollup import rollup
from app.reports.signing import sign_summary
from app.reports.summary_format import make_summary_document, protection_for
from app.reports.suppression import protect_body
from app.reports.tables import build_summary_body
from tests.helpers import UNIT_CODE, credentials

from .test_tables import _random_case

Q3 = parse_period("2026-Q3")
PREFECTURES = sorted(FUJIAN_PREFECTURES)  # nine


def _summary(unit: str, seed: int, threshold: int | None, key: Ed25519PrivateKey) -> dict:
    rng = random.Random(seed)
    body = build_summary_body([_random_case(rng, i) for i in range(rng.randint(20, 90))], Q3)
    if threshold is not None:
        body = protect_body(body, threshold)
    doc = make_summary_document(
        unit, unit[:6], Q3, dt.date(2026, 10, 5), "aftercare 0.1.0", body, protection_for(threshold)
    )
    return sign_summary(doc, key)


def as_file(name: str, doc: dict) -> tuple[str, bytes]:
    return name, json.dumps(doc, ensure_ascii=False).encode("utf-8")


def signed_rollup(doc: dict, office: str, key: Ed25519PrivateKey) -> dict:
    """What Reports.sign_rollup does in the office's vault."""
    return sign_summary({**doc, "office": {"code": office}, "generated_on": "2026-10-20"}, key)


@pytest.fixture(scope="module")
def units():
    """Three units in each of the nine prefectures: some send exact counts, some k=3 or 5."""
    found = {}
    for p, prefecture in enumerate(PREFECTURES):
        for u in range(3):
            unit = f"{prefecture}-S{u + 1:02d}"
            key = Ed25519PrivateKey.generate()
            threshold = (None, 3, 5)[(p + u) % 3]
            found[unit] = (key, _summary(unit, 100 * p + u, threshold, key))
    return found


def prefecture_rollups(units, threshold):
    offices, files = {}, []
    for prefecture in PREFECTURES:
        mine = [as_file(f"{u}.json", doc) for u, (_k, doc) in units.items() if u[:6] == prefecture]
        key = Ed25519PrivateKey.generate()
        office = f"{prefecture}-PJC"
        doc = rollup(mine, trust=None, threshold=threshold)
        signed = signed_rollup(doc, office, key)
        offices[office] = signed["signature"]["key_id"]
        files.append(as_file(f"rollup-{prefecture}.json", signed))
    return files, offices


@pytest.mark.parametrize("threshold", [5, None])
def test_nine_prefecture_rollups_give_the_tables_of_all_units(units, threshold):
    direct = rollup(
        [as_file(f"{u}.json", doc) for u, (_k, doc) in units.items()],
        trust={u: doc["signature"]["key_id"] for u, (_k, doc) in units.items()},
        threshold=threshold,
    )
    files, offices = prefecture_rollups(units, None)
    levels = rollup(files, trust=offices, threshold=threshold)
    assert [f["status"] for f in levels["files"]] == ["accepted"] * 9
    assert levels["province"] == direct["province"]
    assert levels["prefectures"] == direct["prefectures"]
    assert levels["units"] == direct["units"]
    assert levels["province"]["units"] == 27
    withheld = [c for t in direct["province"]["tables"] for row in t["cells"] for c in row]
    assert any(isinstance(c, list) for c in withheld), "inputs were suppressed: ranges"


def test_suppressed_prefecture_rollups_give_ranges_no_narrower_than_the_truth(units):
    direct = rollup(
        [as_file(f"{u}.json", d) for u, (_k, d) in units.items()], trust=None, threshold=None
    )
    files, offices = prefecture_rollups(units, 5)
    levels = rollup(files, trust=offices, threshold=None)
    for mine, theirs in zip(
        levels["province"]["tables"], direct["province"]["tables"], strict=True
    ):
        for row_l, row_d in zip(mine["cells"], theirs["cells"], strict=True):
            for got, exact in zip(row_l, row_d, strict=True):
                low, high = (got, got) if isinstance(got, int) else got
                true_low, true_high = (exact, exact) if isinstance(exact, int) else exact
                # The prefectures' withholding may widen a range, never lose the truth.
                assert low <= true_low and (
                    high is None or (true_high is not None and high >= true_high)
                )


def test_a_unit_in_two_inputs_is_counted_once_and_reported(units):
    files, offices = prefecture_rollups(units, None)
    unit = f"{PREFECTURES[0]}-S01"
    _key, doc = units[unit]
    trust = {**offices, unit: doc["signature"]["key_id"]}
    out = rollup([*files, as_file("again.json", doc)], trust=trust, threshold=5)
    report = out["files"][-1]
    assert report["status"] == "replaced"
    assert unit in report["reason"] and "rollup-350100.json" in report["reason"]
    assert out["province"]["units"] == 27
    # Two offices' roll-ups that share a unit: the second is left out whole, naming it.
    first = [as_file(f"{u}.json", d) for u, (_k, d) in units.items() if u[:6] == PREFECTURES[0]]
    other = rollup(first[:1], trust=None, threshold=None)
    extra = signed_rollup(other, "350000-PROV", Ed25519PrivateKey.generate())
    out = rollup([files[0], as_file("extra.json", extra)], trust=None, threshold=5)
    assert [f["status"] for f in out["files"]] == ["accepted", "rejected"]
    assert unit in out["files"][1]["reason"] and "rollup-350100.json" in out["files"][1]["reason"]
    assert out["province"]["units"] == 3


def test_trust_lists_work_at_each_level(units):
    files, offices = prefecture_rollups(units, None)
    wrong = dict(offices)
    wrong[f"{PREFECTURES[1]}-PJC"] = "0" * 16
    out = rollup(files, trust=wrong, threshold=5)
    statuses = {f["file"]: (f["status"], f["reason"]) for f in out["files"]}
    status, reason = statuses[f"rollup-{PREFECTURES[1]}.json"]
    assert status == "rejected" and "not with the key registered" in reason
    assert out["province"]["units"] == 24
    unsigned = json.loads(files[0][1])
    del unsigned["signature"]
    out = rollup([as_file("unsigned.json", unsigned)], trust=None, threshold=5, period=Q3)
    assert "not signed" in out["files"][0]["reason"]


def test_the_command_signs_a_rollup_and_summarises_problems_in_a_few_lines(
    cli, units, vault_folder, tmp_path
):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for u, (_k, doc) in units.items():
        if u[:6] == PREFECTURES[0]:
            (inputs / f"{u}.json").write_text(json.dumps(doc), encoding="utf-8")
    for n in range(12):
        (inputs / f"broken-{n:02d}.json").write_text("{", encoding="utf-8")
    files = sorted(str(p) for p in inputs.iterdir())
    out = tmp_path / "out"
    result = cli(
        "rollup",
        *files,
        "--out-dir",
        str(out),
        "--suppress",
        "none",
        "--sign",
        str(vault_folder),
        env=credentials(),
    )
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert "15 files read, 3 units counted: accepted 3, rejected 12." in lines[1]
    assert sum("broken-" in line for line in lines) == 10
    assert "... and 2 more; rollup.json lists every file." in lines[-1]
    signed = json.loads((out / "rollup.json").read_text(encoding="utf-8"))
    assert signed["office"] == {"code": UNIT_CODE} and signed["protection"]["method"] == "none"
    record = cli("unit-key", str(vault_folder), env=credentials())
    key_id = json.loads(record.out)["key_id"]
    again = rollup([as_file("rollup.json", signed)], trust={UNIT_CODE: key_id}, threshold=5)
    assert again["files"][0]["status"] == "accepted" and again["province"]["units"] == 3
