"""Reading an 18-digit resident identity card number (GB 11643-1999).

Digits 1-6 are the division where it was issued (GB/T 2260), 7-14 the date of birth,
15-17 a sequence whose last digit is odd for men and even for women, and 18 a check
character (ISO 7064 MOD 11-2, X standing for 10). The field also holds passport numbers,
so only text that looks like an identity number (18 characters, 17 digits then a digit or
X) is judged here; anything else is left alone.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from app.i18n import _

_SHAPE = re.compile(r"[0-9]{17}[0-9Xx]")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


@dataclass(frozen=True)
class IdReading:
    """What a well-formed number says, or why it is not one (`problem`)."""

    problem: str | None = None
    birth_date: dt.date | None = None
    sex: str | None = None  # "female" / "male", the codes of app.codes.Sex
    division: str | None = None  # where it was issued, as six digits


def looks_like_id_number(text: str) -> bool:
    """18 characters of digits (the last may be X), or 18 digits typed so far."""
    return bool(_SHAPE.fullmatch(text.strip()))


def check_character(first17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def read(text: str, today: dt.date) -> IdReading | None:
    """None when `text` is not shaped like an identity number (a passport, a partial number);
    otherwise its birth date, sex and division, or the problem with it."""
    number = text.strip().upper()
    if not _SHAPE.fullmatch(number):
        return None
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return IdReading(problem=_("has no valid date of birth in digits 7-14"))
    if birth > today or birth.year < 1900:
        return IdReading(problem=_("has a date of birth in digits 7-14 that cannot be right"))
    if check_character(number[:17]) != number[17]:
        return IdReading(
            problem=_("does not add up: the last character should be {check}").format(
                check=check_character(number[:17])
            )
        )
    sex = "male" if int(number[16]) % 2 else "female"
    return IdReading(birth_date=birth, sex=sex, division=number[:6])
