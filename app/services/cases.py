"""Reading and changing one case file: every call the window, the command and tests make.

Each change loads the stored case, applies the change, validates the whole case and refuses
only the problems the change introduced (so a health worker is not blocked by a problem in
a section she cannot see), then saves and audits in one transaction.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from app import access
from app.access import Action, Level
from app.codes import CaseStatus, Section
from app.domain.model import (
    Case,
    Consent,
    Followup,
    Guardian,
    Intake,
    Note,
    Person,
    Referral,
    Service,
)
from app.domain.validation import InvalidCase, Problem, validate_case
from app.errors import AftercareError
from app.i18n import _
from app.services import workers
from app.services.base import Change, VaultService
from app.storage import cases_repo, new_cases, numbering_repo, workflow_repo
from app.storage.cases_repo import ListEntry
from app.storage.connection import Connection

_LIST_ENTRY = re.compile(r"(services|followups|referrals|notes)\[(\d+)\]")


def _problem_key(problem: Problem, case: Case) -> tuple[str, str]:
    """A problem's place by entry id rather than list index, so that removing or adding an
    entry does not make a stored problem further down the list look like a new one."""
    found = _LIST_ENTRY.match(problem.path)
    if found:
        entries = getattr(case, found[1])
        index = int(found[2])
        entry_id = entries[index].id if index < len(entries) else None
        if entry_id is not None:
            return (f"{found[1]}#{entry_id}{problem.path[found.end() :]}", problem.message)
    return (problem.path, problem.message)


class CaseFiles(VaultService):
    # --- reading ---------------------------------------------------------------------------

    def open_case(self, case_number: str) -> Case:
        """The case as the user may read it; recorded in the audit trail as a view."""
        case_id = self.case_id(case_number)
        case = cases_repo.stored_case(self.conn, case_id)
        with self.opened.write():
            self.opened.audit("case_viewed", case_number)
        return access.redact(case, self.role)

    def entry_stamps(self, case_number: str) -> dict[tuple[str, int], tuple[str, str]]:
        """(list, entry id) -> (who, when, UTC ISO) of the entries that record their author."""
        return workflow_repo.entry_stamps(self.conn, self.case_id(case_number))

    # --- creating --------------------------------------------------------------------------

    def create_case(self, case: Case, responsible: str | None = None) -> Change:
        """Store a new case; `responsible` names the worker who holds it (default: the
        creator)."""
        self.require(Action.CREATE_CASE, case.case_number)
        holder_id = self._holder_at_intake(responsible)
        problems = validate_case(case, self.today())
        if problems:
            raise InvalidCase(problems)
        with self.opened.write() as conn:
            if cases_repo.case_id(conn, case.case_number) is not None:
                raise AftercareError(
                    _("A case numbered {number} already exists; choose another number.").format(
                        number=case.case_number
                    )
                )
            stored = copy.deepcopy(case)
            case_id = new_cases.insert_case(conn, stored)
            workflow_repo.set_holder(conn, case_id, holder_id)
            workflow_repo.stamp_case_entries(conn, case_id, self.opened.user.name, _now())
            self.opened.audit("case_created", case.case_number)
        return Change(case.case_number, case_id, "created")

    def _holder_at_intake(self, name: str | None) -> int:
        if not name or name.strip().casefold() == self.opened.user.name.casefold():
            return self.opened.user.id
        self.require(Action.ASSIGN_CASE)
        return workers.holder_candidate(self.conn, name).id

    def next_case_number(self, prefix: str, year: int) -> str:
        """The next free number of the form PREFIX-YEAR-NNNN, for the new-case form."""
        numbers = cases_repo.numbers_like(self.conn, f"{prefix}-{year}-%")
        tails = [n.rsplit("-", 1)[1] for n in numbers if n.rsplit("-", 1)[1].isdigit()]
        # One width for the unit: its setting, or wider where its numbers already are.
        width = max([numbering_repo.digits(self.conn), *(len(t) for t in tails)])
        return f"{prefix}-{year}-{max((int(t) for t in tails), default=0) + 1:0{width}d}"

    def set_case_number_digits(self, digits: int) -> None:
        """The width of new case numbers in this vault (3 to 8 digits); administrators."""
        self.require(Action.MANAGE_USERS)
        if not 3 <= digits <= 8:
            raise AftercareError(
                _("A case number has 3 to 8 digits after the year, not {n}.").format(n=digits)
            )
        with self.opened.write() as conn:
            numbering_repo.set_digits(conn, digits)
            self.opened.audit("case_number_digits_set", None, {"digits": digits})

    # --- changing --------------------------------------------------------------------------

    def _change(
        self,
        case_number: str,
        sections: set[str],
        what: str,
        apply: Callable[[Case], object],
        detail: dict[str, Any] | None = None,
        after: Callable[[Connection, Case], None] | None = None,
    ) -> Change:
        """Load, check WRITE on every touched section, apply, validate, save, audit;
        `after` runs in the same transaction once the case is saved."""
        for section in sorted(sections):
            self.require_section(section, Level.WRITE, case_number)
        with self.opened.write() as conn:
            case_id = self.case_id(case_number)
            case = cases_repo.stored_case(conn, case_id)
            apply(case)
            problems = validate_case(case, self.today())
            if problems:
                # Only now are the stored case's own problems needed (most saves have none):
                # read it again, unchanged, in this transaction.
                stored = cases_repo.stored_case(conn, case_id)
                before = {_problem_key(p, stored) for p in validate_case(stored, self.today())}
                new = [p for p in problems if _problem_key(p, case) not in before]
                if new:
                    raise InvalidCase(new)
            cases_repo.save_case(conn, case)
            if after is not None:
                after(conn, case)
            self.opened.audit(
                f"case_{what}", case_number, {"sections": sorted(sections), **(detail or {})}
            )
        only = next(iter(sections)) if len(sections) == 1 else None
        return Change(case_number, case_id, what, only)

    def update_profile(self, case_number: str, person: Person) -> Change:
        def apply(case: Case) -> None:
            case.person = copy.deepcopy(person)

        return self._change(case_number, {Section.PROFILE}, "updated", apply)

    def update_intake(self, case_number: str, intake: Intake) -> Change:
        def apply(case: Case) -> None:
            case.intake = copy.deepcopy(intake)

        return self._change(case_number, {Section.INTAKE}, "updated", apply)

    def update_consents(self, case_number: str, consents: list[Consent]) -> Change:
        def apply(case: Case) -> None:
            case.consents = copy.deepcopy(consents)

        return self._change(case_number, {Section.CONSENT}, "updated", apply)

    def update_guardian(self, case_number: str, guardian: Guardian | None) -> Change:
        def apply(case: Case) -> None:
            case.guardian = copy.deepcopy(guardian)

        return self._change(case_number, {Section.CARE_PLAN}, "updated", apply)

    def _stored_entry(self, case_number: str, attribute: str, entry_id: int) -> ListEntry:
        entry = cases_repo.load_entry(self.conn, self.case_id(case_number), attribute, entry_id)
        if entry is None:
            raise AftercareError(
                _("That entry no longer exists in case {number}.").format(number=case_number)
            )
        return entry

    def _stored_followup(self, case_number: str, followup_id: int) -> Followup:
        """A follow-up not yet done, as stored."""
        stored = self._stored_entry(case_number, "followups", followup_id)
        if not isinstance(stored, Followup) or stored.done_on is not None:
            raise AftercareError(
                _("That follow-up of case {number} was already recorded as done.").format(
                    number=case_number
                )
            )
        return stored

    def _save_entry(
        self, case_number: str, attribute: str, entry: ListEntry, section: str
    ) -> Change:
        """Add (id None) or replace (same id) one entry of a list."""
        sections = {section}
        if entry.id is not None:  # moving an entry out of a section needs write on that one too
            sections.add(
                self._section_of(attribute, self._stored_entry(case_number, attribute, entry.id))
            )
        fresh = copy.deepcopy(entry)

        def apply(case: Case) -> None:
            entries = getattr(case, attribute)
            if fresh.id is None:
                entries.append(fresh)
            else:
                entries[next(i for i, e in enumerate(entries) if e.id == fresh.id)] = fresh

        def stamp(conn: Connection, _case: Case) -> None:  # who wrote it, and when
            if fresh.id is not None:
                workflow_repo.stamp_entry(conn, attribute, fresh.id, self.opened.user.name, _now())

        change = self._change(case_number, sections, "entry_saved", apply, after=stamp)
        return Change(change.case_number, change.case_id, change.what, section, fresh.id)

    def _delete_entry(self, case_number: str, attribute: str, entry_id: int) -> Change:
        entry = self._stored_entry(case_number, attribute, entry_id)

        def apply(case: Case) -> int:
            setattr(case, attribute, [e for e in getattr(case, attribute) if e.id != entry_id])
            return entry_id

        change = self._change(
            case_number, {self._section_of(attribute, entry)}, "entry_deleted", apply
        )
        return Change(change.case_number, change.case_id, change.what, change.section, entry_id)

    @staticmethod
    def _section_of(attribute: str, entry: ListEntry) -> str:
        if isinstance(entry, Service):
            return access.section_of_service(entry.kind)
        if isinstance(entry, Note):
            return access.section_of_note(entry.section)
        return {"followups": Section.FOLLOWUPS, "referrals": Section.REFERRALS}[attribute]

    def save_service(self, case_number: str, service: Service) -> Change:
        return self._save_entry(
            case_number, "services", service, access.section_of_service(service.kind)
        )

    def delete_service(self, case_number: str, service_id: int) -> Change:
        return self._delete_entry(case_number, "services", service_id)

    def save_followup(self, case_number: str, followup: Followup) -> Change:
        return self._save_entry(case_number, "followups", followup, Section.FOLLOWUPS)

    def reschedule_followup(self, case_number: str, followup_id: int, due_on: dt.date) -> Change:
        """Move a visit not yet made to another day."""
        stored = self._stored_followup(case_number, followup_id)
        stored.due_on = due_on
        return self.save_followup(case_number, stored)

    def delete_followup(self, case_number: str, followup_id: int) -> Change:
        return self._delete_entry(case_number, "followups", followup_id)

    def record_visit(
        self,
        case_number: str,
        followup_id: int,
        visit: Followup,
        next_due: dt.date | None = None,
    ) -> Change:
        """Record the visit made for the scheduled follow-up `followup_id` (its day, living
        conditions and notes: `visit`'s), which completes it, and schedule the next one on
        `next_due` when given; both in one save. The Change names the completed entry."""
        if visit.done_on is None:
            raise AftercareError(_("Give the day of the visit."))
        stored = self._stored_followup(case_number, followup_id)
        done = Followup(stored.due_on, visit.done_on, visit.living_conditions, visit.notes)
        done.id = followup_id
        following = Followup(next_due) if next_due is not None else None

        def apply(case: Case) -> None:
            case.followups = [done if f.id == followup_id else f for f in case.followups]
            if following is not None:
                case.followups.append(following)

        def stamp(conn: Connection, _case: Case) -> None:
            for entry in (done, following):
                if entry is not None and entry.id is not None:
                    workflow_repo.stamp_entry(
                        conn, "followups", entry.id, self.opened.user.name, _now()
                    )

        detail = {"next_due": next_due.isoformat() if next_due else None}
        change = self._change(
            case_number, {Section.FOLLOWUPS}, "visit_recorded", apply, detail, after=stamp
        )
        return Change(change.case_number, change.case_id, change.what, Section.FOLLOWUPS, done.id)

    def save_referral(self, case_number: str, referral: Referral) -> Change:
        return self._save_entry(case_number, "referrals", referral, Section.REFERRALS)

    def delete_referral(self, case_number: str, referral_id: int) -> Change:
        return self._delete_entry(case_number, "referrals", referral_id)

    def save_note(self, case_number: str, note: Note) -> Change:
        return self._save_entry(case_number, "notes", note, access.section_of_note(note.section))

    def delete_note(self, case_number: str, note_id: int) -> Change:
        return self._delete_entry(case_number, "notes", note_id)

    # --- closing ---------------------------------------------------------------------------

    def close_case(self, case_number: str, closed_on: dt.date, reason: str) -> Change:
        """Close a case. A caseworker's closing is a request that a supervisor approves
        (`approve_closure`) or returns; a supervisor's closes at once, approved by her."""
        self.require(Action.CLOSE_CASE, case_number)
        if not access.allowed(self.role, Action.APPROVE_CLOSURE):
            return self._request_closure(case_number, closed_on, reason)
        me, now = self.opened.user.name, _now()

        def approve(conn: Connection, case: Case) -> None:
            assert case.id is not None
            workflow_repo.set_approval(conn, case.id, me, self.today().isoformat())
            pending = workflow_repo.latest_request(conn, case.id)
            if pending is not None and pending.state == "pending":
                workflow_repo.decide(conn, pending.id, "approved", me, now, None)

        return self._change(
            case_number, set(), "closed", _closing(case_number, closed_on, reason), after=approve
        )

    def _request_closure(self, case_number: str, closed_on: dt.date, reason: str) -> Change:
        """Check the closure as if it were made now, then store it as a pending request."""
        with self.opened.write() as conn:
            case_id = self.case_id(case_number)
            pending = workflow_repo.latest_request(conn, case_id)
            if pending is not None and pending.state == "pending":
                raise AftercareError(
                    _("The closure of case {number} is already waiting for a supervisor.").format(
                        number=case_number
                    )
                )
            case = cases_repo.stored_case(conn, case_id)
            _closing(case_number, closed_on, reason)(case)
            problems = [
                p
                for p in validate_case(case, self.today())
                if p.path in ("status", "closed_on", "closure_reason")
            ]
            if problems:
                raise InvalidCase(problems)
            workflow_repo.add_request(
                conn, case_id, closed_on, reason, self.opened.user.name, _now()
            )
            self.opened.audit(
                "case_closure_requested",
                case_number,
                {"closed_on": closed_on.isoformat(), "reason": reason},
            )
        return Change(case_number, case_id, "closure_requested")

    def reopen_case(self, case_number: str, reason: str) -> Change:
        self.require(Action.CLOSE_CASE, case_number)
        if not reason.strip():
            raise AftercareError(_("Say why the case is reopened."))

        def apply(case: Case) -> None:
            if case.status != CaseStatus.CLOSED:
                raise AftercareError(_("Case {number} is not closed.").format(number=case_number))
            case.status, case.closed_on, case.closure_reason = CaseStatus.OPEN.value, None, None

        return self._change(case_number, set(), "reopened", apply, {"reason": reason.strip()})

    def approve_closure(self, case_number: str, comment: str = "") -> Change:
        """Approve the pending closure request (the case closes on the requested date), or
        the closure of a case closed before requests existed."""
        self.require(Action.APPROVE_CLOSURE, case_number)
        case_id = self.case_id(case_number)
        request = workflow_repo.latest_request(self.conn, case_id)
        me, now, said = self.opened.user.name, _now(), comment.strip() or None
        if request is None or request.state != "pending":
            return self._approve_closed(case_number, case_id, said)

        def approve(conn: Connection, case: Case) -> None:
            workflow_repo.set_approval(conn, case_id, me, self.today().isoformat())
            workflow_repo.decide(conn, request.id, "approved", me, now, said)

        change = self._change(
            case_number,
            set(),
            "closure_approved",
            _closing(case_number, request.closed_on, request.reason),
            {"requested_by": request.requested_by, "comment": said},
            after=approve,
        )
        return change

    def _approve_closed(self, case_number: str, case_id: int, comment: str | None) -> Change:
        with self.opened.write() as conn:
            status = cases_repo.status_of(conn, case_id)
            if status != CaseStatus.CLOSED:
                raise AftercareError(
                    _("Case {number} has no closure waiting for approval.").format(
                        number=case_number
                    )
                )
            workflow_repo.set_approval(
                conn, case_id, self.opened.user.name, self.today().isoformat()
            )
            self.opened.audit("case_closure_approved", case_number, {"comment": comment})
        return Change(case_number, case_id, "closure_approved")

    def return_closure(self, case_number: str, comment: str) -> Change:
        """Send a closure request back to the caseworker, saying why; the case stays open."""
        self.require(Action.APPROVE_CLOSURE, case_number)
        if not comment.strip():
            raise AftercareError(
                _(
                    "Say why the closure of case {number} is returned: the caseworker reads it."
                ).format(number=case_number)
            )
        with self.opened.write() as conn:
            case_id = self.case_id(case_number)
            request = workflow_repo.latest_request(conn, case_id)
            if request is None or request.state != "pending":
                raise AftercareError(
                    _("Case {number} has no closure waiting for approval.").format(
                        number=case_number
                    )
                )
            workflow_repo.decide(
                conn, request.id, "returned", self.opened.user.name, _now(), comment.strip()
            )
            self.opened.audit(
                "case_closure_returned",
                case_number,
                {"requested_by": request.requested_by, "comment": comment.strip()},
            )
        return Change(case_number, case_id, "closure_returned")

    def closure_approval(self, case_number: str) -> tuple[str | None, str | None]:
        return workflow_repo.approval(self.conn, self.case_id(case_number))

    def closure_request(self, case_number: str) -> workflow_repo.ClosureRequest | None:
        """The case's latest closure request (pending, approved, returned), or None."""
        return workflow_repo.latest_request(self.conn, self.case_id(case_number))


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _closing(case_number: str, closed_on: dt.date, reason: str) -> Callable[[Case], None]:
    def apply(case: Case) -> None:
        if case.status == CaseStatus.CLOSED:
            raise AftercareError(_("Case {number} is already closed.").format(number=case_number))
        case.status, case.closed_on, case.closure_reason = (
            CaseStatus.CLOSED.value,
            closed_on,
            reason,
        )

    return apply
