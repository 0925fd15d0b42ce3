"""The facts a summary of one period counts, read leanly: only what the tables look at.

`reports.tables.summary_body` counts cases active in the period (every table but
follow-ups counts only those) and follow-ups due in the period (of any case, closed ones
included). Reading every whole case of a 100,000-case vault takes seconds; this reads only
those cases, only the columns the counts use (from covering indexes, schema v6), only the
kinds of service received in the period and only the follow-ups due in it, as flat
`CaseFacts` records. The predicates are those of `reports.case_facts` in SQL, so the
result is what counting the whole cases gives (tests/test_summary_repo.py checks it).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from app.gc_pause import collector_paused
from app.reports.case_facts import UNKNOWN_EXPLOITATION, CaseFacts
from app.storage.connection import Connection

# Cases active in the period, and the others that have a follow-up due in it (a follow-up
# after closure counts too). Read from the covering index cases_summary, never the rows.
_CASES = """
SELECT c.id, c.opened_on, c.closed_on, c.closure_reason, c.sex, c.date_of_birth,
       c.age_at_intake, c.origin_country, c.origin_division, c.primary_exploitation,
       c.identified_by, c.guardian_status
FROM cases c INDEXED BY cases_summary
WHERE (c.opened_on <= :end AND (c.closed_on IS NULL OR c.closed_on >= :start))
   OR c.id IN (SELECT case_id FROM followups WHERE due_on BETWEEN :start AND :end)
"""
# "Received in the period" (summary-v1, case_facts.received_kinds): ongoing or completed,
# started by the end, not ended before the start.
_SERVICES = """
SELECT case_id, kind FROM services
WHERE status IN ('ongoing', 'completed') AND started_on <= :end
  AND (ended_on IS NULL OR ended_on >= :start)
"""
_FOLLOWUPS = "SELECT case_id, due_on, done_on FROM followups WHERE due_on BETWEEN :start AND :end"
# summary-v1 A1: cases received by referral are not counted as opened here.
_TRANSFERRED_IN = (
    "SELECT case_id FROM referral_packages WHERE direction = 'received' AND case_id IS NOT NULL"
)


# Values typed Any: a NULL column reads as None, a NOT NULL one as a date, and the facts
# take each as it is without a check per row.
class _Days(dict[str | None, Any]):
    """ISO date text -> date, each distinct text parsed once: a summary reads ~250,000
    dates but only a few thousand distinct ones. NULL reads as None."""

    def __init__(self) -> None:
        super().__init__({None: None})

    def __missing__(self, text: str) -> dt.date:
        day = self[text] = dt.date.fromisoformat(text)
        return day


def facts_for_period(conn: Connection, start: dt.date, end: dt.date) -> list[CaseFacts]:
    """The facts of every case the summary of [start, end] counts, in no particular order."""
    with collector_paused():  # ~500,000 rows become tuples, sets and lists
        return _read_facts(conn, {"start": start.isoformat(), "end": end.isoformat()})


def _read_facts(conn: Connection, args: dict[str, str]) -> list[CaseFacts]:
    days = _Days()
    received: defaultdict[int, set[str]] = defaultdict(set)
    for case_id, kind in conn.execute(_SERVICES, args):
        received[case_id].add(kind)
    followups: defaultdict[int, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    for case_id, due, done in conn.execute(_FOLLOWUPS, args):
        followups[case_id].append((days[due], days[done]))
    transferred_in = {case_id for (case_id,) in conn.execute(_TRANSFERRED_IN)}
    none: frozenset[str] = frozenset()
    return [
        CaseFacts(
            days[opened],
            days[closed],
            reason,
            sex,
            days[born],
            age,
            country,
            division,
            primary or UNKNOWN_EXPLOITATION,
            identified_by or "other",
            guardian,
            received.get(case_id, none),
            followups.get(case_id, ()),
            case_id in transferred_in,
        )
        for (
            case_id,
            opened,
            closed,
            reason,
            sex,
            born,
            age,
            country,
            division,
            primary,
            identified_by,
            guardian,
        ) in conn.execute(_CASES, args)
    ]
