"""Opening the database: SQLCipher with a raw 256-bit key, or plain SQLite for benchmarks.

`PRAGMA key` is the first statement on every encrypted connection; the settings after it are
the same for both kinds, so a benchmark on the plain database measures the same code.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TypeAlias, cast

import sqlcipher3

from app.errors import AftercareError
from app.i18n import _

# Both drivers raise their own DatabaseError; callers catch this tuple.
DatabaseErrors = (sqlcipher3.DatabaseError, sqlite3.DatabaseError)

# sqlcipher3 is a build of the standard library's sqlite3 module against SQLCipher, with the
# same classes and no type information; its connections are typed as sqlite3's.
Connection: TypeAlias = sqlite3.Connection

# The page cache, in KiB (SQLite's default is 2 MB). A page that leaves the cache must be
# read, decrypted and checked again when next needed, which plain SQLite gets for the price
# of a copy from the OS; searches and summaries at 100,000 cases go back to the same index
# pages, and with 2 MB a 1-2 character search took 3.6 times as long as on a plain database
# (docs/benchmarks.md). 64 MB of decrypted pages stay in this process, as the rows it reads do.
CACHE_KIB = 64 * 1024

# SQLITE_CORRUPT and SQLITE_NOTADB: the file is damaged (or the key is wrong), not a bug.
_DAMAGE_CODES = (11, 26)


def is_damage(exc: BaseException) -> bool:
    """True when a driver error means a damaged database file rather than a program bug."""
    code = getattr(exc, "sqlite_errorcode", None)
    return isinstance(exc, DatabaseErrors) and code is not None and code & 0xFF in _DAMAGE_CODES


def damaged_error(db_path: Path | str, exc: BaseException) -> AftercareError:
    return AftercareError(
        _("The database {path} is damaged ({reason}); restore the vault from a backup.").format(
            path=db_path, reason=str(exc)
        )
    )


def _key_pragma(key: bytes) -> str:
    if len(key) != 32:
        raise ValueError("the data key must be 32 bytes")
    return f"PRAGMA key = \"x'{key.hex()}'\""


def connect(db_path: Path | str, key: bytes | None) -> Connection:
    """Open `db_path` with the raw data key (or unencrypted when `key` is None).

    Raises AftercareError when the key does not open the file or the file is not a database.
    """
    if key is None:
        conn = sqlite3.connect(str(db_path), isolation_level=None, check_same_thread=False)
    else:
        conn = cast(
            Connection,
            sqlcipher3.connect(str(db_path), isolation_level=None, check_same_thread=False),
        )
        conn.execute(_key_pragma(key))
        conn.execute("PRAGMA cipher_log_level = NONE")
    try:
        # The first read is where a wrong key or a damaged header shows up.
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA secure_delete = ON")
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        conn.execute("PRAGMA busy_timeout = 5000")
    except DatabaseErrors as exc:
        conn.close()
        raise AftercareError(
            _(
                "The database {path} cannot be opened: it is damaged or the key is wrong ({reason})."
            ).format(path=db_path, reason=str(exc))
        ) from None
    return conn


@contextlib.contextmanager
def transaction(conn: Connection) -> Iterator[Connection]:
    """One write transaction: everything inside commits together or not at all."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


def inserted_id(cursor: sqlite3.Cursor) -> int:
    """The rowid of the row an INSERT just made."""
    rowid = cursor.lastrowid
    if rowid is None:
        raise RuntimeError("the statement inserted no row")
    return rowid


def user_version(conn: Connection) -> int:
    version: int = conn.execute("PRAGMA user_version").fetchone()[0]
    return version


def run_script(conn: Connection, sql: str) -> None:
    """Run several statements inside the caller's transaction.

    `executescript()` would commit the open transaction first, which breaks the one
    transaction per migration step; so statements are split and run one by one.
    """
    statement = ""
    for line in sql.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            if statement.strip():
                conn.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError("incomplete SQL statement at the end of the script")
