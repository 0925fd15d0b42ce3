"""Who may see and do what: the one table of role x section and role x action.

THE GUARD. Every permission is a row of this table, and one guard checks it:
`require(session, Action.X)` and `require_section(session, section, level)`, where the
session is the unlocked vault (`OpenVault`: its user's role, and its audit trail). A refusal
is written to the audit trail (`access_denied`, with what was refused and the role) in its
own transaction, then raised as AccessDenied; so call the guard before opening a write
transaction. What is allowed is audited by the operation itself, in the transaction that
does it. The command (app/cli), the services and the window (ui/) all pass through this
guard; the window also asks `allowed(role, action)` and `section_level(role, section)` to
hide what the table hides (pages, buttons), which is never the check itself.
To add a permission: an Action member, its label in ACTION_LABELS, the roles in ACTIONS,
a line in the table below; then call `require` where the operation starts.

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

    action                     caseworker  health  legal  supervisor  admin
    create_case                yes         -       -      yes         -
    import_cases               yes         -       -      yes         -
    close_case                 yes         -       -      yes         -
    approve_closure            -           -       -      yes         -
    assign_case                -           -       -      yes         -
    hand_over                  yes         -       -      -           -
    hold_case                  yes         -       -      yes         -
    merge_cases                -           -       -      yes         -
    export_summary             -           -       -      yes         yes
    export_identifiable        -           -       -      yes         -
    read_audit                 -           -       -      yes         yes
    manage_users               -           -       -      -           yes
    replace_recovery_code      -           -       -      -           yes
    back_up                    -           -       -      yes         yes
    restore_backup             -           -       -      yes         yes
    manage_contacts            -           -       -      yes         yes
    send_referral              yes         -       -      yes         -
    withdraw_referral          yes         -       -      yes         -
    override_referral_consent  -           -       -      yes         -
    receive_referral           yes         yes     yes    yes         -
    reply_to_referral          yes         yes     yes    yes         -
    acknowledge_referral       yes         yes     yes    yes         -

Attachments (scans, documents, photos) belong to the section they were added to and need
READ on it to be seen, WRITE to be added or removed; the person's photo on the profile is
seen by every role that sees the profile (`attachment_level`).

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
- Backups hold every case: writing one by hand and restoring one are for supervisors and
  administrators. The automatic backup when the window locks is no one's action: it runs
  for every role, into the vault's own folders.
- Adding a contact's key is a trust decision (administrators and supervisors); every role
  that works on cases receives and answers referrals; only a supervisor may send one
  without the referral consent, with a written reason.
- A caseworker's close_case is a request: the case closes when a supervisor, who has
  approve_closure, approves it (a supervisor's own closing needs no second approval).
- assign_case gives any case to a worker; hand_over lets a caseworker give a case she
  holds, and only such a case (the service checks that she holds it), to another worker.
- hold_case is what a user must be allowed to be given a case: caseworkers and supervisors
  write case files; health, legal-aid and administrator accounts do not.
- An unknown role or section gets NONE and no actions (deny by default).
"""

from __future__ import annotations

import copy
from contextlib import AbstractContextManager
from enum import IntEnum, StrEnum
from typing import Any, Protocol

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
    ASSIGN_CASE = "assign_case"
    HAND_OVER = "hand_over"
    HOLD_CASE = "hold_case"
    MERGE_CASES = "merge_cases"
    EXPORT_SUMMARY = "export_summary"
    EXPORT_IDENTIFIABLE = "export_identifiable"
    READ_AUDIT = "read_audit"
    MANAGE_USERS = "manage_users"
    REPLACE_RECOVERY_CODE = "replace_recovery_code"
    BACK_UP = "back_up"
    RESTORE_BACKUP = "restore_backup"
    MANAGE_CONTACTS = "manage_contacts"
    SEND_REFERRAL = "send_referral"
    WITHDRAW_REFERRAL = "withdraw_referral"
    OVERRIDE_REFERRAL_CONSENT = "override_referral_consent"
    RECEIVE_REFERRAL = "receive_referral"
    REPLY_TO_REFERRAL = "reply_to_referral"
    ACKNOWLEDGE_REFERRAL = "acknowledge_referral"
    EDIT_DIRECTORY = "edit_directory"
    SHARE_DIRECTORY = "share_directory"


ACTION_LABELS: dict[str, str] = {
    Action.CREATE_CASE: N_("open a new case"),
    Action.IMPORT_CASES: N_("import cases"),
    Action.CLOSE_CASE: N_("close a case"),
    Action.APPROVE_CLOSURE: N_("approve a closure"),
    Action.ASSIGN_CASE: N_("assign a case to a worker"),
    Action.HAND_OVER: N_("hand over a case"),
    Action.HOLD_CASE: N_("be responsible for a case"),
    Action.MERGE_CASES: N_("merge two cases"),
    Action.EXPORT_SUMMARY: N_("export a summary"),
    Action.EXPORT_IDENTIFIABLE: N_("export identifiable case files"),
    Action.READ_AUDIT: N_("read the audit trail"),
    Action.MANAGE_USERS: N_("manage users"),
    Action.REPLACE_RECOVERY_CODE: N_("replace the recovery code"),
    Action.BACK_UP: N_("back up the vault"),
    Action.RESTORE_BACKUP: N_("restore a backup"),
    Action.MANAGE_CONTACTS: N_("manage contacts"),
    Action.SEND_REFERRAL: N_("refer a case to another unit"),
    Action.WITHDRAW_REFERRAL: N_("withdraw a referral"),
    Action.OVERRIDE_REFERRAL_CONSENT: N_("send a referral without the referral consent"),
    Action.RECEIVE_REFERRAL: N_("import referral packages"),
    Action.REPLY_TO_REFERRAL: N_("reply to a referral"),
    Action.ACKNOWLEDGE_REFERRAL: N_("acknowledge a referral"),
    Action.EDIT_DIRECTORY: N_("change the directory of services"),
    Action.SHARE_DIRECTORY: N_("export or import the directory of services"),
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

_A = Action
_ANSWER_REFERRALS = (_A.RECEIVE_REFERRAL, _A.REPLY_TO_REFERRAL, _A.ACKNOWLEDGE_REFERRAL)
_SEND_REFERRALS = (_A.SEND_REFERRAL, _A.WITHDRAW_REFERRAL)
_BACKUPS = (_A.BACK_UP, _A.RESTORE_BACKUP)
_DIRECTORY = (_A.EDIT_DIRECTORY, _A.SHARE_DIRECTORY)

ACTIONS: dict[str, frozenset[str]] = {
    Role.CASEWORKER: frozenset(
        {
            _A.CREATE_CASE,
            _A.IMPORT_CASES,
            _A.CLOSE_CASE,
            _A.HAND_OVER,
            _A.HOLD_CASE,
            *_SEND_REFERRALS,
            *_ANSWER_REFERRALS,
            _A.EDIT_DIRECTORY,
        }
    ),
    # Health and legal staff know the hospitals and legal aid centres: they keep them.
    Role.HEALTH: frozenset({*_ANSWER_REFERRALS, _A.EDIT_DIRECTORY}),
    Role.LEGAL: frozenset({*_ANSWER_REFERRALS, _A.EDIT_DIRECTORY}),
    Role.SUPERVISOR: frozenset(
        {
            _A.CREATE_CASE,
            _A.IMPORT_CASES,
            _A.CLOSE_CASE,
            _A.APPROVE_CLOSURE,
            _A.ASSIGN_CASE,
            _A.HOLD_CASE,
            _A.MERGE_CASES,
            _A.EXPORT_SUMMARY,
            _A.EXPORT_IDENTIFIABLE,
            _A.READ_AUDIT,
            *_BACKUPS,
            _A.MANAGE_CONTACTS,
            *_SEND_REFERRALS,
            _A.OVERRIDE_REFERRAL_CONSENT,
            *_ANSWER_REFERRALS,
            *_DIRECTORY,
        }
    ),
    Role.ADMIN: frozenset(
        {
            _A.EXPORT_SUMMARY,
            _A.READ_AUDIT,
            _A.MANAGE_USERS,
            _A.REPLACE_RECOVERY_CODE,
            *_BACKUPS,
            _A.MANAGE_CONTACTS,
            *_DIRECTORY,
        }
    ),
}

_MEDICAL_KINDS = frozenset({ServiceKind.MEDICAL_CARE, ServiceKind.PSYCHOLOGICAL_CARE})


def section_level(role: str, section: str) -> Level:
    """The level `role` has on `section`; NONE for an unknown role or section."""
    return SECTION_LEVELS.get(role, {}).get(section, Level.NONE)


def allowed(role: str, action: str) -> bool:
    """Whether `role` may do `action`: for hiding what it may not; the check is `require`."""
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


def attachment_level(section: str, *, photo: bool, write: bool) -> Level:
    """What a role needs on `section` for an attachment there: READ to see one (it is the
    section's content, so a LIST reader does not even see its title), WRITE to add or remove
    one. The person's photo is seen with the profile, basic profile included (LIST)."""
    if write:
        return Level.WRITE
    return Level.LIST if photo and section == Section.PROFILE else Level.READ


class _User(Protocol):
    @property
    def role(self) -> str: ...


class Session(Protocol):
    """Who is asking, and where refusals are written: an unlocked vault (`OpenVault`)."""

    @property
    def user(self) -> _User: ...

    def write(self) -> AbstractContextManager[object]: ...

    def audit(
        self, action: str, case_number: str | None = None, detail: dict[str, Any] | None = None
    ) -> int: ...


def require(session: Session, action: str, case_number: str | None = None) -> None:
    """THE guard of actions: return if the session's role may do `action`; else audit the
    refusal (with the case it concerned) and raise AccessDenied."""
    role = session.user.role
    if allowed(role, action):
        return
    what = ACTION_LABELS.get(action, action)
    message = _("{role} may not {action}").format(role=label(Role, role), action=_(what))
    _refuse(session, str(action), case_number, message)


def require_section(
    session: Session, section: str, needed: Level, case_number: str | None = None
) -> None:
    """THE guard of sections: return if the session's role has at least `needed` on
    `section`; else audit the refusal and raise AccessDenied."""
    role = session.user.role
    if section_level(role, section) >= needed:
        return
    role_name, section_name = label(Role, role), label(Section, section)
    if needed >= Level.WRITE:
        message = _("{role} may not change the {section} section")
    elif needed == Level.READ:
        message = _("{role} may not read the {section} section")
    else:
        message = _("{role} may not see the {section} section")
    what = f"{section}:{needed.name.lower()}"
    _refuse(session, what, case_number, message.format(role=role_name, section=section_name))


def _refuse(session: Session, what: str, case_number: str | None, message: str) -> None:
    # Its own transaction: the refused operation has written nothing, and the entry must
    # stay even though the caller is about to fail.
    with session.write():
        session.audit("access_denied", case_number, {"what": what, "role": session.user.role})
    raise AccessDenied(message)


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
