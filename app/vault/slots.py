"""The key slot file `vault.keys`: the data key, wrapped once per user and once for recovery.

Each slot holds an X25519 key pair. Its private key is wrapped (AES-256-GCM) under a key
derived from the user's passphrase (Argon2id) or from the recovery code (HKDF over ~133
random bits). The data key is sealed to the slot's public key (ephemeral X25519, HKDF,
AES-256-GCM). The public half is what lets an administrator rotate the data key when a user
is removed and re-wrap every remaining slot without knowing anyone's passphrase.

Everything a slot says about itself (slot id, kind, user id, KDF parameters, public key) is
bound as associated data to both ciphertexts, so an edited slot fails to open instead of
yielding a wrong key or another user's identity. Names are never stored here: a user is
found by a salted hash of their login name.

The file is written atomically twice, as `vault.keys` and its spare copy `vault.keys.bak`;
a damaged copy is replaced from the other at the next unlock.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from app.errors import AftercareError
from app.fileio import atomic_write_bytes
from app.i18n import _
from app.vault import kdf

FORMAT = "aftercare.keys"
VERSION = 1
USER = "user"
RECOVERY = "recovery"


class SlotOpenFailed(Exception):
    """The secret does not open this slot (wrong passphrase or code, or an edited slot)."""


def _b(data: bytes) -> str:
    return data.hex()


def _raw_public(key: X25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def _raw_private(key: X25519PrivateKey) -> bytes:
    return key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())


@dataclass
class Slot:
    slot_id: str
    kind: str  # USER or RECOVERY
    user_id: int | None
    name_tag: str | None  # salted hash of the casefolded login name; None for recovery
    kdf_record: dict[str, Any]  # Argon2id parameters for users; HKDF salt for recovery
    public_key: bytes
    wrapped_private: dict[str, Any]  # {"nonce", "ct"} under the passphrase/recovery key
    sealed_data_key: dict[str, Any] = field(default_factory=dict)  # {"ephemeral", "nonce", "ct"}

    def associated_data(self, vault_id: str) -> bytes:
        bound = {
            "vault": vault_id,
            "slot": self.slot_id,
            "kind": self.kind,
            "user": self.user_id,
            "kdf": self.kdf_record,
            "public_key": _b(self.public_key),
        }
        return json.dumps(bound, sort_keys=True, separators=(",", ":")).encode()

    def as_record(self) -> dict[str, Any]:
        return {
            "id": self.slot_id,
            "kind": self.kind,
            "user_id": self.user_id,
            "name_tag": self.name_tag,
            "kdf": self.kdf_record,
            "public_key": _b(self.public_key),
            "private_key": self.wrapped_private,
            "data_key": self.sealed_data_key,
        }

    @classmethod
    def from_record(cls, r: dict[str, Any]) -> Slot:
        return cls(
            slot_id=str(r["id"]),
            kind=r["kind"],
            user_id=r["user_id"],
            name_tag=r["name_tag"],
            kdf_record=dict(r["kdf"]),
            public_key=bytes.fromhex(r["public_key"]),
            wrapped_private={"nonce": r["private_key"]["nonce"], "ct": r["private_key"]["ct"]},
            sealed_data_key={k: r["data_key"][k] for k in ("ephemeral", "nonce", "ct")},
        )


def _slot_secret_key(slot: Slot, secret: str) -> bytes:
    """The key that wraps the slot's private key, from a passphrase or a recovery code."""
    if slot.kind == USER:
        return kdf.derive(secret, kdf.KdfParams.from_record(slot.kdf_record))
    salt = bytes.fromhex(slot.kdf_record["salt"])
    return kdf.hkdf(secret.encode(), salt, b"aftercare recovery slot")


def _seal(data_key: bytes, public_key: bytes, aad: bytes) -> dict[str, Any]:
    ephemeral = X25519PrivateKey.generate()
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(public_key))
    eph_pub = _raw_public(ephemeral.public_key())
    wrap_key = kdf.hkdf(shared, eph_pub + public_key, b"aftercare data key seal")
    nonce = os.urandom(12)
    return {
        "ephemeral": _b(eph_pub),
        "nonce": _b(nonce),
        "ct": _b(AESGCM(wrap_key).encrypt(nonce, data_key, aad)),
    }


def _unseal(
    sealed: dict[str, Any], private: X25519PrivateKey, public_key: bytes, aad: bytes
) -> bytes:
    eph_pub = bytes.fromhex(sealed["ephemeral"])
    shared = private.exchange(X25519PublicKey.from_public_bytes(eph_pub))
    wrap_key = kdf.hkdf(shared, eph_pub + public_key, b"aftercare data key seal")
    return AESGCM(wrap_key).decrypt(
        bytes.fromhex(sealed["nonce"]), bytes.fromhex(sealed["ct"]), aad
    )


def make_slot(
    vault_id: str,
    *,
    kind: str,
    user_id: int | None,
    name_tag: str | None,
    secret: str,
    data_key: bytes,
    kdf_params: kdf.KdfParams | None = None,
) -> Slot:
    if kind == USER:
        params = (kdf_params or kdf.calibrate()).with_new_salt()
        kdf_record = params.as_record()
    else:
        kdf_record = {"alg": "hkdf-sha256", "salt": _b(os.urandom(16))}
    private = X25519PrivateKey.generate()
    slot = Slot(
        slot_id=secrets.token_hex(8),
        kind=kind,
        user_id=user_id,
        name_tag=name_tag,
        kdf_record=kdf_record,
        public_key=_raw_public(private.public_key()),
        wrapped_private={},
    )
    aad = slot.associated_data(vault_id)
    nonce = os.urandom(12)
    secret_key = _slot_secret_key(slot, secret)
    slot.wrapped_private = {
        "nonce": _b(nonce),
        "ct": _b(AESGCM(secret_key).encrypt(nonce, _raw_private(private), aad)),
    }
    slot.sealed_data_key = _seal(data_key, slot.public_key, aad)
    return slot


def open_private(vault_id: str, slot: Slot, secret: str) -> X25519PrivateKey:
    """The slot's private key (the costly part: an Argon2id derivation), or SlotOpenFailed."""
    aad = slot.associated_data(vault_id)
    try:
        secret_key = _slot_secret_key(slot, secret)
        raw = AESGCM(secret_key).decrypt(
            bytes.fromhex(slot.wrapped_private["nonce"]),
            bytes.fromhex(slot.wrapped_private["ct"]),
            aad,
        )
        private = X25519PrivateKey.from_private_bytes(raw)
    except (InvalidTag, ValueError, KeyError) as exc:
        raise SlotOpenFailed from exc
    if _raw_public(private.public_key()) != slot.public_key:
        raise SlotOpenFailed
    return private


def unseal(vault_id: str, slot: Slot, private: X25519PrivateKey) -> bytes:
    """The data key sealed to the slot, with its private key; SlotOpenFailed if edited.

    The same slot re-sealed to a new data key (a rotation in progress) opens with the same
    private key, so trying both costs one derivation."""
    try:
        return _unseal(
            slot.sealed_data_key, private, slot.public_key, slot.associated_data(vault_id)
        )
    except (InvalidTag, ValueError, KeyError) as exc:
        raise SlotOpenFailed from exc


def open_slot(vault_id: str, slot: Slot, secret: str) -> bytes:
    """The data key, or SlotOpenFailed."""
    return unseal(vault_id, slot, open_private(vault_id, slot, secret))


def reseal(vault_id: str, slot: Slot, new_data_key: bytes) -> None:
    """Wrap a new data key for this slot; no passphrase needed (key rotation)."""
    slot.sealed_data_key = _seal(new_data_key, slot.public_key, slot.associated_data(vault_id))


def rewrap_secret(
    vault_id: str, slot: Slot, old_secret: str, new_secret: str, data_key: bytes
) -> Slot:
    """A fresh slot for the same user under a new passphrase (the old one is replaced)."""
    open_slot(vault_id, slot, old_secret)
    return make_slot(
        vault_id,
        kind=slot.kind,
        user_id=slot.user_id,
        name_tag=slot.name_tag,
        secret=new_secret,
        data_key=data_key,
        kdf_params=kdf.KdfParams.from_record(slot.kdf_record) if slot.kind == USER else None,
    )


@dataclass
class SlotFile:
    vault_id: str
    name_salt: bytes
    slots: list[Slot]
    # The audit trail's head with its HMAC (app.vault.audit_head); None in older files.
    audit_head: dict[str, Any] | None = None

    def name_tag(self, login_name: str) -> str:
        normalised = login_name.strip().casefold().encode("utf-8")
        return hashlib.sha256(self.name_salt + normalised).hexdigest()

    def find_user(self, login_name: str) -> Slot | None:
        tag = self.name_tag(login_name)
        return next((s for s in self.slots if s.kind == USER and s.name_tag == tag), None)

    def users_named(self, login_name: str) -> list[Slot]:
        """Every user slot for this name: one, unless someone added slots behind the program's
        back (unlocking tries each; the database says which one is the user's)."""
        tag = self.name_tag(login_name)
        return [s for s in self.slots if s.kind == USER and s.name_tag == tag]

    def recovery(self) -> Slot | None:
        return next((s for s in self.slots if s.kind == RECOVERY), None)

    def recoveries(self) -> list[Slot]:
        return [s for s in self.slots if s.kind == RECOVERY]

    def accounted(
        self, user_slots: dict[int, str], recovery_slot: str | None
    ) -> tuple[list[Slot], list[Slot]]:
        """(kept, dropped): a slot is kept when the database accounts for it: a user row that
        names this slot id, or the one recovery slot the database records. Anything else was
        added behind the program's back (or outlived a crash) and must not get a data key."""
        kept: list[Slot] = []
        dropped: list[Slot] = []
        for slot in self.slots:
            if slot.kind == USER:
                ok = slot.user_id is not None and user_slots.get(slot.user_id) == slot.slot_id
            else:
                ok = slot.kind == RECOVERY and slot.slot_id == recovery_slot
            (kept if ok else dropped).append(slot)
        return kept, dropped

    def by_user_id(self, user_id: int) -> Slot | None:
        return next((s for s in self.slots if s.kind == USER and s.user_id == user_id), None)

    def user_slot(self, user_id: int) -> Slot:
        """The slot of a user who has one, as every signed-in user does."""
        slot = self.by_user_id(user_id)
        if slot is None:
            raise KeyError(f"user {user_id} has no key slot")
        return slot

    def to_bytes(self) -> bytes:
        doc = {
            "format": FORMAT,
            "version": VERSION,
            "vault_id": self.vault_id,
            "name_salt": _b(self.name_salt),
            "slots": [s.as_record() for s in self.slots],
        }
        if self.audit_head is not None:
            doc["audit_head"] = self.audit_head
        return json.dumps(doc, indent=1, sort_keys=True).encode()

    @classmethod
    def from_bytes(cls, raw: bytes) -> SlotFile:
        doc = json.loads(raw.decode("utf-8"))
        if doc.get("format") != FORMAT or doc.get("version") != VERSION:
            raise ValueError("not a key slot file of a known version")
        return cls(
            vault_id=str(doc["vault_id"]),
            name_salt=bytes.fromhex(doc["name_salt"]),
            slots=[Slot.from_record(r) for r in doc["slots"]],
            audit_head=doc.get("audit_head"),
        )


def keys_path(folder: Path) -> Path:
    return folder / "vault.keys"


def spare_path(folder: Path) -> Path:
    return folder / "vault.keys.bak"


def read(folder: Path) -> tuple[SlotFile, bool]:
    """The slot file, from `vault.keys` or else its spare; the flag says the spare was used."""
    for path, from_spare in ((keys_path(folder), False), (spare_path(folder), True)):
        try:
            return SlotFile.from_bytes(path.read_bytes()), from_spare
        except FileNotFoundError:
            continue
        except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
            continue
    raise AftercareError(
        _(
            "The key file {path} and its spare copy are missing or damaged; the vault cannot be unlocked. Restore from a backup."
        ).format(path=keys_path(folder))
    )


def write(folder: Path, slot_file: SlotFile) -> None:
    data = slot_file.to_bytes()
    atomic_write_bytes(keys_path(folder), data)
    atomic_write_bytes(spare_path(folder), data)
