"""The audit trail: an append-only, hash-chained table inside the vault.

Each entry's chain value is HMAC-SHA256(audit key, previous chain value || the entry's
canonical bytes, its id included), so an edited, deleted or reordered row breaks the chain
at that row. The head (last id and chain value) is kept in `meta`, so a truncated tail is
detected too. Entries are written in the same transaction as the change they record.

The audit key is derived with HKDF from the data key the vault was created with and kept in
the encrypted `meta` table, so that rotating the data key (when a user is removed) does not
orphan the older entries. Anyone who can open the database could recompute the chain; the
chain detects edits made behind the program's back, not by someone holding the key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from app.errors import AftercareError
from app.i18n import N_, _
from app.storage.connection import Connection

GENESIS = b"\x00" * 32
AUDIT_KEY = "audit_key"
AUDIT_HEAD = "audit_head"


@dataclass(frozen=True)
class Entry:
    id: int
    at: str
    user_id: int | None
    user_name: str | None
    action: str
    case_number: str | None
    detail: dict[str, Any]


def _canonical(
    entry_id: int,
    at: str,
    user_id: int | None,
    user_name: str | None,
    action: str,
    case_number: str | None,
    detail_json: str,
) -> bytes:
    return json.dumps(
        [entry_id, at, user_id, user_name, action, case_number, detail_json],
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode("utf-8")


def _key(conn: Connection) -> bytes:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (AUDIT_KEY,)).fetchone()
    if row is None:
        raise AftercareError(_("The vault has no audit key; it is damaged."))
    return bytes(row[0])


def audit_key(conn: Connection) -> bytes:
    """The chain's HMAC key (app.vault.audit_head derives the head's own key from it)."""
    return _key(conn)


def head(conn: Connection) -> tuple[int, bytes]:
    """The last entry's id and chain value, as recorded in `meta` (0 and GENESIS if none)."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (AUDIT_HEAD,)).fetchone()
    if row is None:
        return 0, GENESIS
    recorded = json.loads(bytes(row[0]))
    return int(recorded["id"]), bytes.fromhex(recorded["chain"])


def chain_at(conn: Connection, entry_id: int) -> bytes | None:
    """The chain value of entry `entry_id`, or None when the trail has no such entry."""
    row = conn.execute("SELECT chain FROM audit WHERE id = ?", (entry_id,)).fetchone()
    return None if row is None else bytes(row[0])


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def record(
    conn: Connection,
    *,
    user_id: int | None,
    user_name: str | None,
    action: str,
    case_number: str | None = None,
    detail: dict[str, Any] | None = None,
    at: str | None = None,
) -> int:
    """Append one entry; call inside the transaction of the change it records."""
    last = conn.execute("SELECT id, chain FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    entry_id = (last[0] + 1) if last else 1
    previous = bytes(last[1]) if last else GENESIS
    head_row = conn.execute("SELECT value FROM meta WHERE key = ?", (AUDIT_HEAD,)).fetchone()
    if head_row is not None:
        # Chain on from the recorded head, not the last row: a tail deleted behind the
        # program's back then stays a gap that verify() reports, instead of being hidden by
        # the next entry.
        head = json.loads(bytes(head_row[0]))
        entry_id = max(entry_id, int(head["id"]) + 1)
        previous = bytes.fromhex(head["chain"])
    at = at or _now()
    detail_json = json.dumps(
        detail or {}, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    chain = hmac.new(
        _key(conn),
        previous + _canonical(entry_id, at, user_id, user_name, action, case_number, detail_json),
        hashlib.sha256,
    ).digest()
    conn.execute(
        "INSERT INTO audit (id, at, user_id, user_name, action, case_number, detail, chain) VALUES (?,?,?,?,?,?,?,?)",
        (entry_id, at, user_id, user_name, action, case_number, detail_json, chain),
    )
    head = json.dumps({"id": entry_id, "chain": chain.hex()}).encode()
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (AUDIT_HEAD, head))
    return entry_id


@dataclass(frozen=True)
class Verification:
    ok: bool
    entries: int
    first_broken: int | None = None  # the id (or position) of the first entry that fails
    reason: str = ""


def verify(conn: Connection) -> Verification:
    key = _key(conn)
    previous = GENESIS
    expected_id = 1
    count = 0
    for row in conn.execute(
        "SELECT id, at, user_id, user_name, action, case_number, detail, chain FROM audit ORDER BY id"
    ):
        entry_id, at, user_id, user_name, action, case_number, detail_json, chain = row
        if entry_id != expected_id:
            return Verification(
                False, count, expected_id, _("entry {id} is missing").format(id=expected_id)
            )
        mac = hmac.new(
            key,
            previous
            + _canonical(entry_id, at, user_id, user_name, action, case_number, detail_json),
            hashlib.sha256,
        ).digest()
        if not hmac.compare_digest(mac, bytes(chain)):
            return Verification(
                False, count, entry_id, _("entry {id} was changed or moved").format(id=entry_id)
            )
        previous = bytes(chain)
        expected_id += 1
        count += 1
    head_row = conn.execute("SELECT value FROM meta WHERE key = ?", (AUDIT_HEAD,)).fetchone()
    if head_row is not None:
        head = json.loads(bytes(head_row[0]))
        if head["id"] != count or bytes.fromhex(head["chain"]) != previous:
            return Verification(
                False, count, count + 1, _("entries after {id} were removed").format(id=count)
            )
    return Verification(True, count)


def entries(
    conn: Connection,
    *,
    case_number: str | None = None,
    action: str | None = None,
    user_name: str | None = None,
    since: str | None = None,
    limit: int | None = None,
) -> list[Entry]:
    where, args = [], []
    for column, value in (
        ("case_number", case_number),
        ("action", action),
        ("user_name", user_name),
    ):
        if value:
            where.append(f"{column} = ?")
            args.append(value)
    if since:
        where.append("at >= ?")
        args.append(since)
    sql = "SELECT id, at, user_id, user_name, action, case_number, detail FROM audit"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY id DESC"
    if limit:
        sql += f" LIMIT {int(limit)}"
    return [
        Entry(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6])) for r in conn.execute(sql, args)
    ]


# What each action means, for the Audit page and `aftercare audit show`. An action missing
# here shows as its code; tests/test_audit_labels.py checks every action the code writes.
ACTION_LABELS: dict[str, str] = {
    "vault_created": N_("Vault created"),
    "unlock": N_("Unlocked"),
    "unlock_failed": N_("Failed unlock"),
    "lock": N_("Locked"),
    "user_added": N_("User added"),
    "user_removed": N_("User removed"),
    "passphrase_changed": N_("Passphrase changed"),
    "passphrase_reset_by_recovery": N_("Passphrase reset with the recovery code"),
    "recovery_code_replaced": N_("New recovery code"),
    "recovery_kit_written": N_("Recovery kit printed"),
    "key_slot_dropped": N_("Key slot no user accounts for removed"),
    "key_slot_refused": N_("Refused: a key slot the vault does not record"),
    "key_rotation_interrupted": N_("Key change interrupted; nothing was changed"),
    "access_denied": N_("Refused: no permission"),
    "case_viewed": N_("Case file viewed"),
    "case_created": N_("Case opened"),
    "case_updated": N_("Case file changed"),
    "case_entry_saved": N_("Entry saved"),
    "case_entry_deleted": N_("Entry deleted"),
    "case_closed": N_("Case closed"),
    "case_reopened": N_("Case reopened"),
    "case_closure_approved": N_("Closure approved"),
    "case_closure_requested": N_("Closure requested"),
    "case_closure_returned": N_("Closure returned"),
    "case_assigned": N_("Case assigned"),
    "case_visit_recorded": N_("Follow-up visit recorded"),
    "case_draft_saved": N_("Draft kept at lock"),
    "case_draft_discarded": N_("Draft discarded"),
    "case_pdf_printed": N_("Case file printed to PDF"),
    "case_number_digits_set": N_("Width of case numbers set"),
    "attachment_added": N_("Attachment added"),
    "attachment_viewed": N_("Attachment viewed"),
    "attachment_exported": N_("Attachment written out"),
    "attachment_removed": N_("Attachment removed"),
    "cases_imported": N_("Cases imported"),
    "cases_exported": N_("Identifiable cases exported"),
    "summary_exported": N_("Summary exported"),
    "rollup_signed": N_("Roll-up signed"),
    "backup_written": N_("Backup written"),
    "backup_restored": N_("Backup restored"),
    "restored_from_backup": N_("Vault restored from a backup"),
    "auto_backup": N_("Automatic backup"),
    "auto_backup_failed": N_("Automatic backup failed"),
    "contact_added": N_("Contact added"),
    "contact_verified": N_("Contact verified"),
    "contact_removed": N_("Contact removed"),
    "referral_sent": N_("Referral package sent"),
    "referral_reply_sent": N_("Referral reply sent"),
    "referral_ack_sent": N_("Receipt sent"),
    "referral_withdraw_sent": N_("Referral withdrawn"),
    "referral_received": N_("Referral package received"),
    "referral_reply_imported": N_("Referral reply imported"),
    "referral_acknowledged": N_("Referral receipt imported"),
    "referral_withdrawn_by_sender": N_("Referral withdrawn by the sender"),
    "directory_added": N_("Directory entry added"),
    "directory_edited": N_("Directory entry changed"),
    "directory_removed": N_("Directory entry removed"),
    "directory_exported": N_("Directory written out"),
    "directory_imported": N_("Directory imported"),
    "referral_letter_printed": N_("Referral letter printed"),
    "resources_sheet_printed": N_("Resources sheet printed"),
    "referral_conflict_resolved": N_("Referral conflict resolved"),
    "referral_consent_overridden": N_("Referral consent overridden"),
    "package_refused": N_("Package refused"),
}


def action_label(action: str) -> str:
    """The translated meaning of an audit action; the code itself when it has none."""
    return _(ACTION_LABELS[action]) if action in ACTION_LABELS else action
