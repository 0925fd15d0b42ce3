"""The lean reader for summaries counts exactly what reading every whole case counts."""

from __future__ import annotations

import datetime as dt

import pytest

from app.demo_data import generate_cases
from app.reports.periods import parse_period
from app.reports.tables import build_summary_body, summary_body
from app.services import Services
from app.storage import cases_repo, summary_repo

TODAY = dt.date(2026, 11, 28)


@pytest.fixture
def filled_vault(opened_vault):
    opened_vault.add_user("caseworker-x", "caseworker", "river stone lantern 77")
    opened_vault.lock()
    from app.vault.vault import Vault

    opened = Vault(opened_vault.folder).unlock("caseworker-x", "river stone lantern 77")
    Services(opened, today=lambda: TODAY).transfer.import_generated(
        generate_cases(400, 7, today=TODAY)
    )
    yield opened
    opened.lock()


@pytest.mark.parametrize("label", ["2022-01", "2023-Q2", "2024", "2025-Q3", "2026-11", "2026"])
def test_the_lean_reader_gives_the_same_summary(filled_vault, label):
    period = parse_period(label)
    whole = build_summary_body(cases_repo.iter_cases(filled_vault.conn), period)
    lean = summary_body(
        summary_repo.facts_for_period(filled_vault.conn, period.start, period.end), period
    )
    assert lean == whole
