"""Schema version 7: referral replies in order, merged entry by entry.

Replies carry a sequence number per referral; `referral_packages.reply_seq` is the last one
sent (recipient) or applied (sender), so an older reply arriving after a newer one is
refused instead of undoing it. Entries exchanged through a referral get an id both vaults
share (`entry_ids`: list part -> {local entry id: shared id}); the snapshot keeps each list
entry with its shared id, so a reply is merged entry by entry and a conflict is one entry.

`referral_conflicts` is made again with AUTOINCREMENT and settled conflicts are kept with
their outcome (`state`): a conflict id is never used twice, and an id that never existed
can be told from one already settled. Conflicts of the old kind (a whole section) are
carried over as they are, with no entry id.

Snapshots of referrals made before this version get shared ids derived from the referral
id and the entry's content, the same in both vaults for an entry neither side changed; a
vault's own entries are matched to them by content when first needed.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from app.storage.connection import Connection, run_script

SQL = """
ALTER TABLE referral_packages ADD COLUMN reply_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE referral_packages ADD COLUMN entry_ids TEXT NOT NULL DEFAULT '{}';

CREATE TABLE referral_conflicts_v7 (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    package_row INTEGER NOT NULL REFERENCES referral_packages(id) ON DELETE CASCADE,
    section     TEXT NOT NULL,
    part        TEXT,                       -- the list (or guardian) the entry is in
    entry       TEXT,                       -- its shared id; NULL for an old whole-section one
    seq         INTEGER NOT NULL DEFAULT 0, -- the reply that made it
    mine        TEXT NOT NULL,              -- JSON: this vault's version
    theirs      TEXT NOT NULL,              -- JSON: the reply's version
    their_at    TEXT,                       -- when the reply was made
    state       TEXT NOT NULL DEFAULT 'open'
                CHECK (state IN ('open', 'mine', 'theirs', 'superseded')),
    settled_at  TEXT,
    created_at  TEXT NOT NULL
);
INSERT INTO referral_conflicts_v7 (id, package_row, section, mine, theirs, created_at)
    SELECT id, package_row, section, mine, theirs, created_at FROM referral_conflicts;
DROP TABLE referral_conflicts;
ALTER TABLE referral_conflicts_v7 RENAME TO referral_conflicts;
CREATE INDEX referral_conflicts_row ON referral_conflicts(package_row, state);
"""

_LIST_PARTS = ("consents", "services", "notes", "followups", "referrals")


def _shared_id(referral_id: str, part: str, value: object, seen: dict[str, int]) -> str:
    key = json.dumps(value, sort_keys=True, ensure_ascii=False)
    seen[key] = seen.get(key, 0) + 1
    text = f"{referral_id}|{part}|{key}|{seen[key]}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def keyed_snapshot(referral_id: str, snapshot: dict[str, Any]) -> dict[str, Any]:
    """Old snapshot content with a shared id for every list entry."""
    out: dict[str, Any] = {}
    for section, content in snapshot.items():
        seen: dict[str, int] = {}
        out[section] = {
            part: [[_shared_id(referral_id, part, v, seen), v] for v in value]
            if part in _LIST_PARTS
            else value
            for part, value in content.items()
        }
    return out


def upgrade(conn: Connection) -> None:
    run_script(conn, SQL)
    rows = conn.execute("SELECT id, referral_id, snapshot FROM referral_packages").fetchall()
    for row_id, referral_id, snapshot in rows:
        keyed = keyed_snapshot(referral_id, json.loads(snapshot))
        conn.execute(
            "UPDATE referral_packages SET snapshot = ? WHERE id = ?",
            (json.dumps(keyed, ensure_ascii=False), row_id),
        )
