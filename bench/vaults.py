"""The vaults the benchmarks run on: an encrypted demo vault and its plain twin, per size.

Both are built once and cached in bench/.cache/ (git-ignored), keyed by size, seed and
schema version. The encrypted one is made by `app.demo_vault.create_demo_vault`, exactly as
`aftercare demo` makes it. The plain twin is an unencrypted SQLite database built by the same
code (`connect(path, None)`, the same migrations, the same services): `open_plain_twin`
wraps it in an `OpenVault` with no key slots, which is all the services need.
"""

from __future__ import annotations

import json
import secrets
import shutil
import time
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from app import audit
from app.codes import Role
from app.demo_data import DEFAULT_TODAY, demo_users, generate_cases
from app.demo_vault import DEMO_UNIT, create_demo_vault
from app.services import Services
from app.storage import migrations
from app.storage.connection import connect, transaction
from app.vault.vault import DB_NAME, OpenVault, User, Vault

CACHE = Path(__file__).resolve().parent / ".cache"
SEED = 1
TODAY = DEFAULT_TODAY  # fixed, so a cached vault stays valid and results are comparable
BENCH_USER = "caseworker"  # the role that does the daily work: reads and writes case files


def _passphrase(name: str) -> str:
    return next(p for n, _role, p in demo_users() if n == name)


def _key(size: int) -> str:
    # Not keyed by schema version: a cached vault is upgraded in place (`_upgrade_*`) when
    # the schema moves on, as a user's vault would be, instead of rebuilt.
    return f"{size}-s{SEED}"


def encrypted_folder(size: int) -> Path:
    return CACHE / f"vault-{_key(size)}"


def plain_folder(size: int) -> Path:
    return CACHE / f"plain-{_key(size)}"


def _build_info(folder: Path) -> dict | None:
    info = folder / "built.json"
    return json.loads(info.read_text()) if info.exists() else None


def ensure_encrypted(size: int, log=print) -> dict:
    """Build the encrypted demo vault of `size` cases unless cached; returns its build info."""
    folder = encrypted_folder(size)
    info = _build_info(folder)
    if info is not None:
        _upgrade_encrypted(folder)
        return info
    shutil.rmtree(folder, ignore_errors=True)
    log(f"building the encrypted demo vault of {size:,} cases (cached in {folder.name}) ...")
    started = time.perf_counter()
    create_demo_vault(folder, cases=size, seed=SEED, today=TODAY)
    info = {"cases": size, "build_s": round(time.perf_counter() - started, 2)}
    info["built_on"] = time.strftime("%Y-%m-%d")
    (folder / "built.json").write_text(json.dumps(info))
    return info


def _upgrade_encrypted(folder: Path) -> None:
    """Bring a cached vault to the latest schema: unlocking upgrades it, after a backup that
    a cache has no use for."""
    unlock(folder).lock()
    shutil.rmtree(folder / "backups", ignore_errors=True)


def _create_plain(folder: Path) -> OpenVault:
    """An unencrypted vault database with the same schema, unit, users and audit key as
    `Vault.create` writes, opened as the caseworker. No key slots: nothing to unlock."""
    folder.mkdir(parents=True, exist_ok=True)
    conn = connect(folder / DB_NAME, None)
    migrations.migrate(conn)
    signing_key = Ed25519PrivateKey.generate().private_bytes(
        Encoding.Raw, PrivateFormat.Raw, NoEncryption()
    )
    now = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
    with transaction(conn):
        conn.execute("INSERT INTO meta (key, value) VALUES ('vault_id', ?)", (b"plain-twin",))
        conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?)",
            (audit.AUDIT_KEY, secrets.token_bytes(32)),
        )
        conn.execute(
            "INSERT INTO unit (id, code, name, prefecture, signing_key, created_at) VALUES (1,?,?,?,?,?)",
            (
                DEMO_UNIT["unit_code"],
                DEMO_UNIT["unit_name"],
                DEMO_UNIT["prefecture"],
                signing_key,
                now,
            ),
        )
        for user_id, (name, role, _secret) in enumerate(demo_users(), start=1):
            conn.execute(
                "INSERT INTO users (id, name, name_key, role, slot_id, created_at) VALUES (?,?,?,?,?,?)",
                (user_id, name, name.casefold(), role, f"plain-{user_id}", now),
            )
    conn.close()
    return open_plain_twin(folder)


def open_plain_twin(folder: Path) -> OpenVault:
    """The plain twin opened as the bench user, for the same services as the real vault."""
    conn = connect(folder / DB_NAME, None)
    user_id, name, role = conn.execute(
        "SELECT id, name, role FROM users WHERE name = ?", (BENCH_USER,)
    ).fetchone()
    # No key slots: the plain twin is opened without a key.
    return OpenVault(Vault(folder), conn, b"", User(user_id, name, role), slot_file=None)  # type: ignore[arg-type]


def ensure_plain(size: int, log=print) -> dict:
    """Build the plain twin of `size` cases unless cached, through the same import service."""
    folder = plain_folder(size)
    info = _build_info(folder)
    if info is not None:
        conn = connect(folder / DB_NAME, None)
        try:
            migrations.migrate(conn)
        finally:
            conn.close()
        return info
    shutil.rmtree(folder, ignore_errors=True)
    log(f"building the plain twin of {size:,} cases (cached in {folder.name}) ...")
    started = time.perf_counter()
    opened = _create_plain(folder)
    try:
        Services(opened, today=lambda: TODAY).transfer.import_generated(
            generate_cases(size, SEED, today=TODAY), total=size
        )
    finally:
        opened.lock()
    info = {"cases": size, "build_s": round(time.perf_counter() - started, 2)}
    (folder / "built.json").write_text(json.dumps(info))
    return info


def work_copy(source: Path, target: Path) -> Path:
    """A throw-away copy for the benchmarks that write (import, saves, backups)."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("backups", "built.json"))
    return target


def unlock(folder: Path) -> OpenVault:
    return Vault(folder).unlock(BENCH_USER, _passphrase(BENCH_USER))


assert Role.CASEWORKER.value == BENCH_USER
