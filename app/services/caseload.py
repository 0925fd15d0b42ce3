"""A worker's day: who holds which case (assigning and handing over), and what the home
page and `aftercare caseload` show the signed-in user.

The caseload holds only what the user's role may see: names where the profile is visible,
follow-ups where they are readable, closures to approve for supervisors.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from app import access
from app.access import Action, Level
from app.codes import Section
from app.errors import AftercareError
from app.i18n import _
from app.services import workers
from app.services.base import Change, VaultService
from app.storage import list_repo, workflow_repo
from app.storage.list_repo import DueFollowup
from app.storage.workflow_repo import PendingClosure, WaitingReferral
from app.vault.vault import User

RECENT_CASES = 8


@dataclass(frozen=True)
class RecentCase:
    case_number: str
    full_name: str


@dataclass
class CaseloadView:
    """What the home page shows: counts of my cases by status and group, my follow-ups due
    this week and overdue, closures waiting for my approval, referral packages waiting, and
    the cases I opened last."""

    user: str
    role: str
    today: dt.date
    counts: list[tuple[str, str, int]] = field(default_factory=list)  # (state, group, n)
    overdue: list[DueFollowup] = field(default_factory=list)
    due_this_week: list[DueFollowup] = field(default_factory=list)
    closures: list[PendingClosure] = field(default_factory=list)
    referrals: list[WaitingReferral] = field(default_factory=list)
    recent: list[RecentCase] = field(default_factory=list)

    def total(self, state: str | None = None) -> int:
        return sum(n for s, _g, n in self.counts if state is None or s == state)

    def as_json(self) -> dict[str, Any]:
        def followup(d: DueFollowup) -> dict[str, Any]:
            return {
                "case_number": d.case_number,
                "name": d.full_name,
                "due_on": d.due_on.isoformat(),
            }

        by_state: dict[str, dict[str, int]] = {}
        for state, group, n in self.counts:
            by_state.setdefault(state, {})[group] = n
        return {
            "user": self.user,
            "role": self.role,
            "today": self.today.isoformat(),
            "my_cases": by_state,
            "followups_overdue": [followup(d) for d in self.overdue],
            "followups_this_week": [followup(d) for d in self.due_this_week],
            "closures_awaiting_approval": [
                {
                    "case_number": c.case_number,
                    "name": c.full_name,
                    "requested_by": c.requested_by,
                    "requested_at": c.requested_at,
                    "closed_on": c.closed_on.isoformat(),
                    "reason": c.reason,
                }
                for c in self.closures
            ],
            "referrals_waiting": [
                {
                    "case_number": r.case_number,
                    "name": r.full_name,
                    "direction": r.direction,
                    "counterpart": r.counterpart,
                    "since": r.since,
                }
                for r in self.referrals
            ],
            "recent_cases": [
                {"case_number": r.case_number, "name": r.full_name} for r in self.recent
            ],
        }


def end_of_week(today: dt.date) -> dt.date:
    """The Sunday of this week (Monday to Sunday), the last day "this week" covers."""
    return today + dt.timedelta(days=6 - today.weekday())


class Caseload(VaultService):
    # --- who holds a case --------------------------------------------------------------------

    def holder(self, case_number: str) -> str | None:
        found = workflow_repo.holder(self.conn, self.case_id(case_number))
        return found[1] if found else None

    def possible_holders(self) -> list[User]:
        return [u for u in self.opened.users() if workers.may_hold(u.role)]

    def may_reassign(self, case_number: str) -> bool:
        """Whether the signed-in user may give this case to someone (for the window)."""
        if access.allowed(self.role, Action.ASSIGN_CASE):
            return True
        found = workflow_repo.holder(self.conn, self.case_id(case_number))
        return (
            access.allowed(self.role, Action.HAND_OVER)
            and found is not None
            and (found[0] == self.opened.user.id)
        )

    def assign(self, case_number: str, to: str) -> Change:
        """Make `to` responsible for the case: a supervisor for any case, the holder for
        her own (a hand-over). Audited, refusals too."""
        case_id = self.case_id(case_number)
        current = workflow_repo.holder(self.conn, case_id)
        me = self.opened.user
        handing_over = current is not None and current[0] == me.id
        if not access.allowed(self.role, Action.ASSIGN_CASE):  # a caseworker: her own cases
            self.require(Action.HAND_OVER if handing_over else Action.ASSIGN_CASE, case_number)
        target = workers.holder_candidate(self.conn, to)
        if current is not None and current[0] == target.id:
            raise AftercareError(
                _("{name} already holds case {number}.").format(
                    name=target.name, number=case_number
                )
            )
        with self.opened.write() as conn:
            workflow_repo.set_holder(conn, case_id, target.id)
            self.opened.audit(
                "case_assigned",
                case_number,
                {
                    "from": current[1] if current else None,
                    "to": target.name,
                    "hand_over": handing_over and not access.allowed(self.role, Action.ASSIGN_CASE),
                },
            )
        return Change(case_number, case_id, "assigned")

    # --- the home page -----------------------------------------------------------------------

    def view(self) -> CaseloadView:
        me, today = self.opened.user, self.today()
        view = CaseloadView(me.name, me.role, today)
        conn = self.conn
        view.counts = workflow_repo.caseload_counts(conn, me.id, today)
        if access.section_level(self.role, Section.FOLLOWUPS) >= Level.READ:
            due = list_repo.followups_due(conn, today, end_of_week(today), holder_id=me.id)
            view.overdue = [d for d in due if d.overdue]
            view.due_this_week = [d for d in due if not d.overdue]
        if access.allowed(self.role, Action.APPROVE_CLOSURE):
            view.closures = workflow_repo.pending_closures(conn)
        if access.section_level(self.role, Section.REFERRALS) >= Level.READ:
            everyone = access.allowed(self.role, Action.ASSIGN_CASE)
            view.referrals = workflow_repo.waiting_referrals(conn, None if everyone else me.id)
        view.recent = [
            RecentCase(number, name)
            for _id, number, name in workflow_repo.recent_cases(conn, me.id, RECENT_CASES)
        ]
        if access.section_level(self.role, Section.PROFILE) == Level.NONE:
            view = _masked(view)
        return view


def _masked(view: CaseloadView) -> CaseloadView:
    from dataclasses import replace

    view.recent = [replace(r, full_name=access.MASK) for r in view.recent]
    view.closures = [replace(c, full_name=access.MASK) for c in view.closures]
    return view
