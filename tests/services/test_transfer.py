"""cases-v1 import and export through the services: all or nothing, skip-invalid, round trip."""

from __future__ import annotations

import copy
import json

import pytest

from app import access, audit
from app.access import Level
from app.demo_data import generate_cases
from app.domain import Case
from app.errors import AftercareError
from app.interchange.cases_v1 import InvalidDocument, case_to_dict, dump_document, parse_document
from app.services.base import CaseNotFound
from tests.case_examples import TODAY, full_case
from tests.services.conftest import FULL, Team, seeded_cases, vault_state


def _new_cases() -> list[Case]:
    cases = list(generate_cases(6, 77, today=TODAY, prefix="IM"))
    return [*cases, full_case("IM-2026-FULL")]


def _document(mutate=None) -> bytes:
    doc = json.loads(dump_document(_new_cases()))
    if mutate:
        mutate(doc)
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def _set(path: list, value):
    def mutate(doc):
        target = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return mutate


NUMBERS = [c.case_number for c in _new_cases()]

# (what, the document, the error message must contain, (case, path) of a problem or None)
REJECTED = [
    ("malformed JSON", _document()[:-40], "is not valid JSON", None),
    ("wrong format", _document(_set(["format"], "aftercare.case")), '"format" must be', None),
    ("wrong version", _document(_set(["version"], 2)), "version 2 of the case format", None),
    ("unknown top-level key", _document(_set(["comment"], "x")), 'unknown top-level key "comment"', None),
    (
        "unknown key in a case",
        _document(_set(["cases", 2, "person", "nickname"], "x")),
        f"case {NUMBERS[2]}: person.nickname is not a key",
        (NUMBERS[2], "person.nickname"),
    ),
    (
        "invalid code",
        _document(_set(["cases", 3, "intake", "exploitation"], ["slavery"])),
        f"case {NUMBERS[3]}: intake.exploitation[0]",
        (NUMBERS[3], "intake.exploitation[0]"),
    ),
    (
        "impossible date",
        _document(_set(["cases", 1, "opened_on"], "2026-02-30")),
        f"case {NUMBERS[1]}: opened_on is not a real date",
        (NUMBERS[1], "opened_on"),
    ),
    (
        "date in the future",
        _document(_set(["cases", 6, "notes", 0, "written_on"], "2026-12-01")),
        "case IM-2026-FULL: notes[0].written_on is in the future",
        ("IM-2026-FULL", "notes[0].written_on"),
    ),
    (
        "duplicate number in the file",
        _document(_set(["cases", 4, "case_number"], NUMBERS[0])),
        f"case {NUMBERS[0]}: case_number is also the number of case #1",
        (NUMBERS[0], "case_number"),
    ),
    (
        "number already in the vault",
        _document(_set(["cases", 5, "case_number"], FULL)),
        FULL,
        (FULL, "case_number"),
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("raw", "message", "problem"), [r[1:] for r in REJECTED], ids=[r[0] for r in REJECTED]
)
def test_a_rejected_file_leaves_the_vault_exactly_as_it_was(
    shared_team: Team, raw: bytes, message: str, problem
):
    team = shared_team  # a rejected import writes nothing, so one copy serves them all
    caseworker = team.services("caseworker")  # unlocked first: an unlock writes to the audit
    before = vault_state(team.conn)
    with pytest.raises(AftercareError) as caught:
        caseworker.transfer.import_cases(raw, source="incoming.json")
    assert message in str(caught.value)
    assert "incoming.json" in str(caught.value)
    if problem is not None:
        assert isinstance(caught.value, InvalidDocument)
        assert problem in [(p.case_number, p.path) for p in caught.value.problems]
    assert vault_state(team.conn) == before


def test_skip_invalid_imports_the_valid_cases_and_reports_each_skipped(team: Team):
    def spoil(doc):
        doc["cases"][1]["person"]["sex"] = "femme"
        doc["cases"][2]["case_number"] = FULL
        doc["cases"][3]["services"] = [{"kind": "shelter_care"}]

    raw = _document(spoil)
    result = team.services("caseworker").transfer.import_cases(
        raw, source="mixed.json", skip_invalid=True
    )
    assert result.imported == 4
    skipped = {(p.case_number, p.path) for p in result.skipped}
    assert skipped == {
        (NUMBERS[1], "person.sex"),
        (FULL, "case_number"),
        (NUMBERS[3], "services[0].status"),
    }
    numbers = {n for (n,) in team.conn.execute("SELECT case_number FROM cases")}
    assert {NUMBERS[0], NUMBERS[4], NUMBERS[5], NUMBERS[6]} <= numbers
    assert not {NUMBERS[1], NUMBERS[3]} & numbers
    full = team.services("caseworker").cases.open_case(FULL)
    assert full.person.full_name == full_case().person.full_name  # the vault's, untouched
    entry = audit.entries(team.conn, action="cases_imported")[0]
    assert (entry.detail["imported"], entry.detail["skipped"]) == (4, 3)


def _as_exported(case: Case, role: str) -> dict:
    """What an export by `role` must hold of `case`: redacted, without LIST-level notes."""
    out = access.redact(case, role)
    out.notes = [
        n
        for n in out.notes
        if access.section_level(role, access.section_of_note(n.section)) >= Level.READ
    ]
    return case_to_dict(out)


def test_import_then_export_gives_back_the_same_cases(team: Team):
    caseworker, supervisor = team.services("caseworker"), team.services("supervisor")
    progress: list[tuple[int, int]] = []
    result = caseworker.transfer.import_cases(
        _document(), source="in.json", progress=lambda done, total: progress.append((done, total))
    )
    assert (result.imported, result.skipped) == (len(NUMBERS), [])
    assert progress[-1] == (len(NUMBERS), len(NUMBERS))

    data, count = supervisor.transfer.export_cases()
    originals = sorted([*seeded_cases(), *_new_cases()], key=lambda c: c.case_number)
    assert count == len(originals)
    exported = parse_document(data).cases
    assert [case_to_dict(c) for c in exported] == [_as_exported(c, "supervisor") for c in originals]
    # Medical notes are not exported to a role that may not read them; nothing is masked.
    assert "Invented medical case note." not in data.decode()
    assert access.MASK not in data.decode()
    assert "Invented legal case note." in data.decode()

    some, count = supervisor.transfer.export_cases(NUMBERS[:2])
    assert count == 2
    assert [c.case_number for c in parse_document(some).cases] == NUMBERS[:2]
    with pytest.raises(CaseNotFound, match="NOPE"):
        supervisor.transfer.export_cases(["NOPE"])


def test_an_exported_file_imports_again_unchanged(team: Team):
    """The export of one vault is a valid import for another: exporting it again is equal."""
    supervisor = team.services("supervisor")
    data, _count = supervisor.transfer.export_cases()
    # Into the same vault under new numbers, so a second export can be compared.
    doc = json.loads(data)
    for case in doc["cases"]:
        case["case_number"] = "X-" + case["case_number"]
    renumbered = json.dumps(doc, ensure_ascii=False).encode()
    supervisor.transfer.import_cases(renumbered, source="again.json")
    numbers = [c["case_number"] for c in doc["cases"]]
    again, _count = supervisor.transfer.export_cases(numbers)
    assert json.loads(again)["cases"] == doc["cases"]


def test_exported_cases_are_what_the_original_held_for_every_section(team: Team):
    """The seeded full case, field by field: only medical contents and notes are held back."""
    data, _count = team.services("supervisor").transfer.export_cases([FULL])
    (case,) = parse_document(data).cases
    original = copy.deepcopy(full_case(FULL))
    assert case.person == original.person
    assert case.intake == original.intake
    assert case.consents == original.consents and case.guardian == original.guardian
    assert case.followups == original.followups and case.referrals == original.referrals
    medical = next(s for s in case.services if s.kind == "medical_care")
    assert (medical.provider, medical.details, medical.notes) == (None, {}, None)
    assert medical.started_on == original.services[1].started_on
    legal = next(s for s in case.services if s.kind == "legal_aid")
    assert legal == original.services[2]
    assert [n.section for n in case.notes] == ["care_plan", "legal"]
