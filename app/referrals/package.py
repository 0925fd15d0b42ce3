"""The referral package file (`aftercare-<random>.acpkg`): sealed to one vault, signed by another.

    {
      "header":    {"format": "aftercare.package", "version": 1, "package_id": "<32 hex>",
                    "kind": "referral" | "reply" | "ack" | "withdraw",
                    "recipient": "<key id of the recipient's receiving key>"},
      "body":      {"ephemeral": "<X25519 public, base64>", "nonce": "<base64>",
                    "ciphertext": "<AES-256-GCM, base64>"},
      "signature": "<Ed25519 over the canonical JSON of {header, body}, base64>"
    }

The header says nothing about the person, nor which unit sent it. The AES key is HKDF-SHA256
over the X25519 agreement of a fresh ephemeral key with the recipient's receiving key; the
header is the associated data, so changing any of it breaks decryption. The plaintext is
`{"sender": <Ed25519 public key>, "payload": {...}}` padded to a multiple of 4 KiB, so the
file's size says little about how much it holds. The sender's key inside the encryption must
be the key that made the signature: a contact cannot strip another's signature and sign the
file as its own.

A file from a stranger must cost little: its size is checked before it is read
(`read_file`), and the signature is checked against the contacts' keys before anything is
decrypted (`open_package(..., signers)`), so a package no contact signed is refused without
decrypting or parsing its body.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.errors import AftercareError
from app.referrals.keys import b64, canonical, key_id, raw_public, unb64
from app.vault import kdf

FORMAT = "aftercare.package"
VERSION = 1
KINDS = ("referral", "reply", "ack", "withdraw")
SUFFIX = ".acpkg"
PAD_TO = 4096
# A referral carries sections of one case: a few hundred KB at most. The cap keeps what a
# refused file can cost (the file, its text, its parsed JSON and the signed bytes, each about
# its size) under 100 MB.
MAX_PACKAGE_BYTES = 16 * 1024 * 1024
_HKDF_INFO = b"aftercare package v1"
_HEADER_KEYS = {"format", "version", "package_id", "kind", "recipient"}
_BODY_KEYS = {"ephemeral", "nonce", "ciphertext"}

# Why a package was refused; the service turns each into a message and an audit entry.
DAMAGED = "damaged"
WRONG_RECIPIENT = "wrong_recipient"
TAMPERED = "tampered"
NOT_FROM_A_CONTACT = "unknown_sender"  # no contact's key made the signature
TOO_LARGE = "too_large"


class PackageRefused(AftercareError):
    """The file cannot be accepted; `reason` is one of the codes above or the service's own."""

    def __init__(self, reason: str, package_id: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.package_id = package_id


@dataclass(frozen=True)
class Sealed:
    data: bytes
    package_id: str
    sha256: str


@dataclass(frozen=True)
class Opened:
    package_id: str
    kind: str
    sender: bytes  # the Ed25519 public key that signed it, raw
    payload: dict[str, Any]


def read_file(path: str | os.PathLike[str]) -> bytes:
    """A package file's bytes; PackageRefused(TOO_LARGE) without reading more than the
    largest package can be. OSError when the file cannot be read."""
    with open(path, "rb") as fh:
        data = fh.read(MAX_PACKAGE_BYTES + 1)
    if len(data) > MAX_PACKAGE_BYTES:
        raise PackageRefused(TOO_LARGE)
    return data


def new_file_name() -> str:
    """A file name that says nothing about the person or the units."""
    return f"aftercare-{secrets.token_hex(6)}{SUFFIX}"


def _aead_key(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    return kdf.hkdf(shared, ephemeral + recipient, _HKDF_INFO)


def seal(
    kind: str, payload: dict[str, Any], *, recipient: bytes, sender: Ed25519PrivateKey
) -> Sealed:
    """A package of `kind` holding `payload`, for the vault whose receiving key is `recipient`."""
    if kind not in KINDS:
        raise ValueError(f"unknown package kind {kind}")
    header = {
        "format": FORMAT,
        "version": VERSION,
        "package_id": secrets.token_hex(16),
        "kind": kind,
        "recipient": key_id(recipient),
    }
    plaintext = canonical({"sender": b64(raw_public(sender)), "payload": payload})
    plaintext += b" " * (-len(plaintext) % PAD_TO)  # JSON ignores trailing white space
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = raw_public(ephemeral)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient))
    nonce = os.urandom(12)
    ciphertext = AESGCM(_aead_key(shared, ephemeral_public, recipient)).encrypt(
        nonce, plaintext, canonical(header)
    )
    body = {"ephemeral": b64(ephemeral_public), "nonce": b64(nonce), "ciphertext": b64(ciphertext)}
    signature = sender.sign(canonical({"header": header, "body": body}))
    doc = {"header": header, "body": body, "signature": b64(signature)}
    data = (json.dumps(doc, indent=1) + "\n").encode("ascii")
    return Sealed(data, str(header["package_id"]), hashlib.sha256(data).hexdigest())


def _structure(raw: bytes) -> tuple[dict[str, Any], dict[str, Any], bytes]:
    """Header, body and signature of a well-formed file, or PackageRefused(DAMAGED)."""
    if len(raw) > MAX_PACKAGE_BYTES:
        raise PackageRefused(TOO_LARGE)
    try:
        doc = json.loads(raw.decode("ascii"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise PackageRefused(DAMAGED) from None
    if not isinstance(doc, dict) or set(doc) != {"header", "body", "signature"}:
        raise PackageRefused(DAMAGED)
    header, body = doc["header"], doc["body"]
    if not isinstance(header, dict) or set(header) != _HEADER_KEYS:
        raise PackageRefused(DAMAGED)
    if not isinstance(body, dict) or set(body) != _BODY_KEYS:
        raise PackageRefused(DAMAGED)
    if header["format"] != FORMAT or header["version"] != VERSION or header["kind"] not in KINDS:
        raise PackageRefused(DAMAGED)
    if not isinstance(header["package_id"], str) or not isinstance(header["recipient"], str):
        raise PackageRefused(DAMAGED)
    try:
        signature = unb64(doc["signature"], 64)
    except ValueError:
        raise PackageRefused(DAMAGED, header["package_id"]) from None
    return header, body, signature


def open_package(raw: bytes, receiving: X25519PrivateKey, signers: Iterable[bytes]) -> Opened:
    """Check and decrypt a package meant for the vault holding `receiving`, signed with one of
    the Ed25519 keys `signers` (the contacts' keys, raw).

    Raises PackageRefused: TOO_LARGE, DAMAGED (not a package, or cut short), WRONG_RECIPIENT
    (sealed to another vault), NOT_FROM_A_CONTACT (no key of `signers` made the signature:
    a stranger's file, or one changed after sealing; nothing is decrypted) or TAMPERED (the
    sender inside is not the signer, or the seal is broken). Whether the signer is a
    verified contact is for the caller to decide.
    """
    header, body, signature = _structure(raw)
    package_id = header["package_id"]
    own_public = raw_public(receiving)
    if header["recipient"] != key_id(own_public):
        raise PackageRefused(WRONG_RECIPIENT, package_id)
    signer = _signer(canonical({"header": header, "body": body}), signature, signers)
    if signer is None:
        raise PackageRefused(NOT_FROM_A_CONTACT, package_id)
    try:
        ephemeral = unb64(body["ephemeral"], 32)
        nonce = unb64(body["nonce"], 12)
        ciphertext = unb64(body["ciphertext"])
    except ValueError:
        raise PackageRefused(DAMAGED, package_id) from None
    try:
        shared = receiving.exchange(X25519PublicKey.from_public_bytes(ephemeral))
        plaintext = AESGCM(_aead_key(shared, ephemeral, own_public)).decrypt(
            nonce, ciphertext, canonical(header)
        )
        inner = json.loads(plaintext.decode("utf-8"))
        sender = unb64(inner["sender"], 32)
        payload = inner["payload"]
    except (InvalidTag, ValueError, KeyError, TypeError, RecursionError):
        raise PackageRefused(TAMPERED, package_id) from None
    if sender != signer or not isinstance(payload, dict):
        raise PackageRefused(TAMPERED, package_id)
    return Opened(package_id, header["kind"], sender, payload)


def _signer(signed: bytes, signature: bytes, signers: Iterable[bytes]) -> bytes | None:
    for candidate in signers:
        try:
            Ed25519PublicKey.from_public_bytes(candidate).verify(signature, signed)
        except (InvalidSignature, ValueError):
            continue
        return candidate
    return None
