"""The summary document: its layout, its checks, and its signature."""

from __future__ import annotations

import base64
import copy
import datetime as dt
import hashlib
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.errors import AftercareError
from app.reports.periods import parse_period
from app.reports.signing import (
    canonical_bytes,
    key_id,
    public_key_raw,
    sign_summary,
    unit_key_record,
    verify_summary,
)
from app.reports.summary_format import (
    make_summary_document,
    protection_for,
    validate_summary_document,
)
from app.reports.suppression import protect_body
from app.reports.tables import build_summary_body

from .test_tables import CASES

Q3 = parse_period("2026-Q3")


def summary(threshold: int | None = None, key: Ed25519PrivateKey | None = None) -> dict:
    body = build_summary_body(CASES, Q3)
    if threshold is not None:
        body = protect_body(body, threshold)
    doc = make_summary_document(
        "350100-S01",
        "350100",
        Q3,
        dt.date(2026, 10, 5),
        "aftercare 0.1.0",
        body,
        protection_for(threshold),
    )
    return sign_summary(doc, key or Ed25519PrivateKey.generate())


def test_document_layout_is_the_spec():
    doc = summary()
    assert list(doc) == [
        "format",
        "version",
        "unit",
        "period",
        "generated_on",
        "software",
        "protection",
        "tables",
        "indicators",
        "signature",
    ]
    assert doc["format"] == "aftercare.summary" and doc["version"] == 1
    assert doc["unit"] == {"code": "350100-S01", "prefecture": "350100"}
    assert doc["period"] == {"label": "2026-Q3", "start": "2026-07-01", "end": "2026-09-30"}
    assert doc["protection"] == {"method": "none", "threshold": None}
    assert list(doc["signature"]) == ["alg", "key_id", "public_key", "value"]
    assert summary(3)["protection"] == {"method": "suppression", "threshold": 3}


def test_signature_is_ed25519_over_the_canonical_bytes():
    key = Ed25519PrivateKey.generate()
    doc = summary(key=key)
    raw = public_key_raw(key)
    unsigned = {k: v for k, v in doc.items() if k != "signature"}
    expected = json.dumps(
        unsigned, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    ).encode("utf-8")
    assert canonical_bytes(doc) == expected
    sig = doc["signature"]
    assert sig["alg"] == "ed25519"
    assert sig["key_id"] == hashlib.sha256(raw).hexdigest()[:16] == key_id(raw)
    assert base64.b64decode(sig["public_key"]) == raw
    key.public_key().verify(base64.b64decode(sig["value"]), expected)
    verify_summary(doc)
    # Survives a round trip through a file's bytes.
    verify_summary(json.loads(json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")))


@pytest.mark.parametrize(
    "tamper",
    [
        lambda d: d["tables"][0]["cells"][0].__setitem__(0, 99),
        lambda d: d["unit"].__setitem__("code", "350100-S02"),
        lambda d: d.__setitem__("generated_on", "2026-10-06"),
        lambda d: d["signature"].__setitem__("key_id", "0" * 16),
        lambda d: d["signature"].__setitem__(
            "public_key", base64.b64encode(public_key_raw(Ed25519PrivateKey.generate())).decode()
        ),
        lambda d: d["signature"].__setitem__("value", "not base64!"),
        lambda d: d["signature"].__setitem__("alg", "rsa"),
        lambda d: d["signature"].pop("value"),
        lambda d: d.pop("signature"),
    ],
)
def test_tampering_is_detected(tamper):
    doc = summary()
    tamper(doc)
    with pytest.raises(AftercareError):
        verify_summary(doc)


def test_signature_with_another_key_fails():
    doc = summary()
    forged = sign_summary(doc, Ed25519PrivateKey.generate())
    verify_summary(forged)  # valid, but under another key_id: the trust list decides
    assert forged["signature"]["key_id"] != doc["signature"]["key_id"]
    mixed = copy.deepcopy(doc)
    mixed["signature"]["value"] = forged["signature"]["value"]
    with pytest.raises(AftercareError, match="changed after signing"):
        verify_summary(mixed)


def test_unit_key_record():
    key = Ed25519PrivateKey.generate()
    record = unit_key_record("350100-S01", "350100", public_key_raw(key))
    assert record["key_id"] == key_id(public_key_raw(key))
    assert base64.b64decode(record["public_key"]) == public_key_raw(key)


def _set(path, value):
    def change(doc):
        target = doc
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value

    return change


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_set(["format"], "aftercare.cases"), "not a summary"),
        (_set(["version"], 2), "version 2"),
        (_set(["extra"], 1), "unknown key extra"),
        (_set(["unit", "name"], "x"), "unknown key name"),
        (_set(["period", "end"], "2026-09-29"), "first and last days"),
        (_set(["period", "label"], "2026-W30"), "not a month"),
        (_set(["generated_on"], "5 Oct"), "generated_on"),
        (_set(["protection", "threshold"], 2), "protection"),
        (_set(["tables", 0, "cells", 0, 0], -1), "not a count"),
        (_set(["tables", 0, "cells", 0, 0], 1.5), "not a count"),
        (_set(["tables", 0, "cells", 0, 0], True), "not a count"),
        (_set(["tables", 0, "cells", 0, 0], None), "withheld count in a file without suppression"),
        (_set(["tables", 1, "cells", 0, 3], 7), "not the sum"),
        (_set(["tables", 1, "cells", 7, 0], 9), "not the sum"),
        (_set(["tables", 1, "rows", 0], "0-4"), "rows or columns"),
        (_set(["tables", 1, "id"], "ages"), "where table age_sex"),
        (lambda d: d["tables"].pop(), "8 tables"),
        (lambda d: d["tables"][2]["cells"].pop(), "one list per row"),
        (lambda d: d["tables"][2]["cells"][0].pop(), "wrong number of cells"),
        (_set(["indicators", 0, "numerator"], 8), "larger than the denominator"),
        (_set(["indicators", 0, "id"], "x"), "where indicator medical_care"),
        (lambda d: d["indicators"].pop(), "9 indicators"),
    ],
)
def test_validation_names_the_problem(change, message):
    doc = summary()
    validate_summary_document(doc)
    change(doc)
    with pytest.raises(AftercareError, match=message):
        validate_summary_document(doc)


def test_validation_of_a_suppressed_summary():
    doc = summary(3)
    validate_summary_document(doc)
    cells = doc["tables"][0]["cells"]
    pos = next((i, j) for i, row in enumerate(cells) for j, v in enumerate(row) if v is None)
    cells[pos[0]][pos[1]] = 1
    with pytest.raises(AftercareError, match="below the threshold"):
        validate_summary_document(doc)
