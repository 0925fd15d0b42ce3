"""Validation of a whole case file: every problem at once, each with the case and key path.

The rules are those of cases-v1 ("Validation that must hold on import and on every save"),
plus the type and required checks the dataclasses cannot enforce, because cases also come
from forms and from the importer. The checks never raise on odd values: a wrong type is a
problem like any other, and a check that needs a value of the right type is skipped when the
value has the wrong one (the type problem is already reported).

A `Problem` keeps its parts apart (case, key path, message) so the UI can put the message
beside the field at `path`; `str(problem)` gives the one-line form of the spec:
`case FZ-2026-0007: services[2].ended_on is before started_on`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from app.codes import (
    CaseStatus,
    ClosureReason,
    ConsentPurpose,
    Exploitation,
    GuardianStatus,
    IdentifiedBy,
    LivingConditions,
    ReferralStatus,
    ReferralTo,
    Relationship,
    Section,
    ServiceKind,
    ServiceStatus,
    Sex,
)
from app.domain.model import Case
from app.domain.people import ADULT_AGE, age_on
from app.errors import AftercareError
from app.i18n import _

MAX_AGE = 120
_COUNTRY = re.compile(r"[A-Z]{2}")
_DIVISION = re.compile(r"[0-9]{6}")
# BCP 47 in the shape the app needs (zh, yue, zh-Hant, zh-Hans-CN): letters, then subtags.
_LANGUAGE = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one case: `message` is translated and reads after `path`."""

    case_number: str
    path: str
    message: str

    def __str__(self) -> str:
        if not self.path:
            return _("case {case}: {message}").format(case=self.case_number, message=self.message)
        return _("case {case}: {path} {message}").format(
            case=self.case_number, path=self.path, message=self.message
        )


class InvalidCase(AftercareError):
    """A case failed validation; `problems` lists everything found, the message all of it."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def case_label(case_number: object, index: int | None = None) -> str:
    """How problems name a case: its number, or `#n` (1-based position in a file) without one."""
    if isinstance(case_number, str) and case_number.strip():
        return case_number
    return f"#{index + 1}" if index is not None else "#?"


def validate_case(case: Case, today: dt.date, index: int | None = None) -> list[Problem]:
    """Every problem of `case` as of `today` (the day of import or save); empty when valid.

    `index` is the case's position in an import file, used to name a case without a number.
    """
    return _Checker(case, today, case_label(case.case_number, index)).run()


def check_case(case: Case, today: dt.date) -> None:
    """Raise `InvalidCase` listing every problem of `case`, for services before they write."""
    problems = validate_case(case, today)
    if problems:
        raise InvalidCase(problems)


_CODES: dict[type[StrEnum], frozenset[str]] = {}


def _codes_of(codes: type[StrEnum]) -> frozenset[str]:
    # Built once per code list: iterating an enum is slow, and this runs for every code
    # of every case of an import.
    found = _CODES.get(codes)
    if found is None:
        found = _CODES[codes] = frozenset(member.value for member in codes)
    return found


def _is_date(value: object) -> bool:
    # datetime is a subclass of date but cannot be compared with one.
    return type(value) is dt.date


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class _Checker:
    def __init__(self, case: Case, today: dt.date, label: str):
        self.case = case
        self.today = today
        self.label = label
        self.problems: list[Problem] = []

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(self.label, path, message))

    # --- field checks; each returns the value when it has the right type, else None ---------

    def text(self, path: str, value: object, *, required: bool = False) -> str | None:
        if value is None:
            if required:
                self.add(path, _("is required"))
            return None
        if not isinstance(value, str):
            self.add(path, _("must be text"))
            return None
        if required and not value.strip():
            self.add(path, _("is empty"))
        return value

    def flag(self, path: str, value: object, *, nullable: bool = True) -> None:
        if value is None and nullable:
            return
        if not isinstance(value, bool):
            self.add(path, _("must be true or false"))

    def code(
        self, path: str, value: object, codes: type[StrEnum], *, nullable: bool = False
    ) -> str | None:
        if value is None:
            if not nullable:
                self.add(path, _("is required"))
            return None
        if not isinstance(value, str):
            self.add(path, _("must be text"))
            return None
        if value not in _codes_of(codes):
            self.add(
                path,
                _('is "{code}", which is not one of: {allowed}').format(
                    code=value, allowed=", ".join(member.value for member in codes)
                ),
            )
            return None
        return value

    def date(
        self, path: str, value: object, *, required: bool = False, past: bool = True
    ) -> dt.date | None:
        """A date; with `past`, one of something that has happened, so not after today."""
        if value is None:
            if required:
                self.add(path, _("is required"))
            return None
        if not _is_date(value):
            self.add(path, _("must be a date"))
            return None
        assert isinstance(value, dt.date)
        if past and value > self.today:
            self.add(path, _("is in the future"))
        return value

    def not_before(
        self, path: str, value: dt.date | None, other: dt.date | None, name: str
    ) -> None:
        if value is not None and other is not None and value < other:
            self.add(path, _("is before {other}").format(other=name))

    def items(self, path: str, value: object) -> list[Any]:
        if not isinstance(value, list):
            self.add(path, _("must be a list"))
            return []
        return value

    def strings(self, path: str, value: object) -> list[str]:
        found = []
        for i, item in enumerate(self.items(path, value)):
            if self.text(f"{path}[{i}]", item, required=True) is not None:
                found.append(item)
        return found

    # --- the case ----------------------------------------------------------------------------

    def run(self) -> list[Problem]:
        case = self.case
        self.text("case_number", case.case_number, required=True)
        status = self.code("status", case.status, CaseStatus)
        opened_on = self.date("opened_on", case.opened_on, required=True)
        closed_on = self.date("closed_on", case.closed_on)
        self.code("closure_reason", case.closure_reason, ClosureReason, nullable=True)
        self.not_before("closed_on", closed_on, opened_on, "opened_on")
        if status == CaseStatus.CLOSED:
            if case.closed_on is None:
                self.add("closed_on", _("is required when the case is closed"))
            if case.closure_reason is None:
                self.add("closure_reason", _("is required when the case is closed"))
        elif status == CaseStatus.OPEN:
            if case.closed_on is not None:
                self.add("closed_on", _("must be empty while the case is open"))
            if case.closure_reason is not None:
                self.add("closure_reason", _("must be empty while the case is open"))
        self.person(opened_on)
        self.intake()
        self.consents()
        self.guardian(opened_on)
        self.services()
        self.followups(opened_on)
        self.referrals()
        self.notes()
        return self.problems

    def person(self, opened_on: dt.date | None) -> None:
        p = self.case.person
        self.text("person.full_name", p.full_name, required=True)
        self.strings("person.aliases", p.aliases)
        self.code("person.sex", p.sex, Sex)
        born = self.date("person.date_of_birth", p.date_of_birth)
        if born is not None and opened_on is not None and opened_on < born <= self.today:
            self.add("person.date_of_birth", _("is after {other}").format(other="opened_on"))
        if p.age_at_intake is not None:
            if not _is_int(p.age_at_intake):
                self.add("person.age_at_intake", _("must be a whole number"))
            elif not 0 <= p.age_at_intake <= MAX_AGE:
                self.add(
                    "person.age_at_intake",
                    _("must be between {low} and {high}").format(low=0, high=MAX_AGE),
                )
        for key in ("id_number", "phone", "address"):
            self.text(f"person.{key}", getattr(p, key))
        country = self.text("person.origin.country", p.origin.country)
        if country is not None and not _COUNTRY.fullmatch(country):
            country = None  # reported here; the division is not judged against it
            self.add(
                "person.origin.country", _("must be two capital letters (ISO 3166-1), e.g. CN")
            )
        division = self.text("person.origin.division", p.origin.division)
        if division is not None:
            if not _DIVISION.fullmatch(division):
                self.add("person.origin.division", _("must be six digits (GB/T 2260), e.g. 350100"))
            elif p.origin.country is None or (country is not None and country != "CN"):
                self.add("person.origin.division", _("is only given when country is CN"))
        for i, tag in enumerate(self.strings("person.languages", p.languages)):
            if not _LANGUAGE.fullmatch(tag):
                self.add(f"person.languages[{i}]", _("is not a language tag (BCP 47), e.g. zh"))
        self.flag("person.disability", p.disability)

    def intake(self) -> None:
        t = self.case.intake
        self.date("intake.identified_on", t.identified_on)
        prefecture = self.text("intake.prefecture", t.prefecture)
        # An empty prefecture means "not known"; a given one must be a GB/T 2260 code.
        if prefecture and not _DIVISION.fullmatch(prefecture):
            self.add("intake.prefecture", _("must be six digits (GB/T 2260), e.g. 350100"))
        self.code("intake.identified_by", t.identified_by, IdentifiedBy)
        self.text("intake.police_case_number", t.police_case_number)
        seen: set[str] = set()
        for i, item in enumerate(self.items("intake.exploitation", t.exploitation)):
            code = self.code(f"intake.exploitation[{i}]", item, Exploitation)
            if code in seen:
                self.add(f"intake.exploitation[{i}]", _("repeats {code}").format(code=code))
            if code is not None:
                seen.add(code)
        self.code("intake.relationship_to_trafficker", t.relationship_to_trafficker, Relationship)
        self.flag("intake.cross_border", t.cross_border, nullable=False)
        self.text("intake.narrative", t.narrative)

    def consents(self) -> None:
        for i, c in enumerate(self.items("consents", self.case.consents)):
            path = f"consents[{i}]"
            self.code(f"{path}.purpose", c.purpose, ConsentPurpose)
            self.flag(f"{path}.given", c.given, nullable=False)
            recorded = self.date(f"{path}.recorded_on", c.recorded_on, required=True)
            withdrawn = self.date(f"{path}.withdrawn_on", c.withdrawn_on)
            self.not_before(f"{path}.withdrawn_on", withdrawn, recorded, "recorded_on")

    def guardian(self, opened_on: dt.date | None) -> None:
        g = self.case.guardian
        if g is not None:
            self.code("guardian.status", g.status, GuardianStatus)
            self.text("guardian.notes", g.notes)
        elif opened_on is not None and self._child_on(opened_on):
            self.add("guardian", _("is required for a person under 18 on opened_on"))

    def _child_on(self, opened_on: dt.date) -> bool:
        p = self.case.person
        # Only ask for a guardian when the age inputs are sound; bad ones are reported above.
        if p.date_of_birth is not None and not _is_date(p.date_of_birth):
            return False
        if p.age_at_intake is not None and not _is_int(p.age_at_intake):
            return False
        age = age_on(p, opened_on, opened_on)
        return age is not None and age < ADULT_AGE

    def services(self) -> None:
        for i, s in enumerate(self.items("services", self.case.services)):
            path = f"services[{i}]"
            self.code(f"{path}.kind", s.kind, ServiceKind)
            status = self.code(f"{path}.status", s.status, ServiceStatus)
            planned = status == ServiceStatus.PLANNED
            started = self.date(f"{path}.started_on", s.started_on, past=False)
            if started is not None and not planned and started > self.today:
                self.add(
                    f"{path}.started_on",
                    _("is in the future: a service that has not started yet is Planned"),
                )
            if s.started_on is None and status is not None and not planned:
                self.add(f"{path}.started_on", _("is required unless the service is planned"))
            ended = self.date(f"{path}.ended_on", s.ended_on)
            self.not_before(f"{path}.ended_on", ended, started, "started_on")
            self.text(f"{path}.provider", s.provider)
            self.details(f"{path}.details", s.details)
            self.text(f"{path}.notes", s.notes)

    def details(self, path: str, details: object) -> None:
        if not isinstance(details, dict):
            self.add(path, _("must be a set of named values"))
            return
        for key, value in details.items():
            if not isinstance(value, str | int | float) or isinstance(value, bool):
                self.add(f"{path}.{key}", _("must be text or a number"))

    def followups(self, opened_on: dt.date | None) -> None:
        for i, f in enumerate(self.items("followups", self.case.followups)):
            path = f"followups[{i}]"
            self.date(f"{path}.due_on", f.due_on, required=True, past=False)
            done = self.date(f"{path}.done_on", f.done_on)
            self.not_before(f"{path}.done_on", done, opened_on, "opened_on")
            self.code(
                f"{path}.living_conditions", f.living_conditions, LivingConditions, nullable=True
            )
            self.text(f"{path}.notes", f.notes)

    def referrals(self) -> None:
        for i, r in enumerate(self.items("referrals", self.case.referrals)):
            path = f"referrals[{i}]"
            self.code(f"{path}.to", r.to, ReferralTo)
            self.text(f"{path}.organisation", r.organisation)
            self.date(f"{path}.sent_on", r.sent_on, required=True)
            self.code(f"{path}.status", r.status, ReferralStatus)
            self.text(f"{path}.reason", r.reason)

    def notes(self) -> None:
        for i, n in enumerate(self.items("notes", self.case.notes)):
            path = f"notes[{i}]"
            self.date(f"{path}.written_on", n.written_on, required=True)
            self.code(f"{path}.section", n.section, Section)
            self.text(f"{path}.text", n.text, required=True)
