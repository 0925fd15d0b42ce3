import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app import i18n
from app.domain import Case, Intake, Person, Service
from app.errors import AftercareError
from app.interchange import (
    InvalidDocument,
    case_to_dict,
    cases_v1,
    check_document,
    dump_document,
    parse_document,
    read_cases,
)
from tests.case_examples import TODAY, full_case, minimal_case


@pytest.fixture(autouse=True)
def english():
    i18n.set_locale("en")
    yield
    i18n.set_locale(i18n.DEFAULT_LOCALE)


def document(*cases: dict, **top) -> bytes:
    doc = {"format": "aftercare.cases", "version": 1, "cases": list(cases), **top}
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def as_dict(case: Case) -> dict:
    return json.loads(json.dumps(case_to_dict(case)))


def problem_lines(raw: bytes) -> dict[int, list[str]]:
    parsed = parse_document(raw, "cases.json")
    return {i: [str(p) for p in found] for i, found in parsed.problems.items()}


# --- writing and reading back ---------------------------------------------------------------


def test_round_trip_gives_the_same_cases():
    cases = [full_case(), minimal_case()]
    parsed = parse_document(dump_document(cases))
    assert parsed.problems == {}
    assert parsed.cases == cases


def test_storage_ids_are_not_written():
    case = full_case()
    case.id = 41
    case.services[0].id = 7
    case.notes[0].id = 9
    data = case_to_dict(case)
    assert "id" not in data and "id" not in data["services"][0] and "id" not in data["notes"][0]
    (back,) = parse_document(dump_document([case])).cases
    assert back == full_case()


def test_round_trip_of_awkward_text():
    case = minimal_case()
    case.person.full_name = 'Quote " back\\slash\nnew line \t tab 😀 ئۇيغۇر 林'
    case.services = [
        Service("other", "planned", details={"note": "", "n": 0, "x": 1.5, "大": "小"})
    ]
    assert parse_document(dump_document([case])).cases == [case]


def test_written_document_shape():
    raw = dump_document([full_case()])
    text = raw.decode("utf-8")
    assert "林小梅" in text  # Chinese as is, not \\u escapes
    assert text.startswith('{\n  "format": "aftercare.cases",\n  "version": 1,\n  "cases": [')
    assert text.endswith("}\n")
    data = json.loads(raw)["cases"][0]
    assert list(data) == [
        "case_number", "status", "opened_on", "closed_on", "closure_reason", "person",
        "intake", "consents", "guardian", "services", "followups", "referrals", "notes",
    ]  # fmt: skip
    assert list(data["referrals"][0]) == ["to", "organisation", "sent_on", "status", "reason"]
    assert data["opened_on"] == "2026-03-02"
    assert data["person"]["origin"] == {"country": "CN", "division": "530000"}
    assert dump_document([full_case()]) == raw  # stable


def test_optional_keys_may_be_left_out():
    raw = document(
        {
            "case_number": "FZ-1",
            "status": "open",
            "opened_on": "2026-01-05",
            "person": {"full_name": "A", "origin": None},
            "intake": {},
        }
    )
    (case,) = parse_document(raw).cases
    assert case == Case("FZ-1", "open", case.opened_on, Person(full_name="A"), Intake())
    assert case.services == [] and case.guardian is None and case.intake.exploitation == []


# --- the document as a whole ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'{"format": "aftercare.cases",\n "version": 1,\n "cases": [}', "cases.json is not valid JSON: Expecting value at line 3, column 12"),
        (b"", "cases.json is not valid JSON: Expecting value at line 1, column 1"),
        (b"\xff\xfe{}", "cases.json is not UTF-8 text (byte 0)"),
        (b"[]", "cases.json is not a case file: it must be one JSON object"),
        (b'{"format": "aftercare.summary", "version": 1}', 'cases.json is not a case file: "format" must be "aftercare.cases"'),
        (b'{"format": "aftercare.cases", "cases": []}', 'cases.json: "version" is missing'),
        (b'{"format": "aftercare.cases", "version": 2, "cases": []}', "cases.json has version 2 of the case format; this program reads version 1"),
        (b'{"format": "aftercare.cases", "version": "1", "cases": []}', 'cases.json has version "1" of the case format; this program reads version 1'),
        (b'{"format": "aftercare.cases", "version": 1, "cases": [], "unit": "x"}', 'cases.json: unknown top-level key "unit"'),
        (b'{"format": "aftercare.cases", "version": 1}', 'cases.json: "cases" must be a list of cases'),
        (b'{"format": "aftercare.cases", "version": 1, "version": 1, "cases": []}', 'cases.json: the key "version" appears twice in one object'),
        (b'{"format": "aftercare.cases", "version": 1, "cases": [NaN]}', "cases.json is not valid JSON: NaN is not a number JSON allows"),
    ],
)  # fmt: skip
def test_document_errors(raw, message):
    with pytest.raises(AftercareError) as caught:
        parse_document(raw, "cases.json")
    assert str(caught.value) == message


def test_deep_nesting_is_an_error_not_a_crash():
    raw = (
        b'{"format": "aftercare.cases", "version": 1, "cases": '
        + b"[" * 200_000
        + b"]" * 200_000
        + b"}"
    )
    with pytest.raises(AftercareError, match="nested too deeply"):
        parse_document(raw, "deep.json")


def test_huge_numbers_are_an_error_not_a_crash():
    raw = document().replace(b'"cases": []', b'"cases": [' + b"9" * 5000 + b"]")
    with pytest.raises(AftercareError, match=r"^big\.json is not valid JSON: "):
        parse_document(raw, "big.json")


def test_oversized_document_is_refused_before_parsing(monkeypatch):
    monkeypatch.setattr(cases_v1, "MAX_DOCUMENT_BYTES", 1024 * 1024)
    raw = document() + b" " * (1024 * 1024)
    with pytest.raises(AftercareError, match=r"^huge\.json is larger than 1 MB; split it"):
        parse_document(raw, "huge.json")


def test_byte_order_mark_is_accepted():
    assert parse_document(b"\xef\xbb\xbf" + dump_document([minimal_case()])).cases == [
        minimal_case()
    ]


# --- structure of each case -----------------------------------------------------------------


def test_unknown_keys_are_named_with_their_case():
    good, bad = as_dict(minimal_case("FZ-1")), as_dict(full_case("FZ-2"))
    bad["nickname"] = "x"
    bad["person"]["origin"]["city"] = "Kunming"
    bad["services"][1]["cost"] = 3
    assert problem_lines(document(good, bad)) == {
        1: [
            "case FZ-2: nickname is not a key of the case format",
            "case FZ-2: person.origin.city is not a key of the case format",
            "case FZ-2: services[1].cost is not a key of the case format",
        ]
    }


def test_wrong_types_missing_keys_and_bad_dates_are_all_reported():
    data = as_dict(full_case())
    del data["status"]
    data["opened_on"] = "2026-3-2"
    data["closed_on"] = "2026-02-30"
    data["person"]["full_name"] = None
    data["person"]["age_at_intake"] = 16.0
    data["person"]["aliases"] = ["ok", 3]
    data["person"]["disability"] = "no"
    data["intake"]["cross_border"] = None
    data["intake"]["exploitation"] = "forced_labour"
    data["consents"][0] = ["services"]
    del data["followups"][0]["due_on"]
    data["services"][0]["details"] = "none"
    data["notes"] = {}
    assert problem_lines(document(data)) == {
        0: [
            "case FZ-2026-0007: status is missing",
            "case FZ-2026-0007: opened_on must be a date written YYYY-MM-DD",
            "case FZ-2026-0007: closed_on is not a real date: 2026-02-30",
            "case FZ-2026-0007: person.full_name must not be null",
            "case FZ-2026-0007: person.aliases[1] must be text",
            "case FZ-2026-0007: person.age_at_intake must be a whole number",
            "case FZ-2026-0007: person.disability must be true or false",
            "case FZ-2026-0007: intake.exploitation must be a list",
            "case FZ-2026-0007: intake.cross_border must not be null",
            "case FZ-2026-0007: consents[0] must be an object",
            "case FZ-2026-0007: services[0].details must be an object",
            "case FZ-2026-0007: followups[0].due_on is missing",
            "case FZ-2026-0007: notes must be a list",
        ]
    }


def test_case_without_a_usable_number_is_named_by_position():
    data = as_dict(minimal_case())
    data["case_number"] = 17
    assert problem_lines(document(as_dict(minimal_case("A")), data, "not a case")) == {
        1: ["case #2: case_number must be text"],
        2: ["case #3: must be an object"],
    }


def test_structurally_broken_cases_are_none_and_the_others_are_read():
    broken = as_dict(minimal_case("FZ-2"))
    broken["person"]["shoe_size"] = 38
    parsed = parse_document(document(as_dict(minimal_case("FZ-1")), broken))
    assert parsed.cases == [minimal_case("FZ-1"), None]
    assert list(parsed.problems) == [1]


# --- checking and the importer's choice -----------------------------------------------------


def test_check_document_adds_validation_and_repeated_numbers():
    future = as_dict(minimal_case("FZ-3"))
    future["opened_on"] = "2027-01-01"
    broken = as_dict(minimal_case("FZ-4"))
    broken["extra"] = 1
    raw = document(
        as_dict(minimal_case("FZ-1")),
        as_dict(minimal_case("FZ-1")),
        future,
        broken,
    )
    problems = check_document(parse_document(raw), TODAY)
    assert {i: [str(p) for p in found] for i, found in problems.items()} == {
        1: ["case FZ-1: case_number is also the number of case #1 in this file"],
        2: ["case FZ-3: opened_on is in the future"],
        3: ["case FZ-4: extra is not a key of the case format"],
    }


def test_read_cases_is_all_or_nothing_by_default():
    bad = as_dict(full_case("FZ-2"))
    bad["services"][0]["kind"] = "housing"
    raw = document(as_dict(minimal_case("FZ-1")), bad)
    with pytest.raises(InvalidDocument) as caught:
        read_cases(raw, TODAY, source="cases.json")
    assert str(caught.value).startswith(
        'cases.json: 1 of 2 cases have problems: case FZ-2: services[0].kind is "housing"'
    )
    assert [p.path for p in caught.value.problems] == ["services[0].kind"]


def test_read_cases_can_skip_invalid_cases():
    bad = as_dict(full_case("FZ-2"))
    bad["status"] = "open"
    result = read_cases(document(bad, as_dict(minimal_case("FZ-1"))), TODAY, skip_invalid=True)
    assert result.cases == [minimal_case("FZ-1")]
    assert list(result.skipped) == [0]
    assert [p.path for p in result.skipped[0]] == ["closed_on", "closure_reason"]


def test_long_problem_lists_are_shortened_in_the_message_but_kept_whole():
    cases = []
    for n in range(12):
        data = as_dict(minimal_case(f"FZ-{n}"))
        data["person"]["sex"] = "x"
        cases.append(data)
    with pytest.raises(InvalidDocument) as caught:
        read_cases(document(*cases), TODAY)
    assert str(caught.value).endswith("; and 2 more")
    assert len(caught.value.problems) == 12


def test_read_cases_of_a_written_document_are_the_same_and_valid():
    cases = [full_case("FZ-1"), minimal_case("FZ-2")]
    assert read_cases(dump_document(cases), TODAY).cases == cases


_texts = st.text(max_size=20)
_dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))


@settings(max_examples=60, deadline=None)
@given(
    name=_texts,
    aliases=st.lists(_texts, max_size=3),
    born=st.none() | _dates,
    age=st.none() | st.integers(0, 120),
    phone=st.none() | _texts,
    details=st.dictionaries(_texts, _texts | st.integers() | st.floats(allow_nan=False, allow_infinity=False), max_size=3),
    due=_dates,
    note=st.none() | _texts,
)  # fmt: skip
def test_round_trip_of_any_values(name, aliases, born, age, phone, details, due, note):
    case = full_case()
    case.person.full_name, case.person.aliases = name, aliases
    case.person.date_of_birth, case.person.age_at_intake, case.person.phone = born, age, phone
    case.services[1].details, case.followups[0].due_on, case.followups[0].notes = details, due, note
    assert parse_document(dump_document([case])).cases == [case]
