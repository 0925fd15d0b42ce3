"""Who may see and do what: the one table of role x section and role x action.

Services check it before they read or write (`require_section`, `require`), and hand out
case files through `redact`; the UI asks `section_level` and `can` to hide what the table
hides. Nothing else decides access.

Levels, lowest first: NONE < LIST < READ < WRITE.
    NONE   the section is not shown at all.
    LIST   entries are shown to exist, with their kind, status, codes and dates, but not
           their free text, details, provider or organisation. On the profile, LIST shows
           only PROFILE_BASIC_FIELDS (name, sex, date of birth, age, languages, disability).
    READ   everything in the section.
    WRITE  everything, and may change it.

                 caseworker  health  legal  supervisor  admin
    profile      WRITE       LIST    LIST   READ        LIST
    intake       WRITE       -       READ   READ        -
    consent      WRITE       READ    READ   READ        -
    care_plan    WRITE       -       -      READ        -
    medical      LIST        WRITE   -      LIST        -
    legal        LIST        -       WRITE  READ        -
    followups    WRITE       -       -      READ        -
    referrals    WRITE       -       -      READ        -
    notes        WRITE       -       -      READ        -

    action               caseworker  health  legal  supervisor  admin
    create_case          yes         -       -      yes         -
    import_cases         yes         -       -      yes         -
    close_case           yes         -       -      yes         -
    approve_closure      -           -       -      yes         -
    export_summary       -           -       -      yes         yes
    export_identifiable  -           -       -      yes         -
    read_audit           -           -       -      yes         yes
    manage_users         -           -       -      -           yes

What belongs to which section:
    profile    the person (identity, contact, origin); case number, status and the opening
               and closing dates and reason are the case's header, visible to every role
    intake     the intake object, narrative and police case number included
    consent    the consents
    care_plan  the guardian, and services other than medical, psychological and legal aid
    medical    medical_care and psychological_care services; notes whose section is medical
    legal      legal_aid services; notes whose section is legal
    followups, referrals   those lists
    notes      notes of every other section

Why the table looks like this:
- cases-v1 says medical and psychological notes are readable only by health staff, so
  caseworkers and supervisors have LIST on medical: they see that care was given and when.
- Health and legal-aid staff read the consents, because care and legal steps depend on them,
  and only the basic profile: no identity number, phone, address, aliases or origin.
  Legal-aid staff also read the intake (police case number, exploitation).
- Administrators look after accounts, not people: they see the case list (header and basic
  profile) so they can tell cases apart, never the contents of a case file.
- Supervisors read but do not edit. Their actions (create, import, close, approve) are
  checked by `require` on their own: an action grants the writes it needs, and section levels
  govern reading and editing what is already there.
- An unknown role or section gets NONE and no actions (deny by default).
"""

from __future__ import annotations

import copy
from enum import IntEnum, StrEnum

from app.codes import Role, Section, ServiceKind, label
from app.domain.model import Case, Guardian, Intake, Person
from app.errors import AccessDenied
from app.i18n import N_, _

MASK = "***"


class Level(IntEnum):
    NONE = 0
    LIST = 1
    READ = 2
    WRITE = 3


class Action(StrEnum):
    CREATE_CASE = "create_case"
    IMPORT_CASES = "import_cases"
    CLOSE_CASE = "close_case"
    APPROVE_CLOSURE = "approve_closure"
    EXPORT_SUMMARY = "export_summary"
    EXPORT_IDENTIFIABLE = "export_identifiable"
    READ_AUDIT = "read_audit"
    MANAGE_USERS = "manage_users"


ACTION_LABELS: dict[str, str] = {
    Action.CREATE_CASE: N_("open a new case"),
    Action.IMPORT_CASES: N_("import cases"),
    Action.CLOSE_CASE: N_("close a case"),
    Action.APPROVE_CLOSURE: N_("approve a closure"),
    Action.EXPORT_SUMMARY: N_("export a summary"),
    Action.EXPORT_IDENTIFIABLE: N_("export identifiable case files"),
    Action.READ_AUDIT: N_("read the audit trail"),
    Action.MANAGE_USERS: N_("manage users"),
}

# Fields of Person a role with LIST on the profile sees; the rest (id_number, phone,
# address, aliases, origin) needs READ.
PROFILE_BASIC_FIELDS = (
    "full_name",
    "sex",
    "date_of_birth",
    "age_at_intake",
    "languages",
    "disability",
)

_N, _L, _R, _W = Level.NONE, Level.LIST, Level.READ, Level.WRITE
_S = Section

SECTION_LEVELS: dict[str, dict[str, Level]] = {
    Role.CASEWORKER: {
        _S.PROFILE: _W, _S.INTAKE: _W, _S.CONSENT: _W, _S.CARE_PLAN: _W, _S.MEDICAL: _L,
        _S.LEGAL: _L, _S.FOLLOWUPS: _W, _S.REFERRALS: _W, _S.NOTES: _W,
    },
    Role.HEALTH: {
        _S.PROFILE: _L, _S.INTAKE: _N, _S.CONSENT: _R, _S.CARE_PLAN: _N, _S.MEDICAL: _W,
        _S.LEGAL: _N, _S.FOLLOWUPS: _N, _S.REFERRALS: _N, _S.NOTES: _N,
    },
    Role.LEGAL: {
        _S.PROFILE: _L, _S.INTAKE: _R, _S.CONSENT: _R, _S.CARE_PLAN: _N, _S.MEDICAL: _N,
        _S.LEGAL: _W, _S.FOLLOWUPS: _N, _S.REFERRALS: _N, _S.NOTES: _N,
    },
    Role.SUPERVISOR: {
        _S.PROFILE: _R, _S.INTAKE: _R, _S.CONSENT: _R, _S.CARE_PLAN: _R, _S.MEDICAL: _L,
        _S.LEGAL: _R, _S.FOLLOWUPS: _R, _S.REFERRALS: _R, _S.NOTES: _R,
    },
    Role.ADMIN: {
        _S.PROFILE: _L, _S.INTAKE: _N, _S.CONSENT: _N, _S.CARE_PLAN: _N, _S.MEDICAL: _N,
        _S.LEGAL: _N, _S.FOLLOWUPS: _N, _S.REFERRALS: _N, _S.NOTES: _N,
    },
}  # fmt: skip

ACTIONS: dict[str, frozenset[str]] = {
    Role.CASEWORKER: frozenset({Action.CREATE_CASE, Action.IMPORT_CASES, Action.CLOSE_CASE}),
    Role.HEALTH: frozenset(),
    Role.LEGAL: frozenset(),
    Role.SUPERVISOR: frozenset(
        {
            Action.CREATE_CASE,
            Action.IMPORT_CASES,
            Action.CLOSE_CASE,
            Action.APPROVE_CLOSURE,
            Action.EXPORT_SUMMARY,
            Action.EXPORT_IDENTIFIABLE,
            Action.READ_AUDIT,
        }
    ),
    Role.ADMIN: frozenset({Action.EXPORT_SUMMARY, Action.READ_AUDIT, Action.MANAGE_USERS}),
}

_MEDICAL_KINDS = frozenset({ServiceKind.MEDICAL_CARE, ServiceKind.PSYCHOLOGICAL_CARE})


def section_level(role: str, section: str) -> Level:
    """The level `role` has on `section`; NONE for an unknown role or section."""
    return SECTION_LEVELS.get(role, {}).get(section, Level.NONE)


def can(role: str, action: str) -> bool:
    return action in ACTIONS.get(role, frozenset())


def section_of_service(kind: str) -> Section:
    """The section a service belongs to, by its kind."""
    if kind in _MEDICAL_KINDS:
        return Section.MEDICAL
    if kind == ServiceKind.LEGAL_AID:
        return Section.LEGAL
    return Section.CARE_PLAN


def section_of_note(note_section: str) -> Section:
    """The section a note belongs to: medical and legal notes are theirs, the rest `notes`."""
    if note_section == Section.MEDICAL:
        return Section.MEDICAL
    if note_section == Section.LEGAL:
        return Section.LEGAL
    return Section.NOTES


def require_section(role: str, section: str, needed: Level) -> None:
    """Raise AccessDenied unless `role` has at least `needed` on `section`."""
    if section_level(role, section) >= needed:
        return
    role_name, section_name = label(Role, role), label(Section, section)
    if needed >= Level.WRITE:
        message = _("{role} may not change the {section} section")
    elif needed == Level.READ:
        message = _("{role} may not read the {section} section")
    else:
        message = _("{role} may not see the {section} section")
    raise AccessDenied(message.format(role=role_name, section=section_name))


def require(role: str, action: str) -> None:
    """Raise AccessDenied unless `role` may do `action`."""
    if can(role, action):
        return
    what = ACTION_LABELS.get(action, action)
    raise AccessDenied(_("{role} may not {action}").format(role=label(Role, role), action=_(what)))


def redact(case: Case, role: str) -> Case:
    """A deep copy of `case` holding only what `role` may read.

    Sections at NONE are emptied (lists empty, guardian None, intake blank; the person
    keeps only MASK as a name); entries at LIST keep their kind, status, codes and dates but
    lose free text (notes' text becomes MASK), details, provider and organisation. The
    result is for showing, never for saving: blanks are not data.
    """
    out = copy.deepcopy(case)
    level = {section: section_level(role, section) for section in Section}

    if level[Section.PROFILE] == Level.NONE:
        out.person = Person(full_name=MASK)
    elif level[Section.PROFILE] == Level.LIST:
        basic = {name: getattr(out.person, name) for name in PROFILE_BASIC_FIELDS}
        out.person = Person(**basic)

    if level[Section.INTAKE] == Level.NONE:
        out.intake = Intake(identified_by="", relationship_to_trafficker="")
    elif level[Section.INTAKE] == Level.LIST:
        out.intake.police_case_number = None
        out.intake.narrative = None

    if level[Section.CONSENT] == Level.NONE:
        out.consents = []  # consents have no free text, so LIST shows them whole

    if level[Section.CARE_PLAN] == Level.NONE:
        out.guardian = None
    elif level[Section.CARE_PLAN] == Level.LIST and out.guardian is not None:
        out.guardian = Guardian(out.guardian.status)

    services = []
    for service in out.services:
        service_level = level[section_of_service(service.kind)]
        if service_level == Level.NONE:
            continue
        if service_level == Level.LIST:
            service.provider, service.details, service.notes = None, {}, None
        services.append(service)
    out.services = services

    if level[Section.FOLLOWUPS] == Level.NONE:
        out.followups = []
    elif level[Section.FOLLOWUPS] == Level.LIST:
        for followup in out.followups:
            followup.notes = None

    if level[Section.REFERRALS] == Level.NONE:
        out.referrals = []
    elif level[Section.REFERRALS] == Level.LIST:
        for referral in out.referrals:
            referral.organisation, referral.reason = None, None

    notes = []
    for note in out.notes:
        note_level = level[section_of_note(note.section)]
        if note_level == Level.NONE:
            continue
        if note_level == Level.LIST:
            note.text = MASK
        notes.append(note)
    out.notes = notes
    return out
