"""Receiving packages: check the sender and replays, take a referral, a reply (merged
section by section), a receipt or a withdrawal, and audit every refusal.

Every refused package is audited with its SHA-256 (or, when it was too large to read, its
file name) and the reason, in a transaction of its
own after the refused one rolled back, so nothing else is written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any, NoReturn

from app.access import Action
from app.domain.model import Case
from app.domain.validation import validate_case
from app.errors import AftercareError
from app.i18n import _
from app.referrals import keys, package, sections
from app.referrals.package import PackageRefused
from app.services.base import Change
from app.services.referrals.base import (
    REPLY_STATUSES,
    Conflict,
    Contact,
    Received,
    problem_key,
    utc_now,
)
from app.services.referrals.contacts import ContactBook
from app.storage import cases_repo, new_cases, workflow_repo
from app.storage.connection import inserted_id

# Reasons a package is refused, beyond those app.referrals.package finds itself.
UNKNOWN_SENDER = package.NOT_FROM_A_CONTACT
UNVERIFIED_SENDER = "unverified_sender"
REPLAYED = "replayed"
DUPLICATE = "duplicate"
NO_SUCH_REFERRAL = "no_such_referral"
WITHDRAWN = "withdrawn"
BAD_CONTENT = "bad_content"
STALE = "stale"


class StaleReply(PackageRefused):
    """A reply older than one already applied: taking it would undo newer work."""

    def __init__(self, package_id: str, seq: int, applied: int):
        super().__init__(STALE, package_id)
        self.seq, self.applied = seq, applied


_REFERRAL_ID = re.compile(r"[0-9a-f]{32}")


class Receiving(ContactBook):
    def receive(self, raw: bytes, source: str = "package") -> Received:
        """Import a package: a referral, a reply, a receipt or a withdrawal.

        Refused (AftercareError, nothing written, the attempt audited) when the file is
        damaged or changed, made for another vault, from a sender who is not a verified
        contact, already imported, or about a referral this vault does not hold.
        """
        self.require(Action.RECEIVE_REFERRAL)
        digest = hashlib.sha256(raw).hexdigest()
        sender: Contact | None = None
        try:
            contacts = {bytes(c.signing_key): c for c in self.contacts()}
            receiving = keys.receiving_private_key(self.conn)
            opened = package.open_package(raw, receiving, contacts)
            sender = contacts[opened.sender]
            if not sender.verified:
                raise PackageRefused(UNVERIFIED_SENDER, opened.package_id)
            if self.conn.execute(
                "SELECT 1 FROM seen_packages WHERE package_id = ?", (opened.package_id,)
            ).fetchone():
                raise PackageRefused(REPLAYED, opened.package_id)
            take = {
                "referral": self._take_referral,
                "reply": self._take_reply,
                "ack": self._take_ack,
                "withdraw": self._take_withdraw,
            }[opened.kind]
            with self.opened.write() as conn:
                result = take(opened, sender, digest)
                conn.execute(
                    "INSERT INTO seen_packages (package_id, kind, seen_at) VALUES (?,?,?)",
                    (opened.package_id, opened.kind, utc_now()),
                )
            return result
        except PackageRefused as refused:
            self._refused(refused, source, sender, {"sha256": digest})

    def receive_file(self, path: str | os.PathLike[str]) -> Received:
        """`receive` the package in the file `path`. A file larger than any package is
        refused (and audited) without reading it."""
        self.require(Action.RECEIVE_REFERRAL)
        source = Path(path).name
        try:
            raw = package.read_file(path)
        except PackageRefused as refused:
            self._refused(refused, source, None, {"file": source})
        except OSError as exc:
            raise AftercareError(
                _("Cannot read {file}: {reason}").format(file=source, reason=exc.strerror)
            ) from None
        return self.receive(raw, source)

    def _refused(
        self, refused: PackageRefused, source: str, sender: Contact | None, detail: dict[str, Any]
    ) -> NoReturn:
        """Audit a refused package in its own transaction, then raise the message."""
        detail = {"reason": refused.reason, **detail}
        if isinstance(refused, StaleReply):
            detail["seq"], detail["applied"] = refused.seq, refused.applied
        if refused.package_id:
            detail["package_id"] = refused.package_id
        if sender is not None:
            detail["from"] = sender.name
        with self.opened.write():
            self.opened.audit("package_refused", detail=detail)
        raise AftercareError(_refusal_message(refused, source, sender)) from None

    def _take_referral(self, opened: package.Opened, sender: Contact, digest: str) -> Received:
        payload = opened.payload
        referral_id = _referral_id(payload, opened)
        chosen = payload.get("sections")
        content = payload.get("content")
        if (
            not isinstance(chosen, list)
            or not chosen
            or not all(s in sections.SHAREABLE for s in chosen)
            or not isinstance(content, dict)
            or set(content) != set(chosen)
            or not isinstance(payload.get("uids"), dict)
        ):
            raise PackageRefused(BAD_CONTENT, opened.package_id)
        if self._rows("WHERE referral_id = ? AND direction = 'received'", (referral_id,)):
            raise PackageRefused(DUPLICATE, opened.package_id)
        number = self._new_case_number(referral_id)
        try:
            keyed = {}
            for section in chosen:
                value = sections.check_content(section, content[section])
                keyed[section] = sections.join(value, payload["uids"].get(section))
            case = sections.case_from_sections(
                {
                    "case_number": number,
                    "status": "open",
                    # summary-v1 A1: the case keeps the day the origin opened it.
                    "opened_on": _origin_opened_on(payload, self.today()),
                    # Without the profile the person has no name here: the number stands in.
                    "person": {"full_name": number},
                    "intake": {},
                },
                {s: content[s] for s in chosen},
            )
        except sections.BadContent:
            raise PackageRefused(BAD_CONTENT, opened.package_id) from None
        case_id = new_cases.insert_case(self.conn, case)
        workflow_repo.set_holder(self.conn, case_id, self.opened.user.id)  # who received it
        entry_ids = _entry_ids(case, keyed)
        self._insert_row(
            referral_id,
            "received",
            sender,
            opened,
            case_id,
            None,
            chosen,
            keyed,
            entry_ids,
            sha256=digest,
        )
        self.opened.audit(
            "referral_received",
            number,
            {
                "referral_id": referral_id,
                "from": sender.name,
                "fingerprint": sender.fingerprint,
                "sha256": digest,
                "sections": chosen,
            },
        )
        return Received(
            "referral", referral_id, sender.counterpart, number, Change(number, case_id, "created")
        )

    def _take_reply(self, opened: package.Opened, sender: Contact, digest: str) -> Received:
        payload = opened.payload
        row = self._answered_row(opened, sender, "sent")
        status = payload.get("status")
        replied = payload.get("sections")
        seq = payload.get("seq")
        uids = payload.get("uids")
        if (
            status not in REPLY_STATUSES
            or not isinstance(replied, dict)
            or not set(replied) <= set(sections.REPLY_SECTIONS)
            or type(seq) is not int
            or seq < 1
            or not isinstance(uids, dict)
        ):
            raise PackageRefused(BAD_CONTENT, opened.package_id)
        if seq <= row["reply_seq"]:
            raise StaleReply(opened.package_id, seq, row["reply_seq"])
        try:
            theirs_keyed = {
                section: sections.join(
                    sections.check_content(
                        section, value, lists_only=section not in row["sections"]
                    ),
                    uids.get(section),
                )
                for section, value in replied.items()
            }
        except sections.BadContent:
            raise PackageRefused(BAD_CONTENT, opened.package_id) from None
        made_at = payload.get("made_at") if isinstance(payload.get("made_at"), str) else None
        case = cases_repo.stored_case(self.conn, row["case_id"])
        before = {problem_key(p) for p in validate_case(case, self.today())}
        snapshot, entry_ids = row["snapshot"], row["entry_ids"]
        merged, conflicts, added = [], [], []
        for section in sections.REPLY_SECTIONS:
            if section not in theirs_keyed:
                continue
            theirs = theirs_keyed[section]
            base = snapshot.get(section) or sections.empty_keyed(section)
            mine_all = sections.keyed_content(case, section, entry_ids, base=base)
            mine = {k: v for k, v in mine_all.items() if k in theirs}
            result, found = sections.merge_keyed(base, mine, theirs)
            conflicts += [(section, c) for c in found]
            if not sections.same(result, mine):
                added += sections.apply_keyed(case, section, result, entry_ids)
                merged.append(section)
            snapshot[section] = theirs
        for entry in case.referrals:
            if entry.id == row["case_referral_id"]:
                entry.status = status
        new = [p for p in validate_case(case, self.today()) if problem_key(p) not in before]
        if new:
            raise PackageRefused(BAD_CONTENT, opened.package_id)
        cases_repo.save_case(self.conn, case)
        sections.record_new(entry_ids, added)
        now = utc_now()
        self.conn.execute(
            "UPDATE referral_packages SET state = 'replied', reply_status = ?, snapshot = ?,"
            " reply_seq = ?, entry_ids = ?, updated_at = ? WHERE id = ?",
            (
                status,
                json.dumps(snapshot, ensure_ascii=False),
                seq,
                json.dumps(entry_ids),
                now,
                row["id"],
            ),
        )
        found_conflicts = [
            self._record_conflict(row, case.case_number, section, c, seq, made_at, sender, now)
            for section, c in conflicts
        ]
        self.opened.audit(
            "referral_reply_imported",
            case.case_number,
            {
                "referral_id": row["referral_id"],
                "from": sender.name,
                "sha256": digest,
                "status": status,
                "seq": seq,
                "merged": merged,
                "conflicts": [c.id for c in found_conflicts],
            },
        )
        return Received(
            "reply",
            row["referral_id"],
            sender.counterpart,
            case.case_number,
            Change(case.case_number, row["case_id"], "updated"),
            merged,
            found_conflicts,
        )

    def _record_conflict(
        self,
        row: dict[str, Any],
        case_number: str,
        section: str,
        found: sections.EntryConflict,
        seq: int,
        made_at: str | None,
        sender: Contact,
        now: str,
    ) -> Conflict:
        """Store one entry's conflict; an open one of the same entry from an older reply is
        superseded (the newer reply holds that entry as it is now)."""
        self.conn.execute(
            "UPDATE referral_conflicts SET state = 'superseded', settled_at = ?"
            " WHERE package_row = ? AND section = ? AND part = ? AND entry IS ? AND state = 'open'",
            (now, row["id"], section, found.part, found.entry),
        )
        mine, theirs = conflict_sides(found)
        conflict_id = inserted_id(
            self.conn.execute(
                "INSERT INTO referral_conflicts (package_row, section, part, entry, seq, mine,"
                " theirs, their_at, created_at) VALUES (?,?,?,?,?,?,?,?,?)",
                (
                    row["id"],
                    section,
                    found.part,
                    found.entry,
                    seq,
                    json.dumps(mine, ensure_ascii=False),
                    json.dumps(theirs, ensure_ascii=False),
                    made_at,
                    now,
                ),
            )
        )
        return Conflict(
            conflict_id,
            row["referral_id"],
            case_number,
            section,
            mine,
            theirs,
            found.part,
            found.entry,
            seq,
            made_at,
            sender.counterpart,
            now,
        )

    def _take_ack(self, opened: package.Opened, sender: Contact, digest: str) -> Received:
        row = self._answered_row(opened, sender, "sent")
        if row["state"] == "pending":
            self.conn.execute(
                "UPDATE referral_packages SET state = 'acknowledged', updated_at = ? WHERE id = ?",
                (utc_now(), row["id"]),
            )
        number = self._case_number(row["case_id"])
        self.opened.audit(
            "referral_acknowledged",
            number,
            {"referral_id": row["referral_id"], "from": sender.name, "sha256": digest},
        )
        return Received("ack", row["referral_id"], sender.counterpart, number)

    def _take_withdraw(self, opened: package.Opened, sender: Contact, digest: str) -> Received:
        row = self._answered_row(opened, sender, "received")
        number = self._case_number(row["case_id"])
        change = None
        if row["case_id"] is not None:
            deleted = self._stored_number(row["case_id"])  # read before the case goes
            cases_repo.delete_case(self.conn, row["case_id"])
            change = Change(deleted, row["case_id"], "deleted")
        # Keep only that the referral existed and was withdrawn: no copy of what was given.
        self.conn.execute(
            "UPDATE referral_packages SET state = 'withdrawn', case_id = NULL, snapshot = '{}',"
            " updated_at = ? WHERE id = ?",
            (utc_now(), row["id"]),
        )
        self.conn.execute("DELETE FROM referral_conflicts WHERE package_row = ?", (row["id"],))
        self.opened.audit(
            "referral_withdrawn_by_sender",
            number,
            {"referral_id": row["referral_id"], "from": sender.name, "sha256": digest},
        )
        return Received("withdraw", row["referral_id"], sender.counterpart, number, change)

    def _answered_row(
        self, opened: package.Opened, sender: Contact, direction: str
    ) -> dict[str, Any]:
        """The referral a reply, receipt or withdrawal is about, between this vault and `sender`."""
        referral_id = _referral_id(opened.payload, opened)
        rows = self._rows(
            "WHERE referral_id = ? AND direction = ? AND contact_id = ?",
            (referral_id, direction, sender.id),
        )
        if not rows:
            raise PackageRefused(NO_SUCH_REFERRAL, opened.package_id)
        row = rows[0]
        if row["state"] == "withdrawn" or (direction == "sent" and row["case_id"] is None):
            raise PackageRefused(WITHDRAWN, opened.package_id)
        return row

    def _new_case_number(self, referral_id: str) -> str:
        for length in (8, 12, 16, 32):
            number = f"REF-{referral_id[:length].upper()}"
            if cases_repo.case_id(self.conn, number) is None:
                return number
        raise PackageRefused(DUPLICATE)


def _referral_id(payload: dict[str, Any], opened: package.Opened) -> str:
    value = payload.get("referral_id")
    if not isinstance(value, str) or not _REFERRAL_ID.fullmatch(value):
        raise PackageRefused(BAD_CONTENT, opened.package_id)
    return value


def conflict_sides(found: sections.EntryConflict) -> tuple[dict[str, Any], dict[str, Any]]:
    """Both versions of a conflicting entry as section content of that entry alone."""
    if found.entry is None:
        return {found.part: found.mine}, {found.part: found.theirs}
    return (
        {found.part: [] if found.mine is None else [found.mine]},
        {found.part: [] if found.theirs is None else [found.theirs]},
    )


def _origin_opened_on(payload: dict[str, Any], today: dt.date) -> str:
    """The day the origin opened the case; today for a package that does not say."""
    value = payload.get("opened_on")
    if value is None:
        return today.isoformat()
    try:
        day = dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        day = None
    if day is None or day > today:
        raise sections.BadContent("opened_on")
    return day.isoformat()


def _entry_ids(case: Case, keyed: dict[str, dict[str, Any]]) -> sections.EntryIds:
    """This vault's ids of a new case's entries -> their shared ids, in the order
    `case_from_sections` put them in."""
    out: sections.EntryIds = {}
    cursor: dict[str, int] = {}
    for value in keyed.values():
        for part, entries in value.items():
            if not sections.is_list(part):
                continue
            stored = getattr(case, part)
            for uid, _entry in entries:
                at = cursor.get(part, 0)
                cursor[part] = at + 1
                if getattr(stored[at], "id", None) is not None:  # consents have none
                    out.setdefault(part, {})[str(stored[at].id)] = uid
    return out


def _refusal_message(refused: PackageRefused, source: str, sender: Contact | None) -> str:
    reason = refused.reason
    name = sender.name if sender else ""
    if isinstance(refused, StaleReply):
        return _(
            "{source} is reply {seq} of this referral, older than reply {applied}, which was already imported; taking it would undo newer work, so nothing was changed."
        ).format(source=source, seq=refused.seq, applied=refused.applied)
    messages = {
        package.DAMAGED: _(
            "{source} is not a referral package, or it is damaged or cut short; nothing was imported."
        ),
        package.WRONG_RECIPIENT: _(
            "{source} was made for another vault, not this one; nothing was imported."
        ),
        package.TAMPERED: _(
            "{source} was changed after it was made (its seal or signature does not match); nothing was imported."
        ),
        UNKNOWN_SENDER: _(
            "{source} is signed by none of your contacts: it comes from a vault that is not one of your contacts, or it was changed after it was made. Nothing was imported."
        ),
        package.TOO_LARGE: _(
            "{source} is larger than a referral package can be ({limit} MB); it was not read, and nothing was imported."
        ),
        UNVERIFIED_SENDER: _(
            "{source} comes from “{name}”, whose fingerprint is not verified yet; verify it first. Nothing was imported."
        ),
        REPLAYED: _("{source} was already imported once; nothing was imported again."),
        DUPLICATE: _("The referral in {source} was already received; nothing was imported."),
        NO_SUCH_REFERRAL: _(
            "{source} answers a referral that does not exist here (or was not made with {name}); nothing was imported."
        ),
        WITHDRAWN: _("{source} is about a referral that was withdrawn; nothing was imported."),
        BAD_CONTENT: _("{source} holds case content that is not valid; nothing was imported."),
    }
    limit = package.MAX_PACKAGE_BYTES // (1024 * 1024)
    return messages[reason].format(source=source, name=name, limit=limit)
