"""Invented case files for tests: one that uses every part of cases-v1 and is valid."""

from __future__ import annotations

import datetime as dt

from app.domain import (
    Case,
    Consent,
    Followup,
    Guardian,
    Intake,
    Note,
    Origin,
    Person,
    Referral,
    Service,
)

TODAY = dt.date(2026, 11, 28)


def full_case(case_number: str = "FZ-2026-0007") -> Case:
    """A closed case of a 16-year-old girl with every section filled in."""
    return Case(
        case_number=case_number,
        status="closed",
        opened_on=dt.date(2026, 3, 2),
        closed_on=dt.date(2026, 10, 15),
        closure_reason="reintegrated_family",
        person=Person(
            full_name="林小梅",
            aliases=["阿梅"],
            sex="female",
            date_of_birth=dt.date(2009, 7, 14),
            age_at_intake=None,
            id_number="350102200907140027",
            phone="13800000000",
            address="福州市鼓楼区某路1号",
            origin=Origin(country="CN", division="530000"),
            languages=["zh", "yue"],
            disability=False,
        ),
        intake=Intake(
            identified_on=dt.date(2026, 2, 27),
            prefecture="350100",
            identified_by="public_security",
            police_case_number="榕公刑 2026-113",
            exploitation=["forced_marriage", "forced_labour"],
            relationship_to_trafficker="acquaintance",
            cross_border=False,
            narrative="Invented narrative.",
        ),
        consents=[
            Consent("services", True, dt.date(2026, 3, 2)),
            Consent("statistics", True, dt.date(2026, 3, 2), dt.date(2026, 5, 1)),
        ],
        guardian=Guardian("tracing", "Aunt in Kunming being contacted."),
        services=[
            Service("shelter_care", "completed", dt.date(2026, 3, 2), dt.date(2026, 10, 15)),
            Service(
                "medical_care",
                "completed",
                dt.date(2026, 3, 3),
                dt.date(2026, 4, 1),
                provider="Fuzhou No. 1 Hospital",
                details={"visits": 3},
                notes="Invented medical note.",
            ),
            Service(
                "legal_aid",
                "ongoing",
                dt.date(2026, 4, 10),
                provider="Legal aid centre",
                details={"lawyer": "王律师", "stage": "trial"},
                notes="Invented legal note.",
            ),
            Service("schooling", "planned", dt.date(2027, 2, 20), details={"grade": 10}),
        ],
        followups=[
            Followup(dt.date(2026, 11, 15), dt.date(2026, 11, 16), "stable", "Doing well."),
            Followup(dt.date(2027, 2, 15)),
        ],
        referrals=[
            Referral(
                "education", dt.date(2026, 9, 1), "accepted", "Education bureau", "School place."
            ),
        ],
        notes=[
            Note(dt.date(2026, 3, 5), "care_plan", "Invented care-plan note."),
            Note(dt.date(2026, 3, 6), "medical", "Invented medical case note."),
            Note(dt.date(2026, 4, 11), "legal", "Invented legal case note."),
        ],
    )


def minimal_case(case_number: str = "FZ-2026-0100") -> Case:
    """An open case of an adult with only what cases-v1 requires."""
    return Case(
        case_number=case_number,
        status="open",
        opened_on=dt.date(2026, 6, 1),
        person=Person(full_name="Nguyen Thi A", sex="female", age_at_intake=25),
        intake=Intake(),
    )
