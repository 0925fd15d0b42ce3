"""Schema version 3: referrals between vaults: the receiving key, contacts, packages.

`receiving_key` is the vault's X25519 key pair for packages sent to it; the migration makes
one, so a vault upgraded from version 2 can receive at once. `contacts` are other vaults'
public keys; only a verified contact can be sent to or trusted as a sender.

`referral_packages` holds one row per referral and side (`sent` or `received`): whom it went
to or came from, the SHA-256 of the referral file, its state, the local case, and `snapshot`:
per section, the content both sides last agreed on, which a reply is compared against so that
edits made on both sides become a choice (`referral_conflicts`) instead of an overwrite.
`seen_packages` holds the id of every package imported, so a replayed file is refused.
"""

from __future__ import annotations

import datetime as dt

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from app.storage.connection import Connection, run_script

SQL = """
CREATE TABLE receiving_key (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    private_key  BLOB NOT NULL,          -- X25519 private key, raw 32 bytes
    created_at   TEXT NOT NULL
);

CREATE TABLE contacts (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL,
    name_key       TEXT NOT NULL UNIQUE,   -- casefolded name, for look-ups
    unit_code      TEXT NOT NULL,
    role           TEXT NOT NULL,          -- health, legal, shelter, ngo, other
    signing_key    BLOB NOT NULL UNIQUE,   -- Ed25519 public key, raw 32 bytes
    receiving_key  BLOB NOT NULL,          -- X25519 public key, raw 32 bytes
    fingerprint    TEXT NOT NULL,
    verified       INTEGER NOT NULL DEFAULT 0 CHECK (verified IN (0, 1)),
    verified_by    TEXT,
    verified_at    TEXT,
    added_at       TEXT NOT NULL
);

CREATE TABLE referral_packages (
    id                INTEGER PRIMARY KEY,
    referral_id       TEXT NOT NULL,
    direction         TEXT NOT NULL CHECK (direction IN ('sent', 'received')),
    contact_id        INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
    counterpart       TEXT NOT NULL,        -- the contact's name and unit code, kept if removed
    package_id        TEXT NOT NULL,        -- of the referral package itself
    sha256            TEXT NOT NULL,        -- of the referral file
    state             TEXT NOT NULL
                      CHECK (state IN ('pending', 'acknowledged', 'withdrawn', 'replied')),
    case_id           INTEGER REFERENCES cases(id) ON DELETE SET NULL,
    case_referral_id  INTEGER,              -- the sender's Referral entry for it
    sections          TEXT NOT NULL,        -- JSON list of the sections sent
    snapshot          TEXT NOT NULL,        -- JSON: section -> content last agreed
    reply_status      TEXT,                 -- accepted or completed, once replied
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    UNIQUE (referral_id, direction)
);
CREATE INDEX referral_packages_case ON referral_packages(case_id);

CREATE TABLE referral_conflicts (
    id          INTEGER PRIMARY KEY,
    package_row INTEGER NOT NULL REFERENCES referral_packages(id) ON DELETE CASCADE,
    section     TEXT NOT NULL,
    mine        TEXT NOT NULL,              -- JSON: this vault's version of the section
    theirs      TEXT NOT NULL,              -- JSON: the reply's version
    created_at  TEXT NOT NULL
);

CREATE TABLE seen_packages (
    package_id  TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    seen_at     TEXT NOT NULL
);
"""


def upgrade(conn: Connection) -> None:
    run_script(conn, SQL)
    private = X25519PrivateKey.generate().private_bytes(
        Encoding.Raw, PrivateFormat.Raw, NoEncryption()
    )
    conn.execute(
        "INSERT INTO receiving_key (id, private_key, created_at) VALUES (1, ?, ?)",
        (private, dt.datetime.now(dt.UTC).isoformat(timespec="seconds")),
    )
