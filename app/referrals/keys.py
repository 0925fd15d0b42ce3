"""The vault's keys as other vaults see them: the contact card, key ids and fingerprints.

A vault signs with its Ed25519 unit key (`OpenVault.signing_key()`) and receives packages
encrypted to its X25519 receiving key (schema v3 `receiving_key`). The contact card carries
both public keys with the unit code, a name and a role, self-signed so a damaged card is
refused. A card by itself proves nothing about who made it: both sides compare the
fingerprint (six groups of five digits over both public keys) by phone or on paper before a
contact is marked verified.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from app.codes import ReferralTo
from app.errors import AftercareError
from app.i18n import N_, _
from app.storage import keys_repo
from app.storage.connection import Connection

CARD_FORMAT = "aftercare.contact-card"
CARD_VERSION = 1
CARD_SUFFIX = ".accard"
MAX_CARD_BYTES = 64 * 1024
CARD_KEYS = ("format", "version", "unit_code", "name", "role", "signing_key", "receiving_key")

# What kind of place a contact is, and the referral code a referral to it is recorded under.
CONTACT_ROLES: dict[str, tuple[str, ReferralTo]] = {
    "health": (N_("Health service"), ReferralTo.HEALTH),
    "legal": (N_("Legal aid"), ReferralTo.JUSTICE_LEGAL_AID),
    "shelter": (N_("Shelter in another province"), ReferralTo.OTHER_PROVINCE),
    "ngo": (N_("NGO"), ReferralTo.NGO),
    "other": (N_("Other"), ReferralTo.OTHER),
}
FINGERPRINT_GROUPS = 6
FINGERPRINT_GROUP_DIGITS = 5


def role_label(role: str) -> str:
    return _(CONTACT_ROLES[role][0]) if role in CONTACT_ROLES else role


def referral_code(role: str) -> str:
    return CONTACT_ROLES.get(role, CONTACT_ROLES["other"])[1].value


def require_role(role: str) -> str:
    role = role.strip().lower()
    if role not in CONTACT_ROLES:
        raise AftercareError(
            _("Unknown contact role “{role}”; use one of: {roles}.").format(
                role=role, roles=", ".join(CONTACT_ROLES)
            )
        )
    return role


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: Any, length: int | None = None) -> bytes:
    """Bytes from base64 text; ValueError when it is not (or not `length` bytes long)."""
    if not isinstance(text, str):
        raise ValueError("not base64 text")
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise ValueError("not base64 text") from None
    if length is not None and len(data) != length:
        raise ValueError("wrong length")
    return data


def canonical(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def raw_public(key: Ed25519PrivateKey | X25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def receiving_private_key(conn: Connection) -> X25519PrivateKey:
    return X25519PrivateKey.from_private_bytes(keys_repo.receiving_private_bytes(conn))


def key_id(receiving_public: bytes) -> str:
    """The recipient key id in a package header: 16 hex digits of SHA-256 of the X25519 key."""
    return hashlib.sha256(b"aftercare receiving key" + receiving_public).hexdigest()[:16]


def fingerprint(signing_public: bytes, receiving_public: bytes) -> str:
    """Six groups of five digits from SHA-256 of both public keys, e.g. `04721 88310 ...`."""
    digest = hashlib.sha256(b"aftercare contact" + signing_public + receiving_public).digest()
    digits_count = FINGERPRINT_GROUPS * FINGERPRINT_GROUP_DIGITS
    digits = str(int.from_bytes(digest, "big") % 10**digits_count).zfill(digits_count)
    step = FINGERPRINT_GROUP_DIGITS
    return " ".join(digits[i : i + step] for i in range(0, digits_count, step))


def fingerprint_digits(text: str) -> str:
    """Only the digits of a typed fingerprint: spaces, dashes and full-width digits allowed."""
    return "".join(str(int(ch)) for ch in text if ch.isdecimal())


@dataclass(frozen=True)
class ContactCard:
    unit_code: str
    name: str
    role: str
    signing_key: bytes  # Ed25519 public, raw
    receiving_key: bytes  # X25519 public, raw

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.signing_key, self.receiving_key)


def make_card(
    unit_code: str, name: str, role: str, signing: Ed25519PrivateKey, receiving_public: bytes
) -> bytes:
    """The card file of this vault, signed with its unit key."""
    doc: dict[str, Any] = {
        "format": CARD_FORMAT,
        "version": CARD_VERSION,
        "unit_code": unit_code,
        "name": name,
        "role": require_role(role),
        "signing_key": b64(raw_public(signing)),
        "receiving_key": b64(receiving_public),
    }
    doc["signature"] = b64(signing.sign(canonical(doc)))
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def read_card(raw: bytes, source: str = "card") -> ContactCard:
    """The card in `raw`, or AftercareError saying what is wrong with it."""

    def bad(reason: str) -> AftercareError:
        return AftercareError(
            _("{source} is not a valid Aftercare contact card: {reason}.").format(
                source=source, reason=reason
            )
        )

    if len(raw) > MAX_CARD_BYTES:
        raise bad(_("it is too large"))
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise bad(_("it is not JSON text")) from None
    if not isinstance(doc, dict) or doc.get("format") != CARD_FORMAT:
        raise bad(_("the format is not {format}").format(format=CARD_FORMAT))
    if doc.get("version") != CARD_VERSION:
        raise bad(_("version {version} is not known").format(version=doc.get("version")))
    if set(doc) != {*CARD_KEYS, "signature"}:
        raise bad(_("its fields are not those of a card"))
    for key in ("unit_code", "name", "role"):
        if not isinstance(doc[key], str) or not doc[key].strip():
            raise bad(_("“{key}” is empty").format(key=key))
    if doc["role"] not in CONTACT_ROLES:
        raise bad(_("the role “{role}” is not known").format(role=doc["role"]))
    try:
        signing = unb64(doc["signing_key"], 32)
        receiving = unb64(doc["receiving_key"], 32)
        signature = unb64(doc["signature"], 64)
    except ValueError:
        raise bad(_("a key is damaged")) from None
    unsigned = {key: doc[key] for key in CARD_KEYS}
    try:
        Ed25519PublicKey.from_public_bytes(signing).verify(signature, canonical(unsigned))
    except (InvalidSignature, ValueError):
        raise bad(_("its signature does not match; it was changed or damaged")) from None
    return ContactCard(
        doc["unit_code"].strip(), doc["name"].strip(), doc["role"], signing, receiving
    )
