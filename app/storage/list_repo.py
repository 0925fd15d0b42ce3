"""The case list in SQL: ids in the asked order with filters, then rows by id, page by page.

The window's list model keeps only the ids and asks for rows as they scroll into view, so
a list of 100,000 cases costs one id query and a page of rows at a time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from app.storage.connection import Connection

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
# A case whose closure waits for a supervisor shows "closure_requested" (app.codes.CaseState).
PENDING_CLOSURE_SQL = (
    "EXISTS (SELECT 1 FROM closure_requests r WHERE r.case_id = c.id AND r.state = 'pending')"
)
SHOWN_STATUS_SQL = f"(CASE WHEN {PENDING_CLOSURE_SQL} THEN 'closure_requested' ELSE c.status END)"
NEXT_FOLLOWUP_SQL = (
    "(SELECT min(f.due_on) FROM followups f WHERE f.case_id = c.id AND f.done_on IS NULL)"
)

# A person's date of birth, or the opening date less the age at intake: a later one is a
# younger person at any date. Word for word the expression of the indexes of schema v9.
BIRTH_SQL = "coalesce(c.date_of_birth, date(c.opened_on, '-' || c.age_at_intake || ' years'))"

# The orders the list offers (`_runs`). Within equal values each continues by what its index
# holds next: status by opening date, age by birth date, group by age (and 'other' by sex
# first), the next follow-up by which follow-up was entered first; then by id.
SORT_COLUMNS = ("case_number", "name", "group", "age", "status", "opened_on", "next_followup")


@dataclass(frozen=True)
class CaseFilter:
    status: str | None = None  # a CaseState: open, closure_requested or closed
    group: str | None = None
    followup_overdue: bool = False
    exploitation: str | None = None
    origin_division: str | None = None  # a prefecture (350100) or a province (530000)
    case_ids: tuple[int, ...] | None = None  # restrict to these (search results)
    holder_id: int | None = None  # the cases this user is responsible for


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


# --- orders as walks along indexes ------------------------------------------------------------


@dataclass(frozen=True)
class _Run:
    """One stretch of an order: the rows matching `where`, by `keys` (the last one unique),
    all in one direction, so that one index gives them in order and a page continues after
    the keys of the previous page's last row."""

    where: str
    keys: tuple[str, ...]
    descending: bool
    source: str = "cases c"


# Where a list of runs stopped: (the run, the keys of the last row given).
Cursor = tuple[int, tuple[object, ...]]

_FIRST_OPEN = (
    "f.done_on IS NULL AND NOT EXISTS (SELECT 1 FROM followups g WHERE g.case_id = f.case_id"
    " AND g.done_on IS NULL AND (g.due_on < f.due_on OR (g.due_on = f.due_on AND g.id < f.id)))"
)
_NO_OPEN = "NOT EXISTS (SELECT 1 FROM followups g WHERE g.case_id = c.id AND g.done_on IS NULL)"


def _adult_born_by(today: dt.date) -> str:
    """The latest birth date of someone 18 or older today, as the age rule counts (a string
    compare: for 29 February the day need not exist)."""
    return f"{today.year - 18:04d}-{today:%m-%d}"


def _group_runs(today: dt.date) -> list[_Run]:
    """Ascending by group (boy, girl, other, woman), then by age, younger first; 'other' by
    sex first. Each run is a range of the index cases_sex_born."""
    adult = f"'{_adult_born_by(today)}'"
    by_age = (BIRTH_SQL, "c.id")
    by_id = ("c.id",)
    return [
        _Run(f"c.sex = 'male' AND {BIRTH_SQL} > {adult}", by_age, True),
        _Run(f"c.sex = 'female' AND {BIRTH_SQL} > {adult}", by_age, True),
        _Run(f"c.sex = 'female' AND {BIRTH_SQL} IS NULL", by_id, False),
        _Run(f"c.sex = 'male' AND {BIRTH_SQL} <= {adult}", by_age, True),
        _Run(f"c.sex = 'male' AND {BIRTH_SQL} IS NULL", by_id, False),
        _Run(f"c.sex = 'unknown' AND {BIRTH_SQL} IS NOT NULL", by_age, True),
        _Run(f"c.sex = 'unknown' AND {BIRTH_SQL} IS NULL", by_id, False),
        _Run(f"c.sex = 'female' AND {BIRTH_SQL} <= {adult}", by_age, True),
    ]


def _runs(sort: str, descending: bool, today: dt.date) -> list[_Run]:
    """The runs of an order, empty values last in both directions."""
    if sort == "group":
        ascending = _group_runs(today)
        if not descending:
            return ascending
        return [_Run(r.where, r.keys, not r.descending) for r in reversed(ascending)]
    if sort == "age":  # younger first: a later birth date
        return [
            _Run(f"{BIRTH_SQL} IS NOT NULL", (BIRTH_SQL, "c.id"), not descending),
            _Run(f"{BIRTH_SQL} IS NULL", ("c.id",), descending),
        ]
    if sort == "next_followup":  # a case at its first open follow-up, then cases with none
        return [
            _Run(
                _FIRST_OPEN,
                ("f.due_on", "f.id"),
                descending,
                "followups f JOIN cases c ON c.id = f.case_id",
            ),
            _Run(_NO_OPEN, ("c.id",), descending),
        ]
    keys = {
        "case_number": ("c.case_number",),
        "name": ("c.full_name", "c.id"),
        "status": ("c.status", "c.opened_on", "c.id"),
    }.get(sort, ("c.opened_on", "c.id"))
    return [_Run("1", keys, descending)]


def _filter_sql(filters: CaseFilter, args: dict[str, object]) -> list[str]:
    where = []
    if filters.status == "closure_requested":
        where.append(PENDING_CLOSURE_SQL)
    elif filters.status:
        where.append("c.status = :status")
        args["status"] = filters.status
        if filters.status == "open":
            where.append(f"NOT {PENDING_CLOSURE_SQL}")
    if filters.holder_id is not None:
        where.append("c.responsible_user_id = :holder")
        args["holder"] = filters.holder_id
    if filters.group:
        where.append(f"{GROUP_SQL} = :group")
        args["group"] = filters.group
    if filters.followup_overdue:  # as the follow-ups page counts: closed cases are never overdue
        where.append(
            "c.status = 'open' AND EXISTS (SELECT 1 FROM followups o WHERE o.case_id = c.id"
            " AND o.done_on IS NULL AND o.due_on < :today)"
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
    return where


def page_ids(
    conn: Connection,
    filters: CaseFilter,
    sort: str,
    descending: bool,
    today: dt.date,
    after: Cursor | None = None,
    limit: int | None = None,
) -> tuple[list[int], Cursor | None]:
    """Up to `limit` case ids (all without one) in the asked order, after `after`, and the
    cursor for the next page (None at the end). Each run is one query that walks an index
    and stops at the limit, so a page costs about the same at any size of vault."""
    runs = _runs(sort, descending, today)
    first, last = after if after is not None else (0, None)
    ids: list[int] = []
    for number in range(first, len(runs)):
        run = runs[number]
        args: dict[str, object] = {"today": today.isoformat()}
        where = [run.where, *_filter_sql(filters, args)]
        if last is not None and number == first:
            marks = ", ".join(f":k{i}" for i in range(len(run.keys)))
            after_sign = "<" if run.descending else ">"
            # The first term alone is what SQLite turns into a range of an expression index.
            where.append(f"{run.keys[0]} {after_sign}= :k0")
            where.append(f"({', '.join(run.keys)}) {after_sign} ({marks})")
            args.update({f"k{i}": value for i, value in enumerate(last)})
        direction = " DESC" if run.descending else ""
        sql = (
            f"SELECT c.id, {', '.join(run.keys)} FROM {run.source} WHERE {' AND '.join(where)}"
            f" ORDER BY {', '.join(k + direction for k in run.keys)}"
        )
        wanted = None if limit is None else limit - len(ids)
        if wanted is not None:
            sql += f" LIMIT {wanted}"
        found = conn.execute(sql, args).fetchall()
        ids.extend(row[0] for row in found)
        if wanted is not None and len(found) == wanted:
            return ids, (number, tuple(found[-1][1:]))
    return ids, None


def list_ids(
    conn: Connection, filters: CaseFilter, sort: str, descending: bool, today: dt.date
) -> list[int]:
    """Every matching case id in the asked order (the same order as `page_ids`)."""
    return page_ids(conn, filters, sort, descending, today)[0]


def count(conn: Connection, filters: CaseFilter, today: dt.date) -> int:
    args: dict[str, object] = {"today": today.isoformat()}
    where = _filter_sql(filters, args)
    sql = "SELECT count(*) FROM cases c" + (" WHERE " + " AND ".join(where) if where else "")
    found: int = conn.execute(sql, args).fetchone()[0]
    return found


def rows(conn: Connection, case_ids: list[int], today: dt.date) -> list[CaseRow]:
    """Rows for the given ids, in the same order."""
    if not case_ids:
        return []
    marks = ",".join(str(int(i)) for i in case_ids)
    sql = (
        f"SELECT c.id, c.case_number, c.full_name, c.sex, {GROUP_SQL}, {AGE_SQL}, {SHOWN_STATUS_SQL}, c.opened_on,"
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
    holder: str | None = None  # the worker responsible for the case


def followups_due(
    conn: Connection, today: dt.date, until: dt.date, holder_id: int | None = None
) -> list[DueFollowup]:
    """Open cases' visits not done and due by `until` (overdue ones included), by due date;
    only the cases `holder_id` holds when given."""
    sql = (
        "SELECT c.id, c.case_number, c.full_name, f.id, f.due_on, u.name FROM followups f"
        " JOIN cases c ON c.id = f.case_id LEFT JOIN users u ON u.id = c.responsible_user_id"
        " WHERE f.done_on IS NULL AND f.due_on <= ? AND c.status = 'open'"
    )
    args: list[Any] = [until.isoformat()]
    if holder_id is not None:
        sql += " AND c.responsible_user_id = ?"
        args.append(holder_id)
    out = []
    for r in conn.execute(sql + " ORDER BY f.due_on, c.case_number", args):
        due = dt.date.fromisoformat(r[4])
        out.append(DueFollowup(r[0], r[1], r[2], r[3], due, due < today, r[5]))
    return out
