"""Referrals between vaults: contacts, sending part of a case file, and the way back.

A caseworker sends exactly the sections the survivor consented to share, to one verified
contact, as a sealed and signed package (app.referrals.package). The recipient's vault makes
a referred case of it, linked by the referral id (never matched by name), records its own
services, follow-ups and notes, and replies the same way; the sender's vault merges the reply
section by section (app.referrals.sections), turning edits made on both sides into a
`Conflict` for a person to decide. Packages can be acknowledged (a receipt) and withdrawn (the
recipient's copy is deleted when it imports the withdrawal).

Every refused package is audited with its SHA-256 and the reason, in a transaction of its
own after the refused one rolled back, so nothing else is written.

Who may do what (the access table has no referral actions yet; these sets say it here):
contacts are managed by administrators and supervisors (adding a key is a trust decision);
caseworkers and supervisors send and withdraw, and only a supervisor may override a missing
`referral` consent, with a written reason; every role but the administrator receives,
replies and acknowledges. Sending a section needs read access to it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app import access
from app.access import Level
from app.codes import ConsentPurpose, ReferralStatus, Role, Section, label
from app.domain.model import Case, Referral
from app.domain.validation import Problem, validate_case
from app.errors import AccessDenied, AftercareError
from app.fileio import atomic_write_bytes
from app.i18n import N_, _
from app.referrals import keys, package, sections
from app.referrals.package import PackageRefused
from app.services.base import Change, VaultService
from app.storage import cases_repo

CONTACT_MANAGERS = frozenset({Role.ADMIN, Role.SUPERVISOR})
SENDERS = frozenset({Role.CASEWORKER, Role.SUPERVISOR})
HANDLERS = frozenset({Role.CASEWORKER, Role.HEALTH, Role.LEGAL, Role.SUPERVISOR})
REPLY_STATUSES = (ReferralStatus.ACCEPTED.value, ReferralStatus.COMPLETED.value)
KEEP_MINE, KEEP_THEIRS = "mine", "theirs"

# Reasons a package is refused, beyond those app.referrals.package finds itself.
UNKNOWN_SENDER = "unknown_sender"
UNVERIFIED_SENDER = "unverified_sender"
REPLAYED = "replayed"
DUPLICATE = "duplicate"
NO_SUCH_REFERRAL = "no_such_referral"
WITHDRAWN = "withdrawn"
BAD_CONTENT = "bad_content"

_REFERRAL_ID = re.compile(r"[0-9a-f]{32}")

_ACTION_LABELS = {
    "manage_contacts": N_("manage contacts"),
    "refer_a_case": N_("refer a case to another unit"),
    "withdraw_a_referral": N_("withdraw a referral"),
    "receive_a_referral": N_("import referral packages"),
    "reply_to_a_referral": N_("reply to a referral"),
    "acknowledge_a_referral": N_("acknowledge a referral"),
}


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Contact:
    id: int
    name: str
    unit_code: str
    role: str
    fingerprint: str
    verified: bool
    verified_by: str | None
    verified_at: str | None
    added_at: str
    signing_key: bytes = field(repr=False)
    receiving_key: bytes = field(repr=False)

    @property
    def role_label(self) -> str:
        return keys.role_label(self.role)

    @property
    def counterpart(self) -> str:
        return f"{self.name} ({self.unit_code})"


@dataclass(frozen=True)
class ReferralRecord:
    """One referral as this vault knows it: sent from one of its cases, or received into one."""

    referral_id: str
    direction: str  # sent or received
    counterpart: str  # the contact's name and unit code when it was made
    contact_name: str | None  # None once the contact was removed
    state: str  # pending, acknowledged, withdrawn, replied
    case_number: str | None  # None once the case was deleted (a withdrawn referral)
    sections: list[str]
    reply_status: str | None  # accepted or completed, once replied
    sha256: str
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class Conflict:
    """A section a reply changed where this vault changed it too: both versions, to choose."""

    id: int
    referral_id: str
    case_number: str | None
    section: str
    mine: dict[str, Any]
    theirs: dict[str, Any]


@dataclass(frozen=True)
class PackageWritten:
    path: Path
    kind: str
    referral_id: str
    package_id: str
    sha256: str
    change: Change | None = None


@dataclass(frozen=True)
class Received:
    kind: str  # referral, reply, ack, withdraw
    referral_id: str
    counterpart: str
    case_number: str | None
    change: Change | None = None
    merged_sections: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)


def referral_consent_given(case: Case) -> bool:
    """True when the latest `referral` consent is given and not withdrawn."""
    found = [c for c in case.consents if c.purpose == ConsentPurpose.REFERRAL]
    if not found:
        return False
    latest = max(enumerate(found), key=lambda pair: (pair[1].recorded_on, pair[0]))[1]
    return bool(latest.given) and latest.withdrawn_on is None


def _problem_key(problem: Problem) -> tuple[str, str]:
    return (problem.path, problem.message)


class Referrals(VaultService):
    # --- access ------------------------------------------------------------------------------

    def _require_role(
        self, roles: frozenset[str], what: str, case_number: str | None = None
    ) -> None:
        with self.refusals_audited(case_number, what):
            if self.role not in roles:
                raise AccessDenied(
                    _("{role} may not {action}").format(
                        role=label(Role, self.role), action=_(_ACTION_LABELS[what])
                    )
                )

    def _refuse(self, action: str, case_number: str | None, detail: dict, message: str):
        """Audit a refused call in its own transaction and raise the message."""
        with self.opened.write():
            self.opened.audit(action, case_number, detail)
        raise AftercareError(message)

    # --- this vault's card -------------------------------------------------------------------

    def own_fingerprint(self) -> str:
        return keys.fingerprint(self._own_signing_public(), self._own_receiving_public())

    def own_card(self, role: str = "shelter", name: str | None = None) -> bytes:
        """This vault's contact card, to give to the units it works with."""
        unit = self.opened.unit
        return keys.make_card(
            unit.code,
            (name or unit.name).strip(),
            keys.require_role(role),
            self.opened.signing_key(),
            self._own_receiving_public(),
        )

    def _own_signing_public(self) -> bytes:
        return keys.raw_public(self.opened.signing_key())

    def _own_receiving_public(self) -> bytes:
        return keys.raw_public(keys.receiving_private_key(self.conn))

    # --- contacts ----------------------------------------------------------------------------

    def read_card(self, raw: bytes, source: str = "card") -> keys.ContactCard:
        """The card's unit, name, role and fingerprint, to show before adding it."""
        return keys.read_card(raw, source)

    def add_contact(
        self,
        raw_card: bytes,
        *,
        name: str | None = None,
        role: str | None = None,
        source: str = "card",
    ) -> Contact:
        """Add a contact from its card, unverified until the fingerprints are compared."""
        self._require_role(CONTACT_MANAGERS, "manage_contacts")
        card = keys.read_card(raw_card, source)
        name = (name or card.name).strip()
        role = keys.require_role(role) if role else card.role
        if not name:
            raise AftercareError(_("The contact's name must not be empty."))
        if card.signing_key == self._own_signing_public():
            raise AftercareError(_("{source} is this vault's own card.").format(source=source))
        known = self.conn.execute(
            "SELECT name FROM contacts WHERE signing_key = ?", (card.signing_key,)
        ).fetchone()
        if known:
            raise AftercareError(
                _("This card is already in your contacts as “{name}”.").format(name=known[0])
            )
        if self._contact_row(name):
            raise AftercareError(
                _("A contact named “{name}” already exists; choose another name.").format(name=name)
            )
        with self.opened.write() as conn:
            conn.execute(
                "INSERT INTO contacts (name, name_key, unit_code, role, signing_key,"
                " receiving_key, fingerprint, verified, added_at) VALUES (?,?,?,?,?,?,?,0,?)",
                (
                    name,
                    name.casefold(),
                    card.unit_code,
                    role,
                    card.signing_key,
                    card.receiving_key,
                    card.fingerprint,
                    _now(),
                ),
            )
            self.opened.audit(
                "contact_added",
                detail={"contact": name, "unit": card.unit_code, "fingerprint": card.fingerprint},
            )
        return self.contact(name)

    def contacts(self) -> list[Contact]:
        return [
            self._contact_from(r)
            for r in self.conn.execute(f"SELECT {_CONTACT_COLUMNS} FROM contacts ORDER BY name_key")
        ]

    def contact(self, name: str) -> Contact:
        row = self._contact_row(name)
        if row is None:
            raise AftercareError(
                _("There is no contact named “{name}”; see `aftercare contact list`.").format(
                    name=name
                )
            )
        return self._contact_from(row)

    def verify_contact(self, name: str, fingerprint: str) -> Contact:
        """Mark a contact verified once the fingerprint read out by the other side matches."""
        self._require_role(CONTACT_MANAGERS, "manage_contacts")
        contact = self.contact(name)
        if keys.fingerprint_digits(fingerprint) != keys.fingerprint_digits(contact.fingerprint):
            self._refuse(
                "contact_verify_failed",
                None,
                {"contact": contact.name, "unit": contact.unit_code},
                _(
                    "The fingerprint does not match the card of “{name}”; it was not marked verified. Check the digits with the other unit again, or get a new card."
                ).format(name=contact.name),
            )
        with self.opened.write() as conn:
            conn.execute(
                "UPDATE contacts SET verified = 1, verified_by = ?, verified_at = ? WHERE id = ?",
                (self.opened.user.name, _now(), contact.id),
            )
            self.opened.audit(
                "contact_verified",
                detail={"contact": contact.name, "fingerprint": contact.fingerprint},
            )
        return self.contact(name)

    def remove_contact(self, name: str) -> None:
        self._require_role(CONTACT_MANAGERS, "manage_contacts")
        contact = self.contact(name)
        with self.opened.write() as conn:
            conn.execute("DELETE FROM contacts WHERE id = ?", (contact.id,))
            self.opened.audit(
                "contact_removed", detail={"contact": contact.name, "unit": contact.unit_code}
            )

    def _contact_row(self, name: str):
        return self.conn.execute(
            f"SELECT {_CONTACT_COLUMNS} FROM contacts WHERE name_key = ?",
            (name.strip().casefold(),),
        ).fetchone()

    def _contact_by_id(self, contact_id: int | None) -> Contact | None:
        row = self.conn.execute(
            f"SELECT {_CONTACT_COLUMNS} FROM contacts WHERE id = ?", (contact_id,)
        ).fetchone()
        return self._contact_from(row) if row else None

    @staticmethod
    def _contact_from(row) -> Contact:
        return Contact(
            id=row[0],
            name=row[1],
            unit_code=row[2],
            role=row[3],
            fingerprint=row[4],
            verified=bool(row[5]),
            verified_by=row[6],
            verified_at=row[7],
            added_at=row[8],
            signing_key=bytes(row[9]),
            receiving_key=bytes(row[10]),
        )

    def _verified_recipient(self, name: str, case_number: str | None) -> Contact:
        contact = self.contact(name)
        if not contact.verified:
            self._refuse(
                "referral_refused",
                case_number,
                {"reason": "unverified_contact", "contact": contact.name},
                _(
                    "“{name}” is not verified: compare the fingerprint with them by phone or on paper and mark it verified first. Nothing was sent."
                ).format(name=contact.name),
            )
        return contact

    # --- sending -----------------------------------------------------------------------------

    def send(
        self,
        case_number: str,
        contact: str,
        chosen: list[str] | tuple[str, ...],
        out: str | os.PathLike,
        *,
        override_reason: str | None = None,
    ) -> PackageWritten:
        """Refer the case to `contact` with only the `chosen` sections; write the package to
        `out` (a file, or a folder to put `aftercare-<random>.acpkg` in)."""
        self._require_role(SENDERS, "refer_a_case", case_number)
        chosen = self._chosen_sections(chosen)
        for section in chosen:
            self.require_section(section, Level.READ, case_number)
        recipient = self._verified_recipient(contact, case_number)
        case_id = self.case_id(case_number)
        case = cases_repo.load_case(self.conn, case_id)
        override = self._consent_or_override(case, override_reason)
        target = _target(out)
        referral_id = secrets.token_hex(16)
        content = sections.contents(case, chosen)
        payload = {
            "referral_id": referral_id,
            "sent_on": self.today().isoformat(),
            "sections": chosen,
            "content": content,
        }
        sealed = package.seal(
            "referral",
            payload,
            recipient=recipient.receiving_key,
            sender=self.opened.signing_key(),
        )
        entry = Referral(
            to=keys.referral_code(recipient.role),
            sent_on=self.today(),
            status=ReferralStatus.PENDING.value,
            organisation=recipient.name,
        )
        with self.opened.write() as conn:
            case.referrals.append(entry)
            cases_repo.save_case(conn, case)
            self._insert_row(
                referral_id,
                "sent",
                recipient,
                sealed,
                case_id,
                entry.id,
                chosen,
                content,
            )
            detail = {
                "referral_id": referral_id,
                "to": recipient.name,
                "unit": recipient.unit_code,
                "fingerprint": recipient.fingerprint,
                "sha256": sealed.sha256,
                "sections": chosen,
            }
            if override:
                self.opened.audit(
                    "referral_consent_overridden",
                    case_number,
                    {"referral_id": referral_id, "reason": override},
                )
            self.opened.audit("referral_sent", case_number, detail)
            atomic_write_bytes(target, sealed.data)
        change = Change(case_number, case_id, "entry_saved", Section.REFERRALS, entry.id)
        return PackageWritten(
            target, "referral", referral_id, sealed.package_id, sealed.sha256, change
        )

    def sendable_sections(self) -> list[str]:
        """The sections the signed-in role may put in a referral (those it may read)."""
        return [s for s in sections.SHAREABLE if access.section_level(self.role, s) >= Level.READ]

    @staticmethod
    def _chosen_sections(chosen) -> list[str]:
        picked: list[str] = []
        for section in chosen:
            section = str(section).strip()
            if section not in sections.SHAREABLE:
                raise AftercareError(
                    _("Unknown section “{section}”; use some of: {sections}.").format(
                        section=section, sections=", ".join(sections.SHAREABLE)
                    )
                )
            if section not in picked:
                picked.append(section)
        if not picked:
            raise AftercareError(_("Choose at least one section to send."))
        return picked

    def _consent_or_override(self, case: Case, override_reason: str | None) -> str | None:
        """None when the referral consent stands; the override reason when a supervisor gave one."""
        if referral_consent_given(case):
            return None
        reason = (override_reason or "").strip()
        number = case.case_number
        if not reason:
            self._refuse(
                "referral_refused",
                number,
                {"reason": "no_consent"},
                _(
                    "Case {number} has no referral consent (or it was withdrawn); nothing was sent. A supervisor may override it with a written reason."
                ).format(number=number),
            )
        with self.refusals_audited(number, "override_referral_consent"):
            if self.role != Role.SUPERVISOR:
                raise AccessDenied(
                    _("Only a supervisor may send a referral without the referral consent.")
                )
        return reason

    def _insert_row(
        self,
        referral_id: str,
        direction: str,
        contact: Contact,
        sealed_or_opened,
        case_id: int | None,
        case_referral_id: int | None,
        chosen: list[str],
        snapshot: dict,
        sha256: str | None = None,
    ) -> None:
        now = _now()
        self.conn.execute(
            "INSERT INTO referral_packages (referral_id, direction, contact_id, counterpart,"
            " package_id, sha256, state, case_id, case_referral_id, sections, snapshot,"
            " created_at, updated_at) VALUES (?,?,?,?,?,?,'pending',?,?,?,?,?,?)",
            (
                referral_id,
                direction,
                contact.id,
                contact.counterpart,
                sealed_or_opened.package_id,
                sha256 or sealed_or_opened.sha256,
                case_id,
                case_referral_id,
                json.dumps(chosen),
                json.dumps(snapshot, ensure_ascii=False),
                now,
                now,
            ),
        )

    # --- answering ---------------------------------------------------------------------------

    def reply(
        self, case_number: str, out: str | os.PathLike, *, completed: bool = False
    ) -> PackageWritten:
        """Send back what this vault recorded in a referred case: its services, follow-ups and
        notes, in the sections the signed-in role may read."""
        self._require_role(HANDLERS, "reply_to_a_referral", case_number)
        row = self._received_row(case_number)
        contact = self._reply_contact(row, case_number)
        case = cases_repo.load_case(self.conn, row["case_id"])
        sent_sections, base = row["sections"], row["snapshot"]
        reply_content: dict[str, dict] = {}
        for section in sections.REPLY_SECTIONS:
            if access.section_level(self.role, section) < Level.READ:
                continue
            lists_only = section not in sent_sections
            mine = sections.content(case, section, lists_only=lists_only)
            given = base.get(section) if not lists_only else _empty(section)
            if not sections.same(mine, given):
                reply_content[section] = mine
        status = ReferralStatus.COMPLETED if completed else ReferralStatus.ACCEPTED
        payload = {
            "referral_id": row["referral_id"],
            "status": status.value,
            "sections": reply_content,
        }
        return self._send_answer(
            "reply",
            payload,
            contact,
            row,
            out,
            state="replied",
            reply_status=status.value,
            audit_detail={"sections": sorted(reply_content), "status": status.value},
        )

    def acknowledge(self, case_number: str, out: str | os.PathLike) -> PackageWritten:
        """A receipt for the sender: the referral arrived."""
        self._require_role(HANDLERS, "acknowledge_a_referral", case_number)
        row = self._received_row(case_number)
        contact = self._reply_contact(row, case_number)
        state = "acknowledged" if row["state"] == "pending" else row["state"]
        return self._send_answer(
            "ack", {"referral_id": row["referral_id"]}, contact, row, out, state=state
        )

    def withdraw(
        self, case_number: str, out: str | os.PathLike, *, contact: str | None = None
    ) -> PackageWritten:
        """Tell the recipient to delete its copy. With several open referrals of the case,
        `contact` names the one to withdraw."""
        self._require_role(SENDERS, "withdraw_a_referral", case_number)
        case_id = self.case_id(case_number)
        rows = [
            r
            for r in self._rows("WHERE case_id = ? AND direction = 'sent'", (case_id,))
            if r["state"] != "withdrawn"
        ]
        if contact is not None:
            wanted = self.contact(contact).id
            rows = [r for r in rows if r["contact_id"] == wanted]
        if not rows:
            raise AftercareError(
                _("Case {number} has no open referral to withdraw.").format(number=case_number)
            )
        if len(rows) > 1:
            raise AftercareError(
                _(
                    "Case {number} was referred to several contacts ({names}); name the one to withdraw."
                ).format(number=case_number, names=", ".join(r["counterpart"] for r in rows))
            )
        row = rows[0]
        recipient = self._contact_by_id(row["contact_id"])
        if recipient is None:
            raise AftercareError(
                _(
                    "The contact this case was referred to ({name}) was removed; add their card again to withdraw."
                ).format(name=row["counterpart"])
            )
        return self._send_answer(
            "withdraw", {"referral_id": row["referral_id"]}, recipient, row, out, state="withdrawn"
        )

    def _send_answer(
        self,
        kind: str,
        payload: dict,
        contact: Contact,
        row: dict,
        out: str | os.PathLike,
        *,
        state: str,
        reply_status: str | None = None,
        audit_detail: dict | None = None,
    ) -> PackageWritten:
        target = _target(out)
        sealed = package.seal(
            kind, payload, recipient=contact.receiving_key, sender=self.opened.signing_key()
        )
        case_number = self._case_number(row["case_id"])
        with self.opened.write() as conn:
            conn.execute(
                "UPDATE referral_packages SET state = ?, reply_status = coalesce(?, reply_status),"
                " updated_at = ? WHERE id = ?",
                (state, reply_status, _now(), row["id"]),
            )
            self.opened.audit(
                f"referral_{kind}_sent",
                case_number,
                {
                    "referral_id": row["referral_id"],
                    "to": contact.name,
                    "fingerprint": contact.fingerprint,
                    "sha256": sealed.sha256,
                    **(audit_detail or {}),
                },
            )
            atomic_write_bytes(target, sealed.data)
        return PackageWritten(target, kind, row["referral_id"], sealed.package_id, sealed.sha256)

    def _received_row(self, case_number: str) -> dict:
        case_id = self.case_id(case_number)
        rows = self._rows("WHERE case_id = ? AND direction = 'received'", (case_id,))
        if not rows:
            raise AftercareError(
                _("Case {number} was not referred to this vault by another unit.").format(
                    number=case_number
                )
            )
        return rows[0]

    def _reply_contact(self, row: dict, case_number: str) -> Contact:
        contact = self._contact_by_id(row["contact_id"])
        if contact is None:
            raise AftercareError(
                _(
                    "The unit that referred case {number} ({name}) is no longer a contact; add their card again."
                ).format(number=case_number, name=row["counterpart"])
            )
        return self._verified_recipient(contact.name, case_number)

    # --- receiving ---------------------------------------------------------------------------

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
                    (opened.package_id, opened.kind, _now()),
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
            f"SELECT {_CONTACT_COLUMNS} FROM contacts WHERE signing_key = ?", (opened.sender,)
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
        case_id = cases_repo.insert_case(self.conn, case)
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
        before = {_problem_key(p) for p in validate_case(case, self.today())}
        snapshot = row["snapshot"]
        merged, conflicts = [], []
        for section in sections.REPLY_SECTIONS:
            if section not in replied:
                continue
            theirs = replied[section]
            base = snapshot.get(section) or _empty(section)
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
        new = [p for p in validate_case(case, self.today()) if _problem_key(p) not in before]
        if new:
            raise PackageRefused(BAD_CONTENT, opened.package_id)
        cases_repo.save_case(self.conn, case)
        now = _now()
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
                (_now(), row["id"]),
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
            (_now(), row["id"]),
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

    # --- what this vault holds ---------------------------------------------------------------

    def records(self, case_number: str | None = None) -> list[ReferralRecord]:
        """Referrals sent from or received into this vault (of one case when given), newest first."""
        if case_number is None:
            rows = self._rows("", ())
        else:
            rows = self._rows("WHERE case_id = ?", (self.case_id(case_number),))
        names = {c.id: c.name for c in self.contacts()}
        return [
            ReferralRecord(
                referral_id=r["referral_id"],
                direction=r["direction"],
                counterpart=r["counterpart"],
                contact_name=names.get(r["contact_id"]),
                state=r["state"],
                case_number=self._case_number(r["case_id"]),
                sections=r["sections"],
                reply_status=r["reply_status"],
                sha256=r["sha256"],
                created_at=r["created_at"],
                updated_at=r["updated_at"],
            )
            for r in sorted(rows, key=lambda r: (r["created_at"], r["id"]), reverse=True)
        ]

    def conflicts(self, case_number: str | None = None) -> list[Conflict]:
        """Open conflicts in the sections the signed-in role may read."""
        where, args = "", ()
        if case_number is not None:
            where, args = "WHERE p.case_id = ?", (self.case_id(case_number),)
        found = []
        for r in self.conn.execute(
            "SELECT c.id, p.referral_id, k.case_number, c.section, c.mine, c.theirs"
            " FROM referral_conflicts c JOIN referral_packages p ON p.id = c.package_row"
            f" LEFT JOIN cases k ON k.id = p.case_id {where} ORDER BY c.id",
            args,
        ):
            if access.section_level(self.role, r[3]) >= Level.READ:
                found.append(Conflict(r[0], r[1], r[2], r[3], json.loads(r[4]), json.loads(r[5])))
        return found

    def resolve_conflict(self, conflict_id: int, keep: str) -> Change:
        """Settle a conflict: keep this vault's version (`mine`) or take the reply's (`theirs`)."""
        if keep not in (KEEP_MINE, KEEP_THEIRS):
            raise ValueError(f"keep must be {KEEP_MINE!r} or {KEEP_THEIRS!r}")
        row = self.conn.execute(
            "SELECT c.section, c.theirs, p.case_id, p.referral_id FROM referral_conflicts c"
            " JOIN referral_packages p ON p.id = c.package_row WHERE c.id = ?",
            (conflict_id,),
        ).fetchone()
        if row is None or row[2] is None:
            raise AftercareError(_("That conflict was already settled."))
        section, theirs, case_id, referral_id = row[0], json.loads(row[1]), row[2], row[3]
        number = self._case_number(case_id)
        self.require_section(section, Level.WRITE, number)
        with self.opened.write() as conn:
            if keep == KEEP_THEIRS:
                case = cases_repo.load_case(conn, case_id)
                before = {_problem_key(p) for p in validate_case(case, self.today())}
                sections.apply(case, section, theirs)
                new = [
                    p for p in validate_case(case, self.today()) if _problem_key(p) not in before
                ]
                if new:
                    raise AftercareError(
                        _(
                            "The other unit's version of {section} cannot be taken: {problems}"
                        ).format(
                            section=label(Section, section),
                            problems="; ".join(str(p) for p in new[:5]),
                        )
                    )
                cases_repo.save_case(conn, case)
            conn.execute("DELETE FROM referral_conflicts WHERE id = ?", (conflict_id,))
            self.opened.audit(
                "referral_conflict_resolved",
                number,
                {"referral_id": referral_id, "section": section, "kept": keep},
            )
        return Change(number, case_id, "updated", section)

    # --- rows --------------------------------------------------------------------------------

    def _rows(self, where: str, args: tuple) -> list[dict]:
        cursor = self.conn.execute(
            "SELECT id, referral_id, direction, contact_id, counterpart, sha256, state, case_id,"
            " case_referral_id, sections, snapshot, reply_status, created_at, updated_at"
            f" FROM referral_packages {where}",
            args,
        )
        names = [d[0] for d in cursor.description]
        out = []
        for values in cursor.fetchall():
            row = dict(zip(names, values, strict=True))
            row["sections"] = json.loads(row["sections"])
            row["snapshot"] = json.loads(row["snapshot"])
            out.append(row)
        return out

    def _case_number(self, case_id: int | None) -> str | None:
        if case_id is None:
            return None
        row = self.conn.execute("SELECT case_number FROM cases WHERE id = ?", (case_id,)).fetchone()
        return row[0] if row else None


_CONTACT_COLUMNS = (
    "id, name, unit_code, role, fingerprint, verified, verified_by, verified_at, added_at,"
    " signing_key, receiving_key"
)


def _empty(section: str) -> dict[str, list]:
    return {part: [] for part in sections.parts(section, lists_only=True)}


def _referral_id(payload: dict, opened: package.Opened) -> str:
    value = payload.get("referral_id")
    if not isinstance(value, str) or not _REFERRAL_ID.fullmatch(value):
        raise PackageRefused(BAD_CONTENT, opened.package_id)
    return value


def _target(out: str | os.PathLike) -> Path:
    """The package file to write: `out`, or a fresh name inside `out` when it is a folder."""
    path = Path(out)
    if path.is_dir():
        return path / package.new_file_name()
    if path.exists():
        raise AftercareError(
            _("{file} already exists; choose another file name or a folder.").format(file=path)
        )
    if not path.parent.is_dir():
        raise AftercareError(_("The folder {folder} does not exist.").format(folder=path.parent))
    return path


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
