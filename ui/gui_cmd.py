"""`aftercare gui [VAULT] [--demo] [--screenshot DIR] [--locale zh_CN|en]`: the window.

This module only reads arguments and settings and builds the AppContext; the window is in
ui/ (imported here, at run time, so that the other commands never load Qt).
"""

from __future__ import annotations

import os
from pathlib import Path

from app import paths
from app import settings as app_settings
from app.context import AppContext
from app.errors import AftercareError
from app.i18n import SUPPORTED_LOCALES, _
from app.vault.vault import is_vault


def register(sub) -> None:
    p = sub.add_parser("gui", help=_("open the window (the default)"))
    p.add_argument("vault", nargs="?", help=_("the vault folder (default: the last one used)"))
    p.add_argument(
        "--demo",
        action="store_true",
        help=_("open the demo vault of invented cases, creating it on first use"),
    )
    p.add_argument(
        "--screenshot",
        metavar="DIR",
        help=_("with --demo: save each main page as a PNG file in DIR, then exit"),
    )
    p.add_argument("--locale", choices=SUPPORTED_LOCALES, help=_("language of the window"))
    p.add_argument(
        "--rollup",
        action="store_true",
        help=_("open only the Roll-up page of the PJC Office (no vault, no passphrase)"),
    )
    p.set_defaults(run=cmd_gui)


def ensure_demo_vault(folder: Path) -> dict[str, tuple[str, str]]:
    """Create the demo vault if needed, print its users; returns role -> (name, passphrase)."""
    from app.demo_data import demo_users

    users = demo_users()
    if not is_vault(folder):
        print(_("Creating the demo vault in {path}...").format(path=folder), flush=True)
        _create_demo_vault(folder)
    print(_("Demo vault: {path}. Its users (invented data only):").format(path=folder))
    for name, role, secret in users:
        print(f"    {name:<12} {role:<11} {secret}")
    return {role: (name, secret) for name, role, secret in users}


def _create_demo_vault(folder: Path) -> None:
    try:
        from app.demo_vault import create_demo_vault
    except ModuleNotFoundError as exc:  # no case service yet: the users alone
        if not (exc.name or "").startswith("app."):
            raise
        _create_users_only(folder)
    else:
        create_demo_vault(folder)


def _create_users_only(folder: Path) -> None:
    from app.demo_data import demo_users
    from app.vault.kdf import KdfParams
    from app.vault.vault import Vault

    (admin, _role, secret), *others = demo_users()
    opened, _code = Vault.create(
        folder,
        unit_code="350100-S01",
        unit_name=_("Demo shelter, Fuzhou"),
        prefecture="350100",
        admin_name=admin,
        admin_passphrase=secret,
        kdf_params=KdfParams(),
    )
    try:
        for name, role, passphrase in others:
            opened.add_user(name, role, passphrase, kdf_params=KdfParams())
    finally:
        opened.lock()


def _vault_folder(args, settings: dict) -> Path:
    if args.vault:
        folder = Path(args.vault)
        if not is_vault(folder):
            raise AftercareError(
                _("{path} is not an Aftercare vault (no vault.db in it).").format(path=folder)
            )
        return folder
    last = settings.get(app_settings.LAST_VAULT)
    if last and is_vault(Path(last)):
        return Path(last)
    return paths.default_vault_dir()


def cmd_gui(args) -> int:
    settings = app_settings.load()
    locale = args.locale or args.lang or settings[app_settings.LANGUAGE]
    if args.rollup and not args.screenshot:
        from ui.application import create_application
        from ui.pages.rollup_page import run_rollup_window

        _app, language = create_application(locale=locale)
        return run_rollup_window(language)
    if args.screenshot:
        # Rendered offscreen: no display needed, nothing appears on the screen.
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        args.demo = True
    if args.demo:
        folder = paths.demo_vault_dir()
        accounts = ensure_demo_vault(folder)
    else:
        folder = _vault_folder(args, settings)

    from ui.application import create_application, run_window

    _app, language = create_application(locale=locale)
    if args.screenshot:
        from ui.screenshots import take_screenshots

        for path in take_screenshots(folder, Path(args.screenshot), accounts, language):
            print(path)
        return 0
    return run_window(AppContext(folder, settings=settings), language)
