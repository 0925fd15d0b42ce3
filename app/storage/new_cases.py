"""Writing new cases, one (a case created in the window, a received referral) or many
(imports, demo vaults), in the caller's transaction.

A batch of cases becomes rows in Python, with ids assigned in advance, and each table gets
one `executemany`: an import of thousands of cases would otherwise spend most of its time
in one statement per row and in reading each new id back. The row builders are those of
`cases_repo` (`case_columns`, `LIST_COLUMNS`, `search_rows`), which writes changes to
stored cases.

Ids continue from the largest in each table. That is the id SQLite itself would give (the
tables have no AUTOINCREMENT), and the write lock the caller's transaction holds keeps
anyone else from taking one in between.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from app.domain.model import Case
from app.storage.cases_repo import (
    LIST_COLUMNS,
    ROWS_PER_CASE,
    case_columns,
    index_rows,
    search_rows,
)
from app.storage.connection import Connection

BATCH = 500  # cases per round of executemany: bounded memory, few calls

# Bulk writes dirty pages all over the indexes; with the connection's usual cache they are
# spilled to the WAL, read back and (in a vault) decrypted again before the commit. A
# larger cache for the length of an import keeps them in memory (~80 MB per 1,000 cases
# into a 100,000-case vault); the usual size is restored afterwards.
_BULK_CACHE_KIB = 256 * 1024


def insert_case(conn: Connection, case: Case) -> int:
    """Insert one new case with all its lists and search rows; sets and returns `case.id`."""
    next_ids = _next_ids(conn)
    case_id = next_ids["cases"]
    _insert_batch(conn, [case], _now(), next_ids)
    return case_id


def insert_cases(
    conn: Connection, cases: Iterable[Case], progress: Callable[[int], None] | None = None
) -> int:
    """Insert new cases, batch by batch; sets each `id`; returns the count.

    `progress(done)` is called after each batch.
    """
    now, done = _now(), 0
    with _large_cache(conn):
        next_ids = _next_ids(conn)
        for batch in _batches(cases):
            _insert_batch(conn, batch, now, next_ids)
            done += len(batch)
            if progress:
                progress(done)
    return done


def _insert_batch(conn: Connection, batch: list[Case], now: str, next_ids: dict[str, int]) -> None:
    """Write `batch`, taking ids from `next_ids` (table -> next free id), which it advances."""
    case_rows = []
    list_rows: dict[str, list[tuple[Any, ...]]] = {
        table: [] for table, _c, _v in LIST_COLUMNS.values()
    }
    search = []
    for case in batch:
        case.id = next_ids["cases"]
        next_ids["cases"] += 1
        columns = case_columns(case)
        columns["created_at"] = columns["updated_at"] = now
        case_rows.append((case.id, *columns.values()))
        for attribute, (table, _columns, values) in LIST_COLUMNS.items():
            for position, entry in enumerate(getattr(case, attribute)):
                entry.id = next_ids[table]
                next_ids[table] += 1
                list_rows[table].append((entry.id, case.id, position, *values(entry)))
        base = case.id * ROWS_PER_CASE
        for n, (text, scope) in enumerate(search_rows(case)):
            search.append((base + n, text, scope))
    names = ",".join(columns)
    marks = ",".join("?" * (len(columns) + 1))
    conn.executemany(f"INSERT INTO cases (id, {names}) VALUES ({marks})", case_rows)
    for table, list_columns, _values in LIST_COLUMNS.values():
        marks = ",".join("?" * (len(list_columns) + 3))
        conn.executemany(
            f"INSERT INTO {table} (id, case_id, position, {','.join(list_columns)})"
            f" VALUES ({marks})",
            list_rows[table],
        )
    index_rows(conn, search)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _next_ids(conn: Connection) -> dict[str, int]:
    tables = ["cases", *(table for table, _c, _v in LIST_COLUMNS.values())]
    return {
        table: conn.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()[0]
        for table in tables
    }


@contextlib.contextmanager
def _large_cache(conn: Connection) -> Iterator[None]:
    before = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute(f"PRAGMA cache_size = -{_BULK_CACHE_KIB}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {before}")
        conn.execute("PRAGMA shrink_memory")


def _batches(cases: Iterable[Case]) -> Iterator[list[Case]]:
    batch: list[Case] = []
    for case in cases:
        batch.append(case)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch
