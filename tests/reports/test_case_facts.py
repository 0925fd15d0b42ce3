"""The flat facts a summary counts: the period's predicates applied to a whole case."""

from __future__ import annotations

import datetime as dt

from app.domain.model import Followup, Service
from app.reports.case_facts import facts_of, received_kinds
from app.reports.periods import parse_period
from app.reports.tables import build_summary_body
from tests.reports.test_tables import make

D = dt.date
Q3 = parse_period("2026-Q3")


def test_received_kinds_follow_the_spec():
    services = [
        Service("medical_care", "completed", D(2026, 1, 5), D(2026, 7, 1)),  # ends on the start
        Service("legal_aid", "completed", D(2026, 1, 5), D(2026, 6, 30)),  # ended before
        Service("schooling", "ongoing", D(2026, 9, 30)),  # starts on the end
        Service("shelter_care", "ongoing", D(2026, 10, 1)),  # starts after
        Service("employment_support", "planned", D(2026, 7, 5)),  # not received
        Service("life_skills_training", "ongoing", None),  # cannot be placed in time
    ]
    assert received_kinds(services, Q3.start, Q3.end) == {"medical_care", "schooling"}


def test_facts_keep_only_follow_ups_due_in_the_period():
    case = make(
        "F1",
        sex="female",
        opened=D(2026, 1, 1),
        age=30,
        exploitation=["forced_labour", "other"],
        followups=[
            Followup(D(2026, 6, 30)),
            Followup(D(2026, 7, 1), D(2026, 7, 1)),
            Followup(D(2026, 9, 30)),
            Followup(D(2026, 10, 1)),
        ],
    )
    facts = facts_of(case, Q3.start, Q3.end)
    assert facts.followups == ((D(2026, 7, 1), D(2026, 7, 1)), (D(2026, 9, 30), None))
    assert facts.exploitation == "forced_labour"
    assert facts.guardian_status is None


def test_two_unlisted_kinds_count_once_in_other():
    case = make(
        "F2",
        sex="male",
        opened=D(2026, 7, 2),
        age=12,
        services=[
            Service("dance", "ongoing", D(2026, 7, 3)),
            Service("music", "ongoing", D(2026, 7, 3)),
        ],
    )
    body = build_summary_body([case], Q3)
    services = next(t for t in body["tables"] if t["id"] == "services")
    assert services["cells"][services["rows"].index("other")] == [0, 1, 0, 0, 1]


def test_follow_ups_count_in_the_group_of_their_due_day():
    # She turns 18 on 2026-08-15: a follow-up due the day before is a girl's, one due on the
    # birthday a woman's (the group changes inside the period); her sister, 18 all quarter,
    # is a woman at every follow-up.
    girl = make(
        "F3",
        sex="female",
        opened=D(2026, 1, 1),
        dob=D(2008, 8, 15),
        guardian="placed",
        followups=[Followup(D(2026, 8, 14), D(2026, 8, 14)), Followup(D(2026, 8, 15))],
    )
    sister = make(
        "F4",
        sex="female",
        opened=D(2026, 1, 1),
        dob=D(2008, 6, 30),
        followups=[Followup(D(2026, 7, 1), D(2026, 7, 3)), Followup(D(2026, 9, 30))],
    )
    body = build_summary_body([girl, sister], Q3)
    table = next(t for t in body["tables"] if t["id"] == "followups")
    by_row = dict(zip(table["rows"], table["cells"], strict=True))
    cols = table["cols"]
    assert by_row["on_time"][cols.index("girl")] == 1
    assert by_row["late"][cols.index("woman")] == 1
    assert by_row["not_done"][cols.index("woman")] == 2
    assert by_row["not_done"][cols.index("girl")] == 0
