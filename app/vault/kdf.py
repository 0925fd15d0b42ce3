"""Key derivation for key slots: Argon2id for passphrases, HKDF for the recovery code.

Argon2id parameters are stored in each slot, so a slot made on a slow laptop still opens on a
fast one and vice versa. New slots are calibrated so unlocking takes about 0.5-1 s on the
machine that makes them, never below 64 MiB and 3 passes.
"""

from __future__ import annotations

import os
import time
from dataclasses import asdict, dataclass
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MIN_MEMORY_KIB = 64 * 1024
MIN_PASSES = 3
MAX_MEMORY_KIB = 1024 * 1024
TARGET_SECONDS = (0.5, 1.0)


@dataclass(frozen=True)
class KdfParams:
    memory_kib: int = MIN_MEMORY_KIB
    passes: int = MIN_PASSES
    lanes: int = 1
    salt: bytes = b""

    def with_new_salt(self) -> KdfParams:
        return KdfParams(self.memory_kib, self.passes, self.lanes, os.urandom(16))

    def as_record(self) -> dict[str, Any]:
        record = asdict(self)
        record["alg"] = "argon2id"
        record["salt"] = self.salt.hex()
        return record

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> KdfParams:
        if record.get("alg") != "argon2id":
            raise ValueError("unknown KDF")
        params = cls(
            int(record["memory_kib"]),
            int(record["passes"]),
            int(record["lanes"]),
            bytes.fromhex(record["salt"]),
        )
        if (
            params.memory_kib < MIN_MEMORY_KIB
            or params.passes < MIN_PASSES
            or len(params.salt) < 16
        ):
            raise ValueError("KDF parameters below the minimum")
        if params.memory_kib > 4 * MAX_MEMORY_KIB or params.passes > 64 or params.lanes > 16:
            raise ValueError("KDF parameters out of range")
        return params


def derive(passphrase: str, params: KdfParams) -> bytes:
    return hash_secret_raw(
        secret=passphrase.encode("utf-8"),
        salt=params.salt,
        time_cost=params.passes,
        memory_cost=params.memory_kib,
        parallelism=params.lanes,
        hash_len=32,
        type=Type.ID,
    )


def calibrate() -> KdfParams:
    """Raise memory, then passes, from the minimum until one derivation takes >= 0.5 s.

    Set AFTERCARE_KDF_CALIBRATE=0 to use the minimum parameters (still 64 MiB, 3 passes),
    which the test suite does so that each unlock costs a fraction of a second.
    """
    if os.environ.get("AFTERCARE_KDF_CALIBRATE") == "0":
        return KdfParams().with_new_salt()
    params = KdfParams(salt=os.urandom(16))
    while True:
        started = time.perf_counter()
        derive("calibration", params)
        elapsed = time.perf_counter() - started
        if elapsed >= TARGET_SECONDS[0]:
            return params
        # Scale towards the middle of the target window, memory first (it costs attackers most).
        factor = max(1.2, min(4.0, 0.7 / max(elapsed, 0.01)))
        if params.memory_kib < MAX_MEMORY_KIB:
            memory = min(MAX_MEMORY_KIB, int(params.memory_kib * factor) // 1024 * 1024)
            params = KdfParams(memory, params.passes, params.lanes, params.salt)
        else:
            params = KdfParams(
                params.memory_kib, int(params.passes * factor) + 1, params.lanes, params.salt
            )


def hkdf(secret: bytes, salt: bytes, info: bytes, length: int = 32) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(secret)


def dummy_derivation(secret: str, slot_file: object) -> None:
    """The work of a real try, for a login name that has no slot: a derivation with the
    parameters of the vault's first user slot (or the minimum), so that an unknown name
    costs what a wrong passphrase costs and its answer comes no sooner."""
    params = KdfParams()
    for slot in getattr(slot_file, "slots", []):
        if slot.kind == "user":
            try:
                params = KdfParams.from_record(slot.kdf_record)
            except (ValueError, KeyError, TypeError):
                continue
            break
    derive(secret, params.with_new_salt())
