"""What a summary counts of one case in one period: a flat record instead of the case file.

A summary of a 100,000-case vault counts some 75,000 cases; building whole `Case`
dataclasses (person, intake, services, follow-ups) for them took longer than the counting.
`CaseFacts` holds only the fields the tables read, with the period's predicates already
applied to the lists: the kinds of service received in the period and the follow-ups due
in it. `app.storage.summary_repo` reads these from the database with the same predicates
in SQL; `facts_of` takes them from an ordinary `Case` (hand-made test cases, demo data).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from typing import NamedTuple

from app.codes import Exploitation, ServiceStatus
from app.domain.model import Case, Service

UNKNOWN_EXPLOITATION = Exploitation.UNKNOWN.value
_RECEIVED = (ServiceStatus.ONGOING.value, ServiceStatus.COMPLETED.value)


class CaseFacts(NamedTuple):
    opened_on: dt.date
    closed_on: dt.date | None
    closure_reason: str | None
    sex: str
    date_of_birth: dt.date | None
    age_at_intake: int | None
    origin_country: str | None
    origin_division: str | None
    exploitation: str  # the primary code, `unknown` when the case has none
    identified_by: str
    guardian_status: str | None
    received: AbstractSet[str]  # kinds of service received in the period
    followups: Sequence[tuple[dt.date, dt.date | None]]  # (due, done) of those due in it
    # summary-v1 A1: received from another unit by a referral, which counted its opening.
    transferred_in: bool = False


def received_kinds(services: Iterable[Service], start: dt.date, end: dt.date) -> frozenset[str]:
    """Kinds of service received in [start, end] (summary-v1): ongoing or completed, started
    by the end, not ended before the start. A service with no start date is not counted."""
    return frozenset(
        service.kind
        for service in services
        if service.status in _RECEIVED
        and service.started_on is not None
        and service.started_on <= end
        and (service.ended_on is None or service.ended_on >= start)
    )


def facts_of(
    case: Case, start: dt.date, end: dt.date, *, transferred_in: bool = False
) -> CaseFacts:
    """The facts of a whole case for the period [start, end]; `transferred_in` when the case
    came by a referral from another unit (summary-v1 A1)."""
    person, intake = case.person, case.intake
    return CaseFacts(
        opened_on=case.opened_on,
        closed_on=case.closed_on,
        closure_reason=case.closure_reason,
        sex=person.sex,
        date_of_birth=person.date_of_birth,
        age_at_intake=person.age_at_intake,
        origin_country=person.origin.country,
        origin_division=person.origin.division,
        exploitation=intake.exploitation[0] if intake.exploitation else UNKNOWN_EXPLOITATION,
        identified_by=intake.identified_by,
        guardian_status=case.guardian.status if case.guardian is not None else None,
        received=received_kinds(case.services, start, end),
        followups=tuple((f.due_on, f.done_on) for f in case.followups if start <= f.due_on <= end),
        transferred_in=transferred_in,
    )
