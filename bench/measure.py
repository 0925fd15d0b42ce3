"""One size, one kind of database: every operation timed, the medians returned.

Run in its own process per (size, kind) by `bench.__main__`, so that `peak_rss_mb` is the
peak of exactly these operations on that vault. Reads run on the cached vault; writes
(import, saves, backups) on a throw-away copy of it.
"""

from __future__ import annotations

import functools
import itertools
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.codes import FUJIAN_PREFECTURES
from app.pdf.rollup_report import render_rollup_pdf
from app.pdf.summary import render_summary_pdf
from app.reports import signing
from app.reports.periods import parse_period
from app.reports.rollup import rollup
from app.reports.rollup_xlsx import write_rollup_xlsx
from app.reports.summary_format import make_summary_document, protection_for
from app.reports.suppression import protect_body
from app.reports.tables import build_summary_body, summary_body
from app.services import Services
from app.storage import cases_repo, list_repo, summary_repo
from app.vault import backup
from bench import vaults

QUARTER = "2026-Q3"  # the last whole quarter before the fixed `today`: what shelters send
YEAR = "2026"  # the year of the fixed `today`, for the largest summary a user asks for
IMPORT_BATCH = 1_000  # cases per import run: a large shelter's yearly export
LARGE_IMPORT = 10_000  # a province moving years of spreadsheets into one vault
PAGE = 100  # rows of the case list's first page
K = 5  # suppression threshold of the summaries
ROLLUP_CASES = 10_000  # cases shared by the 200 units of the roll-up (50 each at most)


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def median_of(fn: Callable[[], object], runs: int) -> float:
    return statistics.median(timed(fn) for _ in range(runs))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


# --- what to search for: taken from the vault itself, the same for both kinds ---------------


def queries(services: Services, rng: random.Random, picks: int = 12) -> tuple[list, list]:
    """(3+ character queries, 1-2 character queries) drawn from random cases of the vault."""
    conn = services.opened.conn
    count = conn.execute("SELECT max(id) FROM cases").fetchone()[0]
    long, short = [], []
    for case_id in rng.sample(range(1, count + 1), picks):
        case = cases_repo.stored_case(conn, case_id)
        person = case.person
        long.append(case.case_number[3:])  # e.g. 2024-01234
        if len(person.full_name) >= 3:
            long.append(person.full_name)
        short.append(person.full_name[0])  # a surname: thousands of matches
        short.append(person.full_name[1:3])
        if person.phone:
            long.append(person.phone[3:8])
            short.append(person.phone[5:7])
        if person.id_number:
            long.append(person.id_number[6:14])
        texts = [n.text for n in case.notes] + [f.notes for f in case.followups if f.notes]
        if texts:
            text = rng.choice(texts)
            long.append(text[:4])
            short.append(text[1:3])
    return long, short


def _find_times(services: Services, found: list[str], runs: int = 3) -> list[float]:
    # A search box shows the best PAGE matches; ranking looks at every match either way.
    return [median_of(functools.partial(services.lists.find, q, limit=PAGE), runs) for q in found]


# --- summaries and the roll-up ----------------------------------------------------------------


def _summary_doc(
    body: dict, unit: str, prefecture: str, key: Ed25519PrivateKey, label: str = YEAR
) -> dict:
    period = parse_period(label)
    body = protect_body(body, K)
    doc = make_summary_document(
        unit, prefecture, period, vaults.TODAY, "aftercare bench", body, protection_for(K)
    )
    return signing.sign_summary(doc, key)


def summary(services: Services, label: str) -> float:
    """Seconds for a protected, signed summary with its PDF, as app.services.reports builds it:
    the facts of the cases the period counts read by app.storage.summary_repo, counted
    (tables.summary_body), suppressed, signed and rendered. (The service itself refuses the
    bench's caseworker, so its steps are run.)
    """
    opened = services.opened
    started = time.perf_counter()
    period = parse_period(label)
    body = summary_body(
        summary_repo.facts_for_period(opened.conn, period.start, period.end), period
    )
    doc = _summary_doc(body, opened.unit.code, opened.unit.prefecture, opened.signing_key(), label)
    render_summary_pdf(doc)
    return time.perf_counter() - started


def rollup_200(services: Services) -> tuple[float, str | None]:
    """Seconds to roll up 200 signed summaries (verify, sum, protect, PDF and XLSX); the
    summaries are of 200 invented units sharing the vault's first ROLLUP_CASES cases. With
    the PDF's error, if rendering it fails (the time then leaves the PDF out)."""
    cases = list(itertools.islice(cases_repo.iter_cases(services.opened.conn), ROLLUP_CASES))
    prefectures = sorted(FUJIAN_PREFECTURES)
    files, trust = [], {}
    for i in range(200):
        unit, key = f"{prefectures[i % len(prefectures)]}-B{i:03d}", Ed25519PrivateKey.generate()
        body = build_summary_body(cases[i::200], parse_period(YEAR))
        doc = _summary_doc(body, unit, prefectures[i % len(prefectures)], key)
        trust[unit] = doc["signature"]["key_id"]
        files.append((f"summary-{i:03d}.json", json.dumps(doc, ensure_ascii=False).encode()))
    with tempfile.TemporaryDirectory(prefix="aftercare-bench-") as out:
        started = time.perf_counter()
        doc = rollup(files, trust=trust, threshold=K)
        write_rollup_xlsx(doc, Path(out) / "rollup.xlsx")
        try:
            render_rollup_pdf(doc, expected_units=sorted(trust))
        except Exception as exc:  # a bug to report, not a reason to lose the other figures
            return time.perf_counter() - started, f"render_rollup_pdf: {exc!r}"
        return time.perf_counter() - started, None


# --- writes -----------------------------------------------------------------------------------


def import_rate(services: Services, runs: int, batch: int = IMPORT_BATCH) -> float:
    """Cases per second through Transfer.import_cases (parse, validate, insert, audit) of
    files of `batch` cases; the median of `runs` files."""
    rates = []
    for run in range(runs):
        prefix = f"{'I' if batch == IMPORT_BATCH else 'L'}{run}"  # case numbers new to the vault
        raw = _document(batch, 100 + run, prefix)
        seconds = timed(functools.partial(services.transfer.import_cases, raw, source="bench.json"))
        rates.append(batch / seconds)
    return statistics.median(rates)


def _document(batch: int, seed: int, prefix: str) -> bytes:
    """A cases-v1 document of `batch` invented cases, made by a child process (bench.document)."""
    made = subprocess.run(
        [sys.executable, "-m", "bench.document", str(batch), str(seed), prefix],
        check=True,
        capture_output=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    return made.stdout


def save_section(services: Services, numbers: list[str]) -> float:
    """Median seconds to save a changed profile (load, validate, write, reindex, audit)."""
    conn = services.opened.conn
    times = []
    for i, number in enumerate(numbers):
        person = cases_repo.stored_case(conn, services.cases.case_id(number)).person
        person.address = f"福州市鼓楼区测试路{i}号"
        times.append(timed(functools.partial(services.cases.update_profile, number, person)))
    return statistics.median(times)


# --- one size ---------------------------------------------------------------------------------


def run(size: int, kind: str, runs: int) -> dict:
    """All figures for the `kind` ("encrypted" or "plain") vault of `size` cases."""
    source = vaults.encrypted_folder(size) if kind == "encrypted" else vaults.plain_folder(size)
    rng = random.Random(size)
    out: dict = {}
    today = vaults.TODAY
    with tempfile.TemporaryDirectory(prefix="aftercare-bench-", dir=vaults.CACHE) as scratch:
        work = vaults.work_copy(source, Path(scratch) / "work")

        def open_work():
            return vaults.unlock(work) if kind == "encrypted" else vaults.open_plain_twin(work)

        if kind == "encrypted":
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                opened = vaults.unlock(work)
                times.append(time.perf_counter() - started)
                opened.lock()
            out["unlock_s"] = round(statistics.median(times), 3)

        opened = open_work()
        try:
            services = Services(opened, today=lambda: today)
            long, short = queries(services, rng)
            find = _find_times(services, long)
            out["find_ms_p50"] = _ms(percentile(find, 50))
            out["find_ms_p95"] = _ms(percentile(find, 95))
            out["find_short_ms_p50"] = _ms(percentile(_find_times(services, short), 50))
            out["find_queries"] = {"long": len(long), "short": len(short)}

            count = opened.conn.execute("SELECT count(*) FROM cases").fetchone()[0]
            numbers = [
                opened.conn.execute("SELECT case_number FROM cases WHERE id = ?", (i,)).fetchone()[
                    0
                ]
                for i in rng.sample(range(1, count + 1), 20)
            ]
            out["open_case_ms_p50"] = _ms(
                statistics.median(
                    timed(functools.partial(services.cases.open_case, n)) for n in numbers
                )
            )
            out["save_section_ms_p50"] = _ms(save_section(services, numbers[:15]))

            def first_page(sort: str = "opened_on", descending: bool = True) -> None:
                services.lists.page(None, sort, descending, limit=PAGE)

            out["list_first_page_ms"] = _ms(median_of(first_page, max(runs, 5)))
            out["list_first_page_ms_worst"] = max(
                _ms(median_of(functools.partial(first_page, sort, d), max(runs, 5)))
                for sort in list_repo.SORT_COLUMNS
                for d in (True, False)
            )
            out["list_count_ms"] = _ms(median_of(services.lists.count, max(runs, 5)))

            out["summary_s"] = round(median_of(lambda: summary(services, QUARTER), runs), 3)
            out["summary_year_s"] = round(median_of(lambda: summary(services, YEAR), runs), 3)
            seconds, failure = rollup_200(services)
            out["rollup_200_s"] = round(seconds, 3)
            if failure:
                out["rollup_200_error"] = failure

            out["case_pdf_s"] = round(
                median_of(lambda: services.documents.case_pdf(numbers[0]), runs), 3
            )
            out["import_cases_per_s"] = round(import_rate(services, runs))
            if kind == "encrypted":
                target = Path(scratch) / "backup.acbackup"
                out["backup_s"] = round(
                    median_of(
                        lambda: backup.write_backup(
                            opened.folder, opened.conn, opened.data_key_for_backup(), target
                        ),
                        runs,
                    ),
                    3,
                )
            # Last, as the largest thing held in memory (the document, its parsed JSON, the
            # cases): the peak of everything else is taken before it.
            out["peak_rss_mb"] = _peak_rss_mb()
            out["import_large_cases_per_s"] = round(import_rate(services, 1, LARGE_IMPORT))
            out["import_large_peak_rss_mb"] = _peak_rss_mb()
        finally:
            opened.lock()
    return out


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def main(argv: list[str]) -> int:
    size, kind, runs = int(argv[0]), argv[1], int(argv[2])
    print(json.dumps(run(size, kind, runs)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
