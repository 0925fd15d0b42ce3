"""What this vault holds: its referrals, and the conflicts replies left for a person to settle.

A conflict keeps both versions of a section that a reply and this vault both changed; the
case keeps this vault's version until someone with write access to the section chooses.
"""

from __future__ import annotations

import json
from typing import Any

from app import access
from app.access import Level
from app.codes import Section, label
from app.domain.model import Case
from app.domain.validation import validate_case
from app.errors import AftercareError
from app.i18n import _
from app.referrals import sections
from app.services.base import Change
from app.services.referrals.base import (
    KEEP_MINE,
    KEEP_THEIRS,
    Conflict,
    ReferralRecord,
    problem_key,
    utc_now,
)
from app.services.referrals.contacts import ContactBook
from app.storage import cases_repo


class Conflicts(ContactBook):
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
                replies=r["reply_seq"],
                contact_id=r["contact_id"],
            )
            for r in sorted(rows, key=lambda r: (r["created_at"], r["id"]), reverse=True)
        ]

    def conflicts(self, case_number: str | None = None) -> list[Conflict]:
        """Open conflicts in the sections the signed-in role may read."""
        where, args = "WHERE c.state = 'open'", tuple[int, ...]()
        if case_number is not None:
            where, args = where + " AND p.case_id = ?", (self.case_id(case_number),)
        found = []
        for r in self.conn.execute(
            "SELECT c.id, p.referral_id, k.case_number, c.section, c.mine, c.theirs, c.part,"
            " c.entry, c.seq, c.their_at, p.counterpart, c.created_at, k.updated_at"
            " FROM referral_conflicts c JOIN referral_packages p ON p.id = c.package_row"
            f" LEFT JOIN cases k ON k.id = p.case_id {where} ORDER BY c.id",
            args,
        ):
            if access.section_level(self.role, r[3]) >= Level.READ:
                found.append(
                    Conflict(
                        r[0],
                        r[1],
                        r[2],
                        r[3],
                        json.loads(r[4]),
                        json.loads(r[5]),
                        part=r[6],
                        entry=r[7],
                        seq=r[8],
                        their_at=r[9],
                        counterpart=r[10],
                        mine_at=r[12],
                    )
                )
        return found

    def resolve_conflict(self, conflict_id: int, keep: str) -> Change:
        """Settle a conflict: keep this vault's version (`mine`) or take the reply's (`theirs`)."""
        if keep not in (KEEP_MINE, KEEP_THEIRS):
            raise ValueError(f"keep must be {KEEP_MINE!r} or {KEEP_THEIRS!r}")
        row = self.conn.execute(
            "SELECT c.section, c.theirs, p.case_id, p.referral_id, c.state, c.part, c.entry,"
            " p.id, p.entry_ids FROM referral_conflicts c"
            " JOIN referral_packages p ON p.id = c.package_row WHERE c.id = ?",
            (conflict_id,),
        ).fetchone()
        if row is None:
            raise AftercareError(
                _("There is no conflict {id}; `aftercare referrals` lists the open ones.").format(
                    id=conflict_id
                )
            )
        section, theirs, case_id, referral_id, state = row[:5]
        part, entry, package_row, entry_ids = row[5], row[6], row[7], json.loads(row[8])
        if state != "open" or case_id is None:
            raise AftercareError(_settled_message(conflict_id, state))
        theirs = json.loads(theirs)
        number = self._stored_number(case_id)
        self.require_section(section, Level.WRITE, number)
        with self.opened.write() as conn:
            if keep == KEEP_THEIRS:
                case = cases_repo.stored_case(conn, case_id)
                before = {problem_key(p) for p in validate_case(case, self.today())}
                added = self._take_theirs(case, section, part, entry, theirs, entry_ids)
                new = [p for p in validate_case(case, self.today()) if problem_key(p) not in before]
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
                sections.record_new(entry_ids, added)
                conn.execute(
                    "UPDATE referral_packages SET entry_ids = ? WHERE id = ?",
                    (json.dumps(entry_ids), package_row),
                )
            conn.execute(
                "UPDATE referral_conflicts SET state = ?, settled_at = ? WHERE id = ?",
                (keep, utc_now(), conflict_id),
            )
            self.opened.audit(
                "referral_conflict_resolved",
                number,
                {
                    "referral_id": referral_id,
                    "section": section,
                    "kept": keep,
                    "conflict": conflict_id,
                },
            )
        return Change(number, case_id, "updated", section)

    @staticmethod
    def _take_theirs(
        case: Case,
        section: str,
        part: str | None,
        entry: str | None,
        theirs: dict[str, Any],
        entry_ids: dict[str, Any],
    ) -> list[Any]:
        if part is None:  # a whole section, from before entries had shared ids
            sections.apply(case, section, theirs)
            return []
        value = theirs[part]
        if entry is not None:
            value = value[0] if value else None
        return sections.set_entry(case, section, part, entry, value, entry_ids)


def _settled_message(conflict_id: int, state: str) -> str:
    if state == "superseded":
        return _(
            "Conflict {id} was replaced by a newer one from a later reply; `aftercare referrals` lists the open ones."
        ).format(id=conflict_id)
    return _("Conflict {id} was already settled.").format(id=conflict_id)
