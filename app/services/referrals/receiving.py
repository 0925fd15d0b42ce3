"""Receiving packages: check the sender and replays, take a referral, a reply (merged
section by section), a receipt or a withdrawal, and audit every refusal.

Every refused package is audited with its SHA-256 and the reason, in a transaction of its
own after the refused one rolled back, so nothing else is written.
"""

from __future__ import annotations

import hashlib
import json
import re

from app.domain.validation import validate_case
from app.errors import AftercareError
from app.i18n import _
from app.referrals import keys, package, sections
from app.referrals.package import PackageRefused
from app.services.base import Change
from app.services.referrals.base import (
    HANDLERS,
    REPLY_STATUSES,
    Conflict,
    Contact,
    Received,
    empty_section,
    problem_key,
    utc_now,
)
from app.services.referrals.contacts import CONTACT_COLUMNS, ContactBook
from app.storage import cases_repo, new_cases

# Reasons a package is refused, beyond those app.referrals.package finds itself.
UNKNOWN_SENDER = "unknown_sender"
UNVERIFIED_SENDER = "unverified_sender"
REPLAYED = "replayed"
DUPLICATE = "duplicate"
NO_SUCH_REFERRAL = "no_such_referral"
WITHDRAWN = "withdrawn"
BAD_CONTENT = "bad_content"

_REFERRAL_ID = re.compile(r"[0-9a-f]{32}")


class Receiving(ContactBook):
    def receive(self, raw: bytes, source: str = "package") -> Received:
        """Import a package: a referral, a reply, a receipt or a withdrawal.

        Refused (AftercareError, nothing written, the attempt audited) when the file is
        damaged or changed, made for another vault, from a sender who is not a verified
        contact, already imported, or about a referral this vault does not hold.
        """
        self._require_role(HANDLERS, "receive_a_referral")
        digest = hashlib.sha256(raw).hexdigest()
        sender: Contact | None = None
        try:
            opened = package.open_package(raw, keys.receiving_private_key(self.conn))
            sender = self._sender_contact(opened)
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
            detail = {"reason": refused.reason, "sha256": digest}
            if refused.package_id:
                detail["package_id"] = refused.package_id
            if sender is not None:
                detail["from"] = sender.name
            with self.opened.write():
                self.opened.audit("package_refused", detail=detail)
            raise AftercareError(_refusal_message(refused.reason, source, sender)) from None

    def _sender_contact(self, opened: package.Opened) -> Contact:
        row = self.conn.execute(
            f"SELECT {CONTACT_COLUMNS} FROM contacts WHERE signing_key = ?", (opened.sender,)
        ).fetchone()
        if row is None:
            raise PackageRefused(UNKNOWN_SENDER, opened.package_id)
        return self._contact_from(row)

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
        ):
            raise PackageRefused(BAD_CONTENT, opened.package_id)
        if self._rows("WHERE referral_id = ? AND direction = 'received'", (referral_id,)):
            raise PackageRefused(DUPLICATE, opened.package_id)
        number = self._new_case_number(referral_id)
        today = self.today().isoformat()
        try:
            for section in chosen:
                sections.check_content(section, content[section])
            case = sections.case_from_sections(
                {
                    "case_number": number,
                    "status": "open",
                    "opened_on": today,
                    # Without the profile the person has no name here: the number stands in.
                    "person": {"full_name": number},
                    "intake": {},
                },
                {s: content[s] for s in chosen},
            )
        except sections.BadContent:
            raise PackageRefused(BAD_CONTENT, opened.package_id) from None
        case_id = new_cases.insert_case(self.conn, case)
        self._insert_row(
            referral_id, "received", sender, opened, case_id, None, chosen, content, sha256=digest
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
        if (
            status not in REPLY_STATUSES
            or not isinstance(replied, dict)
            or not set(replied) <= set(sections.REPLY_SECTIONS)
        ):
            raise PackageRefused(BAD_CONTENT, opened.package_id)
        try:
            for section, value in replied.items():
                sections.check_content(section, value, lists_only=section not in row["sections"])
        except sections.BadContent:
            raise PackageRefused(BAD_CONTENT, opened.package_id) from None
        case = cases_repo.load_case(self.conn, row["case_id"])
        before = {problem_key(p) for p in validate_case(case, self.today())}
        snapshot = row["snapshot"]
        merged, conflicts = [], []
        for section in sections.REPLY_SECTIONS:
            if section not in replied:
                continue
            theirs = replied[section]
            base = snapshot.get(section) or empty_section(section)
            mine = {k: v for k, v in sections.content(case, section).items() if k in theirs}
            result = sections.merge(base, mine, theirs)
            if result is None:
                conflicts.append((section, mine, theirs))
            elif not sections.same(result, mine):
                sections.apply(case, section, result)
                merged.append(section)
            snapshot[section] = theirs
        for entry in case.referrals:
            if entry.id == row["case_referral_id"]:
                entry.status = status
        new = [p for p in validate_case(case, self.today()) if problem_key(p) not in before]
        if new:
            raise PackageRefused(BAD_CONTENT, opened.package_id)
        cases_repo.save_case(self.conn, case)
        now = utc_now()
        self.conn.execute(
            "UPDATE referral_packages SET state = 'replied', reply_status = ?, snapshot = ?,"
            " updated_at = ? WHERE id = ?",
            (status, json.dumps(snapshot, ensure_ascii=False), now, row["id"]),
        )
        found = []
        for section, mine, theirs in conflicts:
            conflict_id = self.conn.execute(
                "INSERT INTO referral_conflicts (package_row, section, mine, theirs, created_at)"
                " VALUES (?,?,?,?,?)",
                (
                    row["id"],
                    section,
                    json.dumps(mine, ensure_ascii=False),
                    json.dumps(theirs, ensure_ascii=False),
                    now,
                ),
            ).lastrowid
            found.append(
                Conflict(conflict_id, row["referral_id"], case.case_number, section, mine, theirs)
            )
        self.opened.audit(
            "referral_reply_imported",
            case.case_number,
            {
                "referral_id": row["referral_id"],
                "from": sender.name,
                "sha256": digest,
                "status": status,
                "merged": merged,
                "conflicts": [c.section for c in found],
            },
        )
        return Received(
            "reply",
            row["referral_id"],
            sender.counterpart,
            case.case_number,
            Change(case.case_number, case.id, "updated"),
            merged,
            found,
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
            cases_repo.delete_case(self.conn, row["case_id"])
            change = Change(number, row["case_id"], "deleted")
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

    def _answered_row(self, opened: package.Opened, sender: Contact, direction: str) -> dict:
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


def _referral_id(payload: dict, opened: package.Opened) -> str:
    value = payload.get("referral_id")
    if not isinstance(value, str) or not _REFERRAL_ID.fullmatch(value):
        raise PackageRefused(BAD_CONTENT, opened.package_id)
    return value


def _refusal_message(reason: str, source: str, sender: Contact | None) -> str:
    name = sender.name if sender else ""
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
            "{source} comes from a vault that is not one of your contacts; nothing was imported."
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
    return messages[reason].format(source=source, name=name)
