"""Summaries of nested periods protected together (summary-v1, A2), audited by linear
programming over every file the unit released (tests/reports/lp_audit.py)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from app import audit
from app.demo_data import generate_cases
from app.errors import AftercareError
from app.reports.joint import Released, months_needed, overlapping, protect_jointly
from app.reports.periods import parse_period
from app.reports.suppression import protect_body
from app.reports.tables import build_summary_body
from app.services import Services
from app.vault.vault import Vault
from tests.helpers import ADMIN, ADMIN_PASSPHRASE

from .lp_audit import interval_audit

TODAY = dt.date(2026, 10, 5)
CASES = list(generate_cases(400, 7, today=TODAY))
MONTHS = {m.label: build_summary_body(CASES, m) for m in months_needed(parse_period("2026"), [])}


def released_in_turn(labels: list[str], k: int = 5) -> list[dict]:
    """Each period protected together with those released before it, as the vault does."""
    released: list[Released] = []
    docs = []
    for label in labels:
        period = parse_period(label)
        body = protect_jointly(
            build_summary_body(CASES, period), k, period, overlapping(period, released), MONTHS
        )
        released.append(Released(period, k, "2026-10-05", body["tables"], body["indicators"]))
        docs.append({"period": period.as_dict(), **body})
    return docs


def alone(label: str, k: int = 5) -> dict:
    period = parse_period(label)
    return {"period": period.as_dict(), **protect_body(build_summary_body(CASES, period), k)}


@pytest.mark.slow
def test_months_and_their_quarter_protected_alone_give_cells_away():
    docs = [alone(label) for label in ("2026-07", "2026-08", "2026-09", "2026-Q3")]
    assert all(interval_audit([doc]) == [] for doc in docs[:1])  # each file alone is safe
    exposed = interval_audit(docs)
    assert exposed, "the audit must find what the sums between periods give away"


@pytest.mark.slow
def test_months_quarter_and_year_released_in_turn_pass_the_joint_audit():
    docs = released_in_turn(["2026-07", "2026-08", "2026-09", "2026-Q3", "2026"])
    assert interval_audit(docs) == []
    # The quarter withholds more than it would alone: that is the price of the months.
    withheld = [
        sum(v is None for t in d["tables"] for row in t["cells"] for v in row) for d in docs
    ]
    alone_q3 = alone("2026-Q3")
    assert withheld[3] > sum(
        v is None for t in alone_q3["tables"] for row in t["cells"] for v in row
    )


@pytest.mark.slow
def test_a_month_after_its_quarter_and_year_passes_the_joint_audit():
    docs = released_in_turn(["2026", "2026-Q3", "2026-08"])
    assert interval_audit(docs) == []


def test_a_higher_threshold_for_a_released_period_is_refused_naming_the_release():
    period = parse_period("2026-Q3")
    first = alone("2026-Q3", 3)
    released = [Released(period, 3, "2026-10-05", first["tables"], first["indicators"])]
    with pytest.raises(AftercareError, match=r"2026-Q3 \(threshold 3, released 2026-10-05\)"):
        protect_jointly(build_summary_body(CASES, period), 5, period, released, MONTHS)


def test_a_lower_threshold_for_a_released_period_withholds_at_least_as_much():
    period = parse_period("2026-Q3")
    first = alone("2026-Q3", 5)
    released = [Released(period, 5, "2026-10-05", first["tables"], first["indicators"])]
    again = protect_jointly(build_summary_body(CASES, period), 3, period, released, MONTHS)
    assert again["tables"] == first["tables"]
    assert interval_audit([first, {"period": period.as_dict(), **again}]) == []


# --- the vault's ledger -----------------------------------------------------------------------


@pytest.fixture
def unit_vault(opened_vault):
    opened_vault.add_user("caseworker-x", "caseworker", "river stone lantern 77")
    folder = opened_vault.folder
    opened_vault.lock()
    worker = Vault(folder).unlock("caseworker-x", "river stone lantern 77")
    Services(worker, today=lambda: TODAY).transfer.import_generated(iter(CASES))
    worker.lock()
    admin = Vault(folder).unlock(ADMIN, ADMIN_PASSPHRASE)
    yield admin
    admin.lock()


def test_the_vault_protects_a_quarter_against_its_released_months(unit_vault, tmp_path):
    reports = Services(unit_vault, today=lambda: TODAY).reports
    for label in ("2026-07", "2026-08", "2026-09"):
        reports.write_summary(reports.build_summary(label, 5), tmp_path / f"{label}.json")
    assert [r["period"] for r in reports.protected_against("2026-Q3", 5)] == [
        "2026-07",
        "2026-08",
        "2026-09",
    ]
    quarter = reports.build_summary("2026-Q3", 5)
    reports.write_summary(quarter, tmp_path / "q3.json")
    docs = [
        json.loads((tmp_path / f"{n}.json").read_text())
        for n in ("2026-07", "2026-08", "2026-09", "q3")
    ]
    assert interval_audit(docs) == []
    # Released again, the same period and threshold is the same file, byte for byte.
    later = Services(unit_vault, today=lambda: TODAY + dt.timedelta(days=30)).reports
    assert later.released_on("2026-Q3", 5) == TODAY.isoformat()
    later.write_summary(later.build_summary("2026-Q3", 5), tmp_path / "again.json")
    assert (tmp_path / "again.json").read_bytes() == (tmp_path / "q3.json").read_bytes()
    entries = audit.entries(unit_vault.conn, action="summary_exported")  # newest first
    assert entries[1].detail["protected_against"] == ["2026-07", "2026-08", "2026-09"]


def test_exact_summaries_are_not_in_the_ledger(unit_vault, tmp_path):
    reports = Services(unit_vault, today=lambda: TODAY).reports
    reports.write_summary(reports.build_summary("2026-07"), tmp_path / "exact.json")
    assert reports.protected_against("2026-Q3", 5) == []
