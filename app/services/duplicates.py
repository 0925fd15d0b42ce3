"""Is this person already in the vault? Candidates for a new or imported case, and the
likely pairs among stored cases (`aftercare duplicates`), with the reason for each.

Needs READ on the profile (identity numbers and aliases are compared); the candidates are
case files as the role may read them, for showing side by side.
"""

from __future__ import annotations

from dataclasses import dataclass

from app import access
from app.access import Level
from app.codes import Section
from app.domain import duplicates
from app.domain.duplicates import NEAR_AGE_DAYS, RANK, Who
from app.domain.model import Case
from app.services.base import VaultService
from app.storage import cases_repo, duplicates_repo, search_repo

MAX_CANDIDATES = 8


@dataclass(frozen=True)
class Candidate:
    case: Case  # as the role may read it
    reason: str  # a code of app.codes.DuplicateReason


@dataclass(frozen=True)
class Pair:
    first: str  # case numbers, the older case first
    second: str
    first_name: str
    second_name: str
    reason: str


def who_of(case: Case, case_id: int = 0) -> Who:
    person = case.person
    return Who.of(
        case_id,
        case.case_number,
        person.full_name,
        person.aliases,
        person.id_number,
        person.date_of_birth,
        person.age_at_intake,
        case.opened_on,
    )


class Duplicates(VaultService):
    def candidates(self, case: Case) -> list[Candidate]:
        """Stored cases that are probably the person of `case` (not yet stored), best first."""
        self.require_section(Section.PROFILE, Level.READ)
        new = who_of(case)
        conn = self.conn
        pool: dict[int, Who] = {}
        exact_ids: list[int] = []
        if new.id_number:
            found = search_repo.find(conn, new.id_number, {"profile:id_number"})
            exact_ids += [case_id for case_id, rank in found if rank == 0]
        for name in {case.person.full_name, *case.person.aliases}:
            if name.strip():
                found = search_repo.find(conn, name.strip(), {"profile:name", "profile:alias"})
                exact_ids += [case_id for case_id, rank in found if rank <= 1]
        for who in duplicates_repo.by_ids(conn, exact_ids):
            pool[who.case_id] = who
        if new.born_about is not None:
            for who in duplicates_repo.born_near(conn, new.born_about, NEAR_AGE_DAYS):
                pool[who.case_id] = who
        matched = [
            (who, why)
            for who in pool.values()
            if who.case_number != case.case_number
            and (why := duplicates.reason(new, who)) is not None
        ]
        matched.sort(key=lambda m: (RANK[m[1]], m[0].case_number))
        out = []
        for who, why in matched[:MAX_CANDIDATES]:
            stored = cases_repo.load_case(conn, who.case_id)
            if stored is not None:
                out.append(Candidate(access.redact(stored, self.role), why))
        return out

    def pairs(self) -> list[Pair]:
        """Likely pairs among the stored cases (merged ones left out), strongest first."""
        self.require_section(Section.PROFILE, Level.READ)
        return [
            Pair(a.case_number, b.case_number, a.full_name, b.full_name, why)
            for a, b, why in duplicates.pairs(duplicates_repo.everyone(self.conn))
        ]

    def pairs_with(self, case_numbers: set[str]) -> list[Pair]:
        """The likely pairs that involve one of `case_numbers` (the cases just imported)."""
        return [p for p in self.pairs() if p.first in case_numbers or p.second in case_numbers]
