"""Invented summaries of a few units, for showing the Roll-up page (`aftercare gui --demo
--screenshot`): signed with keys made up for the demo, built from invented cases.

Besides the good files, one older summary (replaced), one of the quarter before (another
period) and one altered after signing (rejected), so that every outcome shows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app import __version__, paths
from app.demo_data import generate_cases
from app.fileio import atomic_write_bytes
from app.reports.periods import Period, last_complete_quarter, parse_period, period_label
from app.reports.signing import sign_summary
from app.reports.summary_format import make_summary_document, protection_for
from app.reports.suppression import protect_body
from app.reports.tables import build_summary_body
from app.services.reports import summary_bytes

# (unit code, number of invented cases, suppression threshold or None for exact counts)
DEMO_UNITS = (
    ("350100-S01", 300, 5),
    ("350100-S02", 160, 5),
    ("350200-S01", 220, None),
    ("350500-S01", 140, 5),
)


def demo_folder() -> Path:
    return paths.data_dir() / "demo-rollup"


def _key(unit: str) -> Ed25519PrivateKey:
    # Made up from the unit code: the demo's signatures are real, its keys are not secret.
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(f"demo {unit}".encode()).digest())


def _summary(
    unit: str, n: int, k: int | None, period: Period, made: dt.date, seed: int
) -> dict[str, Any]:
    cases = generate_cases(n, seed, today=made, prefix=unit[-3:])
    body = build_summary_body(cases, period)
    if k is not None:
        body = protect_body(body, k)
    doc = make_summary_document(
        unit, unit[:6], period, made, f"aftercare {__version__}", body, protection_for(k)
    )
    return sign_summary(doc, _key(unit))


def write_demo_summaries(folder: Path, today: dt.date | None = None) -> list[Path]:
    """Write the demo's summary files into `folder`; returns their paths in reading order."""
    today = today or dt.date.today()
    year, quarter = last_complete_quarter(today)
    period = parse_period(period_label("quarter", year, quarter))
    before = parse_period(
        period_label("quarter", year, quarter - 1) if quarter > 1 else f"{year - 1}-Q4"
    )
    made = period.end + dt.timedelta(days=5)
    folder.mkdir(parents=True, exist_ok=True)
    files: list[tuple[str, dict[str, Any]]] = []
    for seed, (unit, n, k) in enumerate(DEMO_UNITS, start=1):
        files.append(
            (f"summary-{unit}-{period.label}.json", _summary(unit, n, k, period, made, seed))
        )
    unit, n, k = DEMO_UNITS[1]
    early = made - dt.timedelta(days=3)
    files.append(
        (f"summary-{unit}-{period.label}-draft.json", _summary(unit, n, k, period, early, 2))
    )
    unit, n, k = DEMO_UNITS[3]
    files.append((f"summary-{unit}-{before.label}.json", _summary(unit, n, k, before, made, 4)))
    altered = json.loads(json.dumps(files[0][1]))
    altered["unit"]["code"] = "350300-S01"  # changed after signing: the signature fails
    files.append(("summary-350300-S01.json", altered))
    written = []
    for name, doc in files:
        atomic_write_bytes(folder / name, summary_bytes(doc), mode=0o644)
        written.append(folder / name)
    return written
