"""The tables and indicators of a summary (summary-v1), counted from case files.

`summary_body` makes one pass over the facts of the cases it is given (case_facts.py; the
caller chooses the cases, e.g. those app.storage.summary_repo reads for the period) and
returns `{"tables": [...], "indicators": [...]}` with exact counts; `build_summary_body`
does the same from whole `Case` objects. Protection (suppression.py) and the document
around it (summary_format.py) come after.

Readings of the spec where it leaves a choice:
- A code outside the code lists (a later version of the format may add codes) is counted
  in the row `other`, so that every case stays in its table's totals; a case with no
  exploitation code counts as `unknown`, a closed case without a reason as `other`.
- Origin: a division without a country is taken as Chinese (division codes are GB/T 2260);
  a country other than CN is `foreign` whatever its division.
- A service with no `started_on` is not counted as received (it cannot be placed in time).
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from typing import Any

from app.codes import (
    ClosureReason,
    Exploitation,
    Group,
    GuardianStatus,
    IdentifiedBy,
    ServiceKind,
    Sex,
    values,
)
from app.domain.model import Case
from app.domain.people import age_from, group_of
from app.reports.case_facts import CaseFacts, facts_of
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

_TRAINING = (ServiceKind.VOCATIONAL_TRAINING.value, ServiceKind.LIFE_SKILLS_TRAINING.value)
_REINTEGRATED = (ClosureReason.REINTEGRATED_FAMILY.value, ClosureReason.INDEPENDENT_LIVING.value)
_NO_GUARDIAN = (GuardianStatus.NOT_FOUND.value, GuardianStatus.PLACED_IN_CARE.value)
_PLACED = GuardianStatus.PLACED_IN_CARE.value
_CARE = ("medical_care", "psychological_care", "legal_aid")
_SCHOOLING = ServiceKind.SCHOOLING.value
_EMPLOYMENT = ServiceKind.EMPLOYMENT_SUPPORT.value
_FEMALE = Sex.FEMALE.value
_SEXES = frozenset(values(Sex))
_SERVICE_ROWS = frozenset(values(ServiceKind))
_OTHER = "other"


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


@functools.cache
def _group(sex: str, age: int | None) -> str:
    """`group_of` as a plain code. Cached: a summary asks it some 200,000 times for a few
    hundred distinct pairs, and plain strings index the tallies faster than StrEnum members."""
    return group_of(sex, age).value


def _cells(
    tally: Counter[tuple[str, str]], rows: tuple[str, ...], cols: tuple[str, ...]
) -> list[list[int]]:
    """The table's cells from its tally, with the total column (and total row, if any).

    Codes outside the list fall into the row `other` (module docstring); a column outside
    the list is a bug of the counting and raises KeyError.
    """
    data_rows = rows[:-1] if rows[-1] == "total" else rows
    grid = {row: dict.fromkeys(cols[:-1], 0) for row in data_rows}
    for (row, col), n in tally.items():
        (grid[row] if row in grid else grid[_OTHER])[col] += n
    cells = [[*line.values(), sum(line.values())] for line in grid.values()]
    if len(data_rows) < len(rows):
        cells.append([sum(column) for column in zip(*cells, strict=True)])
    return cells


def build_summary_body(cases: Iterable[Case], period: Period) -> dict[str, Any]:
    """Every table and indicator of summary-v1 for `period`, counted over whole `cases`."""
    start, end = period.start, period.end
    return summary_body((facts_of(case, start, end) for case in cases), period)


def summary_body(facts: Iterable[CaseFacts], period: Period) -> dict[str, Any]:
    """Every table and indicator of summary-v1 for `period`, counted over the cases' facts
    for that period (case_facts.py; app.storage.summary_repo reads them for a vault)."""
    start, end = period.start, period.end
    tallies: dict[str, Counter[tuple[str, str]]] = {t: Counter() for t, _, _ in TABLE_LAYOUT}
    caseload, age_sex = tallies["caseload"], tallies["age_sex"]
    exploitation, origin = tallies["exploitation"], tallies["origin"]
    identified, closures = tallies["identified_by"], tallies["closures"]
    followups, services = tallies["followups"], tallies["services"]
    num = dict.fromkeys(INDICATOR_IDS, 0)
    den = dict.fromkeys(INDICATOR_IDS, 0)
    active = 0
    age_at, group = age_from, _group  # local names: this loop runs ~10^5-10^6 times

    # One pass; each age is computed only for the dates the case is counted at.
    for (
        opened,
        closed,
        reason,
        sex,
        born,
        intake_age,
        country,
        division,
        primary,
        identified_by,
        guardian,
        received,
        due_followups,
        transferred_in,
    ) in facts:
        open_at_start = closed is None or closed >= start
        if opened < start and open_at_start:
            age = age_at(born, intake_age, opened, start)
            caseload["open_at_start", group(sex, age)] += 1
        # summary-v1 A1: a case received by referral was opened (and counted) by its origin.
        if start <= opened <= end and not transferred_in:
            age = age_at(born, intake_age, opened, opened)
            g = group(sex, age)
            caseload["opened", g] += 1
            age_sex[age_band(age), sex if sex in _SEXES else "unknown"] += 1
            exploitation[primary, g] += 1
            origin[origin_row(country, division), g] += 1
            identified[identified_by, g] += 1
        if closed is not None and start <= closed <= end:
            g = group(sex, age_at(born, intake_age, opened, closed))
            caseload["closed", g] += 1
            closures[reason or _OTHER, g] += 1
        if opened <= end and open_at_start:
            active += 1
            age_end = age_at(born, intake_age, opened, end)
            g_end = group(sex, age_end)
            if closed is None or closed > end:
                caseload["open_at_end", g_end] += 1
            _count_active(received, sex, guardian, age_end, g_end, services, num, den)
        if due_followups:
            # Ages only grow, so a group changes only where an age reaches 0 or 18, and a
            # period (a year at most) holds at most one of those for a person: when the
            # group is the same on the period's first and last day, it is the same on every
            # day between, and a year's ~270,000 follow-ups need no age of their own.
            first = group(sex, age_at(born, intake_age, opened, start))
            same = first == group(sex, age_at(born, intake_age, opened, end))
            for due, done in due_followups:
                if done is not None and done <= due:
                    row = "on_time"
                elif done is not None and done <= end:
                    row = "late"
                else:
                    row = "not_done"
                followups[
                    row, first if same else group(sex, age_at(born, intake_age, opened, due))
                ] += 1

    # Indicators whose counts the tables hold already, taken from the tallies.
    for kind in _CARE:  # each active case is in a service row at most once
        num[kind] = sum(n for (row, _), n in services.items() if row == kind)
        den[kind] = active
    num["reintegrated"] = sum(n for (row, _), n in closures.items() if row in _REINTEGRATED)
    den["reintegrated"] = closures.total()
    num["followup_on_time"] = sum(n for (row, _), n in followups.items() if row == "on_time")
    den["followup_on_time"] = followups.total()

    tables = [
        {"id": t, "rows": list(rows), "cols": list(cols), "cells": _cells(tallies[t], rows, cols)}
        for t, rows, cols in TABLE_LAYOUT
    ]
    indicators = [{"id": i, "numerator": num[i], "denominator": den[i]} for i in INDICATOR_IDS]
    return {"tables": tables, "indicators": indicators}


def _count_active(
    kinds: AbstractSet[str],
    sex: str,
    guardian: str | None,
    age: int | None,
    group: str,
    services: Counter[tuple[str, str]],
    num: dict[str, int],
    den: dict[str, int],
) -> None:
    """The services table and the indicators about active cases, ages at the period end;
    `kinds` are those received in the period, `guardian` the guardian status."""
    # A case counts once per row, also when several unlisted kinds fall into `other`.
    rows = kinds if kinds <= _SERVICE_ROWS else {k if k in _SERVICE_ROWS else _OTHER for k in kinds}
    for row in rows:
        services[row, group] += 1
    if age is None:
        return
    if 6 <= age <= 15:
        den["school_enrolment"] += 1
        num["school_enrolment"] += _SCHOOLING in kinds
    if age >= 16:
        if sex == _FEMALE:
            den["training_women_girls_16plus"] += 1
            num["training_women_girls_16plus"] += not kinds.isdisjoint(_TRAINING)
        den["employment_support_16plus"] += 1
        num["employment_support_16plus"] += _EMPLOYMENT in kinds
    if age < 18 and guardian in _NO_GUARDIAN:
        den["children_without_guardian_in_care"] += 1
        num["children_without_guardian_in_care"] += guardian == _PLACED
