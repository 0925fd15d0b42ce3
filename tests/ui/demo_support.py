"""A real demo vault for the list pages' tests: built once per session, copied per use.

`template(tmp_path_factory)` builds it (a few hundred invented cases, as of TODAY) the
first time it is asked for in a test process; `copy_of(template, folder)` is a file copy;
`Readers` unlocks a copy once per role and keeps it open for the tests of one module that
only read (each unlock is one Argon2id derivation).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from app import settings as app_settings
from app.context import AppContext
from app.demo_data import demo_users
from app.vault.vault import OpenVault, Vault

TODAY = dt.date(2026, 11, 28)
CASES = 300
PASSPHRASES = {role: (name, secret) for name, role, secret in demo_users()}

_template: Path | None = None


def template(tmp_path_factory) -> Path:
    global _template
    if _template is None:
        from app.demo_vault import create_demo_vault

        folder = tmp_path_factory.mktemp("demo-template") / "vault"
        create_demo_vault(folder, cases=CASES, today=TODAY)
        _template = folder
    return _template


def copy_of(source: Path, folder: Path) -> Path:
    shutil.copytree(source, folder)
    return folder


def unlock(folder: Path, role: str) -> OpenVault:
    return Vault(folder).unlock(*PASSPHRASES[role])


def context(folder: Path, opened: OpenVault) -> AppContext:
    return AppContext(folder, opened=opened, settings=app_settings.defaults(), today=lambda: TODAY)


class Readers:
    """One copy of the template, unlocked lazily once per role; `close()` locks them all."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._open: dict[str, AppContext] = {}

    def ctx(self, role: str) -> AppContext:
        if role not in self._open:
            self._open[role] = context(self.folder, unlock(self.folder, role))
        return self._open[role]

    def close(self) -> None:
        for ctx in self._open.values():
            ctx.lock()
        self._open.clear()
