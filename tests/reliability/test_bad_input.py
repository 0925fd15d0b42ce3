"""Bad cases-v1 and summary-v1 documents: refused with a clear error, never half-written.

Hypothesis changes valid documents (tests/reliability/mutations.py: wrong types, values
out of range, keys removed or added, nesting thousands deep, texts of megabytes, cut-off or
re-encoded bytes, repeated keys) and feeds them to:

- the import (Transfer.import_cases, all-or-nothing and skip-invalid): it either imports
  or raises AftercareError; after a refusal every table of the vault holds exactly the rows
  it held before (the search index and the audit trail included); after an import the
  vault holds exactly the imported cases more, and they read back as the file said;
- the roll-up (rollup()), with two good summaries of other units: it never raises; the bad
  file is reported as rejected with a reason (or, if the change left it a valid signed
  summary, accepted), and the good ones are still rolled up. Half of the changed summaries
  are signed again with the unit's key, so the checks behind the signature are reached.

Fast: 60 documents of each kind; full: 1,500 of each.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.demo_data import generate_cases
from app.errors import AftercareError
from app.interchange import cases_v1
from app.reports.periods import parse_period
from app.reports.rollup import rollup
from app.reports.rollup_outputs import write_rollup
from app.reports.signing import key_id, public_key_raw, sign_summary, verify_summary
from app.reports.summary_format import (
    make_summary_document,
    protection_for,
    validate_summary_document,
)
from app.reports.suppression import protect_body
from app.reports.tables import build_summary_body
from app.services.transfer import Transfer
from app.storage import cases_repo
from app.storage.connection import connect
from app.vault import slots
from app.vault.vault import DB_NAME, OpenVault, User, Vault
from tests.case_examples import TODAY, full_case, minimal_case
from tests.reliability.conftest import CASEWORKER, scaled
from tests.reliability.mutations import mutated

EXAMPLES = scaled(60, 1_500)
HYPOTHESIS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # each run draws afresh; a failure prints its example
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)


# --- import ---------------------------------------------------------------------------------


def table_state(conn) -> dict[str, tuple[int, str]]:
    """Every table's row count and a digest of its rows (search index and audit included)."""
    names = [
        r[0]
        for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    ]
    state = {}
    for name in names:
        rows = sorted(repr(tuple(r)) for r in conn.execute(f'SELECT * FROM "{name}"'))
        state[name] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return state


@pytest.fixture(scope="module")
def importer(cases_template, tmp_path_factory):
    """The caseworker's Transfer on a copy of the template, opened with the data key (the
    unlock is not what is tested here, and each Argon2id derivation costs a fraction of a
    second)."""
    template, _code, key = cases_template
    folder = tmp_path_factory.mktemp("bad-input") / "vault"
    shutil.copytree(template, folder)
    conn = connect(folder / DB_NAME, key)
    row = conn.execute(
        "SELECT id, name, role FROM users WHERE name_key = ?", (CASEWORKER,)
    ).fetchone()
    slot_file, _spare = slots.read(folder)
    opened = OpenVault(Vault(folder), conn, key, User(*row), slot_file)
    yield Transfer(opened, today=lambda: TODAY)
    opened.lock()


CASES_BASE = json.loads(cases_v1.dump_document([full_case("BI-0001"), minimal_case("BI-0002")]))
_numbers = iter(range(1, 10**9))


def _fresh_numbers(raw: bytes) -> bytes:
    """Give the base document's case numbers a new suffix, so a changed document that is
    still valid imports instead of clashing with an earlier example's cases."""
    suffix = f"-{next(_numbers)}".encode()
    return raw.replace(b'"BI-0001"', b'"BI-0001' + suffix + b'"').replace(
        b'"BI-0002"', b'"BI-0002' + suffix + b'"'
    )


@HYPOTHESIS
@given(document=mutated(CASES_BASE), skip_invalid=st.booleans())
def test_a_bad_case_file_is_refused_whole_or_imported_exactly(
    importer, tally, document, skip_invalid
):
    raw, how = document
    raw = _fresh_numbers(raw)
    conn = importer.conn
    before = table_state(conn)
    cases_before = before["cases"][0]
    existing = {r[0] for r in conn.execute("SELECT case_number FROM cases")}
    try:
        result = importer.import_cases(raw, source="bad.json", skip_invalid=skip_invalid)
    except AftercareError as refused:
        assert str(refused).strip()
        assert table_state(conn) == before, f"a refused import wrote ({how})"
        tally.add("bad input: cases-v1 import", "refused")
        return
    after = table_state(conn)
    assert after["cases"][0] == cases_before + result.imported, how
    # What was imported reads back as the file said.
    wanted = [
        c
        for c in cases_v1.read_cases(raw, TODAY, skip_invalid=True).cases
        if c.case_number not in existing
    ]
    assert len(wanted) == result.imported, how
    stored = [cases_repo.load_case(conn, importer.case_id(c.case_number)) for c in wanted]
    assert [cases_v1.case_to_dict(c) for c in stored] == [
        cases_v1.case_to_dict(c) for c in wanted
    ], how
    tally.add(
        "bad input: cases-v1 import",
        "imported, some skipped" if result.skipped else "imported whole",
    )


# --- roll-up --------------------------------------------------------------------------------

PERIOD = parse_period("2026-Q3")


def _summary(key: Ed25519PrivateKey, unit: str, seed: int, threshold: int | None) -> dict:
    cases = generate_cases(80, seed, today=dt.date(2026, 10, 1), prefix="SU")
    body = build_summary_body(cases, PERIOD)
    if threshold is not None:
        body = protect_body(body, threshold)
    doc = make_summary_document(
        unit,
        "350100",
        PERIOD,
        dt.date(2026, 10, 5),
        "aftercare test",
        body,
        protection_for(threshold),
    )
    return sign_summary(doc, key)


KEYS = {unit: Ed25519PrivateKey.generate() for unit in ("350100-A", "350100-B", "350100-C")}
TRUST = {unit: key_id(public_key_raw(k)) for unit, k in KEYS.items()}
GOOD = [
    ("good-a.json", json.dumps(_summary(KEYS["350100-A"], "350100-A", 1, None)).encode()),
    ("good-b.json", json.dumps(_summary(KEYS["350100-B"], "350100-B", 2, 5)).encode()),
]
BASES = [_summary(KEYS["350100-C"], "350100-C", 3, k) for k in (None, 3, 5)]


def _resign(doc: dict) -> dict:
    return sign_summary(doc, KEYS["350100-C"])


def _still_valid(raw: bytes) -> bool:
    try:
        doc = json.loads(raw.decode("utf-8"))
        validate_summary_document(doc)
        verify_summary(doc)
    except (ValueError, AftercareError, RecursionError):
        return False
    return True


@HYPOTHESIS
@given(
    document=st.sampled_from(BASES).flatmap(lambda base: mutated(base, resign=_resign)),
    position=st.integers(0, 2),
    trusted=st.booleans(),
)
def test_a_bad_summary_is_rejected_and_the_others_still_roll_up(
    tally, tmp_path_factory, document, position, trusted
):
    raw, how = document
    files = list(GOOD)
    files.insert(position, ("bad.json", raw))
    doc = rollup(files, trust=TRUST if trusted else None)  # must not raise: two files are good
    reports = {r["file"]: r for r in doc["files"]}
    assert reports["good-a.json"]["status"] == "accepted", how
    assert reports["good-b.json"]["status"] == "accepted", how
    bad = reports["bad.json"]
    accepted = 2
    if bad["status"] == "rejected":
        assert isinstance(bad["reason"], str) and bad["reason"].strip()
        tally.add("bad input: summary-v1 roll-up", "rejected")
    else:
        # The change left a valid, signed summary (another number, say): it may count.
        assert _still_valid(raw), (how, bad)
        accepted += bad["status"] == "accepted"
        # What it adds up to must still publish: the three outputs are written.
        write_rollup(doc, tmp_path_factory.mktemp("rollup"), expected_units=sorted(TRUST))
        tally.add("bad input: summary-v1 roll-up", f"valid after the change ({bad['status']})")
    assert doc["province"]["units"] == accepted


# --- what the harness found (kept as plain examples) ------------------------------------------


def _with_case_field(field: str, raw_json_value: str) -> bytes:
    text = cases_v1.dump_document([minimal_case("BI-FOUND")]).decode()
    return text.replace(f'"{field}": null', f'"{field}": {raw_json_value}', 1).encode()


@pytest.mark.parametrize("skip_invalid", [False, True])
def test_an_escaped_lone_surrogate_in_a_case_file_is_refused(importer, skip_invalid):
    raw = _with_case_field("phone", '"\\ud800"')
    before = table_state(importer.conn)
    with pytest.raises(AftercareError, match="surrogate"):
        importer.import_cases(raw, source="lone.json", skip_invalid=skip_invalid)
    assert table_state(importer.conn) == before


def _changed(change, *, sign: bool = True) -> bytes:
    doc = json.loads(json.dumps(BASES[0]))
    change(doc)
    return json.dumps(_resign(doc) if sign else doc).encode()  # ASCII: "\ud800" escaped


@pytest.mark.parametrize(
    "raw",
    [
        b"[" * 100_000 + b"]" * 100_000,  # deeper than the JSON reader can go
        b'{"unit":' * 100_000 + b"1" + b"}" * 100_000,
        _changed(lambda doc: doc["period"].update(label="0000-01")),  # a year datetime lacks
        _changed(lambda doc: doc["unit"].update(code="\ud800"), sign=False),  # JSON allows it
    ],
    ids=["deep list", "deep object", "year 0", "lone surrogate"],
)
def test_roll_up_rejects_what_the_harness_found(raw):
    doc = rollup([*GOOD, ("found.json", raw)], trust=TRUST)
    assert [r["status"] for r in doc["files"]] == ["accepted", "accepted", "rejected"]
    assert doc["province"]["units"] == 2
