"""The case file as plain dataclasses: the shape of cases-v1, plus the ids storage assigns.

Code fields hold the code strings of `app.codes` (the StrEnum members compare equal to
them). Dates are `datetime.date`. Nothing here touches the database, Qt or files.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Origin:
    country: str | None = None  # ISO 3166-1 alpha-2
    division: str | None = None  # GB/T 2260 six-digit code, for China


@dataclass
class Person:
    full_name: str
    aliases: list[str] = field(default_factory=list)
    sex: str = "unknown"
    date_of_birth: dt.date | None = None
    age_at_intake: int | None = None
    id_number: str | None = None
    phone: str | None = None
    address: str | None = None
    origin: Origin = field(default_factory=Origin)
    languages: list[str] = field(default_factory=list)
    disability: bool | None = None


@dataclass
class Intake:
    identified_on: dt.date | None = None
    prefecture: str = ""
    identified_by: str = "other"
    police_case_number: str | None = None
    exploitation: list[str] = field(default_factory=list)  # first is the primary
    relationship_to_trafficker: str = "unknown"
    cross_border: bool = False
    narrative: str | None = None


@dataclass
class Consent:
    purpose: str
    given: bool
    recorded_on: dt.date
    withdrawn_on: dt.date | None = None


@dataclass
class Guardian:
    status: str
    notes: str | None = None


@dataclass
class Service:
    kind: str
    status: str
    started_on: dt.date | None = None
    ended_on: dt.date | None = None
    provider: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    notes: str | None = None
    id: int | None = None


@dataclass
class Followup:
    due_on: dt.date
    done_on: dt.date | None = None
    living_conditions: str | None = None
    notes: str | None = None
    id: int | None = None


@dataclass
class Referral:
    to: str
    sent_on: dt.date
    status: str = "pending"
    organisation: str | None = None
    reason: str | None = None
    id: int | None = None


@dataclass
class Note:
    written_on: dt.date
    section: str
    text: str
    id: int | None = None


@dataclass
class Case:
    case_number: str
    status: str
    opened_on: dt.date
    person: Person
    intake: Intake
    closed_on: dt.date | None = None
    closure_reason: str | None = None
    consents: list[Consent] = field(default_factory=list)
    guardian: Guardian | None = None
    services: list[Service] = field(default_factory=list)
    followups: list[Followup] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    id: int | None = None
