"""The case file: dataclasses (`model`), ages and groups (`people`), validation (`validation`)."""

from app.domain.model import (
    Case,
    Consent,
    Followup,
    Guardian,
    Intake,
    Note,
    Origin,
    Person,
    Referral,
    Service,
)
from app.domain.people import age_on, group_of, is_child
from app.domain.validation import InvalidCase, Problem, check_case, validate_case

__all__ = [
    "Case",
    "Consent",
    "Followup",
    "Guardian",
    "Intake",
    "InvalidCase",
    "Note",
    "Origin",
    "Person",
    "Problem",
    "Referral",
    "Service",
    "age_on",
    "check_case",
    "group_of",
    "is_child",
    "validate_case",
]
