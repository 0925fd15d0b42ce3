"""Summary periods: a calendar month (`2026-07`), quarter (`2026-Q3`) or year (`2026`).

Nothing else is allowed (summary-v1), so that two summaries of one unit either cover the
same days or do not overlap at all.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from app.errors import AftercareError
from app.i18n import _

_YEAR = re.compile(r"(\d{4})")
_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
_QUARTER = re.compile(r"(\d{4})-Q([1-4])")


@dataclass(frozen=True)
class Period:
    label: str
    start: dt.date
    end: dt.date

    def as_dict(self) -> dict[str, str]:
        """The `period` member of a summary or roll-up document."""
        return {"label": self.label, "start": self.start.isoformat(), "end": self.end.isoformat()}


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def parse_period(label: str) -> Period:
    """The period named by `label`; AftercareError for anything but YYYY, YYYY-MM, YYYY-Qn."""
    text = label.strip() if isinstance(label, str) else ""
    if (m := _YEAR.match(text)) is None or int(m[1]) < 1:  # datetime has no year 0
        text = ""
    if (m := _MONTH.fullmatch(text)) is not None:
        year, month = int(m[1]), int(m[2])
        start, end = dt.date(year, month, 1), _month_end(year, month)
    elif (m := _QUARTER.fullmatch(text)) is not None:
        year, quarter = int(m[1]), int(m[2])
        first = 3 * quarter - 2
        start, end = dt.date(year, first, 1), _month_end(year, first + 2)
    elif (m := _YEAR.fullmatch(text)) is not None:
        year = int(m[1])
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    else:
        raise AftercareError(
            _(
                'Period "{label}" is not a month (2026-07), a quarter (2026-Q3) or a year (2026).'
            ).format(label=label)
        )
    return Period(text, start, end)


# The kinds of period a summary covers, as the period chooser offers them.
MONTH, QUARTER, YEAR = "month", "quarter", "year"


def period_label(kind: str, year: int, part: int = 1) -> str:
    """The summary-v1 label of a month (part 1-12), a quarter (part 1-4) or a year."""
    if kind == MONTH:
        return f"{year:04d}-{part:02d}"
    if kind == QUARTER:
        return f"{year:04d}-Q{part}"
    return f"{year:04d}"


def last_complete_quarter(today: dt.date) -> tuple[int, int]:
    """(year, quarter) of the latest quarter that has ended by `today`: what is usually sent."""
    quarter = (today.month - 1) // 3  # the current quarter minus one, 0 meaning last year's Q4
    return (today.year, quarter) if quarter else (today.year - 1, 4)
