"""What duplicate detection reads of the cases: names, aliases, ID numbers and birth dates,
for all cases or for those born near a date (through the index cases_born of schema v9)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from app.domain.duplicates import Who
from app.storage.connection import Connection
from app.storage.list_repo import BIRTH_SQL

_SELECT = (
    "SELECT c.id, c.case_number, c.full_name, json_extract(c.person, '$.aliases'),"
    " json_extract(c.person, '$.id_number'), c.date_of_birth, c.age_at_intake, c.opened_on"
    " FROM cases c"
)


def _who(row: Any) -> Who:  # a row of _SELECT
    return Who.of(
        row[0],
        row[1],
        row[2],
        json.loads(row[3]) if row[3] else [],
        row[4],
        dt.date.fromisoformat(row[5]) if row[5] else None,
        row[6],
        dt.date.fromisoformat(row[7]),
    )


def everyone(conn: Connection) -> list[Who]:
    return [_who(r) for r in conn.execute(f"{_SELECT} WHERE c.duplicate_of IS NULL")]


def born_near(conn: Connection, born: dt.date, days: int) -> list[Who]:
    start, end = born - dt.timedelta(days=days), born + dt.timedelta(days=days)
    sql = f"{_SELECT} WHERE {BIRTH_SQL} BETWEEN ? AND ? AND c.duplicate_of IS NULL"
    return [_who(r) for r in conn.execute(sql, (start.isoformat(), end.isoformat()))]


def by_ids(conn: Connection, case_ids: list[int]) -> list[Who]:
    if not case_ids:
        return []
    marks = ",".join(str(int(i)) for i in case_ids)
    return [_who(r) for r in conn.execute(f"{_SELECT} WHERE c.id IN ({marks})")]
