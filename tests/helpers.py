"""Shared test helpers: vault constants, running the command, scanning files, a fake clock.

Everything here works on real files: a real SQLCipher vault in `tmp_path`, the real
`aftercare` command (in-process or as a child process), real bytes on disk. Fixtures that
use these live in tests/conftest.py.

    ADMIN, ADMIN_PASSPHRASE, UNIT_CODE, ...   what the template vault is made with
    TEAM                                      one user per role in the "team" vault
    credentials(name)                         env vars that sign `name` in for the command
    run_cli(argv, capsys, env=...)            `aftercare ...` in this process -> CliResult
    run_cli_subprocess(argv, env=...)         `aftercare ...` as a child process, no terminal
    scan_for_sentinels(folder, sentinels)     which files hold which secret, in any encoding
    data_key(folder, recovery_code)           the data key, from the recovery slot (no Argon2id:
                                              fast, for checks with a raw connection)
    FakeClock                                 a clock for Vault(clock=...) that moves on demand
    flip_bytes(path, offset)                  damage a file in place
    key_slots(data)                           the slots of a key file, without its audit head
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

UNIT_CODE = "350100-S01"
UNIT_NAME = "Fuzhou Test Shelter"
PREFECTURE = "350100"
ADMIN = "admin"
ADMIN_PASSPHRASE = "correct horse battery"

# The team vault: one user per role (name -> (role, passphrase)); the admin is the template's.
TEAM: dict[str, tuple[str, str]] = {
    ADMIN: ("admin", ADMIN_PASSPHRASE),
    "wang": ("caseworker", "river stone lantern 42"),
    "li": ("health", "quiet orchard bicycle 7"),
    "zhao": ("legal", "copper kettle meadow 19"),
    "chen": ("supervisor", "amber tiger window 88"),
}

# Variables the command reads; cleared for every run so one test's choice never leaks.
CREDENTIAL_VARS = ("AFTERCARE_USER", "AFTERCARE_PASSPHRASE", "AFTERCARE_NEW_PASSPHRASE")


def credentials(name: str = ADMIN, passphrase: str | None = None) -> dict[str, str]:
    """Env vars that sign `name` in (a TEAM member's passphrase unless given)."""
    return {
        "AFTERCARE_USER": name,
        "AFTERCARE_PASSPHRASE": passphrase if passphrase is not None else TEAM[name][1],
    }


@dataclass(frozen=True)
class CliResult:
    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]


@contextlib.contextmanager
def env_vars(values: Mapping[str, str | None]) -> Iterator[None]:
    """Set (or, with None, remove) environment variables for the block, then put them back."""
    saved = {name: os.environ.get(name) for name in values}
    try:
        for name, value in values.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _current_umask() -> int:
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


def run_cli(
    argv: Iterable[str], capsys, *, env: Mapping[str, str] | None = None, lang: str = "en"
) -> CliResult:
    """Run `aftercare <argv>` in this process through the entry point `ui.entry.main`, messages in `lang`.

    Credentials come only from `env` (see `credentials()`); stdin is pytest's, which is not a
    terminal, so a missing passphrase fails as it would in a script. The locale and umask
    the command sets are restored afterwards.
    """
    from app import i18n
    from ui.entry import main

    values: dict[str, str | None] = dict.fromkeys(CREDENTIAL_VARS)
    values.update(env or {})
    locale, umask = i18n.current_locale(), _current_umask()
    capsys.readouterr()  # drop what the test printed before
    try:
        with env_vars(values):
            try:
                code = main(["--lang", lang, *argv])
            except SystemExit as exc:  # argparse usage errors and --help
                code = exc.code if isinstance(exc.code, int) else 1
    finally:
        i18n.set_locale(locale)
        os.umask(umask)
    captured = capsys.readouterr()
    return CliResult(code, captured.out, captured.err)


def child_env(env: Mapping[str, str] | None = None, lang: str = "en") -> dict[str, str]:
    """The environment for a child process: this one's, minus credentials, plus `env`."""
    values = {k: v for k, v in os.environ.items() if k not in CREDENTIAL_VARS}
    values["AFTERCARE_LANG"] = lang
    values["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), values.get("PYTHONPATH")]))
    values.update(env or {})
    return values


CLI_LAUNCHER = "import sys; from ui.entry import main; sys.exit(main())"


def run_cli_subprocess(
    argv: Iterable[str], *, env: Mapping[str, str] | None = None, timeout: float = 60
) -> CliResult:
    """Run `aftercare <argv>` as a child process with no terminal (stdin from /dev/null)."""
    done = subprocess.run(
        [sys.executable, "-c", CLI_LAUNCHER, *argv],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=child_env(env),
        cwd=REPO_ROOT,
        timeout=timeout,
        check=False,
    )
    return CliResult(done.returncode, done.stdout, done.stderr)


def _encodings(sentinel: str) -> list[bytes]:
    forms = {sentinel.encode("utf-8"), sentinel.encode("utf-16-le"), sentinel.encode("utf-16-be")}
    with contextlib.suppress(UnicodeEncodeError):
        forms.add(sentinel.encode("gb18030"))
    return sorted(forms)


def scan_for_sentinels(folder: Path, sentinels: Iterable[str]) -> list[tuple[str, str]]:
    """Every (file, sentinel) where a file under `folder` holds the sentinel in its bytes
    (UTF-8, UTF-16 or GB18030) or in its name. An empty list means nothing leaked."""
    sentinels = list(sentinels)
    found = []
    for path in sorted(Path(folder).rglob("*")):
        relative = str(path.relative_to(folder))
        for sentinel in sentinels:
            if sentinel.casefold() in relative.casefold():
                found.append((relative, sentinel))
        if not path.is_file():
            continue
        try:
            data = path.read_bytes()
        except FileNotFoundError:  # a temp file that went away while we looked
            continue
        for sentinel in sentinels:
            if any(form in data for form in _encodings(sentinel)):
                found.append((relative, sentinel))
    return found


def folder_snapshot(folder: Path) -> dict[str, bytes]:
    """Every file's bytes under `folder`, by relative path, to prove nothing changed."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(Path(folder).rglob("*"))
        if p.is_file()
    }


def key_slots(data: bytes) -> list[dict]:
    """The slots of a key file's bytes, without the audit head it also carries (which every
    unlock and lock rewrites, app.vault.audit_head): to prove that no slot changed."""
    import json

    return json.loads(data)["slots"]


def flip_bytes(path: Path, offset: int, count: int = 16) -> None:
    """Invert `count` bytes of the file at `offset`, in place."""
    data = bytearray(Path(path).read_bytes())
    for i in range(offset, min(offset + count, len(data))):
        data[i] ^= 0xFF
    Path(path).write_bytes(bytes(data))


def data_key(folder: Path, recovery_code: str) -> bytes:
    """The vault's data key, opened from the recovery slot (HKDF only, so it costs nothing).

    For checks through a raw `app.storage.connection.connect(folder / "vault.db", key)`;
    tests of the program's own paths unlock with a passphrase instead."""
    from app.vault import passphrase, slots

    slot_file, _spare = slots.read(Path(folder))
    digits = passphrase.normalise_recovery_code(recovery_code)
    return slots.open_slot(slot_file.vault_id, slot_file.recovery(), digits)


class FakeClock:
    """A clock for `Vault(folder, clock=...)`: returns `now`, which moves only when told."""

    def __init__(self, start: float = 1_800_000_000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
