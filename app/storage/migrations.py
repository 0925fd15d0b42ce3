"""Schema versions through PRAGMA user_version, upgraded one guarded step at a time.

Each step is `app.storage.schema.vN.upgrade(conn)` and runs only on a database at version
N-1, inside one transaction with the version bump, so a crash mid-upgrade leaves the old
version intact. The vault makes an encrypted backup before any upgrade of an existing
database (see `app.vault.vault`).
"""

from __future__ import annotations

from collections.abc import Callable

from app.errors import AftercareError
from app.i18n import _
from app.storage.connection import Connection, user_version
from app.storage.schema import v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13

STEPS: dict[int, Callable[[Connection], None]] = {
    1: v1.upgrade,
    2: v2.upgrade,
    3: v3.upgrade,
    4: v4.upgrade,
    5: v5.upgrade,
    6: v6.upgrade,
    7: v7.upgrade,
    8: v8.upgrade,
    9: v9.upgrade,
    10: v10.upgrade,
    11: v11.upgrade,
    12: v12.upgrade,
    13: v13.upgrade,
}
LATEST = max(STEPS)


def needs_upgrade(conn: Connection) -> bool:
    version = user_version(conn)
    if version > LATEST:
        raise AftercareError(
            _(
                "This vault was written by a newer version of Aftercare (schema {found}, this program knows {known}). Update the program."
            ).format(found=version, known=LATEST)
        )
    return version < LATEST


def migrate(conn: Connection, target: int = LATEST) -> list[int]:
    """Upgrade to `target`; returns the versions applied."""
    applied = []
    version = user_version(conn)
    while version < target:
        step = STEPS[version + 1]
        conn.execute("BEGIN IMMEDIATE")
        try:
            if user_version(conn) != version:  # guard: another step already ran
                raise RuntimeError("schema version changed during upgrade")
            step(conn)
            conn.execute(f"PRAGMA user_version = {version + 1}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        version += 1
        applied.append(version)
    return applied
