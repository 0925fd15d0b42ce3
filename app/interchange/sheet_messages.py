"""Problems of a case read from a sheet, said in the sheet's terms.

The cases-v1 rules (app.domain.validation) name what is wrong by key path (`closed_on`,
`consents[0].recorded_on`, `guardian`); a person fixing a spreadsheet knows columns, rows
and the import's own options. This turns a rule's problem into what is wrong, named by the
column's header (or the field's name where no column holds it, with the other fields it
mentions named the same way) and what to do: the option of the command and the step of the
window that fixes it.
"""

from __future__ import annotations

import re

from app.domain.validation import Problem
from app.i18n import N_, _
from app.interchange.mapping import TARGETS

# Key paths of cases-v1 -> the mapping field whose column holds them.
_PATH_FIELDS = {
    "guardian": "guardian.status",
    "guardian.status": "guardian.status",
    "guardian.notes": "guardian.notes",
}
# What to do, by field, when the rule is about a value that is missing or wrong.
_WHAT_TO_DO = {
    "opened_on": N_(
        "write the opening date in the sheet, or give one date for all rows without one: "
        "--opened-on DATE (in the window: “Opening date for rows without one”)"
    ),
    "closed_on": N_(
        "write the closing date in the sheet, or give one date for the closed rows without "
        "one: --closed-on DATE (in the window: “Closing date for closed rows without one”)"
    ),
    "closure_reason": N_("write the reason for closure in the sheet, or map its column"),
    "guardian.status": N_(
        "map the column that holds the guardian status, or choose one for children without "
        "it (in the window: “Guardian status of children without one”; in a mapping file, "
        "a default guardian status)"
    ),
    "person.full_name": N_("every row needs a name: fill it in, or leave the row out (--skip-row)"),
    "case_number": N_(
        "number the rows with a pattern: --case-numbers FZ-2024-{n:04d} (in the window: "
        "“Case numbers”)"
    ),
}
_FUTURE = N_("check the year")
# Names of the dates the rules compare with, when no column of the sheet holds them.
_DATE_NAMES = {
    "opened_on": N_("the opening date"),
    "closed_on": N_("the closing date"),
    "started_on": N_("the start date"),
    "date_of_birth": N_("the date of birth"),
}
_KEY = re.compile(r"\b(opened_on|closed_on|started_on|date_of_birth)\b")


def _missing() -> set[str]:
    """The rules' messages for a value that is missing, in the current language."""
    return {
        _("is required"),
        _("is empty"),
        _("is required when the case is closed"),
        _("is required for a person under 18 on opened_on"),
    }


def field_of(path: str) -> str | None:
    """The mapping field a cases-v1 key path belongs to (consents and referrals by kind)."""
    path = re.sub(r"\[\d+\]", "", path)
    if path in _PATH_FIELDS:
        return _PATH_FIELDS[path]
    for key in (path, path.rsplit(".", 1)[0]):
        key = key.replace("referrals.", "referral.")
        if key in TARGETS:
            return key
    return None


def in_sheet_terms(problem: Problem, header: str | None, headers_of: dict[str, str]) -> str:
    """The rule's problem as the preview shows it for a cell (header given) or a row.

    `headers_of` names, by mapping field, the headers of the sheet's columns, so that a rule
    that compares with another date names that column ("is before 入站日期")."""
    field = field_of(problem.path)

    def name(match: re.Match[str]) -> str:
        key = match[1] if match[1] != "date_of_birth" else "person.date_of_birth"
        return headers_of.get(key) or _(_DATE_NAMES[match[1]])

    message = _KEY.sub(name, problem.message)
    if field is not None and (header is None or header != headers_of.get(field)):
        # Shown at another column (a child's guardian at the date of birth) or at none:
        # the message says what it is about.
        message = f"{_(TARGETS[field].label)} {message}"
    advice = _WHAT_TO_DO.get(field or "") if problem.message in _missing() else None
    if problem.message == _("is in the future"):
        advice = _FUTURE
    return f"{message}; {_(advice)}" if advice else message
