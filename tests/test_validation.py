import copy
import datetime as dt

import pytest

from app import i18n
from app.domain import Guardian, InvalidCase, Problem, check_case, validate_case
from app.domain.validation import case_label
from tests.case_examples import TODAY, full_case, minimal_case

D = dt.date


@pytest.fixture(autouse=True)
def english():
    i18n.set_locale("en")
    yield
    i18n.set_locale(i18n.DEFAULT_LOCALE)


def problems_after(change, base=full_case) -> list[str]:
    case = copy.deepcopy(base())
    change(case)
    return [str(p) for p in validate_case(case, TODAY)]


def test_examples_are_valid():
    assert validate_case(full_case(), TODAY) == []
    assert validate_case(minimal_case(), TODAY) == []


def test_problem_parts_and_line():
    problem = Problem("FZ-2026-0007", "services[2].ended_on", "is before started_on")
    assert str(problem) == "case FZ-2026-0007: services[2].ended_on is before started_on"
    assert str(Problem("#3", "", "must be an object")) == "case #3: must be an object"


def test_every_problem_is_reported_not_just_the_first():
    def change(c):
        c.person.full_name = " "
        c.services[0].ended_on = D(2026, 1, 1)
        c.notes[0].section = "diary"

    assert problems_after(change) == [
        "case FZ-2026-0007: person.full_name is empty",
        "case FZ-2026-0007: services[0].ended_on is before started_on",
        'case FZ-2026-0007: notes[0].section is "diary", which is not one of: profile, intake, '
        "consent, care_plan, medical, legal, followups, referrals, notes",
    ]


def _set(path: str, value):
    """A change that sets the attribute at a dotted path like `services.1.notes`."""

    def change(case):
        *parents, last = path.split(".")
        target = case
        for part in parents:
            target = target[int(part)] if part.isdigit() else getattr(target, part)
        setattr(target, last, value)

    return change


@pytest.mark.parametrize(
    ("path", "value", "line"),
    [
        ("case_number", "", "case #?: case_number is empty"),
        ("person.full_name", "", "person.full_name is empty"),
        ("person.full_name", None, "person.full_name is required"),
        ("person.full_name", 7, "person.full_name must be text"),
        ("person.aliases", ["ok", ""], "person.aliases[1] is empty"),
        ("person.aliases", "阿梅", "person.aliases must be a list"),
        ("person.sex", "f", 'person.sex is "f", which is not one of: female, male, unknown'),
        ("person.date_of_birth", D(2027, 1, 1), "person.date_of_birth is in the future"),
        ("person.date_of_birth", "2009-07-14", "person.date_of_birth must be a date"),
        ("person.date_of_birth", dt.datetime(2009, 7, 14), "person.date_of_birth must be a date"),
        ("person.date_of_birth", D(2026, 3, 3), "person.date_of_birth is after opened_on"),
        ("person.age_at_intake", 121, "person.age_at_intake must be between 0 and 120"),
        ("person.age_at_intake", -1, "person.age_at_intake must be between 0 and 120"),
        ("person.age_at_intake", 16.5, "person.age_at_intake must be a whole number"),
        ("person.age_at_intake", True, "person.age_at_intake must be a whole number"),
        ("person.phone", 138, "person.phone must be text"),
        (
            "person.origin.country",
            "cn",
            "person.origin.country must be two capital letters (ISO 3166-1), e.g. CN",
        ),
        (
            "person.origin.division",
            "53000",
            "person.origin.division must be six digits (GB/T 2260), e.g. 350100",
        ),
        (
            "person.languages",
            ["zh", "中文"],
            "person.languages[1] is not a language tag (BCP 47), e.g. zh",
        ),
        ("person.disability", "no", "person.disability must be true or false"),
        ("intake.identified_on", D(2026, 11, 29), "intake.identified_on is in the future"),
        (
            "intake.prefecture",
            "Fuzhou",
            "intake.prefecture must be six digits (GB/T 2260), e.g. 350100",
        ),
        (
            "intake.identified_by",
            "police",
            'intake.identified_by is "police", which is not one of: public_security, hotline, ngo, family, self_referral, other_province, border_authority, other',
        ),
        (
            "intake.exploitation",
            ["forced_marriage", "slavery"],
            'intake.exploitation[1] is "slavery", which is not one of: forced_marriage, sexual_exploitation, forced_labour, forced_begging, child_sale_adoption, forced_criminality, other, unknown',
        ),
        (
            "intake.exploitation",
            ["forced_labour", "forced_labour"],
            "intake.exploitation[1] repeats forced_labour",
        ),
        (
            "intake.relationship_to_trafficker",
            "boss",
            'intake.relationship_to_trafficker is "boss", which is not one of: family, intimate_partner, acquaintance, stranger, unknown',
        ),
        ("intake.cross_border", None, "intake.cross_border must be true or false"),
        ("intake.narrative", ["x"], "intake.narrative must be text"),
        (
            "consents.0.purpose",
            "research",
            'consents[0].purpose is "research", which is not one of: services, referral, family_tracing, statistics, data_sharing',
        ),
        ("consents.0.given", "yes", "consents[0].given must be true or false"),
        ("consents.0.recorded_on", None, "consents[0].recorded_on is required"),
        (
            "consents.1.withdrawn_on",
            D(2026, 3, 1),
            "consents[1].withdrawn_on is before recorded_on",
        ),
        ("consents.1.withdrawn_on", D(2026, 12, 1), "consents[1].withdrawn_on is in the future"),
        (
            "guardian.status",
            "unknown",
            'guardian.status is "unknown", which is not one of: with_guardian, tracing, not_found, placed_in_care, not_applicable',
        ),
        ("guardian", None, "guardian is required for a person under 18 on opened_on"),
        (
            "services.0.kind",
            "housing",
            'services[0].kind is "housing", which is not one of: shelter_care, medical_care, psychological_care, legal_aid, schooling, vocational_training, life_skills_training, employment_support, family_tracing, family_reunification, financial_assistance, other',
        ),
        (
            "services.0.status",
            "done",
            'services[0].status is "done", which is not one of: planned, ongoing, completed, declined, cancelled',
        ),
        (
            "services.2.started_on",
            None,
            "services[2].started_on is required unless the service is planned",
        ),
        (
            "services.2.started_on",
            D(2026, 12, 1),
            "services[2].started_on is in the future: a service that has not started yet is Planned",
        ),
        ("services.2.ended_on", D(2026, 4, 9), "services[2].ended_on is before started_on"),
        ("services.0.ended_on", D(2026, 11, 29), "services[0].ended_on is in the future"),
        ("services.1.provider", 1, "services[1].provider must be text"),
        (
            "services.1.details",
            {"visits": [1, 2]},
            "services[1].details.visits must be text or a number",
        ),
        (
            "services.1.details",
            {"visits": True},
            "services[1].details.visits must be text or a number",
        ),
        ("services.1.details", "3 visits", "services[1].details must be a set of named values"),
        ("followups.0.due_on", None, "followups[0].due_on is required"),
        ("followups.0.done_on", D(2026, 3, 1), "followups[0].done_on is before opened_on"),
        ("followups.0.done_on", D(2026, 11, 29), "followups[0].done_on is in the future"),
        (
            "followups.0.living_conditions",
            "good",
            'followups[0].living_conditions is "good", which is not one of: stable, needs_support, at_risk, lost_contact',
        ),
        (
            "referrals.0.to",
            "school",
            'referrals[0].to is "school", which is not one of: civil_affairs, health, justice_legal_aid, education, labour_social_security, public_security, womens_federation, youth_league, other_province, ngo, other',
        ),
        ("referrals.0.sent_on", D(2027, 1, 1), "referrals[0].sent_on is in the future"),
        (
            "referrals.0.status",
            "sent",
            'referrals[0].status is "sent", which is not one of: pending, accepted, rejected, completed, withdrawn',
        ),
        ("notes.0.written_on", D(2026, 11, 29), "notes[0].written_on is in the future"),
        ("notes.0.text", "", "notes[0].text is empty"),
        ("status", "archived", 'status is "archived", which is not one of: open, closed'),
        ("opened_on", None, "opened_on is required"),
        ("closed_on", D(2026, 3, 1), "closed_on is before opened_on"),
        ("closed_on", D(2026, 11, 29), "closed_on is in the future"),
        (
            "closure_reason",
            "moved",
            'closure_reason is "moved", which is not one of: reintegrated_family, independent_living, placed_in_care, relocated_for_work, transferred, lost_contact, deceased, other',
        ),
    ],
)
def test_rule(path, value, line):
    expected = line if line.startswith("case ") else f"case FZ-2026-0007: {line}"
    assert problems_after(_set(path, value)) == [expected]


def test_closed_case_needs_closed_on_and_reason():
    def change(c):
        c.closed_on = None
        c.closure_reason = None

    assert problems_after(change) == [
        "case FZ-2026-0007: closed_on is required when the case is closed",
        "case FZ-2026-0007: closure_reason is required when the case is closed",
    ]


def test_open_case_has_no_closed_on_or_reason():
    assert problems_after(_set("status", "open")) == [
        "case FZ-2026-0007: closed_on must be empty while the case is open",
        "case FZ-2026-0007: closure_reason must be empty while the case is open",
    ]


def test_division_only_for_china():
    line = "case FZ-2026-0007: person.origin.division is only given when country is CN"
    assert problems_after(_set("person.origin.country", "VN")) == [line]
    assert problems_after(_set("person.origin.country", None)) == [line]


def test_opened_on_in_the_future():
    assert problems_after(_set("opened_on", D(2026, 12, 1)), minimal_case) == [
        "case FZ-2026-0100: opened_on is in the future"
    ]


def test_dates_allowed_in_the_future():
    def change(c):
        c.followups[1].due_on = D(2030, 1, 1)  # a follow-up can be due later
        c.services[3].started_on = D(2030, 1, 1)  # a planned service can start later

    assert problems_after(change) == []


def test_planned_service_may_have_no_start_and_today_is_not_the_future():
    def change(c):
        c.services[3].started_on = None
        c.notes[0].written_on = TODAY

    assert problems_after(change) == []


def test_guardian_rule_uses_age_at_intake_and_the_age_on_opened_on():
    def adult(c):
        c.person.age_at_intake = 18

    def child(c):
        c.person.age_at_intake = 17

    assert problems_after(adult, minimal_case) == []
    assert problems_after(child, minimal_case) == [
        "case FZ-2026-0100: guardian is required for a person under 18 on opened_on"
    ]

    def birthday_on_opening(c):
        c.person.age_at_intake = None
        c.person.date_of_birth = D(2008, 6, 1)  # 18 exactly on opened_on 2026-06-01

    assert problems_after(birthday_on_opening, minimal_case) == []

    def unknown_age(c):
        c.person.age_at_intake = None

    assert problems_after(unknown_age, minimal_case) == []

    def adult_with_guardian(c):
        c.guardian = Guardian("not_applicable")

    assert problems_after(adult_with_guardian, minimal_case) == []


def test_case_without_number_is_named_by_its_position():
    case = minimal_case()
    case.case_number = ""
    assert [str(p) for p in validate_case(case, TODAY, index=4)] == [
        "case #5: case_number is empty"
    ]
    assert case_label("  ", 0) == "#1"
    assert case_label("FZ-1", 0) == "FZ-1"


def test_check_case_raises_with_every_problem():
    case = minimal_case()
    case.person.full_name = ""
    case.opened_on = D(2027, 1, 1)
    with pytest.raises(InvalidCase) as caught:
        check_case(case, TODAY)
    assert [p.path for p in caught.value.problems] == ["opened_on", "person.full_name"]
    assert str(caught.value) == (
        "case FZ-2026-0100: opened_on is in the future; case FZ-2026-0100: person.full_name is empty"
    )
    check_case(minimal_case(), TODAY)
