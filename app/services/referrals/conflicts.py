"""What this vault holds: its referrals, and the conflicts replies left for a person to settle.

A conflict keeps both versions of a section that a reply and this vault both changed; the
case keeps this vault's version until someone with write access to the section chooses.
"""

from __future__ import annotations

import json

from app import access
from app.access import Level
from app.codes import Section, label
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
                before = {problem_key(p) for p in validate_case(case, self.today())}
                sections.apply(case, section, theirs)
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
            conn.execute("DELETE FROM referral_conflicts WHERE id = ?", (conflict_id,))
            self.opened.audit(
                "referral_conflict_resolved",
                number,
                {"referral_id": referral_id, "section": section, "kept": keep},
            )
        return Change(number, case_id, "updated", section)
