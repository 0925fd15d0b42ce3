"""Case files in SQL: change a stored case, read it back, keep the search index in step.
(New cases are written by `app.storage.new_cases`, with the row builders defined here.)

Services load a case, change it, validate the whole of it and hand it back to `save_case`,
which writes only what differs from the stored case, all in the caller's transaction: the
case row's changed columns, the list entries that changed (matched by entry id: update,
insert, delete) and the search rows whose text or scope changed. A save usually changes one
section; writing the rest again would make SQLite rewrite every index entry of every row and
both FTS5 indexes (with secure_delete on, each a page overwritten and synced).
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import json
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

from app.access import section_of_note, section_of_service
from app.codes import Section
from app.domain.model import Case, Followup, Note, Referral, Service
from app.storage.codec import (
    consents_from,
    consents_json,
    date_text,
    dumps,
    guardian_from,
    guardian_json,
    intake_from,
    intake_json,
    parse_date,
    parse_day,
    person_from,
    person_json,
)
from app.storage.connection import Connection
from app.storage.schema.v5 import char_tokens
from app.storage.schema.v11 import IDENTITY_SCOPES, whole

# An entry of one of a case's lists.
ListEntry = Service | Followup | Referral | Note

ROWS_PER_CASE = 1_000_000  # search rowids: case_id * ROWS_PER_CASE + n


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def case_columns(case: Case) -> dict[str, Any]:
    """The `cases` row of a case, column -> value (no id, no timestamps)."""
    person, intake = case.person, case.intake
    return {
        "case_number": case.case_number,
        "status": case.status,
        "opened_on": date_text(case.opened_on),
        "closed_on": date_text(case.closed_on),
        "closure_reason": case.closure_reason,
        "person": person_json(person),
        "intake": intake_json(intake),
        "consents": consents_json(case.consents),
        "guardian": guardian_json(case.guardian),
        "full_name": person.full_name,
        "sex": person.sex,
        "date_of_birth": date_text(person.date_of_birth),
        "age_at_intake": person.age_at_intake,
        "origin_country": person.origin.country,
        "origin_division": person.origin.division,
        "primary_exploitation": intake.exploitation[0] if intake.exploitation else None,
        "intake_prefecture": intake.prefecture,
        "guardian_status": case.guardian.status if case.guardian else None,
        "identified_by": intake.identified_by,
    }


def case_id(conn: Connection, case_number: str) -> int | None:
    row = conn.execute("SELECT id FROM cases WHERE case_number = ?", (case_number,)).fetchone()
    return row[0] if row else None


def existing_numbers(conn: Connection, numbers: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(numbers), 500):
        chunk = numbers[start : start + 500]
        marks = ",".join("?" * len(chunk))
        found.update(
            r[0]
            for r in conn.execute(
                f"SELECT case_number FROM cases WHERE case_number IN ({marks})", chunk
            )
        )
    return found


def save_case(conn: Connection, case: Case) -> None:
    """Write back a case read with `load_case` and changed; lists reconciled by entry id.

    Only changed columns are SET: SQLite rewrites an index's entry for every indexed column
    named in an UPDATE, whether or not its value changed."""
    columns = case_columns(case)
    stored = conn.execute(
        f"SELECT {','.join(columns)} FROM cases WHERE id = ?", (case.id,)
    ).fetchone()
    if stored is not None:
        columns = {
            name: value
            for (name, value), old in zip(columns.items(), stored, strict=True)
            if value != old
        }
    columns["updated_at"] = _now()
    assignments = ",".join(f"{name} = ?" for name in columns)
    # A closure approval belongs to one closure: reopening the case clears it.
    approval = ", ".join(
        f"{c} = CASE WHEN ? = 'closed' THEN {c} END"
        for c in ("closure_approved_by", "closure_approved_at")
    )
    conn.execute(
        f"UPDATE cases SET {assignments}, {approval} WHERE id = ?",
        [*columns.values(), case.status, case.status, case.id],
    )
    _sync_lists(conn, case)
    _reindex(conn, case)


_CASE_SQL = (
    "SELECT id, case_number, status, opened_on, closed_on, closure_reason, person, intake,"
    " consents, guardian FROM cases"
)


@functools.lru_cache(maxsize=65_536)
def _day(text: str) -> dt.date:
    # A vault holds a few thousand distinct days over hundreds of thousands of list entries:
    # each is parsed once (dates are immutable, so sharing them is safe).
    return parse_day(text)


def _day_or_none(text: str | None) -> dt.date | None:
    return _day(text) if text else None


def _details(text: str) -> dict[str, Any]:
    return {} if text == "{}" else json.loads(text)  # most services have no details


# (attribute, SELECT whose first column is case_id, row -> entry); rows in list order.
_LIST_READS: tuple[tuple[str, str, Callable[[Any], ListEntry]], ...] = (
    (
        "services",
        "SELECT case_id, id, kind, status, started_on, ended_on, provider, details, notes"
        " FROM services",
        lambda r: Service(
            r[2], r[3], _day_or_none(r[4]), _day_or_none(r[5]), r[6], _details(r[7]), r[8], id=r[1]
        ),
    ),
    (
        "followups",
        "SELECT case_id, id, due_on, done_on, living_conditions, notes FROM followups",
        lambda r: Followup(_day(r[2]), _day_or_none(r[3]), r[4], r[5], id=r[1]),
    ),
    (
        "referrals",
        "SELECT case_id, id, to_code, organisation, sent_on, status, reason FROM referrals",
        lambda r: Referral(r[2], _day(r[4]), r[5], r[3], r[6], id=r[1]),
    ),
    (
        "notes",
        "SELECT case_id, id, written_on, section, text FROM notes",
        lambda r: Note(_day(r[2]), r[3], r[4], id=r[1]),
    ),
)


def _case_from(row: tuple[Any, ...]) -> Case:
    return Case(
        id=row[0],
        case_number=row[1],
        status=row[2],
        opened_on=parse_day(row[3]),
        closed_on=parse_date(row[4]),
        closure_reason=row[5],
        person=person_from(row[6]),
        intake=intake_from(row[7]),
        consents=consents_from(row[8]),
        guardian=guardian_from(row[9]),
    )


def load_case(conn: Connection, case_id: int) -> Case | None:
    row = conn.execute(f"{_CASE_SQL} WHERE id = ?", (case_id,)).fetchone()
    if row is None:
        return None
    case = _case_from(row)
    for attribute, select, entry in _LIST_READS:
        rows = conn.execute(f"{select} WHERE case_id = ? ORDER BY position, id", (case_id,))
        setattr(case, attribute, [entry(r) for r in rows])
    return case


def numbers_like(conn: Connection, pattern: str) -> list[str]:
    """The case numbers matching a LIKE `pattern` (e.g. "S01-2026-%")."""
    rows = conn.execute("SELECT case_number FROM cases WHERE case_number LIKE ?", (pattern,))
    return [number for (number,) in rows]


def status_of(conn: Connection, case_id: int) -> str:
    status: str = conn.execute("SELECT status FROM cases WHERE id = ?", (case_id,)).fetchone()[0]
    return status


def ids_by_number(conn: Connection) -> list[int]:
    """Every case id, in case-number order (what an export writes)."""
    return [r[0] for r in conn.execute("SELECT id FROM cases ORDER BY case_number")]


def stored_case(conn: Connection, case_id: int) -> Case:
    """A case whose id was just read in the same transaction, so it must exist."""
    case = load_case(conn, case_id)
    if case is None:
        raise LookupError(f"case id {case_id} is not stored")
    return case


def load_entry(conn: Connection, case_id: int, attribute: str, entry_id: int) -> ListEntry | None:
    """One entry of a case's list `attribute` ("services", ...), or None if the case has none
    with that id: what a service needs to check access before a change, without the case."""
    select, entry = next((s, e) for a, s, e in _LIST_READS if a == attribute)
    row = conn.execute(f"{select} WHERE case_id = ? AND id = ?", (case_id, entry_id)).fetchone()
    return entry(row) if row else None


def iter_cases(conn: Connection) -> Iterator[Case]:
    """Every case, in id order, the same as `load_case` gives each, read in one pass per
    table (for summaries: five queries in all instead of five per case)."""
    lists = [
        (attribute, conn.execute(f"{select} ORDER BY case_id, position, id"), entry)
        for attribute, select, entry in _LIST_READS
    ]
    pending = [next(rows, None) for _attribute, rows, _entry in lists]
    for row in conn.execute(f"{_CASE_SQL} ORDER BY id"):
        case = _case_from(row)
        for n, (attribute, rows, entry) in enumerate(lists):
            entries, r = [], pending[n]
            while r is not None and r[0] == case.id:
                entries.append(entry(r))
                r = next(rows, None)
            pending[n] = r
            setattr(case, attribute, entries)
        yield case


# --- lists -----------------------------------------------------------------------------------

# A case's lists: attribute -> (table, stored columns, entry -> their values).
LIST_COLUMNS: dict[str, tuple[str, tuple[str, ...], Callable[[Any], tuple[Any, ...]]]] = {
    "services": (
        "services",
        ("kind", "status", "started_on", "ended_on", "provider", "details", "notes"),
        lambda s: (
            s.kind,
            s.status,
            date_text(s.started_on),
            date_text(s.ended_on),
            s.provider,
            dumps(s.details),
            s.notes,
        ),
    ),
    "followups": (
        "followups",
        ("due_on", "done_on", "living_conditions", "notes"),
        lambda f: (date_text(f.due_on), date_text(f.done_on), f.living_conditions, f.notes),
    ),
    "referrals": (
        "referrals",
        ("to_code", "organisation", "sent_on", "status", "reason"),
        lambda r: (r.to, r.organisation, date_text(r.sent_on), r.status, r.reason),
    ),
    "notes": (
        "notes",
        ("written_on", "section", "text"),
        lambda n: (date_text(n.written_on), n.section, n.text),
    ),
}


def _sync_lists(conn: Connection, case: Case) -> None:
    for attribute, (table, columns, values) in LIST_COLUMNS.items():
        entries = getattr(case, attribute)
        names = ",".join(columns)
        insert = f"INSERT INTO {table} (case_id, position, {names}) VALUES (?, ?, {','.join('?' * len(columns))})"
        # Stored rows as (position, *values), to write only entries that differ.
        stored = {
            r[0]: r[1:]
            for r in conn.execute(
                f"SELECT id, position, {names} FROM {table} WHERE case_id = ?", (case.id,)
            )
        }
        kept = {e.id for e in entries if e.id is not None}
        for stale in stored.keys() - kept:
            conn.execute(f"DELETE FROM {table} WHERE id = ?", (stale,))
        for position, entry in enumerate(entries):
            row = (position, *values(entry))
            old = stored.get(entry.id) if entry.id is not None else None
            if old is None:
                entry.id = conn.execute(insert, (case.id, *row)).lastrowid
            elif old != row:
                changed = [
                    (name, value)
                    for name, value, was in zip(("position", *columns), row, old, strict=True)
                    if value != was
                ]
                assignments = ",".join(f"{name} = ?" for name, _value in changed)
                conn.execute(
                    f"UPDATE {table} SET {assignments} WHERE id = ?",
                    (*(value for _name, value in changed), entry.id),
                )


# --- search index ----------------------------------------------------------------------------


def search_rows(case: Case) -> list[tuple[str, str]]:
    """(text, scope) pairs for the searchable fields of a case; scope = 'section:field'."""
    person = case.person
    rows = [(case.case_number, "header:case_number"), (person.full_name, f"{Section.PROFILE}:name")]
    rows += [(alias, f"{Section.PROFILE}:alias") for alias in person.aliases]
    if person.id_number:
        rows.append((person.id_number, f"{Section.PROFILE}:id_number"))
    if person.phone:
        rows.append((person.phone, f"{Section.PROFILE}:phone"))
    rows += [(n.text, f"{section_of_note(n.section)}:note") for n in case.notes if n.text]
    rows += [(s.notes, f"{section_of_service(s.kind)}:note") for s in case.services if s.notes]
    rows += [(f.notes, f"{Section.FOLLOWUPS}:note") for f in case.followups if f.notes]
    return [(text, scope) for text, scope in rows if text]


def _span(case_id: int) -> tuple[int, int]:
    return (case_id * ROWS_PER_CASE, case_id * ROWS_PER_CASE + ROWS_PER_CASE - 1)


def _forget(conn: Connection, rows: list[tuple[int, str, str]]) -> None:
    """Remove (rowid, text, scope) rows from the contentless indexes; call before they leave
    `search`."""
    # A contentless FTS5 table forgets a row only when given its tokens again, which come
    # from the text still in `search` (FTS5's content table, id = rowid, c0 = text).
    conn.executemany(
        "INSERT INTO search_chars (search_chars, rowid, chars) VALUES ('delete', ?, ?)",
        [(rowid, char_tokens(text)) for rowid, text, _scope in rows],
    )
    identity = [(rowid, text) for rowid, text, scope in rows if scope in IDENTITY_SCOPES]
    conn.executemany(
        "INSERT INTO search_identity (search_identity, rowid, text) VALUES ('delete', ?, ?)",
        [(rowid, whole(text)) for rowid, text in identity],
    )
    conn.executemany(
        "INSERT INTO search_identity_chars (search_identity_chars, rowid, chars)"
        " VALUES ('delete', ?, ?)",
        [(rowid, char_tokens(text)) for rowid, text in identity],
    )


def _unindex(conn: Connection, case_id: int) -> None:
    """Drop a case's rows from every search index."""
    span = _span(case_id)
    old = conn.execute("SELECT id, c0, c1 FROM search_content WHERE id BETWEEN ? AND ?", span)
    _forget(conn, old.fetchall())
    conn.execute("DELETE FROM search WHERE rowid BETWEEN ? AND ?", span)


def index_rows(conn: Connection, rows: list[tuple[int, str, str]]) -> None:
    """Add (rowid, text, scope) rows to every search index: `search` (trigrams, and the text),
    `search_chars` (1-2 characters), and for identity fields `search_identity` and
    `search_identity_chars` (schema v11)."""
    conn.executemany("INSERT INTO search (rowid, text, scope) VALUES (?, ?, ?)", rows)
    conn.executemany(
        "INSERT INTO search_chars (rowid, chars) VALUES (?, ?)",
        [(rowid, char_tokens(text)) for rowid, text, _scope in rows],
    )
    identity = [(rowid, text) for rowid, text, scope in rows if scope in IDENTITY_SCOPES]
    conn.executemany(
        "INSERT INTO search_identity (rowid, text) VALUES (?, ?)",
        [(rowid, whole(text)) for rowid, text in identity],
    )
    conn.executemany(
        "INSERT INTO search_identity_chars (rowid, chars) VALUES (?, ?)",
        [(rowid, char_tokens(text)) for rowid, text in identity],
    )


def _reindex(conn: Connection, case: Case) -> None:
    """Bring a stored case's search rows in step with `case` (new cases: app.storage.new_cases)."""
    if case.id is None:
        raise ValueError("only a stored case has search rows to bring in step")
    base = case.id * ROWS_PER_CASE
    # Match the wanted rows with the stored ones by (text, scope), so that a save which
    # changes no searchable text writes nothing, and one that adds, edits or removes a note
    # touches that row alone (a row's rowid within the case's range has no meaning).
    wanted = Counter(search_rows(case))
    stored = conn.execute(
        "SELECT id, c0, c1 FROM search_content WHERE id BETWEEN ? AND ?", _span(case.id)
    ).fetchall()
    used, stale = set(), []
    for rowid, text, scope in stored:
        if wanted[(text, scope)] > 0:
            wanted[(text, scope)] -= 1
            used.add(rowid)
        else:
            stale.append((rowid, text, scope))
    if stale:
        _forget(conn, stale)
        conn.executemany("DELETE FROM search WHERE rowid = ?", [(r,) for r, _t, _s in stale])
    free = (rowid for rowid in itertools.count(base) if rowid not in used)
    index_rows(conn, [(next(free), text, scope) for text, scope in wanted.elements()])


def delete_case(conn: Connection, case_id: int) -> None:
    _unindex(conn, case_id)
    conn.execute("DELETE FROM cases WHERE id = ?", (case_id,))
