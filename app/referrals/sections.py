"""A case cut into the sections a package carries, and a reply merged back section by section.

Section content is cases-v1 JSON (`app.interchange.cases_v1.case_to_dict`), grouped as the
access table groups a case file (`app.access`):

    profile    {"person"}            intake     {"intake"}       consent  {"consents"}
    care_plan  {"guardian", "services" of the care plan}
    medical    {"services", "notes"} of medical and psychological care
    legal      {"services", "notes"} of legal aid
    followups  {"followups"}          referrals  {"referrals"}    notes    {"notes"} of other sections

A reply carries the sections a recipient records in (REPLY_SECTIONS). For a section that was
sent, it carries the whole section; for one that was not, only its lists (the recipient was
never given the rest). Merging compares three versions of a section: the base both sides
last agreed on, this vault's, and the reply's. Changes on one side only are taken; entries
added on both sides are all kept; the same entry changed or removed on both sides, or the
guardian changed on both, is a conflict for a person to decide.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from app.access import section_of_note, section_of_service
from app.codes import Section
from app.domain.model import Case
from app.errors import AftercareError
from app.interchange.cases_v1 import FORMAT, VERSION, case_to_dict, parse_document

SHAREABLE: tuple[str, ...] = tuple(s.value for s in Section)
REPLY_SECTIONS: tuple[str, ...] = (
    Section.CARE_PLAN,
    Section.MEDICAL,
    Section.LEGAL,
    Section.FOLLOWUPS,
    Section.NOTES,
)
_PARTS: dict[str, tuple[str, ...]] = {
    Section.PROFILE: ("person",),
    Section.INTAKE: ("intake",),
    Section.CONSENT: ("consents",),
    Section.CARE_PLAN: ("guardian", "services"),
    Section.MEDICAL: ("services", "notes"),
    Section.LEGAL: ("services", "notes"),
    Section.FOLLOWUPS: ("followups",),
    Section.REFERRALS: ("referrals",),
    Section.NOTES: ("notes",),
}
_LIST_PARTS = frozenset({"consents", "services", "notes", "followups", "referrals"})


class BadContent(ValueError):
    """Section content that is not what its section may hold."""


def parts(section: str, *, lists_only: bool = False) -> tuple[str, ...]:
    found = _PARTS[section]
    return tuple(p for p in found if p in _LIST_PARTS) if lists_only else found


def _belongs(part: str, entry: dict, section: str) -> bool:
    if part == "services":
        return section_of_service(entry.get("kind")) == section
    if part == "notes":
        return section_of_note(entry.get("section")) == section
    return True


def content(case: Case, section: str, *, lists_only: bool = False) -> dict[str, Any]:
    """The section's content as JSON values (no storage ids)."""
    whole = case_to_dict(case)
    out: dict[str, Any] = {}
    for part in parts(section, lists_only=lists_only):
        value = whole[part]
        if part in ("services", "notes"):
            value = [e for e in value if _belongs(part, e, section)]
        out[part] = value
    return out


def contents(case: Case, sections: list[str]) -> dict[str, dict[str, Any]]:
    return {s: content(case, s) for s in sections}


def _skeleton(values: dict[str, Any]) -> Case:
    """A Case read from `values` by the cases-v1 reader; BadContent when it does not read."""
    doc = {
        "case_number": "-",
        "status": "open",
        "opened_on": "2000-01-01",
        "person": {"full_name": "-"},
        "intake": {},
        **values,
    }
    raw = json.dumps({"format": FORMAT, "version": VERSION, "cases": [doc]}).encode()
    try:
        parsed = parse_document(raw, "package")
    except AftercareError as exc:
        raise BadContent(str(exc)) from None
    if parsed.problems or parsed.cases[0] is None:
        problems = [str(p) for found in parsed.problems.values() for p in found]
        raise BadContent("; ".join(problems[:5]))
    return parsed.cases[0]


def check_content(section: str, value: Any, *, lists_only: bool = False) -> dict[str, Any]:
    """`value` if it is well-formed content of `section`; BadContent otherwise."""
    expected = set(parts(section, lists_only=lists_only))
    if not isinstance(value, dict) or set(value) != expected:
        raise BadContent(f"{section}: wrong parts")
    _skeleton(value)
    for part in ("services", "notes"):
        for entry in value.get(part, []):
            if not _belongs(part, entry, section):
                raise BadContent(f"{section}: an entry of another section")
    return value


def case_from_sections(base: dict[str, Any], sections: dict[str, dict[str, Any]]) -> Case:
    """A new case: `base` (header, placeholders) with the given sections' content."""
    values = dict(base)
    lists: dict[str, list] = {"services": [], "notes": []}
    for value in sections.values():
        for part, part_value in value.items():
            if part in lists:
                lists[part].extend(part_value)
            else:
                values[part] = part_value
    values.update(lists)
    return _skeleton(values)


def apply(case: Case, section: str, value: dict[str, Any]) -> None:
    """Replace the parts of `section` named in `value`; unchanged entries keep their ids."""
    read = _skeleton(value)
    for part in value:
        new = getattr(read, part)
        if part in ("person", "intake", "guardian"):
            setattr(case, part, new)
            continue
        old = getattr(case, part)
        old_values = _entry_dicts(case, part, old)
        kept = [e for e, v in zip(old, old_values, strict=True) if not _belongs(part, v, section)]
        # An entry that did not change keeps its storage id, so the window's rows stay put.
        by_key: dict[str, list] = {}
        for entry, entry_value in zip(old, old_values, strict=True):
            if _belongs(part, entry_value, section):
                by_key.setdefault(_key(entry_value), []).append(entry)
        for entry, entry_value in zip(new, _entry_dicts(case, part, new), strict=True):
            matches = by_key.get(_key(entry_value))
            if matches:
                entry.id = matches.pop(0).id
        setattr(case, part, kept + new)


def _entry_dicts(case: Case, part: str, entries: list) -> list[dict]:
    probe = Case(case.case_number, case.status, case.opened_on, case.person, case.intake)
    setattr(probe, part, entries)
    return case_to_dict(probe)[part]


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


CONFLICT = object()


def _merge_list(base: list, mine: list, theirs: list) -> Any:
    b, m, t = (Counter(_key(v) for v in values) for values in (base, mine, theirs))
    removed_theirs, removed_mine = b - t, b - m
    added_theirs, added_mine = t - b, m - b
    if (removed_theirs & removed_mine) and added_theirs != added_mine:
        return CONFLICT  # the same entry changed or removed on both sides, not alike
    to_remove = removed_theirs - removed_mine
    to_add = added_theirs - added_mine
    merged = []
    for value in mine:
        key = _key(value)
        if to_remove[key]:
            to_remove[key] -= 1
            continue
        merged.append(value)
    for value in theirs:
        key = _key(value)
        if to_add[key]:
            to_add[key] -= 1
            merged.append(value)
    return merged


def _merge_value(base: Any, mine: Any, theirs: Any) -> Any:
    if _key(theirs) == _key(base) or _key(mine) == _key(theirs):
        return mine
    if _key(mine) == _key(base):
        return theirs
    return CONFLICT


def merge(base: dict[str, Any], mine: dict[str, Any], theirs: dict[str, Any]) -> dict | None:
    """The merged content of one section, or None when both sides changed the same thing."""
    merged: dict[str, Any] = {}
    for part, their_value in theirs.items():
        if part in _LIST_PARTS:
            result = _merge_list(base.get(part, []), mine.get(part, []), their_value)
        else:
            result = _merge_value(base.get(part), mine.get(part), their_value)
        if result is CONFLICT:
            return None
        merged[part] = result
    return merged


def same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return _key(a) == _key(b)
