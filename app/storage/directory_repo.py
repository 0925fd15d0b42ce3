"""The `directory` table (schema v9): organisations of the directory of services."""

from __future__ import annotations

import json
from typing import Any

from app.directory.model import Organisation
from app.storage.connection import Connection

_COLUMNS = (
    "id, uid, name, kind, services, division, address, phones, hours, languages, notes,"
    " contact_id, source, updated_on"
)


def _organisation(row: tuple[Any, ...]) -> Organisation:
    return Organisation(
        id=row[0],
        uid=row[1],
        name=row[2],
        kind=row[3],
        services=tuple(json.loads(row[4])),
        division=row[5],
        address=row[6],
        phones=tuple(json.loads(row[7])),
        hours=row[8],
        languages=tuple(json.loads(row[9])),
        notes=row[10],
        contact_id=row[11],
        source=row[12],
        updated_on=row[13],
    )


def _values(org: Organisation, updated_on: str) -> tuple[Any, ...]:
    return (
        org.uid,
        org.name,
        org.kind,
        json.dumps(list(org.services)),
        org.division,
        org.address,
        json.dumps(list(org.phones), ensure_ascii=False),
        org.hours,
        json.dumps(list(org.languages)),
        org.notes,
        org.contact_id,
        org.source,
        updated_on,
    )


def all_entries(conn: Connection) -> list[Organisation]:
    """Every organisation: the national hotlines first, then by name."""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM directory ORDER BY source IS NOT 'national', name"
    ).fetchall()
    return [_organisation(row) for row in rows]


def get(conn: Connection, entry_id: int) -> Organisation | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM directory WHERE id = ?", (entry_id,)).fetchone()
    return None if row is None else _organisation(row)


def by_uid(conn: Connection, uid: str) -> Organisation | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM directory WHERE uid = ?", (uid,)).fetchone()
    return None if row is None else _organisation(row)


def insert(conn: Connection, org: Organisation, updated_on: str) -> int:
    cursor = conn.execute(
        "INSERT INTO directory (uid, name, kind, services, division, address, phones, hours,"
        " languages, notes, contact_id, source, updated_on) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        _values(org, updated_on),
    )
    return int(cursor.lastrowid or 0)


def update(conn: Connection, org: Organisation, updated_on: str) -> None:
    conn.execute(
        "UPDATE directory SET uid = ?, name = ?, kind = ?, services = ?, division = ?,"
        " address = ?, phones = ?, hours = ?, languages = ?, notes = ?, contact_id = ?,"
        " source = ?, updated_on = ? WHERE id = ?",
        (*_values(org, updated_on), org.id),
    )


def delete(conn: Connection, entry_id: int) -> None:
    conn.execute("DELETE FROM directory WHERE id = ?", (entry_id,))


def contact_with_signing_key(conn: Connection, public_key: bytes) -> str | None:
    """The name of the contact whose signing key is `public_key`; None for a stranger."""
    row = conn.execute("SELECT name FROM contacts WHERE signing_key = ?", (public_key,)).fetchone()
    return None if row is None else str(row[0])


def contact_name(conn: Connection, contact_id: int) -> str | None:
    """The name of the contact (an Aftercare vault) an organisation is linked to, if it exists."""
    row = conn.execute("SELECT name FROM contacts WHERE id = ?", (contact_id,)).fetchone()
    return None if row is None else str(row[0])
