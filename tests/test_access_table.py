import dataclasses

import pytest

from app import i18n
from app.access import (
    ACTION_LABELS,
    ACTIONS,
    MASK,
    PROFILE_BASIC_FIELDS,
    SECTION_LEVELS,
    Action,
    Level,
    allowed,
    redact,
    section_level,
    section_of_note,
    section_of_service,
)
from app.codes import Role, Section, ServiceKind
from app.domain import Person, validate_case
from tests.case_examples import TODAY, full_case


@pytest.fixture(autouse=True)
def english():
    i18n.set_locale("en")
    yield
    i18n.set_locale(i18n.DEFAULT_LOCALE)


# --- the table itself ---------------------------------------------------------------------


def test_every_role_has_a_level_for_every_section_and_an_action_set():
    assert set(SECTION_LEVELS) == set(Role)
    assert set(ACTIONS) == set(Role)
    for role in Role:
        assert set(SECTION_LEVELS[role]) == set(Section), role
        assert all(isinstance(level, Level) for level in SECTION_LEVELS[role].values())
        assert ACTIONS[role] <= set(Action)


def test_levels_are_ordered():
    assert Level.NONE < Level.LIST < Level.READ < Level.WRITE


def test_every_action_is_granted_to_someone_and_labelled():
    assert set(ACTION_LABELS) == set(Action)
    for action in Action:
        assert any(allowed(role, action) for role in Role), action


def test_only_health_staff_read_medical_contents():
    readers = {role for role in Role if section_level(role, Section.MEDICAL) >= Level.READ}
    assert readers == {Role.HEALTH}


def test_every_section_is_written_by_someone():
    for section in Section:
        assert any(section_level(r, section) == Level.WRITE for r in Role), section


def test_admin_reads_no_case_contents_and_supervisor_changes_none():
    assert [s for s, lv in SECTION_LEVELS[Role.ADMIN].items() if lv] == [Section.PROFILE]
    assert section_level(Role.ADMIN, Section.PROFILE) == Level.LIST
    assert max(SECTION_LEVELS[Role.SUPERVISOR].values()) == Level.READ


def test_roles_that_act_on_whole_case_files_can_read_who_the_case_is_about():
    acting = {
        Action.CREATE_CASE,
        Action.IMPORT_CASES,
        Action.CLOSE_CASE,
        Action.APPROVE_CLOSURE,
        Action.EXPORT_IDENTIFIABLE,
    }
    for role in Role:
        if ACTIONS[role] & acting:
            assert section_level(role, Section.PROFILE) >= Level.READ, role


@pytest.mark.parametrize(
    ("role", "action", "expected"),
    [
        (Role.SUPERVISOR, Action.EXPORT_IDENTIFIABLE, True),
        (Role.ADMIN, Action.EXPORT_IDENTIFIABLE, False),
        (Role.CASEWORKER, Action.EXPORT_IDENTIFIABLE, False),
        (Role.ADMIN, Action.MANAGE_USERS, True),
        (Role.SUPERVISOR, Action.MANAGE_USERS, False),
        (Role.ADMIN, Action.EXPORT_SUMMARY, True),
        (Role.CASEWORKER, Action.EXPORT_SUMMARY, False),
        (Role.CASEWORKER, Action.CLOSE_CASE, True),
        (Role.CASEWORKER, Action.APPROVE_CLOSURE, False),
        (Role.HEALTH, Action.CREATE_CASE, False),
        (Role.LEGAL, Action.IMPORT_CASES, False),
        (Role.SUPERVISOR, Action.BACK_UP, True),
        (Role.ADMIN, Action.RESTORE_BACKUP, True),
        (Role.CASEWORKER, Action.BACK_UP, False),
        (Role.HEALTH, Action.RESTORE_BACKUP, False),
        (Role.ADMIN, Action.SEND_REFERRAL, False),
        (Role.HEALTH, Action.RECEIVE_REFERRAL, True),
        (Role.CASEWORKER, Action.OVERRIDE_REFERRAL_CONSENT, False),
        (Role.SUPERVISOR, Action.MANAGE_CONTACTS, True),
    ],
)
def test_actions(role, action, expected):
    assert allowed(role, action) is expected
    assert allowed(str(role), str(action)) is expected  # plain strings from the database work too


def test_unknown_role_or_section_is_denied():
    assert section_level("intern", Section.PROFILE) == Level.NONE
    assert section_level(Role.CASEWORKER, "diary") == Level.NONE
    assert not allowed("intern", Action.EXPORT_SUMMARY)
    assert not allowed(Role.SUPERVISOR, "delete_everything")


def test_sections_of_services_and_notes():
    assert section_of_service(ServiceKind.MEDICAL_CARE) == Section.MEDICAL
    assert section_of_service("psychological_care") == Section.MEDICAL
    assert section_of_service("legal_aid") == Section.LEGAL
    others = set(ServiceKind) - {"medical_care", "psychological_care", "legal_aid"}
    assert {section_of_service(kind) for kind in others} == {Section.CARE_PLAN}
    assert section_of_note("medical") == Section.MEDICAL
    assert section_of_note("legal") == Section.LEGAL
    for section in set(Section) - {Section.MEDICAL, Section.LEGAL}:
        assert section_of_note(section) == Section.NOTES


# --- redact ---------------------------------------------------------------------------------


def test_redact_returns_a_copy_and_leaves_the_case_alone():
    case = full_case()
    redacted = redact(case, Role.ADMIN)
    assert case == full_case()
    assert redacted is not case


def test_caseworker_sees_that_medical_and_legal_entries_exist_but_not_their_contents():
    case = full_case()
    seen = redact(case, Role.CASEWORKER)
    assert seen.person == case.person
    assert seen.intake == case.intake
    assert seen.guardian == case.guardian
    assert [s.kind for s in seen.services] == [s.kind for s in case.services]
    medical, legal = seen.services[1], seen.services[2]
    for service in (medical, legal):
        assert (service.provider, service.details, service.notes) == (None, {}, None)
    assert (medical.status, medical.started_on, medical.ended_on) == (
        "completed",
        case.services[1].started_on,
        case.services[1].ended_on,
    )
    assert seen.services[3] == case.services[3]
    assert [n.text for n in seen.notes] == ["Invented care-plan note.", MASK, MASK]
    assert seen.followups == case.followups and seen.referrals == case.referrals


def test_health_staff_see_medical_and_the_basic_profile_only():
    case = full_case()
    seen = redact(case, Role.HEALTH)
    assert seen.person == Person(
        full_name="林小梅",
        sex="female",
        date_of_birth=case.person.date_of_birth,
        languages=["zh", "yue"],
        disability=False,
    )
    assert seen.person.id_number is None and seen.person.phone is None
    assert seen.person.origin.country is None and seen.person.aliases == []
    assert seen.intake.narrative is None and seen.intake.police_case_number is None
    assert seen.intake.exploitation == []
    assert seen.consents == case.consents
    assert seen.guardian is None
    assert seen.services == [case.services[1]]
    assert [n.text for n in seen.notes] == ["Invented medical case note."]
    assert seen.followups == [] and seen.referrals == []


def test_legal_staff_see_legal_aid_intake_and_basic_profile():
    case = full_case()
    seen = redact(case, Role.LEGAL)
    assert seen.intake == case.intake
    assert seen.person.full_name == "林小梅" and seen.person.address is None
    assert seen.services == [case.services[2]]
    assert [n.text for n in seen.notes] == ["Invented legal case note."]
    assert seen.guardian is None and seen.followups == []


def test_supervisor_reads_all_but_medical_contents():
    case = full_case()
    seen = redact(case, Role.SUPERVISOR)
    assert seen.person == case.person
    assert seen.services[2] == case.services[2]
    assert seen.services[1].notes is None and seen.services[1].kind == "medical_care"
    assert [n.text for n in seen.notes] == [
        "Invented care-plan note.",
        MASK,
        "Invented legal case note.",
    ]


def test_admin_sees_the_case_list_only():
    case = full_case()
    seen = redact(case, Role.ADMIN)
    header = ("case_number", "status", "opened_on", "closed_on", "closure_reason")
    assert [getattr(seen, k) for k in header] == [getattr(case, k) for k in header]
    assert {f.name for f in dataclasses.fields(Person)} >= set(PROFILE_BASIC_FIELDS)
    assert seen.person.full_name == "林小梅" and seen.person.phone is None
    assert seen.intake.narrative is None and seen.intake.identified_by == ""
    assert seen.consents == seen.services == seen.followups == seen.referrals == seen.notes == []
    assert seen.guardian is None


def test_unknown_role_sees_a_masked_name_and_nothing_else():
    seen = redact(full_case(), "intern")
    assert seen.person == Person(full_name=MASK)
    assert seen.services == [] and seen.notes == []


def test_redacted_copy_of_a_full_reader_is_still_valid():
    # What caseworkers and supervisors get back must still be a well-formed case.
    for role in (Role.CASEWORKER, Role.SUPERVISOR):
        assert validate_case(redact(full_case(), role), TODAY) == []
