"""Ages and summary groups, by the rules of cases-v1 ("Age at a date D") and summary-v1.

Age at a date D is counted from `date_of_birth` when it is known; otherwise from
`age_at_intake` (the age on the day the case was opened) plus the whole years from
`opened_on` to D; unknown (None) when neither is given.

A birthday counts as reached on the day itself. Someone born on 29 February reaches the
next age on 1 March in years without a 29 February (the comparison of (month, day) pairs
below gives that without a special case); the same holds for a case opened on 29 February.
"""

from __future__ import annotations

import datetime as dt

from app.codes import Group, Sex
from app.domain.model import Person

ADULT_AGE = 18


def whole_years(start: dt.date, end: dt.date) -> int:
    """Whole years from `start` to `end`: the anniversary itself counts; negative if `end` < `start`."""
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return years


def age_on(person: Person, opened_on: dt.date, on: dt.date) -> int | None:
    """The person's age in whole years on `on`, or None when it cannot be known.

    Also None for a day before the person was born (a date of birth after `on`, or an
    intake age that would go below zero), which validation reports on its own.
    """
    return age_from(person.date_of_birth, person.age_at_intake, opened_on, on)


def age_from(
    date_of_birth: dt.date | None, age_at_intake: int | None, opened_on: dt.date, on: dt.date
) -> int | None:
    """`age_on` from the two fields it reads, for callers that hold no `Person` (summaries)."""
    if date_of_birth is not None:
        age = whole_years(date_of_birth, on)
    elif age_at_intake is not None:
        age = age_at_intake + whole_years(opened_on, on)
    else:
        return None
    return age if age >= 0 else None


def is_child(person: Person, opened_on: dt.date, on: dt.date) -> bool:
    """True when the person is known to be under 18 on `on` (an unknown age is not a child)."""
    age = age_on(person, opened_on, on)
    return age is not None and age < ADULT_AGE


def group_of(sex: str, age: int | None) -> Group:
    """The summary group: girl, boy (under 18), woman (female 18+), other (men, or unknown)."""
    if age is None or sex not in (Sex.FEMALE, Sex.MALE):
        return Group.OTHER
    if age < ADULT_AGE:
        return Group.GIRL if sex == Sex.FEMALE else Group.BOY
    return Group.WOMAN if sex == Sex.FEMALE else Group.OTHER
