"""The case list, search and follow-ups due, as the signed-in role may see them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from app import access
from app.access import Level
from app.codes import Section
from app.services.base import VaultService
from app.storage import list_repo, search_repo
from app.storage.list_repo import CaseFilter, CaseRow, DueFollowup

# Which search scopes need which section level: names need only LIST on the profile; the
# identity number, phone and aliases need READ; notes need READ on their section.
_PROFILE_LIST_SCOPES = ("profile:name",)
_PROFILE_READ_SCOPES = ("profile:alias", "profile:id_number", "profile:phone")


@dataclass(frozen=True)
class FoundCase:
    row: CaseRow
    rank: int  # 0 exact case or ID number, 1 exact name, 2 identity fields, 3 notes


class CaseList(VaultService):
    def search_scopes(self) -> set[str]:
        scopes = {"header:case_number"}
        profile = access.section_level(self.role, Section.PROFILE)
        if profile >= Level.LIST:
            scopes.update(_PROFILE_LIST_SCOPES)
        if profile >= Level.READ:
            scopes.update(_PROFILE_READ_SCOPES)
        for section in Section:
            if access.section_level(self.role, section) >= Level.READ:
                scopes.add(f"{section}:note")
        return scopes

    def _visible(self, row: CaseRow) -> CaseRow:
        """Mask what the role may not see in a list row."""
        if access.section_level(self.role, Section.PROFILE) == Level.NONE:
            row = replace(row, full_name=access.MASK)
        if access.section_level(self.role, Section.FOLLOWUPS) < Level.READ:
            row = replace(row, next_followup=None)
        return row

    def ids(
        self, filters: CaseFilter | None = None, sort: str = "opened_on", descending: bool = True
    ) -> list[int]:
        return list_repo.list_ids(
            self.conn, filters or CaseFilter(), sort, descending, self.today()
        )

    def page(
        self,
        filters: CaseFilter | None = None,
        sort: str = "opened_on",
        descending: bool = True,
        after: list_repo.Cursor | None = None,
        limit: int = 100,
    ) -> tuple[list[CaseRow], list_repo.Cursor | None]:
        """A page of rows in the asked order, after `after`; and the cursor of the next page
        (None at the end). The cost of a page does not grow with the vault."""
        ids, cursor = list_repo.page_ids(
            self.conn, filters or CaseFilter(), sort, descending, self.today(), after, limit
        )
        return self.rows(ids), cursor

    def count(self, filters: CaseFilter | None = None) -> int:
        return list_repo.count(self.conn, filters or CaseFilter(), self.today())

    def rows(self, case_ids: list[int]) -> list[CaseRow]:
        return [self._visible(r) for r in list_repo.rows(self.conn, case_ids, self.today())]

    def find(self, query: str, limit: int | None = None) -> list[FoundCase]:
        """Cases whose readable name, alias, number, ID number, phone or notes hold `query`."""
        ranked = search_repo.find(self.conn, query, self.search_scopes(), limit)
        by_id = {r.case_id: r for r in self.rows([case_id for case_id, _rank in ranked])}
        return [FoundCase(by_id[case_id], rank) for case_id, rank in ranked if case_id in by_id]

    def find_ids(self, query: str) -> list[int]:
        return [
            case_id for case_id, _rank in search_repo.find(self.conn, query, self.search_scopes())
        ]

    def followups_due(self, days: int = 14) -> list[DueFollowup]:
        """Overdue follow-ups and those due in the next `days`, for roles that read follow-ups."""
        if access.section_level(self.role, Section.FOLLOWUPS) < Level.READ:
            return []
        today = self.today()
        return list_repo.followups_due(self.conn, today, today + dt.timedelta(days=days))
