"""`python -m bench [--quick] [--sizes 1000,10000] [--runs 3] [--out FILE]`

Builds (or reuses) the demo vaults and their plain twins, times each size in a process of
its own, and prints one JSON object. A figure more than 20% worse than the committed
baseline (the JSON block in docs/benchmarks.md) is printed as a warning on stderr.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

from bench import baseline, vaults

SIZES = (1_000, 10_000, 100_000)
QUICK = (10_000,)
# Figures with a plain twin, for the encrypted_over_plain_* ratios.
COMPARED = (
    "import_cases_per_s",
    "import_large_cases_per_s",
    "find_ms_p50",
    "find_short_ms_p50",
    "open_case_ms_p50",
    "save_section_ms_p50",
    "list_first_page_ms",
    "list_first_page_ms_worst",
    "summary_s",
    "summary_year_s",
    "case_pdf_s",
)
GROWTH = ("find_ms_p50", "find_short_ms_p50", "list_first_page_ms", "list_first_page_ms_worst")
NOTES = {
    "unlock_s": "the demo vault's Argon2id slots use the minimum parameters (64 MiB, 3 passes);"
    " a vault made by `aftercare init` is calibrated to 0.5-1 s on the machine that makes it",
    "summary_s": "the steps of app.services.reports for the quarter 2026-Q3: the facts of the"
    " cases the period counts (app.storage.summary_repo), tables, suppression k=5, document,"
    " signature, PDF; summary_year_s the same for the year 2026",
    "rollup_200_s": "200 signed summaries of invented units that share the vault's first"
    " 10,000 cases;"
    " timed: verify, sum, protect, PDF and XLSX",
    "find": "lists.find(query, limit=100): every match ranked, the first 100 rows read;"
    " queries drawn from random cases (names, case and phone and ID number fragments, notes)",
    "import_cases_per_s": "Transfer.import_cases of a 1,000-case cases-v1 document into a copy"
    " of the vault (parse, validate, insert, index, audit, one transaction)",
    "import_large_cases_per_s": "the same with one document of 10,000 cases",
    "plain": "the plain twin uses Python's sqlite3 (SQLite "
    + __import__("sqlite3").sqlite_version
    + "), the vault SQLCipher's bundled SQLite",
}


def _measure(size: int, kind: str, runs: int) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "bench.measure", str(size), kind, str(runs)],
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a and b else None


def run(sizes: tuple[int, ...], runs: int, log) -> dict:
    vaults.CACHE.mkdir(exist_ok=True)
    result: dict = {
        "date": dt.date.today().isoformat(),
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            # Other work on the machine slows every figure: the run records how busy it was.
            "load_average_at_start": round(os.getloadavg()[0], 2),
        },
        "runs": runs,
        "sizes": {},
    }
    for size in sizes:
        built = vaults.ensure_encrypted(size, log)
        vaults.ensure_plain(size, log)
        log(f"timing {size:,} cases ...")
        encrypted = _measure(size, "encrypted", runs)
        plain = _measure(size, "plain", runs)
        figures = dict(encrypted)
        figures["demo_build_s"] = built["build_s"]
        for key in COMPARED:
            # Imports are rates (higher is better): the ratio is plain over encrypted.
            a, b = encrypted.get(key), plain.get(key)
            figures[f"encrypted_over_plain_{key}"] = (
                _ratio(b, a) if key in baseline.HIGHER_IS_BETTER else _ratio(a, b)
            )
        figures["plain"] = plain
        result["sizes"][str(size)] = figures
    small, large = result["sizes"].get("1000"), result["sizes"].get("100000")
    if small and large:
        for key in GROWTH:
            result[f"growth_{key}"] = _ratio(large[key], small[key])
    result["machine"]["load_average_at_end"] = round(os.getloadavg()[0], 2)
    result["notes"] = NOTES
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="10,000 cases only")
    parser.add_argument("--sizes", help="comma-separated sizes, e.g. 1000,10000")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--out", help="also write the JSON to this file")
    args = parser.parse_args(argv)
    sizes = (
        tuple(int(s) for s in args.sizes.split(","))
        if args.sizes
        else QUICK
        if args.quick
        else SIZES
    )

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    result = run(sizes, args.runs, log)
    for warning in baseline.regressions(result, baseline.load()):
        log(f"WARNING: {warning}")
    text = json.dumps(result, indent=1, ensure_ascii=False)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
