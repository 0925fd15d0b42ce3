"""The tables and indicators of a summary (summary-v1), counted from case files.

`build_summary_body` makes one pass over the cases it is given (the caller chooses them,
e.g. every case of the vault) and returns `{"tables": [...], "indicators": [...]}` with
exact counts; protection (suppression.py) and the document around it (summary_format.py)
come after.

Readings of the spec where it leaves a choice:
- A code outside the code lists (a later version of the format may add codes) is counted
  in the row `other`, so that every case stays in its table's totals; a case with no
  exploitation code counts as `unknown`, a closed case without a reason as `other`.
- Origin: a division without a country is taken as Chinese (division codes are GB/T 2260);
  a country other than CN is `foreign` whatever its division.
- A service with no `started_on` is not counted as received (it cannot be placed in time).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from app.codes import (
    ClosureReason,
    Exploitation,
    Group,
    GuardianStatus,
    IdentifiedBy,
    ServiceKind,
    ServiceStatus,
    Sex,
    values,
)
from app.domain.model import Case
from app.domain.people import age_on, group_of
from app.reports.periods import Period

GROUP_COLS: tuple[str, ...] = (*values(Group), "total")
SEX_COLS: tuple[str, ...] = (*values(Sex), "total")
AGE_BANDS: tuple[str, ...] = ("0-5", "6-15", "16-17", "18-24", "25-39", "40+", "unknown")

# (id, rows, cols) of every table, in the order of the spec and of the document.
TABLE_LAYOUT: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("caseload", ("open_at_start", "opened", "closed", "open_at_end"), GROUP_COLS),
    ("age_sex", (*AGE_BANDS, "total"), SEX_COLS),
    ("exploitation", (*values(Exploitation), "total"), GROUP_COLS),
    ("origin", ("fujian", "other_province", "foreign", "unknown", "total"), GROUP_COLS),
    ("identified_by", (*values(IdentifiedBy), "total"), GROUP_COLS),
    ("services", tuple(values(ServiceKind)), GROUP_COLS),
    ("closures", (*values(ClosureReason), "total"), GROUP_COLS),
    ("followups", ("on_time", "late", "not_done", "total"), GROUP_COLS),
)

INDICATOR_IDS: tuple[str, ...] = (
    "medical_care",
    "psychological_care",
    "legal_aid",
    "school_enrolment",
    "training_women_girls_16plus",
    "employment_support_16plus",
    "children_without_guardian_in_care",
    "reintegrated",
    "followup_on_time",
)

CellRef = tuple[str, str, str]  # (table id, row, col)

# Cells of different tables that hold the same count (the same cases at the same reference
# date): protection must withhold all of them or none, or one would give away another.
LINKED_CELLS: tuple[tuple[CellRef, ...], ...] = (
    *(
        (
            ("caseload", "opened", col),
            ("exploitation", "total", col),
            ("origin", "total", col),
            ("identified_by", "total", col),
            *((("age_sex", "total", "total"),) if col == "total" else ()),
        )
        for col in GROUP_COLS
    ),
    *((("caseload", "closed", col), ("closures", "total", col)) for col in GROUP_COLS),
)

# Active cases: open at the start plus opened in the period. The denominators of the
# indicators that are in no table count a part of them.
ACTIVE_CELLS: tuple[CellRef, ...] = (
    ("caseload", "open_at_start", "total"),
    ("caseload", "opened", "total"),
)

# For each indicator, the table cells whose sum is its numerator and its denominator; empty
# where the count is in no table. Active cases are those open at the start plus those opened.
INDICATOR_CELLS: dict[str, tuple[tuple[CellRef, ...], tuple[CellRef, ...]]] = {
    "medical_care": ((("services", "medical_care", "total"),), ACTIVE_CELLS),
    "psychological_care": ((("services", "psychological_care", "total"),), ACTIVE_CELLS),
    "legal_aid": ((("services", "legal_aid", "total"),), ACTIVE_CELLS),
    "school_enrolment": ((), ()),
    "training_women_girls_16plus": ((), ()),
    "employment_support_16plus": ((), ()),
    "children_without_guardian_in_care": ((), ()),
    "reintegrated": (
        (
            ("closures", "reintegrated_family", "total"),
            ("closures", "independent_living", "total"),
        ),
        (("closures", "total", "total"),),
    ),
    "followup_on_time": ((("followups", "on_time", "total"),), (("followups", "total", "total"),)),
}

_RECEIVED = (ServiceStatus.ONGOING.value, ServiceStatus.COMPLETED.value)
_TRAINING = (ServiceKind.VOCATIONAL_TRAINING.value, ServiceKind.LIFE_SKILLS_TRAINING.value)
_REINTEGRATED = (ClosureReason.REINTEGRATED_FAMILY.value, ClosureReason.INDEPENDENT_LIVING.value)
_NO_GUARDIAN = (GuardianStatus.NOT_FOUND.value, GuardianStatus.PLACED_IN_CARE.value)
_PLACED = GuardianStatus.PLACED_IN_CARE.value
_CARE = ("medical_care", "psychological_care", "legal_aid")
_SCHOOLING = ServiceKind.SCHOOLING.value
_EMPLOYMENT = ServiceKind.EMPLOYMENT_SUPPORT.value
_FEMALE = Sex.FEMALE.value
_OTHER = "other"
_UNKNOWN_EXPLOITATION = Exploitation.UNKNOWN.value


def age_band(age: int | None) -> str:
    if age is None:
        return "unknown"
    if age <= 5:
        return "0-5"
    if age <= 15:
        return "6-15"
    if age <= 17:
        return "16-17"
    if age <= 24:
        return "18-24"
    if age <= 39:
        return "25-39"
    return "40+"


def origin_row(country: str | None, division: str | None) -> str:
    if country not in (None, "", "CN"):
        return "foreign"
    if division:
        return "fujian" if division.startswith("35") else "other_province"
    return "unknown"


def _index(codes: Iterable[str]) -> dict[str, int]:
    return {code: i for i, code in enumerate(codes)}


class _Counts:
    """Cells of one table without its total column and total row, which `cells()` adds."""

    def __init__(self, rows: tuple[str, ...], cols: tuple[str, ...]):
        has_total_row = rows[-1] == "total"
        self.data_rows = rows[:-1] if has_total_row else rows
        self.has_total_row = has_total_row
        self.row_index = _index(self.data_rows)
        self.col_index = _index(cols[:-1])
        self.counts = [[0] * (len(cols) - 1) for _ in self.data_rows]

    def add(self, row: str, col: str) -> None:
        # Codes outside the list fall into `other` (module docstring).
        r = self.row_index.get(row)
        if r is None:
            r = self.row_index["other"]
        self.counts[r][self.col_index[col]] += 1

    def cells(self) -> list[list[int]]:
        cells = [[*row, sum(row)] for row in self.counts]
        if self.has_total_row:
            cells.append([sum(column) for column in zip(*cells, strict=True)])
        return cells


def _received(case: Case, start: dt.date, end: dt.date) -> set[str]:
    """Kinds of service the case received in [start, end]."""
    kinds: set[str] = set()
    for service in case.services:
        started = service.started_on
        if (
            service.status in _RECEIVED
            and started is not None
            and started <= end
            and (service.ended_on is None or service.ended_on >= start)
        ):
            kinds.add(service.kind)
    return kinds


def build_summary_body(cases: Iterable[Case], period: Period) -> dict[str, Any]:
    """Every table and indicator of summary-v1 for `period`, counted over `cases`."""
    start, end = period.start, period.end
    counts = {table_id: _Counts(rows, cols) for table_id, rows, cols in TABLE_LAYOUT}
    caseload, age_sex = counts["caseload"], counts["age_sex"]
    exploitation, origin = counts["exploitation"], counts["origin"]
    identified, closures = counts["identified_by"], counts["closures"]
    followups = counts["followups"]
    num = dict.fromkeys(INDICATOR_IDS, 0)
    den = dict.fromkeys(INDICATOR_IDS, 0)

    # One pass; each age is computed only for the dates the case is counted at. Group
    # members are StrEnums, which index the column dicts like their codes.
    for case in cases:
        person, opened, closed = case.person, case.opened_on, case.closed_on
        sex = person.sex
        open_at_start = closed is None or closed >= start
        if opened < start and open_at_start:
            caseload.add("open_at_start", group_of(sex, age_on(person, opened, start)))
        if start <= opened <= end:
            age = age_on(person, opened, opened)
            g = group_of(sex, age)
            caseload.add("opened", g)
            age_sex.add(age_band(age), sex if sex in age_sex.col_index else "unknown")
            kinds = case.intake.exploitation
            exploitation.add(kinds[0] if kinds else _UNKNOWN_EXPLOITATION, g)
            origin.add(origin_row(person.origin.country, person.origin.division), g)
            identified.add(case.intake.identified_by, g)
        if closed is not None and start <= closed <= end:
            g = group_of(sex, age_on(person, opened, closed))
            reason = case.closure_reason or _OTHER
            caseload.add("closed", g)
            closures.add(reason, g)
            den["reintegrated"] += 1
            num["reintegrated"] += reason in _REINTEGRATED
        if opened <= end and open_at_start:
            age_end = age_on(person, opened, end)
            g_end = group_of(sex, age_end)
            if closed is None or closed > end:
                caseload.add("open_at_end", g_end)
            _count_active(case, age_end, g_end, period, counts["services"], num, den)
        for followup in case.followups:
            due = followup.due_on
            if start <= due <= end:
                done = followup.done_on
                if done is not None and done <= due:
                    row = "on_time"
                    num["followup_on_time"] += 1
                elif done is not None and done <= end:
                    row = "late"
                else:
                    row = "not_done"
                followups.add(row, group_of(sex, age_on(person, opened, due)))
                den["followup_on_time"] += 1

    tables = [
        {"id": table_id, "rows": list(rows), "cols": list(cols), "cells": counts[table_id].cells()}
        for table_id, rows, cols in TABLE_LAYOUT
    ]
    indicators = [{"id": i, "numerator": num[i], "denominator": den[i]} for i in INDICATOR_IDS]
    return {"tables": tables, "indicators": indicators}


def _count_active(
    case: Case,
    age: int | None,
    group: str,
    period: Period,
    services: _Counts,
    num: dict[str, int],
    den: dict[str, int],
) -> None:
    """The services table and the indicators about active cases, ages at the period end."""
    kinds = _received(case, period.start, period.end)
    # A case counts once per row, also when several unlisted kinds fall into `other`.
    for row in {kind if kind in services.row_index else _OTHER for kind in kinds}:
        services.add(row, group)
    for kind in _CARE:
        den[kind] += 1
        num[kind] += kind in kinds
    if age is None:
        return
    if 6 <= age <= 15:
        den["school_enrolment"] += 1
        num["school_enrolment"] += _SCHOOLING in kinds
    if age >= 16:
        if case.person.sex == _FEMALE:
            den["training_women_girls_16plus"] += 1
            num["training_women_girls_16plus"] += not kinds.isdisjoint(_TRAINING)
        den["employment_support_16plus"] += 1
        num["employment_support_16plus"] += _EMPLOYMENT in kinds
    guardian = case.guardian
    if age < 18 and guardian is not None and guardian.status in _NO_GUARDIAN:
        den["children_without_guardian_in_care"] += 1
        num["children_without_guardian_in_care"] += guardian.status == _PLACED
