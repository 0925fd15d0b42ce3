"""Ed25519 signatures of summaries (summary-v1).

The signature covers the canonical bytes of the document without its `signature` member:
`json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"))` in UTF-8. The
key id is the first 16 hex digits of SHA-256 of the raw 32-byte public key; it is what the
PJC Office registers for each unit (`unit_key_record`, read back by rollup.load_trust_file).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from app.errors import AftercareError
from app.i18n import _

ALG = "ed25519"
SIGNATURE_KEYS = ("alg", "key_id", "public_key", "value")


def canonical_bytes(doc: dict[str, Any]) -> bytes:
    """The bytes that are signed: the document without `signature`, canonical JSON."""
    unsigned = {key: value for key, value in doc.items() if key != "signature"}
    return json.dumps(unsigned, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode(
        "utf-8"
    )


def key_id(public_key_raw: bytes) -> str:
    return hashlib.sha256(public_key_raw).hexdigest()[:16]


def public_key_raw(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def unit_key_record(unit_code: str, prefecture: str, public_key: bytes) -> dict[str, str]:
    """What `aftercare unit-key` prints for registering a unit with the PJC Office."""
    return {
        "unit": unit_code,
        "prefecture": prefecture,
        "key_id": key_id(public_key),
        "public_key": base64.b64encode(public_key).decode("ascii"),
    }


def sign_summary(
    doc_without_signature: dict[str, Any], private_key: Ed25519PrivateKey
) -> dict[str, Any]:
    """A copy of the document with its `signature` (any earlier signature is replaced)."""
    unsigned = {k: v for k, v in doc_without_signature.items() if k != "signature"}
    raw = public_key_raw(private_key)
    value = private_key.sign(canonical_bytes(unsigned))
    return {
        **unsigned,
        "signature": {
            "alg": ALG,
            "key_id": key_id(raw),
            "public_key": base64.b64encode(raw).decode("ascii"),
            "value": base64.b64encode(value).decode("ascii"),
        },
    }


def _b64(text: Any, size: int, what: str) -> bytes:
    try:
        if not isinstance(text, str):
            raise ValueError
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, binascii.Error, UnicodeEncodeError):
        data = b""
    if len(data) != size:
        raise AftercareError(
            _("The signature's {what} is not {size} bytes of base64.").format(what=what, size=size)
        )
    return data


def verify_summary(doc: dict[str, Any]) -> None:
    """Raise AftercareError unless `doc` carries a valid Ed25519 signature of its content.

    This proves only that the holder of the key in the document signed it; whether that key
    belongs to the unit is for a trust list to say (rollup).
    """
    signature = doc.get("signature") if isinstance(doc, dict) else None
    if signature is None:
        raise AftercareError(_("The summary is not signed."))
    if not isinstance(signature, dict) or set(signature) != set(SIGNATURE_KEYS):
        raise AftercareError(
            _("The signature must have exactly the keys {keys}.").format(
                keys=", ".join(SIGNATURE_KEYS)
            )
        )
    if signature["alg"] != ALG:
        raise AftercareError(
            _("Signature algorithm {alg} is not supported.").format(alg=signature["alg"])
        )
    raw = _b64(signature["public_key"], 32, "public_key")
    if signature["key_id"] != key_id(raw):
        raise AftercareError(_("The signature's key_id does not match its public key."))
    value = _b64(signature["value"], 64, "value")
    try:
        Ed25519PublicKey.from_public_bytes(raw).verify(value, canonical_bytes(doc))
    except (InvalidSignature, ValueError) as exc:
        raise AftercareError(
            _("The signature does not match the content: the file was changed after signing.")
        ) from exc
