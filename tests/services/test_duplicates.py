"""The same person twice: reasons, candidates at intake, pairs for `aftercare duplicates`."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from app.domain.duplicates import Who, pairs, reason
from app.errors import AccessDenied
from tests.case_examples import minimal_case
from tests.helpers import credentials, run_cli
from tests.services.conftest import PLANTED, PLANTED_ID_NUMBER, Team, seeded

BORN = dt.date(1998, 3, 2)
OPENED = dt.date(2026, 5, 1)


def who(n: int, name: str, *, born=BORN, age=None, id_number=None, aliases=()) -> Who:
    return Who.of(n, f"C-{n}", name, aliases, id_number, born, age, OPENED)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (
            who(1, "王小红", id_number="x1"),
            who(2, "李梅", born=None, id_number="X1"),
            "same_id_number",
        ),
        (who(1, "王小红"), who(2, "王 小红"), "same_name_and_birth"),
        (who(1, "王小红"), who(2, "阿红", aliases=("王小红",)), "same_name_and_birth"),
        (who(1, "王小红"), who(2, "王晓红"), "similar_name"),  # one character
        (who(1, "王小红"), who(2, "Wang Xiaohong"), "similar_name"),  # pinyin
        (
            who(1, "王小红", born=None, age=28),
            who(2, "王小红", born=None, age=28),
            "same_name_similar_age",
        ),
        (who(1, "王小红"), who(2, "王小红", born=dt.date(1990, 1, 1)), None),  # another age
        (who(1, "王小红"), who(2, "陈静"), None),
        (who(1, "王"), who(2, "汪"), None),  # one-character names are too short to be "close"
    ],
)
def test_reasons(a, b, expected):
    assert reason(a, b) == expected
    assert reason(b, a) == expected


def test_pairs_are_found_once_within_blocks():
    people = [
        who(1, "王小红"),
        who(2, "王晓红"),
        who(3, "陈静", id_number="A"),
        who(4, "x", born=None, id_number="a"),
    ]
    found = [(a.case_number, b.case_number, why) for a, b, why in pairs(people)]
    assert found == [("C-3", "C-4", "same_id_number"), ("C-1", "C-2", "similar_name")]


def _again(number: str, source: str):
    """A new case of the same person as `source`, with a slightly different name."""
    case = minimal_case(number)
    person = seeded(source).person
    case.person.full_name = person.full_name
    case.person.date_of_birth = person.date_of_birth
    case.person.age_at_intake = person.age_at_intake
    case.person.sex = person.sex
    return case


def test_candidates_at_intake_and_pairs_in_the_vault(team: Team, capsys):
    caseworker = team.services("caseworker")
    by_id = minimal_case("NEW-1")
    by_id.person.id_number = PLANTED_ID_NUMBER.lower() + " "
    found = caseworker.duplicates.candidates(by_id)
    assert [(c.case.case_number, c.reason) for c in found][:1] == [(PLANTED, "same_id_number")]
    assert found[0].case.person.id_number == PLANTED_ID_NUMBER  # readable side by side

    similar = _again("NEW-2", PLANTED)
    similar.person.full_name = "欧阳翠平"  # one character apart
    reasons = {c.case.case_number: c.reason for c in caseworker.duplicates.candidates(similar)}
    assert reasons.get(PLANTED) == "similar_name"
    unrelated = minimal_case("NEW-3")
    unrelated.person.full_name = "完全不同的名字"
    assert all(c.reason != "same_id_number" for c in caseworker.duplicates.candidates(unrelated))
    with pytest.raises(AccessDenied):
        team.services("health").duplicates.candidates(similar)

    caseworker.cases.create_case(similar)  # she chose to go on: now a pair in the vault
    done = run_cli(["duplicates", str(team.folder), "--json"], capsys, env=credentials("chen"))
    assert done.code == 0, done.err
    listed = {(p["first"], p["second"]): p["reason"] for p in json.loads(done.out)}
    assert listed[(PLANTED, "NEW-2")] == "similar_name"
    done = run_cli(["duplicates", str(team.folder)], capsys, env=credentials("chen"))
    assert "NEW-2" in done.out and "likely pairs" in done.out
    done = run_cli(["duplicates", str(team.folder)], capsys, env=credentials("li"))
    assert done.code == 1 and "may not read" in done.err


def test_an_import_warns_of_probable_duplicates(team: Team, capsys, tmp_path):
    from app.interchange.cases_v1 import dump_document

    twin = _again("IMP-1", PLANTED)
    twin.person.id_number = PLANTED_ID_NUMBER
    document = tmp_path / "in.json"
    document.write_bytes(dump_document([twin]))
    done = run_cli(
        ["import", str(team.folder), str(document), "--json"], capsys, env=credentials("wang")
    )
    assert done.code == 0, done.err
    assert json.loads(done.out)["probable_duplicates"] == [
        {"first": PLANTED, "second": "IMP-1", "reason": "same_id_number"}
    ]
    assert f"warning: {PLANTED} and IMP-1 are probably the same person (same ID number)" in done.err
