"""Referrals between vaults: contacts, sending part of a case file, and the way back.

A caseworker sends exactly the sections the survivor consented to share, to one verified
contact, as a sealed and signed package (app.referrals.package). The recipient's vault makes
a referred case of it, linked by the referral id (never matched by name), records its own
services, follow-ups and notes, and replies the same way; the sender's vault merges the reply
section by section (app.referrals.sections), turning edits made on both sides into a
`Conflict` for a person to decide. Packages can be acknowledged (a receipt) and withdrawn (the
recipient's copy is deleted when it imports the withdrawal).

`Referrals` (`Services(opened).referrals`) is made of one part per concern:
`base` (the records, the package rows), `contacts` (cards, fingerprints,
add/verify/remove), `sending` (send, reply, acknowledge, withdraw), `receiving` (receive,
replay checks, refusals, merging replies) and `conflicts` (the referrals held, and settling
conflicts). The names the window and the commands use are importable from here.
"""

from __future__ import annotations

from app.services.referrals.base import (
    KEEP_MINE,
    KEEP_THEIRS,
    REPLY_STATUSES,
    SHORT_ID,
    Conflict,
    Contact,
    PackageWritten,
    Received,
    ReferralRecord,
    referral_consent_given,
)
from app.services.referrals.conflicts import Conflicts
from app.services.referrals.receiving import (
    BAD_CONTENT,
    DUPLICATE,
    NO_SUCH_REFERRAL,
    REPLAYED,
    STALE,
    UNKNOWN_SENDER,
    UNVERIFIED_SENDER,
    WITHDRAWN,
    Receiving,
)
from app.services.referrals.sending import DuplicateReferral, Sending


class Referrals(Sending, Receiving, Conflicts):
    """Contacts, and referral packages to and from other vaults, for the signed-in user."""


__all__ = [
    "BAD_CONTENT",
    "DUPLICATE",
    "KEEP_MINE",
    "KEEP_THEIRS",
    "NO_SUCH_REFERRAL",
    "REPLAYED",
    "REPLY_STATUSES",
    "SHORT_ID",
    "STALE",
    "UNKNOWN_SENDER",
    "UNVERIFIED_SENDER",
    "WITHDRAWN",
    "Conflict",
    "Contact",
    "DuplicateReferral",
    "PackageWritten",
    "Received",
    "ReferralRecord",
    "Referrals",
    "referral_consent_given",
]
