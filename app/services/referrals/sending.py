"""Sending packages: a referral of chosen sections, and the answers to one (reply, receipt,
withdrawal). Each is sealed to one verified contact and written where the user chose.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from app import access
from app.access import Action, Level
from app.codes import ReferralStatus, Section
from app.domain.model import Case, Referral
from app.errors import AftercareError
from app.fileio import atomic_write_bytes
from app.i18n import _
from app.referrals import keys, package, sections
from app.services.base import Change
from app.services.referrals.base import (
    SHORT_ID,
    WAITING,
    Contact,
    PackageWritten,
    ReferralRecord,
    referral_consent_given,
    utc_now,
)
from app.services.referrals.conflicts import Conflicts
from app.storage import cases_repo
from app.storage.connection import Connection


class DuplicateReferral(AftercareError):
    """The case already has a referral waiting at that contact: sending another needs a yes."""


class Sending(Conflicts):
    # --- sending -----------------------------------------------------------------------------

    def send(
        self,
        case_number: str,
        contact: str,
        chosen: list[str] | tuple[str, ...],
        out: str | os.PathLike[str],
        *,
        override_reason: str | None = None,
        again: bool = False,
    ) -> PackageWritten:
        """Refer the case to `contact` with only the `chosen` sections; write the package to
        `out` (a file, or a folder to put `aftercare-<random>.acpkg` in). DuplicateReferral
        when a referral of the case to that contact still waits for an answer, unless
        `again`."""
        self.require(Action.SEND_REFERRAL, case_number)
        chosen = self.chosen_sections(chosen)
        for section in chosen:
            self.require_section(section, Level.READ, case_number)
        recipient = self._verified_recipient(contact, case_number)
        case_id = self.case_id(case_number)
        case = cases_repo.stored_case(self.conn, case_id)
        override = self.consent_or_override(case, override_reason)
        if not again:
            self._refuse_duplicate(case_id, case_number, recipient)
        target = _target(out)
        referral_id = secrets.token_hex(16)
        entry_ids: sections.EntryIds = {}
        keyed = {s: sections.keyed_content(case, s, entry_ids) for s in chosen}
        payload = {
            "referral_id": referral_id,
            "sent_on": self.today().isoformat(),
            "opened_on": case.opened_on.isoformat(),
            "sections": chosen,
            "content": {s: sections.plain(k) for s, k in keyed.items()},
            "uids": {s: sections.shared_ids(k) for s, k in keyed.items()},
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
                keyed,
                entry_ids,
                sealed.sha256,
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

    def waiting_referrals(self, case_number: str, contact: str) -> list[ReferralRecord]:
        """Referrals of the case to `contact` that were neither answered nor withdrawn."""
        wanted = self.contact(contact).id
        return [
            r
            for r in self.records(case_number)
            if r.direction == "sent" and r.contact_id == wanted and r.state in WAITING
        ]

    def _refuse_duplicate(self, case_id: int, case_number: str, recipient: Contact) -> None:
        rows = self._rows(
            "WHERE case_id = ? AND direction = 'sent' AND contact_id = ? AND state IN (?, ?)",
            (case_id, recipient.id, *WAITING),
        )
        if rows:
            first = min(rows, key=lambda r: r["created_at"])
            raise DuplicateReferral(
                _(
                    "Case {number} was already referred to {name} on {day} (referral {id}) and "
                    "they have not answered yet; nothing was sent. To send another referral "
                    "anyway, use --again (or confirm in the window)."
                ).format(
                    number=case_number,
                    name=recipient.name,
                    day=first["created_at"][:10],
                    id=first["referral_id"][:SHORT_ID],
                )
            )

    def sendable_sections(self) -> list[str]:
        """The sections the signed-in role may put in a referral (those it may read)."""
        return [s for s in sections.SHAREABLE if access.section_level(self.role, s) >= Level.READ]

    @staticmethod
    def chosen_sections(chosen: Iterable[object]) -> list[str]:
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

    def consent_or_override(self, case: Case, override_reason: str | None) -> str | None:
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
        self.require(Action.OVERRIDE_REFERRAL_CONSENT, number)
        return reason

    # --- answering ---------------------------------------------------------------------------

    def reply(
        self,
        case_number: str,
        out: str | os.PathLike[str],
        *,
        completed: bool = False,
        referral: str | None = None,
    ) -> PackageWritten:
        """Send back what this vault holds of a referred case: its services, follow-ups and
        notes, in the sections the signed-in role may read, each as it is now. Each reply of a referral has the
        next number, so the sender applies them in order. `referral` (a referral id or its
        beginning) must be the one the case came with, when given."""
        self.require(Action.REPLY_TO_REFERRAL, case_number)
        row = self._received_row(case_number, referral)
        contact = self._reply_contact(row, case_number)
        case = cases_repo.stored_case(self.conn, row["case_id"])
        sent_sections, base, entry_ids = row["sections"], row["snapshot"], row["entry_ids"]
        reply_content: dict[str, dict[str, Any]] = {}
        for section in sections.REPLY_SECTIONS:
            if access.section_level(self.role, section) < Level.READ:
                continue
            lists_only = section not in sent_sections
            given = base.get(section) if not lists_only else sections.empty_keyed(section)
            # Every reply carries all of them, changed or not: a later reply then also takes
            # back what an earlier one added and was removed since.
            reply_content[section] = sections.keyed_content(
                case, section, entry_ids, lists_only=lists_only, base=given
            )
        status = ReferralStatus.COMPLETED if completed else ReferralStatus.ACCEPTED
        seq = row["reply_seq"] + 1
        payload = {
            "referral_id": row["referral_id"],
            "seq": seq,
            "made_at": utc_now(),
            "status": status.value,
            "sections": {s: sections.plain(k) for s, k in reply_content.items()},
            "uids": {s: sections.shared_ids(k) for s, k in reply_content.items()},
        }
        return self._send_answer(
            "reply",
            payload,
            contact,
            row,
            out,
            state="replied",
            reply_status=status.value,
            reply_seq=seq,
            entry_ids=entry_ids,
            audit_detail={"sections": sorted(reply_content), "status": status.value, "seq": seq},
        )

    def acknowledge(self, case_number: str, out: str | os.PathLike[str]) -> PackageWritten:
        """A receipt for the sender: the referral arrived."""
        self.require(Action.ACKNOWLEDGE_REFERRAL, case_number)
        row = self._received_row(case_number)
        contact = self._reply_contact(row, case_number)
        state = "acknowledged" if row["state"] == "pending" else row["state"]
        return self._send_answer(
            "ack", {"referral_id": row["referral_id"]}, contact, row, out, state=state
        )

    def withdraw(
        self,
        case_number: str,
        out: str | os.PathLike[str],
        *,
        contact: str | None = None,
        referral: str | None = None,
    ) -> PackageWritten:
        """Tell the recipient to delete its copy. With several open referrals of the case,
        `referral` (its id or a beginning of it) or `contact` names the one to withdraw. The
        case's referral entry becomes `withdrawn`."""
        self.require(Action.WITHDRAW_REFERRAL, case_number)
        case_id = self.case_id(case_number)
        rows = [
            r
            for r in self._rows("WHERE case_id = ? AND direction = 'sent'", (case_id,))
            if r["state"] != "withdrawn"
        ]
        if referral is not None:
            rows = [self._one_referral(rows, referral, case_number)]
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
                    "Case {number} has several open referrals ({referrals}); name the one to withdraw with --referral."
                ).format(
                    number=case_number,
                    referrals=", ".join(
                        f"{r['referral_id'][:SHORT_ID]} {r['counterpart']} {r['created_at'][:10]}"
                        for r in rows
                    ),
                )
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

    @staticmethod
    def _one_referral(rows: list[dict[str, Any]], wanted: str, case_number: str) -> dict[str, Any]:
        """The row whose referral id is `wanted` or begins with it (6 digits at least)."""
        text = wanted.strip().lower()
        found = [r for r in rows if len(text) >= 6 and r["referral_id"].startswith(text)]
        if len(found) != 1:
            raise AftercareError(
                _(
                    "Case {number} has no open referral {id}; `aftercare referrals` lists their ids."
                ).format(number=case_number, id=wanted)
                if not found
                else _("{id} fits several referrals; give more of its digits.").format(id=wanted)
            )
        return found[0]

    def _send_answer(
        self,
        kind: str,
        payload: dict[str, Any],
        contact: Contact,
        row: dict[str, Any],
        out: str | os.PathLike[str],
        *,
        state: str,
        reply_status: str | None = None,
        reply_seq: int | None = None,
        entry_ids: sections.EntryIds | None = None,
        audit_detail: dict[str, Any] | None = None,
    ) -> PackageWritten:
        target = _target(out)
        sealed = package.seal(
            kind, payload, recipient=contact.receiving_key, sender=self.opened.signing_key()
        )
        case_number = self._case_number(row["case_id"])
        with self.opened.write() as conn:
            conn.execute(
                "UPDATE referral_packages SET state = ?, reply_status = coalesce(?, reply_status),"
                " reply_seq = coalesce(?, reply_seq), entry_ids = coalesce(?, entry_ids),"
                " updated_at = ? WHERE id = ?",
                (
                    state,
                    reply_status,
                    reply_seq,
                    None if entry_ids is None else json.dumps(entry_ids),
                    utc_now(),
                    row["id"],
                ),
            )
            if kind == "withdraw":
                self._mark_withdrawn(conn, row)
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

    @staticmethod
    def _mark_withdrawn(conn: Connection, row: dict[str, Any]) -> None:
        """The case's own referral entry says the referral was taken back."""
        if row["case_id"] is None or row["case_referral_id"] is None:
            return
        case = cases_repo.stored_case(conn, row["case_id"])
        for entry in case.referrals:
            if entry.id == row["case_referral_id"]:
                entry.status = ReferralStatus.WITHDRAWN.value
        cases_repo.save_case(conn, case)

    def _received_row(self, case_number: str, referral: str | None = None) -> dict[str, Any]:
        case_id = self.case_id(case_number)
        rows = self._rows("WHERE case_id = ? AND direction = 'received'", (case_id,))
        if not rows:
            raise AftercareError(
                _("Case {number} was not referred to this vault by another unit.").format(
                    number=case_number
                )
            )
        if referral is not None:
            return self._one_referral(rows, referral, case_number)
        return rows[0]

    def _reply_contact(self, row: dict[str, Any], case_number: str) -> Contact:
        contact = self._contact_by_id(row["contact_id"])
        if contact is None:
            raise AftercareError(
                _(
                    "The unit that referred case {number} ({name}) is no longer a contact; add their card again."
                ).format(number=case_number, name=row["counterpart"])
            )
        return self._verified_recipient(contact.name, case_number)


def _target(out: str | os.PathLike[str]) -> Path:
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
