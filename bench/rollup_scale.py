"""The roll-up at the country's scale: `python -m bench.rollup_scale [--sizes 200,2000,20000]`.

Writes N signed summaries of invented units (spread over Fujian's nine prefectures, each
signed by its own key, a trust list of all of them) into a scratch folder, then times
`aftercare rollup` on them (rollup_outputs.run_rollup: read, verify, add, protect, PDF, XLSX,
JSON) in a process of its own, whose peak resident memory is the roll-up's. Prints one
JSON object: rollup_<N>_s and rollup_<N>_peak_mb per size, and the machine's load.

The summaries are made from a pool of 40 bodies (the year 2026 of 40 slices of invented
cases, half of them suppressed at k=5, so that the roll-up works out intervals), each unit
taking one; signing gives every file its own bytes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.codes import FUJIAN_PREFECTURES
from app.demo_data import generate_cases
from app.reports.periods import parse_period
from app.reports.signing import sign_summary
from app.reports.summary_format import make_summary_document, protection_for
from app.reports.suppression import protect_body
from app.reports.tables import build_summary_body

SIZES = (200, 2_000, 20_000)
POOL = 40
CASES_PER_UNIT = 120
PERIOD = parse_period("2026")
MADE = dt.date(2027, 1, 10)


def _pool() -> list[tuple[dict, int | None]]:
    cases = list(generate_cases(POOL * CASES_PER_UNIT, 17, today=dt.date(2026, 12, 31)))
    bodies = []
    for i in range(POOL):
        body = build_summary_body(cases[i::POOL], PERIOD)
        k = 5 if i % 2 else None
        bodies.append((protect_body(body, k) if k else body, k))
    return bodies


def write_summaries(folder: Path, n: int) -> Path:
    """N signed summary files in `folder` and their trust list; returns the trust list."""
    folder.mkdir(parents=True, exist_ok=True)
    prefectures = sorted(FUJIAN_PREFECTURES)
    trust = {}
    for i, (body, k) in zip(range(n), itertools.cycle(_pool()), strict=False):
        prefecture = prefectures[i % len(prefectures)]
        unit = f"{prefecture}-U{i // len(prefectures) + 1:05d}"  # numbered within it
        key = Ed25519PrivateKey.generate()
        doc = make_summary_document(
            unit, prefecture, PERIOD, MADE, "aftercare bench", body, protection_for(k)
        )
        doc = sign_summary(doc, key)
        trust[unit] = doc["signature"]["key_id"]
        (folder / f"summary-{unit}.json").write_bytes(
            json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        )
    path = folder / "trust.json"
    path.write_text(json.dumps(trust), encoding="utf-8")
    return path


def _time_rollup(folder: Path, out: Path) -> dict:
    """Run in a child process: the roll-up of every summary in `folder`, timed."""
    from app.reports.rollup_outputs import run_rollup

    paths = sorted(folder.glob("summary-*.json"))
    started = time.perf_counter()
    run_rollup(paths, out, trust_file=folder / "trust.json", threshold=5)
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"s": round(seconds, 2), "peak_mb": round(peak_kb / 1024, 1), "files": len(paths)}


def run(sizes: tuple[int, ...], log) -> dict:
    result: dict = {
        "date": dt.date.today().isoformat(),
        "machine": {"cores": os.cpu_count(), "load_average_at_start": round(os.getloadavg()[0], 2)},
    }
    with tempfile.TemporaryDirectory(prefix="aftercare-rollup-bench-") as scratch:
        for n in sizes:
            folder = Path(scratch) / f"in-{n}"
            log(f"writing {n:,} signed summaries ...")
            write_summaries(folder, n)
            log(f"rolling up {n:,} summaries ...")
            done = subprocess.run(
                [sys.executable, "-m", "bench.rollup_scale", "--child", str(folder)],
                check=True,
                capture_output=True,
                text=True,
                cwd=Path(__file__).resolve().parent.parent,
            )
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            result[f"rollup_{n}_s"] = figures["s"]
            result[f"rollup_{n}_peak_mb"] = figures["peak_mb"]
            result["machine"][f"load_average_after_{n}"] = round(os.getloadavg()[0], 2)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.rollup_scale", description=__doc__)
    parser.add_argument("--sizes", help="comma-separated numbers of summaries")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        with tempfile.TemporaryDirectory(prefix="aftercare-rollup-out-") as out:
            print(json.dumps(_time_rollup(Path(args.child), Path(out))))
        return 0
    sizes = tuple(int(s) for s in args.sizes.split(",")) if args.sizes else SIZES
    print(json.dumps(run(sizes, lambda m: print(m, file=sys.stderr, flush=True)), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
