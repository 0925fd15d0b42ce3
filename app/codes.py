"""The code lists of cases-v1 and summary-v1, with stable codes.

Codes are what the database, the files and the tests hold. Labels are English source
strings marked with `N_()`; `label(list_name, code)` translates them at call time, so the
language can change while the program runs. The database never stores a label.
"""

from __future__ import annotations

from enum import StrEnum

from app.i18n import N_, _


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    UNKNOWN = "unknown"


class CaseStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class CaseState(StrEnum):
    """What lists and the home page show of a case's status: an open case whose closure
    waits for a supervisor is "closure requested" (stored status `open`, see schema v10)."""

    OPEN = "open"
    CLOSURE_REQUESTED = "closure_requested"
    CLOSED = "closed"


class DuplicateReason(StrEnum):
    """Why two case files are probably one person (app.domain.duplicates)."""

    SAME_ID_NUMBER = "same_id_number"
    SAME_NAME_AND_BIRTH = "same_name_and_birth"
    SIMILAR_NAME = "similar_name"
    SAME_NAME_SIMILAR_AGE = "same_name_similar_age"


class IdentifiedBy(StrEnum):
    PUBLIC_SECURITY = "public_security"
    HOTLINE = "hotline"
    NGO = "ngo"
    FAMILY = "family"
    SELF_REFERRAL = "self_referral"
    OTHER_PROVINCE = "other_province"
    BORDER_AUTHORITY = "border_authority"
    OTHER = "other"


class Exploitation(StrEnum):
    FORCED_MARRIAGE = "forced_marriage"
    SEXUAL_EXPLOITATION = "sexual_exploitation"
    FORCED_LABOUR = "forced_labour"
    FORCED_BEGGING = "forced_begging"
    CHILD_SALE_ADOPTION = "child_sale_adoption"
    FORCED_CRIMINALITY = "forced_criminality"
    OTHER = "other"
    UNKNOWN = "unknown"


class Relationship(StrEnum):
    FAMILY = "family"
    INTIMATE_PARTNER = "intimate_partner"
    ACQUAINTANCE = "acquaintance"
    STRANGER = "stranger"
    UNKNOWN = "unknown"


class ConsentPurpose(StrEnum):
    SERVICES = "services"
    REFERRAL = "referral"
    FAMILY_TRACING = "family_tracing"
    STATISTICS = "statistics"
    DATA_SHARING = "data_sharing"


class GuardianStatus(StrEnum):
    WITH_GUARDIAN = "with_guardian"
    TRACING = "tracing"
    NOT_FOUND = "not_found"
    PLACED_IN_CARE = "placed_in_care"
    NOT_APPLICABLE = "not_applicable"


class ServiceKind(StrEnum):
    SHELTER_CARE = "shelter_care"
    MEDICAL_CARE = "medical_care"
    PSYCHOLOGICAL_CARE = "psychological_care"
    LEGAL_AID = "legal_aid"
    SCHOOLING = "schooling"
    VOCATIONAL_TRAINING = "vocational_training"
    LIFE_SKILLS_TRAINING = "life_skills_training"
    EMPLOYMENT_SUPPORT = "employment_support"
    FAMILY_TRACING = "family_tracing"
    FAMILY_REUNIFICATION = "family_reunification"
    FINANCIAL_ASSISTANCE = "financial_assistance"
    OTHER = "other"


class ServiceStatus(StrEnum):
    PLANNED = "planned"
    ONGOING = "ongoing"
    COMPLETED = "completed"
    DECLINED = "declined"
    CANCELLED = "cancelled"


class LivingConditions(StrEnum):
    STABLE = "stable"
    NEEDS_SUPPORT = "needs_support"
    AT_RISK = "at_risk"
    LOST_CONTACT = "lost_contact"


class ReferralTo(StrEnum):
    CIVIL_AFFAIRS = "civil_affairs"
    HEALTH = "health"
    JUSTICE_LEGAL_AID = "justice_legal_aid"
    EDUCATION = "education"
    LABOUR_SOCIAL_SECURITY = "labour_social_security"
    PUBLIC_SECURITY = "public_security"
    WOMENS_FEDERATION = "womens_federation"
    YOUTH_LEAGUE = "youth_league"
    OTHER_PROVINCE = "other_province"
    NGO = "ngo"
    OTHER = "other"


class ReferralStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"  # the sender took the referral back


class ClosureReason(StrEnum):
    REINTEGRATED_FAMILY = "reintegrated_family"
    INDEPENDENT_LIVING = "independent_living"
    PLACED_IN_CARE = "placed_in_care"
    RELOCATED_FOR_WORK = "relocated_for_work"
    TRANSFERRED = "transferred"
    LOST_CONTACT = "lost_contact"
    DECEASED = "deceased"
    OTHER = "other"


class LegalStage(StrEnum):
    """Where a legal-aid case stands (a service's `details.stage`); older files may hold free
    text there, which is shown as it is."""

    CONSULTATION = "consultation"
    INVESTIGATION = "investigation"
    PROSECUTION_REVIEW = "prosecution_review"
    FIRST_INSTANCE = "first_instance"
    SECOND_INSTANCE = "second_instance"
    CIVIL_COMPENSATION = "civil_compensation"
    ENFORCEMENT = "enforcement"
    JUDGMENT_FINAL = "judgment_final"
    MEDIATED = "mediated"
    WITHDRAWN = "withdrawn"


class Section(StrEnum):
    """Sections of a case file, as the access table and notes name them."""

    PROFILE = "profile"
    INTAKE = "intake"
    CONSENT = "consent"
    CARE_PLAN = "care_plan"
    MEDICAL = "medical"
    LEGAL = "legal"
    FOLLOWUPS = "followups"
    REFERRALS = "referrals"
    NOTES = "notes"


class Role(StrEnum):
    CASEWORKER = "caseworker"
    HEALTH = "health"
    LEGAL = "legal"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class Group(StrEnum):
    """Summary groups: girl/boy under 18, woman 18+, other (men, or sex or age unknown)."""

    GIRL = "girl"
    BOY = "boy"
    WOMAN = "woman"
    OTHER = "other"


# Fujian's prefecture-level divisions (GB/T 2260), offered by the first-run wizard and intake.
FUJIAN_PREFECTURES: dict[str, str] = {
    "350100": N_("Fuzhou"),
    "350200": N_("Xiamen"),
    "350300": N_("Putian"),
    "350400": N_("Sanming"),
    "350500": N_("Quanzhou"),
    "350600": N_("Zhangzhou"),
    "350700": N_("Nanping"),
    "350800": N_("Longyan"),
    "350900": N_("Ningde"),
}

LABELS: dict[type[StrEnum], dict[str, str]] = {
    Sex: {"female": N_("Female"), "male": N_("Male"), "unknown": N_("Unknown")},
    CaseStatus: {"open": N_("Open"), "closed": N_("Closed")},
    DuplicateReason: {
        "same_id_number": N_("same ID number"),
        "same_name_and_birth": N_("same name and birth date"),
        "similar_name": N_("similar name (one character, pinyin or alias) and age"),
        "same_name_similar_age": N_("same name, age within a year"),
    },
    CaseState: {
        "open": N_("Open"),
        "closure_requested": N_("Closure requested"),
        "closed": N_("Closed"),
    },
    IdentifiedBy: {
        "public_security": N_("Public security"),
        "hotline": N_("Hotline"),
        "ngo": N_("NGO"),
        "family": N_("Family"),
        "self_referral": N_("Self-referral"),
        "other_province": N_("Another province"),
        "border_authority": N_("Border authority"),
        "other": N_("Other"),
    },
    Exploitation: {
        "forced_marriage": N_("Forced marriage"),
        "sexual_exploitation": N_("Sexual exploitation"),
        "forced_labour": N_("Forced labour"),
        "forced_begging": N_("Forced begging"),
        "child_sale_adoption": N_("Child sale or illegal adoption"),
        "forced_criminality": N_("Forced criminality"),
        "other": N_("Other"),
        "unknown": N_("Unknown"),
    },
    Relationship: {
        "family": N_("Family member"),
        "intimate_partner": N_("Intimate partner"),
        "acquaintance": N_("Acquaintance"),
        "stranger": N_("Stranger"),
        "unknown": N_("Unknown"),
    },
    ConsentPurpose: {
        "services": N_("Receiving services"),
        "referral": N_("Referral to other agencies"),
        "family_tracing": N_("Family tracing"),
        "statistics": N_("De-identified statistics"),
        "data_sharing": N_("Sharing data with partners"),
    },
    GuardianStatus: {
        "with_guardian": N_("With guardian"),
        "tracing": N_("Tracing guardian"),
        "not_found": N_("Guardian not found"),
        "placed_in_care": N_("Placed in care"),
        "not_applicable": N_("Not applicable"),
    },
    ServiceKind: {
        "shelter_care": N_("Shelter care"),
        "medical_care": N_("Medical care"),
        "psychological_care": N_("Psychological care"),
        "legal_aid": N_("Legal aid"),
        "schooling": N_("Schooling"),
        "vocational_training": N_("Vocational training"),
        "life_skills_training": N_("Life-skills training"),
        "employment_support": N_("Employment support"),
        "family_tracing": N_("Family tracing"),
        "family_reunification": N_("Family reunification"),
        "financial_assistance": N_("Financial assistance"),
        "other": N_("Other"),
    },
    ServiceStatus: {
        "planned": N_("Planned"),
        "ongoing": N_("Ongoing"),
        "completed": N_("Completed"),
        "declined": N_("Declined"),
        "cancelled": N_("Cancelled"),
    },
    LivingConditions: {
        "stable": N_("Stable"),
        "needs_support": N_("Needs support"),
        "at_risk": N_("At risk"),
        "lost_contact": N_("Lost contact"),
    },
    ReferralTo: {
        "civil_affairs": N_("Civil affairs"),
        "health": N_("Health"),
        "justice_legal_aid": N_("Justice / legal aid"),
        "education": N_("Education"),
        "labour_social_security": N_("Labour and social security"),
        "public_security": N_("Public security"),
        "womens_federation": N_("Women's Federation"),
        "youth_league": N_("Communist Youth League"),
        "other_province": N_("Another province"),
        "ngo": N_("NGO"),
        "other": N_("Other"),
    },
    ReferralStatus: {
        "pending": N_("Pending"),
        "accepted": N_("Accepted"),
        "rejected": N_("Rejected"),
        "completed": N_("Completed"),
        "withdrawn": N_("Withdrawn"),
    },
    ClosureReason: {
        "reintegrated_family": N_("Reintegrated with family"),
        "independent_living": N_("Independent living"),
        "placed_in_care": N_("Placed in care"),
        "relocated_for_work": N_("Relocated for work"),
        "transferred": N_("Transferred"),
        "lost_contact": N_("Lost contact"),
        "deceased": N_("Deceased"),
        "other": N_("Other"),
    },
    LegalStage: {
        "consultation": N_("Legal consultation"),
        "investigation": N_("Police investigation"),
        "prosecution_review": N_("Review for prosecution"),
        "first_instance": N_("First-instance trial"),
        "second_instance": N_("Appeal (second instance)"),
        "civil_compensation": N_("Civil compensation claim"),
        "enforcement": N_("Enforcement"),
        "judgment_final": N_("Judgment in force"),
        "mediated": N_("Settled by mediation"),
        "withdrawn": N_("Suit withdrawn"),
    },
    Section: {
        "profile": N_("Profile"),
        "intake": N_("Intake"),
        "consent": N_("Consent"),
        "care_plan": N_("Care plan"),
        "medical": N_("Medical"),
        "legal": N_("Legal"),
        "followups": N_("Follow-ups"),
        "referrals": N_("Referrals"),
        "notes": N_("Notes"),
    },
    Role: {
        "caseworker": N_("Caseworker"),
        "health": N_("Health staff"),
        "legal": N_("Legal-aid staff"),
        "supervisor": N_("Supervisor"),
        "admin": N_("Administrator"),
    },
    Group: {
        "girl": N_("Girls"),
        "boy": N_("Boys"),
        "woman": N_("Women"),
        "other": N_("Other"),
    },
}


def label(code_list: type[StrEnum], code: str | None) -> str:
    """The translated label of `code` in `code_list`; the code itself if it has no label."""
    if code is None:
        return ""
    return _(LABELS.get(code_list, {}).get(str(code), str(code)))


def prefecture_label(code: str | None) -> str:
    """A division's own name in the current language (厦门市, Xiamen), whichever province it
    is in; the code itself when the division table does not know it."""
    from app import divisions  # the table is read on first use, not on import of codes

    return divisions.short_label(code)


def values(code_list: type[StrEnum]) -> list[str]:
    return [member.value for member in code_list]
