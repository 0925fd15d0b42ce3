"""What differs between the two versions of a conflicting entry, field by field.

The command prints these as a short diff and the window marks them; both name the entry by
what a caseworker knows it by (a follow-up's due date, a service's kind and start, a note's
date) rather than by an id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.i18n import _

REMOVED = object()  # a side that removed the entry


@dataclass(frozen=True)
class Difference:
    field: str  # the cases-v1 key, e.g. "notes"; "" for a removed entry
    mine: str
    theirs: str


def _one(conflict_side: dict[str, Any], part: str, listed: bool) -> Any:
    value = conflict_side.get(part)
    if listed:
        return value[0] if value else REMOVED
    return REMOVED if value is None else value


def _text(value: Any) -> str:
    if value is None or value == "":
        return _("(empty)")
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items() if v not in (None, "", {}, []))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def entry_name(part: str, value: Any) -> str:
    """The entry as people know it: the follow-up due on..., the service ..., the note of..."""
    if not isinstance(value, dict):
        return part
    if part == "followups":
        return _("the follow-up due {date}").format(date=value.get("due_on"))
    if part == "services":
        return _("the service {kind} from {date}").format(
            kind=value.get("kind"), date=value.get("started_on") or "-"
        )
    if part == "notes":
        return _("the note of {date}").format(date=value.get("written_on"))
    if part == "guardian":
        return _("the guardian")
    return part


def differences(part: str, mine: dict[str, Any], theirs: dict[str, Any]) -> list[Difference]:
    """The fields that differ between the two sides of one conflict (`Conflict.mine`,
    `Conflict.theirs`: section content of that one entry)."""
    listed = isinstance(mine.get(part), list) or isinstance(theirs.get(part), list)
    a, b = _one(mine, part, listed), _one(theirs, part, listed)
    if a is REMOVED or b is REMOVED:
        return [
            Difference(
                "",
                _("(removed)") if a is REMOVED else _text(a),
                _("(removed)") if b is REMOVED else _text(b),
            )
        ]
    if not isinstance(a, dict) or not isinstance(b, dict):
        return [Difference("", _text(a), _text(b))]
    return [
        Difference(key, _text(a.get(key)), _text(b.get(key)))
        for key in [*a, *(k for k in b if k not in a)]
        if a.get(key) != b.get(key)
    ]


def named_entry(part: str, mine: dict[str, Any], theirs: dict[str, Any]) -> str:
    listed = isinstance(mine.get(part), list) or isinstance(theirs.get(part), list)
    a, b = _one(mine, part, listed), _one(theirs, part, listed)
    return entry_name(part, a if a is not REMOVED else b)
