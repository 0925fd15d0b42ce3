"""What every vault-opening subcommand shares: credentials, unlocking, printing results."""

from __future__ import annotations

import argparse
import contextlib
import getpass
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeAlias

from app.errors import AftercareError
from app.i18n import _
from app.vault.vault import OpenVault, Vault

# What `add_subparsers()` returns: each command module's register() adds its commands to it.
Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def _ask(prompt: str, *, secret: bool) -> str:
    if not sys.stdin or not sys.stdin.isatty():
        raise AftercareError(
            _(
                "No terminal to ask for the {what}: set AFTERCARE_USER and AFTERCARE_PASSPHRASE."
            ).format(what=prompt)
        )
    return getpass.getpass(f"{prompt}: ") if secret else input(f"{prompt}: ")


def user_name() -> str:
    return os.environ.get("AFTERCARE_USER") or _ask(_("user name"), secret=False)


def passphrase() -> str:
    return os.environ.get("AFTERCARE_PASSPHRASE") or _ask(_("passphrase"), secret=True)


def new_passphrase(prompt: str | None = None) -> str:
    value = os.environ.get("AFTERCARE_NEW_PASSPHRASE")
    if value:
        return value
    first = _ask(prompt or _("new passphrase"), secret=True)
    if _ask(_("new passphrase again"), secret=True) != first:
        raise AftercareError(_("The two passphrases differ; nothing was changed."))
    return first


@contextlib.contextmanager
def session(folder: str | Path) -> Iterator[OpenVault]:
    """The vault unlocked with the user's credentials for one command, locked however the
    command ends."""
    opened = unlock(folder)
    try:
        yield opened
    finally:
        opened.lock()


def unlock(folder: str | Path) -> OpenVault:
    vault = Vault(folder)
    return vault.unlock(user_name(), passphrase())


def emit(args: argparse.Namespace, result: Any, text: str) -> None:
    """Print `result` as JSON with --json, else the human line(s) `text`."""
    if getattr(args, "json", False):
        print(json.dumps(result, ensure_ascii=False, indent=1, default=str))
    elif text:
        print(text)
