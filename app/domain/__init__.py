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

__all__ = [
    "Case",
    "Consent",
    "Followup",
    "Guardian",
    "Intake",
    "Note",
    "Origin",
    "Person",
    "Referral",
    "Service",
]
