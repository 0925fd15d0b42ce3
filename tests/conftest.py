"""Fixtures for the whole suite: real vaults in tmp_path, and the `aftercare` command.

Set at import time, before anything else is imported:
- QT_QPA_PLATFORM=offscreen, so UI tests need no display;
- AFTERCARE_KDF_CALIBRATE=0, so every new key slot uses Argon2id at the minimum (64 MiB,
  3 passes): an unlock costs about 0.25 s instead of the 0.5-1 s a real vault is tuned to;
- English messages, so tests can assert on them (tests that switch locale put it back).

Fixtures (all function-scoped, all in the test's own tmp_path, safe under pytest-xdist):

    make_vault(name="vault", *, team=False, **create_kwargs) -> (folder, recovery_code)
        A locked vault of unit UNIT_CODE with admin ADMIN / ADMIN_PASSPHRASE (tests/helpers.py).
        Without arguments it is a copy of a per-worker template, so it costs a file copy,
        not a vault creation. `team=True` copies a template that also has one user of every
        role (helpers.TEAM). Any keyword for `Vault.create` (e.g. `schema_version=1`,
        `unit_name=...`) creates a fresh vault with those settings instead.
    vault_folder -> Path                 shorthand for make_vault()[0]
    opened_vault -> OpenVault            the template copy, unlocked as the admin; locked after
    fake_clock -> FakeClock              for `Vault(folder, clock=fake_clock)`
    cli(*argv, env=None, lang="en") -> CliResult
        runs `aftercare <argv>` in-process (see helpers.run_cli); pass credentials with
        `env=helpers.credentials("wang")`.
    english                              English messages for the test, then the locale before
"""

from __future__ import annotations

import os
import tempfile

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ["AFTERCARE_KDF_CALIBRATE"] = "0"
# Settings and default vaults of any test that forgets its own data folder go to a scratch
# folder, never to the real user's data folder.
os.environ.setdefault("AFTERCARE_DATA_DIR", tempfile.mkdtemp(prefix="aftercare-tests-"))

import shutil
from pathlib import Path

import pytest

from app import i18n
from tests import helpers

i18n.set_locale("en")


def _create_vault(folder: Path, **create_kwargs):
    from app.vault.vault import Vault

    settings = {
        "unit_code": helpers.UNIT_CODE,
        "unit_name": helpers.UNIT_NAME,
        "prefecture": helpers.PREFECTURE,
        "admin_name": helpers.ADMIN,
        "admin_passphrase": helpers.ADMIN_PASSPHRASE,
    }
    settings.update(create_kwargs)
    opened, code = Vault.create(folder, **settings)
    return opened, code


@pytest.fixture(scope="session")
def _template_vault(tmp_path_factory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("template") / "vault"
    opened, code = _create_vault(folder)
    opened.lock()
    return folder, code


@pytest.fixture(scope="session")
def _team_template_vault(tmp_path_factory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("team-template") / "vault"
    opened, code = _create_vault(folder)
    try:
        for name, (role, secret) in helpers.TEAM.items():
            if name != helpers.ADMIN:
                opened.add_user(name, role, secret)
    finally:
        opened.lock()
    return folder, code


@pytest.fixture
def make_vault(tmp_path, request):
    """A factory of locked vaults in tmp_path; see the module docstring."""

    def make(name: str = "vault", *, team: bool = False, **create_kwargs) -> tuple[Path, str]:
        folder = tmp_path / name
        if create_kwargs:
            if team:
                raise ValueError("team=True copies a template; it takes no create arguments")
            opened, code = _create_vault(folder, **create_kwargs)
            opened.lock()
            return folder, code
        template, code = request.getfixturevalue(
            "_team_template_vault" if team else "_template_vault"
        )
        shutil.copytree(template, folder)
        return folder, code

    return make


@pytest.fixture
def vault_folder(make_vault) -> Path:
    return make_vault()[0]


@pytest.fixture
def opened_vault(vault_folder):
    from app.vault.vault import Vault

    opened = Vault(vault_folder).unlock(helpers.ADMIN, helpers.ADMIN_PASSPHRASE)
    yield opened
    opened.lock()


@pytest.fixture
def fake_clock() -> helpers.FakeClock:
    return helpers.FakeClock()


@pytest.fixture
def english():
    before = i18n.current_locale()
    i18n.set_locale("en")
    yield
    i18n.set_locale(before)


@pytest.fixture
def cli(capsys):
    def run(*argv: str, env=None, lang: str = "en") -> helpers.CliResult:
        return helpers.run_cli(argv, capsys, env=env, lang=lang)

    return run


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A test that switches language (the window's Settings, `aftercare` without --lang) must
    not leave the next test on the same worker reading Chinese messages."""
    yield
    if i18n.current_locale() != "en":
        i18n.set_locale("en")
