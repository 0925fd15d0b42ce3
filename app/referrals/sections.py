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
never given the rest).

Every list entry that travels gets a *shared id* (`keyed` content: a list part is a list of
`[shared id, entry]`), the same in both vaults; each vault maps its own entry ids to them.
Merging compares three versions of each entry: the base both sides last agreed on, this
vault's, and the reply's. A change on one side only is taken; entries added on either side
are kept; an entry changed or removed on both sides (differently), or the guardian changed
on both, is a conflict of that entry alone, for a person to decide; everything else merges.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections import Counter
from dataclasses import dataclass
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


def _belongs(part: str, entry: dict[str, Any], section: str) -> bool:
    if part == "services":
        return section_of_service(entry.get("kind") or "") == section
    if part == "notes":
        return section_of_note(entry.get("section") or "") == section
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
    lists: dict[str, list[Any]] = {"services": [], "notes": []}
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
        by_key: dict[str, list[Any]] = {}
        for entry, entry_value in zip(old, old_values, strict=True):
            if _belongs(part, entry_value, section):
                by_key.setdefault(_key(entry_value), []).append(entry)
        for entry, entry_value in zip(new, _entry_dicts(case, part, new), strict=True):
            matches = by_key.get(_key(entry_value))
            if matches:
                entry.id = matches.pop(0).id
        setattr(case, part, kept + new)


def _entry_dicts(case: Case, part: str, entries: list[Any]) -> list[dict[str, Any]]:
    probe = Case(case.case_number, case.status, case.opened_on, case.person, case.intake)
    setattr(probe, part, entries)
    dicts: list[dict[str, Any]] = case_to_dict(probe)[part]
    return dicts


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


CONFLICT = object()


def _merge_value(base: Any, mine: Any, theirs: Any) -> Any:
    if _key(theirs) == _key(base) or _key(mine) == _key(theirs):
        return mine
    if _key(mine) == _key(base):
        return theirs
    return CONFLICT


def same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return _key(a) == _key(b)


# --- entries with shared ids -----------------------------------------------------------------

EntryIds = dict[str, dict[str, str]]  # list part -> {this vault's entry id: shared id}
_ABSENT = object()


def is_list(part: str) -> bool:
    return part in _LIST_PARTS


def new_shared_id() -> str:
    return secrets.token_hex(8)


def keyed_content(
    case: Case,
    section: str,
    entry_ids: EntryIds,
    *,
    lists_only: bool = False,
    base: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The section's content with every list entry as `[shared id, entry]`.

    An entry without a shared id yet takes an unclaimed one of `base` with the same content
    (a referral made before shared ids existed), else a new one; `entry_ids` records it."""
    whole = case_to_dict(case)
    out: dict[str, Any] = {}
    for part in parts(section, lists_only=lists_only):
        values = whole[part]
        if part not in _LIST_PARTS:
            out[part] = values
            continue
        ids = entry_ids.setdefault(part, {})
        claimed = set(ids.values())
        spare: dict[str, list[str]] = {}
        for uid, value in (base or {}).get(part, []):
            if uid not in claimed:
                spare.setdefault(_key(value), []).append(uid)
        entries = []
        seen: Counter[str] = Counter()
        for entry, value in zip(getattr(case, part), values, strict=True):
            if not _belongs(part, value, section):
                continue
            if getattr(entry, "id", None) is None:
                # Consents are stored without ids, and never come back in a reply: their
                # shared id is their content (and how many alike came before).
                seen[_key(value)] += 1
                entries.append([_content_id(value, seen[_key(value)]), value])
                continue
            uid = ids.get(str(entry.id))
            if uid is None:
                found = spare.get(_key(value))
                uid = found.pop(0) if found else new_shared_id()
                ids[str(entry.id)] = uid
            entries.append([uid, value])
        out[part] = entries
    return out


def _content_id(value: Any, occurrence: int) -> str:
    return hashlib.sha256(f"{_key(value)}|{occurrence}".encode()).hexdigest()[:16]


def plain(keyed: dict[str, Any]) -> dict[str, Any]:
    """Keyed content without the shared ids: cases-v1 content of the section."""
    return {
        p: [v for _uid, v in value] if p in _LIST_PARTS else value for p, value in keyed.items()
    }


def shared_ids(keyed: dict[str, Any]) -> dict[str, list[str]]:
    return {p: [uid for uid, _v in value] for p, value in keyed.items() if p in _LIST_PARTS}


def join(value: dict[str, Any], uids: Any) -> dict[str, Any]:
    """Section content and its shared ids (as a package carries them) as keyed content;
    BadContent when the ids do not fit the entries."""
    if not isinstance(uids, dict):
        raise BadContent("shared ids missing")
    out: dict[str, Any] = {}
    for part, entries in value.items():
        if part not in _LIST_PARTS:
            out[part] = entries
            continue
        ids = uids.get(part)
        if (
            not isinstance(ids, list)
            or len(ids) != len(entries)
            or len(set(ids)) != len(ids)
            or not all(isinstance(i, str) and 0 < len(i) <= 64 for i in ids)
        ):
            raise BadContent(f"{part}: shared ids do not fit")
        out[part] = [[uid, entry] for uid, entry in zip(ids, entries, strict=True)]
    if set(uids) - set(out):
        raise BadContent("shared ids of a part not sent")
    return out


def empty_keyed(section: str) -> dict[str, list[Any]]:
    """A section that was not sent, as both sides last agreed on it: its lists, empty."""
    return {part: [] for part in parts(section, lists_only=True)}


@dataclass(frozen=True)
class EntryConflict:
    """One entry (or the guardian) changed on both sides: None where a side removed it."""

    part: str
    entry: str | None  # shared id; None for the guardian
    mine: Any
    theirs: Any


def merge_keyed(
    base: dict[str, Any], mine: dict[str, Any], theirs: dict[str, Any]
) -> tuple[dict[str, Any], list[EntryConflict]]:
    """Merge each entry of the parts `theirs` holds; a conflict keeps this vault's version."""
    merged: dict[str, Any] = {}
    conflicts: list[EntryConflict] = []
    for part, their_value in theirs.items():
        if part not in _LIST_PARTS:
            result = _merge_value(base.get(part), mine.get(part), their_value)
            if result is CONFLICT:
                conflicts.append(EntryConflict(part, None, mine.get(part), their_value))
                result = mine.get(part)
            merged[part] = result
            continue
        b, m, t = (dict(side.get(part, [])) for side in (base, mine, theirs))
        out = []
        for uid, mine_entry in mine.get(part, []):
            kept = _merge_entry(uid, b, mine_entry, t, part, conflicts)
            if kept is not _ABSENT:
                out.append([uid, kept])
        for uid, _their_entry in their_value:
            if uid in m:
                continue
            taken = _merge_entry(uid, b, _ABSENT, t, part, conflicts)
            if taken is not _ABSENT:
                out.append([uid, taken])
        merged[part] = out
    return merged, conflicts


def _merge_entry(
    uid: str,
    base: dict[str, Any],
    mine: Any,
    theirs: dict[str, Any],
    part: str,
    conflicts: list[EntryConflict],
) -> Any:
    """The merged value of one entry (_ABSENT when it is not kept)."""
    b, t = base.get(uid, _ABSENT), theirs.get(uid, _ABSENT)
    if _same(t, b) or _same(mine, t):
        return mine
    if _same(mine, b):
        return t
    conflicts.append(
        EntryConflict(part, uid, None if mine is _ABSENT else mine, None if t is _ABSENT else t)
    )
    return mine


def _same(a: Any, b: Any) -> bool:
    if a is _ABSENT or b is _ABSENT:
        return a is b
    return _key(a) == _key(b)


def apply_keyed(
    case: Case, section: str, value: dict[str, Any], entry_ids: EntryIds
) -> list[tuple[str, Any, str]]:
    """Replace the parts of `section` named in keyed `value`. An entry keeps the storage id
    its shared id maps to, so it is updated in place. Returns (part, entry, shared id) of
    the entries new here, whose ids `record_new` maps once the case is saved."""
    read = _skeleton(plain(value))
    added: list[tuple[str, Any, str]] = []
    for part in value:
        new = getattr(read, part)
        if part not in _LIST_PARTS:
            setattr(case, part, new)
            continue
        old = getattr(case, part)
        kept = [
            e
            for e, v in zip(old, _entry_dicts(case, part, old), strict=True)
            if not _belongs(part, v, section)
        ]
        local = {uid: int(local_id) for local_id, uid in entry_ids.get(part, {}).items()}
        present = {e.id for e in old}
        for entry, (uid, _v) in zip(new, value[part], strict=True):
            entry_id = local.get(uid)
            if entry_id in present:
                entry.id = entry_id
            else:
                added.append((part, entry, uid))
        setattr(case, part, kept + new)
    return added


def set_entry(
    case: Case, section: str, part: str, uid: str | None, value: Any, entry_ids: EntryIds
) -> list[tuple[str, Any, str]]:
    """Put one entry (or the guardian, uid None) as `value`; None removes the entry."""
    if uid is None:
        setattr(case, part, getattr(_skeleton({part: value}), part))
        return []
    entries = getattr(case, part)
    local = {u: int(i) for i, u in entry_ids.get(part, {}).items()}
    at = next(
        (n for n, e in enumerate(entries) if e.id is not None and e.id == local.get(uid)), None
    )
    if value is None:
        if at is not None:
            del entries[at]
        return []
    new = getattr(_skeleton({part: [value]}), part)[0]
    if not _belongs(part, _entry_dicts(case, part, [new])[0], section):
        raise BadContent(f"{section}: an entry of another section")
    if at is None:
        entries.append(new)
        return [(part, new, uid)]
    new.id = entries[at].id
    entries[at] = new
    return []


def record_new(entry_ids: EntryIds, added: list[tuple[str, Any, str]]) -> None:
    """Map the storage ids the new entries got when the case was saved."""
    for part, entry, uid in added:
        entry_ids.setdefault(part, {})[str(entry.id)] = uid
