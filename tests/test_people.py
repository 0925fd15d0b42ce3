import datetime as dt

import pytest

from app.codes import Group
from app.domain import Person
from app.domain.people import age_on, group_of, is_child, whole_years

D = dt.date
OPENED = D(2026, 3, 2)


def born(day: dt.date) -> Person:
    return Person(full_name="x", date_of_birth=day)


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        (D(2008, 3, 2), D(2026, 3, 1), 17),
        (D(2008, 3, 2), D(2026, 3, 2), 18),  # the birthday itself counts as reached
        (D(2008, 2, 29), D(2026, 2, 28), 17),  # no 29 February in 2026: reached on 1 March
        (D(2008, 2, 29), D(2026, 3, 1), 18),
        (D(2008, 2, 29), D(2028, 2, 29), 20),
        (D(2026, 3, 2), D(2026, 3, 2), 0),
        (D(2027, 1, 1), D(2026, 3, 2), None),  # not yet born
    ],
)
def test_age_from_date_of_birth(birth, on, age):
    assert age_on(born(birth), OPENED, on) == age


def test_date_of_birth_wins_over_age_at_intake():
    person = Person(full_name="x", date_of_birth=D(2010, 1, 1), age_at_intake=40)
    assert age_on(person, OPENED, D(2026, 6, 1)) == 16


@pytest.mark.parametrize(
    ("on", "age"),
    [
        (D(2026, 3, 2), 17),
        (D(2027, 3, 1), 17),
        (D(2027, 3, 2), 18),  # a whole year after opened_on
        (D(2030, 12, 31), 21),
        (D(2026, 3, 1), 16),  # a day before the case opened
    ],
)
def test_age_from_age_at_intake(on, age):
    assert age_on(Person(full_name="x", age_at_intake=17), OPENED, on) == age


def test_age_at_intake_opened_on_29_february():
    person = Person(full_name="x", age_at_intake=10)
    assert age_on(person, D(2028, 2, 29), D(2029, 2, 28)) == 10
    assert age_on(person, D(2028, 2, 29), D(2029, 3, 1)) == 11


def test_age_unknown_without_birth_date_or_intake_age():
    assert age_on(Person(full_name="x"), OPENED, D(2026, 6, 1)) is None
    assert age_on(Person(full_name="x", age_at_intake=0), OPENED, D(2025, 1, 1)) is None


def test_whole_years():
    assert whole_years(D(2020, 5, 5), D(2021, 5, 4)) == 0
    assert whole_years(D(2020, 5, 5), D(2021, 5, 5)) == 1
    assert whole_years(D(2020, 5, 5), D(2020, 5, 4)) == -1


def test_is_child():
    assert is_child(Person(full_name="x", age_at_intake=17), OPENED, OPENED)
    assert not is_child(Person(full_name="x", age_at_intake=18), OPENED, OPENED)
    assert not is_child(Person(full_name="x"), OPENED, OPENED)


@pytest.mark.parametrize(
    ("sex", "age", "group"),
    [
        ("female", 0, Group.GIRL),
        ("female", 17, Group.GIRL),
        ("female", 18, Group.WOMAN),
        ("female", 70, Group.WOMAN),
        ("male", 17, Group.BOY),
        ("male", 18, Group.OTHER),
        ("unknown", 10, Group.OTHER),
        ("female", None, Group.OTHER),
        ("male", None, Group.OTHER),
    ],
)
def test_group_of(sex, age, group):
    assert group_of(sex, age) == group
