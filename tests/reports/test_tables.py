"""Every table and indicator of a summary against counts worked out by hand.

The period is 2026-Q3 (1 July to 30 September). Each case below hits a boundary; its
comment says where it is counted.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest

from app.domain.model import Case, Followup, Guardian, Intake, Origin, Person, Service
from app.errors import AftercareError
from app.reports.periods import parse_period
from app.reports.tables import LINKED_CELLS, TABLE_LAYOUT, build_summary_body

D = dt.date
Q3 = parse_period("2026-Q3")


def make(
    number: str,
    *,
    sex: str,
    opened: dt.date,
    dob: dt.date | None = None,
    age: int | None = None,
    closed: dt.date | None = None,
    reason: str | None = None,
    origin: Origin | None = None,
    identified_by: str = "other",
    exploitation: list[str] | None = None,
    services: list[Service] | None = None,
    followups: list[Followup] | None = None,
    guardian: str | None = None,
) -> Case:
    return Case(
        case_number=number,
        status="closed" if closed else "open",
        opened_on=opened,
        closed_on=closed,
        closure_reason=reason,
        person=Person(
            full_name="Invented",
            sex=sex,
            date_of_birth=dob,
            age_at_intake=age,
            origin=origin or Origin(),
        ),
        intake=Intake(identified_by=identified_by, exploitation=exploitation or []),
        services=services or [],
        followups=followups or [],
        guardian=Guardian(guardian) if guardian else None,
    )


CASES = [
    # A: opened on the first day; turns 16 that very day (girl, 16-17). Vocational training
    # received; medical care ended the day before the period. Follow-up done on its due day.
    make(
        "A",
        sex="female",
        dob=D(2010, 7, 1),
        opened=D(2026, 7, 1),
        origin=Origin("CN", "350100"),
        identified_by="public_security",
        exploitation=["forced_marriage", "forced_labour"],
        services=[
            Service("vocational_training", "ongoing", D(2026, 8, 1)),
            Service("medical_care", "completed", D(2026, 6, 1), D(2026, 6, 30)),
        ],
        followups=[Followup(D(2026, 8, 1), D(2026, 8, 1))],
        guardian="placed_in_care",
    ),
    # B: man aged 30 at intake (31 from 10 May 2026), open at the start, closed on the last
    # day (so not open at the end). One late follow-up, one done after the period.
    make(
        "B",
        sex="male",
        age=30,
        opened=D(2025, 5, 10),
        closed=D(2026, 9, 30),
        reason="reintegrated_family",
        services=[
            Service("legal_aid", "ongoing", D(2025, 6, 1)),
            Service("employment_support", "planned"),
        ],
        followups=[
            Followup(D(2026, 7, 15), D(2026, 8, 20)),
            Followup(D(2026, 9, 1), D(2026, 10, 3)),
        ],
    ),
    # C: a woman of unknown age (group other, band unknown), no exploitation code, no origin;
    # a service kind not in the list counts as `other`; a follow-up due after the period.
    make(
        "C",
        sex="female",
        opened=D(2026, 8, 15),
        identified_by="hotline",
        services=[
            Service("psychological_care", "completed", D(2026, 8, 16), D(2026, 9, 1)),
            Service("music_therapy", "ongoing", D(2026, 8, 16)),
        ],
        followups=[Followup(D(2026, 10, 5))],
    ),
    # D: boy opened on the last day, his 14th birthday; schooling started that day.
    make(
        "D",
        sex="male",
        dob=D(2012, 9, 30),
        opened=D(2026, 9, 30),
        origin=Origin("CN", "440000"),
        identified_by="family",
        exploitation=["child_sale_adoption"],
        services=[Service("schooling", "ongoing", D(2026, 9, 30))],
        guardian="not_found",
    ),
    # E: closed the day before the period: counted nowhere but for its follow-up due in it.
    make(
        "E",
        sex="female",
        dob=D(1990, 3, 3),
        opened=D(2024, 1, 1),
        closed=D(2026, 6, 30),
        reason="other",
        followups=[Followup(D(2026, 7, 10))],
    ),
    # F: opened the day after the period: counted nowhere.
    make("F", sex="female", dob=D(2000, 1, 1), opened=D(2026, 10, 1)),
    # G: a woman of 46 from abroad, opened and closed in the period.
    make(
        "G",
        sex="female",
        dob=D(1980, 5, 5),
        opened=D(2026, 7, 20),
        closed=D(2026, 8, 30),
        reason="independent_living",
        origin=Origin("VN", None),
        identified_by="ngo",
        exploitation=["sexual_exploitation"],
    ),
    # H: 17 at intake on 15 Aug 2025: a boy at the start, 18 (other) at the end.
    make(
        "H",
        sex="male",
        age=17,
        opened=D(2025, 8, 15),
        services=[
            Service("shelter_care", "ongoing", D(2025, 8, 15)),
            Service("family_tracing", "cancelled", D(2025, 9, 1)),
        ],
        guardian="with_guardian",
    ),
    # I: sex unknown, 11, closed on the first day: open at the start and closed in the period.
    make(
        "I",
        sex="unknown",
        dob=D(2015, 1, 1),
        opened=D(2026, 2, 1),
        closed=D(2026, 7, 1),
        reason="transferred",
        guardian="tracing",
    ),
]

EXPECTED = {
    "caseload": [[0, 1, 0, 2, 3], [1, 1, 1, 1, 4], [0, 0, 1, 2, 3], [1, 1, 0, 2, 4]],
    "age_sex": [
        [0, 0, 0, 0],
        [0, 1, 0, 1],
        [1, 0, 0, 1],
        [0, 0, 0, 0],
        [0, 0, 0, 0],
        [1, 0, 0, 1],
        [1, 0, 0, 1],
        [3, 1, 0, 4],
    ],
    "exploitation": [
        [1, 0, 0, 0, 1],
        [0, 0, 1, 0, 1],
        [0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0],
        [0, 1, 0, 0, 1],
        [0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0],
        [0, 0, 0, 1, 1],
        [1, 1, 1, 1, 4],
    ],
    "origin": [[1, 0, 0, 0, 1], [0, 1, 0, 0, 1], [0, 0, 1, 0, 1], [0, 0, 0, 1, 1], [1, 1, 1, 1, 4]],
    "identified_by": [
        [1, 0, 0, 0, 1],
        [0, 0, 0, 1, 1],
        [0, 0, 1, 0, 1],
        [0, 1, 0, 0, 1],
        [0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0],
        [1, 1, 1, 1, 4],
    ],
    "services": [
        [0, 0, 0, 1, 1],
        [0, 0, 0, 0, 0],
        [0, 0, 0, 1, 1],
        [0, 0, 0, 1, 1],
        [0, 1, 0, 0, 1],
        [1, 0, 0, 0, 1],
        [0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0],
        [0, 0, 0, 1, 1],
    ],
    "closures": [
        [0, 0, 0, 1, 1],
        [0, 0, 1, 0, 1],
        [0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0],
        [0, 0, 0, 1, 1],
        [0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0],
        [0, 0, 1, 2, 3],
    ],
    "followups": [[1, 0, 0, 0, 1], [0, 0, 0, 1, 1], [0, 0, 1, 1, 2], [1, 0, 1, 2, 4]],
}

EXPECTED_INDICATORS = {
    "medical_care": (0, 7),
    "psychological_care": (1, 7),
    "legal_aid": (1, 7),
    "school_enrolment": (1, 2),
    "training_women_girls_16plus": (1, 2),
    "employment_support_16plus": (0, 4),
    "children_without_guardian_in_care": (1, 2),
    "reintegrated": (2, 3),
    "followup_on_time": (1, 4),
}


@pytest.fixture(scope="module")
def body():
    return build_summary_body(CASES, Q3)


@pytest.mark.parametrize("table_id", list(EXPECTED))
def test_table_by_hand(body, table_id):
    table = next(t for t in body["tables"] if t["id"] == table_id)
    assert table["cells"] == EXPECTED[table_id]


def test_layout_is_the_spec(body):
    assert [t["id"] for t in body["tables"]] == [
        "caseload",
        "age_sex",
        "exploitation",
        "origin",
        "identified_by",
        "services",
        "closures",
        "followups",
    ]
    layout = {t[0]: t for t in TABLE_LAYOUT}
    assert layout["age_sex"][1] == (
        "0-5",
        "6-15",
        "16-17",
        "18-24",
        "25-39",
        "40+",
        "unknown",
        "total",
    )
    assert layout["age_sex"][2] == ("female", "male", "unknown", "total")
    assert layout["caseload"][2] == ("girl", "boy", "woman", "other", "total")
    for table in body["tables"]:
        assert table["rows"] == list(layout[table["id"]][1])
        assert table["cols"] == list(layout[table["id"]][2])


def test_indicators_by_hand(body):
    found = {i["id"]: (i["numerator"], i["denominator"]) for i in body["indicators"]}
    assert found == EXPECTED_INDICATORS
    assert [i["id"] for i in body["indicators"]] == list(EXPECTED_INDICATORS)


def test_only_given_cases_are_counted():
    body = build_summary_body(CASES[:1], Q3)
    caseload = body["tables"][0]["cells"]
    assert caseload[1] == [1, 0, 0, 0, 1]
    assert sum(row[-1] for row in caseload) == 2  # opened, open at end


def test_month_and_year_periods():
    july = build_summary_body(CASES, parse_period("2026-07"))
    # In July: A and G opened; I closed on 1 July; B is open at the end of July.
    caseload = july["tables"][0]["cells"]
    assert caseload[1][-1] == 2
    assert caseload[2][-1] == 1
    year = build_summary_body(CASES, parse_period("2026"))
    # In 2026 every case but E (opened 2024, closed June 2026) and B, H (2025) was opened.
    assert year["tables"][0]["cells"][1][-1] == 6


def _random_case(rng: random.Random, n: int) -> Case:
    def day(a: dt.date, b: dt.date) -> dt.date:
        return dt.date.fromordinal(rng.randint(a.toordinal(), b.toordinal()))

    opened = day(D(2024, 1, 1), D(2026, 11, 1))
    closed = day(opened, D(2026, 11, 28)) if rng.random() < 0.5 else None
    kinds = ["medical_care", "schooling", "legal_aid", "vocational_training", "other"]
    return make(
        f"R{n}",
        sex=rng.choice(["female", "male", "unknown"]),
        dob=day(D(1960, 1, 1), D(2020, 1, 1)) if rng.random() < 0.5 else None,
        age=rng.randint(3, 60) if rng.random() < 0.7 else None,
        opened=opened,
        closed=closed,
        reason=rng.choice(["reintegrated_family", "transferred", "other"]) if closed else None,
        origin=Origin(rng.choice(["CN", "VN", None]), rng.choice(["350100", "530000", None])),
        exploitation=rng.sample(["forced_labour", "other", "unknown"], rng.randint(0, 2)),
        services=[
            Service(
                rng.choice(kinds),
                rng.choice(["ongoing", "completed", "planned"]),
                day(opened, D(2026, 11, 28)),
            )
            for _ in range(rng.randint(0, 3))
        ],
        followups=[Followup(day(opened, D(2027, 3, 1)), None) for _ in range(rng.randint(0, 2))],
        guardian=rng.choice(["not_found", "placed_in_care", None]),
    )


def test_totals_and_linked_cells_agree_on_many_cases():
    rng = random.Random(7)
    cases = [_random_case(rng, n) for n in range(400)]
    body = build_summary_body(cases, Q3)
    tables = {t["id"]: t for t in body["tables"]}
    for table in body["tables"]:
        for row in table["cells"]:
            assert row[-1] == sum(row[:-1])
        if table["rows"][-1] == "total":
            for j in range(len(table["cols"])):
                assert table["cells"][-1][j] == sum(r[j] for r in table["cells"][:-1])
    for group in LINKED_CELLS:
        found = {
            tables[t]["cells"][tables[t]["rows"].index(r)][tables[t]["cols"].index(c)]
            for t, r, c in group
        }
        assert len(found) == 1, group
    caseload = tables["caseload"]["cells"]
    active = caseload[0][-1] + caseload[1][-1]
    indicators = {i["id"]: i for i in body["indicators"]}
    assert indicators["medical_care"]["denominator"] == active
    assert indicators["medical_care"]["numerator"] == tables["services"]["cells"][1][-1]
    assert indicators["followup_on_time"]["denominator"] == tables["followups"]["cells"][-1][-1]


@pytest.mark.parametrize(
    ("label", "start", "end"),
    [
        ("2026-07", D(2026, 7, 1), D(2026, 7, 31)),
        ("2024-02", D(2024, 2, 1), D(2024, 2, 29)),
        ("2026-Q1", D(2026, 1, 1), D(2026, 3, 31)),
        ("2026-Q4", D(2026, 10, 1), D(2026, 12, 31)),
        ("2026", D(2026, 1, 1), D(2026, 12, 31)),
    ],
)
def test_parse_period(label, start, end):
    period = parse_period(label)
    assert (period.label, period.start, period.end) == (label, start, end)
    assert period.as_dict() == {"label": label, "start": start.isoformat(), "end": end.isoformat()}


@pytest.mark.parametrize(
    "label", ["2026-13", "2026-Q5", "26", "2026-7", "2026-W30", "", "2026-07-01", "0000"]
)
def test_parse_period_rejects(label):
    with pytest.raises(AftercareError, match="not a month"):
        parse_period(label)
