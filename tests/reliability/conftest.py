"""The reliability harness: crashes, tampered files, bad input documents, leaks.

A fast subset runs in the normal suite; `make reliability` sets AFTERCARE_RELIABILITY=full
and runs every test here with the full iteration counts (docs/reliability.md has the
figures of the last full run). Each test asks `scaled(fast, full)` for its count.

Fixtures:
    cases_template -> (folder, recovery_code, data_key)
        per worker session: the team vault (tests/conftest.py) with a few cases imported by
        the caseworker; copy it, never change it. Its data key comes from the recovery slot
        (helpers.data_key), so checks behind the program's back cost no Argon2id.
    tally -> Tally
        counts what a test tried and what came of it; printed at the end of the session
        under "reliability figures" (the numbers that go into docs/reliability.md).
"""

from __future__ import annotations

import os
import shutil
from collections import Counter
from pathlib import Path

import pytest

from app.demo_data import generate_cases
from app.interchange.cases_v1 import dump_document
from app.services.transfer import Transfer
from app.vault.vault import Vault
from tests import helpers
from tests.case_examples import TODAY, full_case, minimal_case

FULL = os.environ.get("AFTERCARE_RELIABILITY") == "full"
CASEWORKER = "wang"


def scaled(fast: int, full: int) -> int:
    """The iteration count of this run: `full` under `make reliability`, else `fast`."""
    return full if FULL else fast


def template_cases():
    """The cases every copy of the template starts with: every section used, some open,
    one closed, and demo cases for bulk."""
    return [
        full_case("RL-2026-0001"),
        minimal_case("RL-2026-0002"),
        minimal_case("RL-2026-0003"),
        *generate_cases(5, 7, today=TODAY, prefix="RD"),
    ]


@pytest.fixture(scope="session")
def cases_template(tmp_path_factory, _team_template_vault) -> tuple[Path, str, bytes]:
    team_folder, code = _team_template_vault
    folder = tmp_path_factory.mktemp("reliability-template") / "vault"
    shutil.copytree(team_folder, folder)
    opened = Vault(folder).unlock(CASEWORKER, helpers.TEAM[CASEWORKER][1])
    try:
        Transfer(opened, today=lambda: TODAY).import_cases(
            dump_document(template_cases()), source="template.json"
        )
    finally:
        opened.lock()
    return folder, code, helpers.data_key(folder, code)


class Tally:
    """What the harness tried, by test and outcome: {test: Counter(outcome -> count)}."""

    def __init__(self) -> None:
        self.counts: dict[str, Counter] = {}
        self.printed = False

    def add(self, test: str, outcome: str, n: int = 1) -> None:
        self.counts.setdefault(test, Counter())[outcome] += n


_TALLY = Tally()


@pytest.fixture(scope="session")
def tally() -> Tally:
    return _TALLY


def pytest_terminal_summary(terminalreporter) -> None:
    if not _TALLY.counts or _TALLY.printed:  # once, however often the hook is called
        return
    _TALLY.printed = True
    terminalreporter.section("reliability figures")
    mode = "full" if FULL else "fast"
    terminalreporter.write_line(f"mode: {mode}")
    for test in sorted(_TALLY.counts):
        outcomes = ", ".join(f"{k}={v}" for k, v in sorted(_TALLY.counts[test].items()))
        terminalreporter.write_line(f"{test}: {outcomes}")
