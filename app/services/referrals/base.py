"""What every part of the referral service shares: the records, the rows, audited refusals.

Who may do what is in the access table (app.access: manage_contacts, send_referral,
withdraw_referral, override_referral_consent, receive_referral, reply_to_referral,
acknowledge_referral), checked by its guard; sending a section also needs read access to it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from app.codes import ConsentPurpose, ReferralStatus
from app.domain.model import Case
from app.domain.validation import Problem
from app.errors import AftercareError
from app.referrals import keys, package
from app.services.base import Change, VaultService

REPLY_STATUSES = (ReferralStatus.ACCEPTED.value, ReferralStatus.COMPLETED.value)
KEEP_MINE, KEEP_THEIRS = "mine", "theirs"
WAITING = ("pending", "acknowledged")  # states of a referral not answered yet
SHORT_ID = 8  # digits of a referral id shown; any unique beginning of 6 or more is accepted


def utc_now() -> str:
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
    replies: int = 0  # replies sent (recipient) or applied (sender)
    contact_id: int | None = None

    @property
    def short_id(self) -> str:
        """The first digits of the referral id, as the commands show and accept it."""
        return self.referral_id[:SHORT_ID]


@dataclass(frozen=True)
class Conflict:
    """An entry (or the guardian) a reply changed where this vault changed it too: both
    versions, as section content of that one entry (`{"followups": [entry]}`, an empty list
    where that side removed it), to choose. `part` is None for a conflict made before entries
    had shared ids: then `mine` and `theirs` are whole sections."""

    id: int
    referral_id: str
    case_number: str | None
    section: str
    mine: dict[str, Any]
    theirs: dict[str, Any]
    part: str | None = None
    entry: str | None = None
    seq: int = 0
    their_at: str | None = None
    counterpart: str = ""
    mine_at: str | None = None


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


def problem_key(problem: Problem) -> tuple[str, str]:
    return (problem.path, problem.message)


class ReferralBase(VaultService):
    """Audited refusals and the `referral_packages` rows the parts share."""

    def _refuse(
        self, action: str, case_number: str | None, detail: dict[str, Any], message: str
    ) -> NoReturn:
        """Audit a refused call in its own transaction and raise the message."""
        with self.opened.write():
            self.opened.audit(action, case_number, detail)
        raise AftercareError(message)

    def _insert_row(
        self,
        referral_id: str,
        direction: str,
        contact: Contact,
        sealed_or_opened: package.Sealed | package.Opened,
        case_id: int | None,
        case_referral_id: int | None,
        chosen: list[str],
        snapshot: dict[str, Any],
        entry_ids: dict[str, Any],
        sha256: str,
    ) -> None:
        now = utc_now()
        self.conn.execute(
            "INSERT INTO referral_packages (referral_id, direction, contact_id, counterpart,"
            " package_id, sha256, state, case_id, case_referral_id, sections, snapshot,"
            " entry_ids, created_at, updated_at) VALUES (?,?,?,?,?,?,'pending',?,?,?,?,?,?,?)",
            (
                referral_id,
                direction,
                contact.id,
                contact.counterpart,
                sealed_or_opened.package_id,
                sha256,
                case_id,
                case_referral_id,
                json.dumps(chosen),
                json.dumps(snapshot, ensure_ascii=False),
                json.dumps(entry_ids),
                now,
                now,
            ),
        )

    def _rows(self, where: str, args: tuple[Any, ...]) -> list[dict[str, Any]]:
        cursor = self.conn.execute(
            "SELECT id, referral_id, direction, contact_id, counterpart, sha256, state, case_id,"
            " case_referral_id, sections, snapshot, reply_status, created_at, updated_at,"
            f" reply_seq, entry_ids FROM referral_packages {where}",
            args,
        )
        names = [d[0] for d in cursor.description]
        out = []
        for values in cursor.fetchall():
            row = dict(zip(names, values, strict=True))
            row["sections"] = json.loads(row["sections"])
            row["snapshot"] = json.loads(row["snapshot"])
            row["entry_ids"] = json.loads(row["entry_ids"])
            out.append(row)
        return out

    def _case_number(self, case_id: int | None) -> str | None:
        if case_id is None:
            return None
        row = self.conn.execute("SELECT case_number FROM cases WHERE id = ?", (case_id,)).fetchone()
        return row[0] if row else None

    def _stored_number(self, case_id: int) -> str:
        """The number of a case a package row links to (the link goes when the case does)."""
        number = self._case_number(case_id)
        if number is None:
            raise LookupError(f"case id {case_id} is not stored")
        return number
