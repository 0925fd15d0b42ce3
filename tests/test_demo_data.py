"""The demo case generator: deterministic, plausible, and every case valid under cases-v1."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest

from app.codes import FUJIAN_PREFECTURES, Role
from app.demo_data import demo_users, generate_cases
from app.domain.model import Case
from app.domain.people import age_on
from app.domain.validation import validate_case
from app.errors import AftercareError
from app.vault.passphrase import problems as passphrase_problems

TODAY = dt.date(2026, 11, 28)
CASE_NUMBER = re.compile(r"FZ-(20\d\d)-(\d{5,})")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


@pytest.fixture(scope="module")
def cases() -> list[Case]:
    return list(generate_cases(2000, seed=11))


def test_same_seed_gives_the_same_cases() -> None:
    assert list(generate_cases(300, seed=5)) == list(generate_cases(300, seed=5))


def test_different_seeds_give_different_cases() -> None:
    a = list(generate_cases(50, seed=1))
    b = list(generate_cases(50, seed=2))
    assert [c.person.full_name for c in a] != [c.person.full_name for c in b]


def test_every_case_passes_validation(cases: list[Case]) -> None:
    problems = [str(p) for case in cases for p in validate_case(case, TODAY)]
    assert problems == []


def test_valid_for_another_today() -> None:
    today = dt.date(2024, 2, 29)
    cases = list(generate_cases(500, seed=3, today=today))
    assert all(c.opened_on <= today for c in cases)
    assert [str(p) for c in cases for p in validate_case(c, today)] == []


def test_dates_tell_a_consistent_story(cases: list[Case]) -> None:
    """What validation does not check but a caseworker would notice."""
    for case in cases:
        where = case.case_number
        assert dt.date(2022, 1, 1) <= case.opened_on <= TODAY, where
        if case.intake.identified_on is not None:
            assert 0 <= (case.opened_on - case.intake.identified_on).days <= 7, where
        end = case.closed_on or TODAY
        for s in case.services:
            if s.status == "planned":
                assert s.started_on is None or s.started_on > TODAY, where
                assert case.status == "open", where
            else:
                assert case.opened_on <= s.started_on <= end, where
            if s.status in ("completed", "cancelled"):
                assert s.ended_on is not None and s.ended_on <= end, where
            if s.status in ("ongoing", "planned", "declined"):
                assert s.ended_on is None, where
        for f in case.followups:
            if f.done_on is None:
                assert f.living_conditions is None, where
            else:
                assert case.opened_on <= f.done_on <= end, where
                assert f.living_conditions is not None and f.notes, where
        if case.status == "open":
            assert case.followups and case.followups[-1].due_on > TODAY, where
        for c in case.consents:
            assert c.recorded_on == case.opened_on, where
            assert c.withdrawn_on is None or c.given, where
        for item in [*case.referrals, *case.notes]:
            day = getattr(item, "sent_on", None) or item.written_on
            assert case.opened_on <= day <= end, where


def test_case_numbers_follow_the_opening_year_and_are_unique(cases: list[Case]) -> None:
    numbers = [c.case_number for c in cases]
    assert len(set(numbers)) == len(numbers)
    for case in cases:
        match = CASE_NUMBER.fullmatch(case.case_number)
        assert match and int(match.group(1)) == case.opened_on.year
    assert [c.opened_on for c in cases] == sorted(c.opened_on for c in cases)
    assert next(generate_cases(1, seed=1, prefix="XM")).case_number.startswith("XM-")


def test_people_look_real(cases: list[Case]) -> None:
    for case in cases:
        p = case.person
        if p.id_number and p.origin.country == "CN":
            assert len(p.id_number) == 18 and p.id_number[:17].isdigit()
            total = sum(int(c) * w for c, w in zip(p.id_number[:17], ID_WEIGHTS, strict=True))
            assert p.id_number[17] == "10X98765432"[total % 11]
            assert p.id_number[6:14] == p.date_of_birth.strftime("%Y%m%d")
            assert int(p.id_number[16]) % 2 == (1 if p.sex == "male" else 0)
        if p.phone:
            assert re.fullmatch(r"1[3-9]\d{9}", p.phone)
        if p.address:
            assert p.address.startswith("福建省")
        assert case.intake.prefecture in FUJIAN_PREFECTURES
        if p.origin.country != "CN":
            assert case.intake.cross_border and p.origin.division is None
        age = age_on(p, case.opened_on, case.opened_on)
        assert age is None or 3 <= age <= 45
        if age is not None and age < 18:
            assert case.guardian is not None
        else:
            assert case.guardian is None
        for s in case.services:
            if s.kind == "schooling":
                assert age is not None and 6 <= age <= 15
                assert s.details["school"].endswith(("小学", "中学"))
            if s.kind == "legal_aid":
                assert {"lawyer", "stage"} <= set(s.details)
            if s.kind == "medical_care":
                assert "hospital" in s.details


def test_the_mix_is_plausible(cases: list[Case]) -> None:
    n = len(cases)
    closed = sum(c.status == "closed" for c in cases)
    assert 0.15 * n < closed < 0.35 * n
    assert all(c.closed_on and c.closure_reason for c in cases if c.status == "closed")
    children = [c for c in cases if c.guardian is not None]
    assert 0.2 * n < len(children) < 0.5 * n
    assert len({c.guardian.status for c in children}) >= 4
    foreign = Counter(c.person.origin.country for c in cases if c.person.origin.country != "CN")
    assert set(foreign) == {"VN", "MM", "LA", "KH"}
    assert 0.08 * n < sum(foreign.values()) < 0.3 * n
    assert sum(c.person.sex == "female" for c in cases) > 0.8 * n
    assert any(c.person.sex == "male" for c in cases)
    known = Counter(
        "dob" if c.person.date_of_birth else "age" if c.person.age_at_intake is not None else "none"
        for c in cases
    )
    assert min(known.values()) > 0.02 * n
    primary = Counter(c.intake.exploitation[0] for c in cases)
    assert primary.most_common(2)[0][0] in ("forced_marriage", "sexual_exploitation")
    statuses = Counter(s.status for c in cases for s in c.services)
    assert set(statuses) == {"planned", "ongoing", "completed", "declined", "cancelled"}
    overdue = [f for c in cases for f in c.followups if f.done_on is None and f.due_on < TODAY]
    assert 0 < len(overdue) < 0.1 * sum(len(c.followups) for c in cases)
    assert sum(bool(c.referrals) for c in cases) > 0.2 * n
    assert sum(bool(c.notes) for c in cases) > 0.3 * n


def test_no_cases_and_a_bad_count() -> None:
    assert list(generate_cases(0, seed=1)) == []
    with pytest.raises(AftercareError):
        list(generate_cases(-1, seed=1))


def test_demo_users_cover_every_role_with_acceptable_passphrases() -> None:
    users = demo_users()
    assert sorted(role for _, role, _ in users) == sorted(r.value for r in Role)
    assert len({name for name, _, _ in users}) == len(users)
    for name, _, passphrase in users:
        assert re.fullmatch(r"[a-z]+", name)
        assert passphrase_problems(passphrase, name) == []
