"""The case list in SQL: ids in the asked order with filters, then rows by id, page by page.

The window's list model keeps only the ids and asks for rows as they scroll into view, so
a list of 100,000 cases costs one id query and a page of rows at a time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# Age at a date (parameter :today), by the cases-v1 rule: from the date of birth when known,
# else the age at intake plus whole years since opening. Whole years = year difference,
# minus one when the month-day has not come yet.
_YEARS = "(CAST(strftime('%Y', :today) AS INTEGER) - CAST(strftime('%Y', {d}) AS INTEGER) - (strftime('%m-%d', :today) < strftime('%m-%d', {d})))"
AGE_SQL = (
    "(CASE WHEN c.date_of_birth IS NOT NULL THEN "
    + _YEARS.format(d="c.date_of_birth")
    + " WHEN c.age_at_intake IS NOT NULL THEN c.age_at_intake + "
    + _YEARS.format(d="c.opened_on")
    + " END)"
)
GROUP_SQL = (
    f"(CASE WHEN {AGE_SQL} IS NULL OR c.sex = 'unknown' THEN 'other'"
    f" WHEN {AGE_SQL} < 18 THEN (CASE c.sex WHEN 'female' THEN 'girl' ELSE 'boy' END)"
    " WHEN c.sex = 'female' THEN 'woman' ELSE 'other' END)"
)
NEXT_FOLLOWUP_SQL = (
    "(SELECT min(f.due_on) FROM followups f WHERE f.case_id = c.id AND f.done_on IS NULL)"
)

SORT_COLUMNS = {
    "case_number": "c.case_number",
    "name": "c.full_name",
    "group": GROUP_SQL,
    "age": AGE_SQL,
    "status": "c.status",
    "opened_on": "c.opened_on",
    "next_followup": NEXT_FOLLOWUP_SQL,
}

# Sort keys whose column is NOT NULL in the schema.
NOT_NULL_SORTS = frozenset({"case_number", "name", "status", "opened_on"})


@dataclass(frozen=True)
class CaseFilter:
    status: str | None = None
    group: str | None = None
    followup_overdue: bool = False
    exploitation: str | None = None
    origin_division: str | None = None  # a prefecture (350100) or a province (530000)
    case_ids: tuple[int, ...] | None = None  # restrict to these (search results)


@dataclass(frozen=True)
class CaseRow:
    case_id: int
    case_number: str
    full_name: str
    sex: str
    group: str
    age: int | None
    status: str
    opened_on: dt.date
    next_followup: dt.date | None


def list_ids(conn, filters: CaseFilter, sort: str, descending: bool, today: dt.date) -> list[int]:
    where, args = [], {"today": today.isoformat()}
    if filters.status:
        where.append("c.status = :status")
        args["status"] = filters.status
    if filters.group:
        where.append(f"{GROUP_SQL} = :group")
        args["group"] = filters.group
    if filters.followup_overdue:
        where.append(
            "EXISTS (SELECT 1 FROM followups f WHERE f.case_id = c.id AND f.done_on IS NULL AND f.due_on < :today)"
        )
    if filters.exploitation:
        where.append("c.primary_exploitation = :exploitation")
        args["exploitation"] = filters.exploitation
    if filters.origin_division:
        division = filters.origin_division
        # A province code (xx0000) matches its prefectures too.
        prefix = (
            division[:2]
            if division.endswith("0000")
            else division[:4]
            if division.endswith("00")
            else division
        )
        where.append("c.origin_division LIKE :division")
        args["division"] = prefix + "%"
    if filters.case_ids is not None:
        where.append(f"c.id IN ({','.join(str(int(i)) for i in filters.case_ids) or 'NULL'})")
    order = SORT_COLUMNS.get(sort, "c.opened_on")
    direction = "DESC" if descending else "ASC"
    sql = "SELECT c.id FROM cases c"
    if where:
        sql += " WHERE " + " AND ".join(where)
    # Unknown values last; columns that are never NULL skip that term, so the order can come
    # straight from an index (cases_opened) instead of a sort of every row.
    nulls_last = "" if sort in NOT_NULL_SORTS else f"{order} IS NULL, "
    sql += f" ORDER BY {nulls_last}{order} {direction}, c.id {direction}"
    return [r[0] for r in conn.execute(sql, args)]


def rows(conn, case_ids: list[int], today: dt.date) -> list[CaseRow]:
    """Rows for the given ids, in the same order."""
    if not case_ids:
        return []
    marks = ",".join(str(int(i)) for i in case_ids)
    sql = (
        f"SELECT c.id, c.case_number, c.full_name, c.sex, {GROUP_SQL}, {AGE_SQL}, c.status, c.opened_on,"
        f" {NEXT_FOLLOWUP_SQL} FROM cases c WHERE c.id IN ({marks})"
    )
    found = {}
    for r in conn.execute(sql, {"today": today.isoformat()}):
        found[r[0]] = CaseRow(
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            r[5],
            r[6],
            dt.date.fromisoformat(r[7]),
            dt.date.fromisoformat(r[8]) if r[8] else None,
        )
    return [found[i] for i in case_ids if i in found]


@dataclass(frozen=True)
class DueFollowup:
    case_id: int
    case_number: str
    full_name: str
    followup_id: int
    due_on: dt.date
    overdue: bool


def followups_due(conn, today: dt.date, until: dt.date) -> list[DueFollowup]:
    sql = (
        "SELECT c.id, c.case_number, c.full_name, f.id, f.due_on FROM followups f JOIN cases c ON c.id = f.case_id"
        " WHERE f.done_on IS NULL AND f.due_on <= ? AND c.status = 'open' ORDER BY f.due_on, c.case_number"
    )
    out = []
    for r in conn.execute(sql, (until.isoformat(),)):
        due = dt.date.fromisoformat(r[4])
        out.append(DueFollowup(r[0], r[1], r[2], r[3], due, due < today))
    return out
