"""`aftercare gui --demo --screenshot DIR`: each main page rendered offscreen to a PNG.

One line in SHOTS per picture. A shot names the role to sign in as (None: the unlock screen), the page id, and an optional argument for the page's `open()` (e.g. a case and a
tab). Shots of pages that are not registered yet are skipped. The pictures are for the README
and for looking at the layout; the demo vault holds only invented people.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication, QWidget

from app import settings as app_settings
from app.codes import Section
from app.context import AppContext
from app.vault.vault import Vault
from ui.language import Language
from ui.main_window import MainWindow
from ui.pages.sheet_import.demo import wizard_shot
from ui.runner import Runner

WINDOW_SIZE = (1280, 800)


@dataclass(frozen=True)
class Shot:
    name: str  # the file name, without .png
    role: str | None  # the role to sign in as; None for the unlock screen
    page: str | None = None  # a page id from ui.pages
    argument: Any = None  # handed to the page's open(); a callable is called with the ctx
    # Opens a dialog over the page (called with the window) and returns it: the picture is
    # of that dialog, which is closed afterwards.
    dialog: Callable[[MainWindow], QWidget] | None = None


def case_file_of_a_girl(tab: str):
    """A page argument for shots of a case file: the longest-open case of a girl, on `tab`.

    Chosen when the shot is taken (`argument(ctx)`), as the demo's case numbers depend on the
    day the demo vault was made.
    """
    from app.storage.list_repo import CaseFilter

    def argument(ctx: AppContext) -> dict:
        lists = ctx.services.lists
        ids = lists.ids(CaseFilter(status="open", group="girl"), sort="opened_on", descending=False)
        return {"case": lists.rows(ids[:1])[0].case_number if ids else None, "tab": tab}

    return argument


def demo_contacts(ctx: AppContext) -> None:
    """A page argument for the Contacts shot: two invented units' cards, added to the vault
    once (one verified, one not), so that the list shows both states."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    from app.referrals import keys

    referrals = ctx.services.referrals
    if referrals.contacts():
        return None
    for code, name, role, verified in (
        ("350100-H02", "Fuzhou No. 2 Hospital", "health", True),
        ("350200-L01", "Xiamen Legal Aid Centre", "legal", False),
    ):
        receiving = keys.raw_public(X25519PrivateKey.generate())
        card = keys.make_card(code, name, role, Ed25519PrivateKey.generate(), receiving)
        added = referrals.add_contact(card)
        if verified:
            referrals.verify_contact(added.name, added.fingerprint)
    return None


SHOTS: tuple[Shot, ...] = (
    Shot("unlock", None),
    Shot("cases", "caseworker", "cases"),
    Shot("followups", "caseworker", "followups"),
    *(Shot(f"case_{s}", "caseworker", "case_file", case_file_of_a_girl(s)) for s in Section),
    Shot("home", "caseworker", "home"),  # after the case files: "opened last" has some
    Shot("home_supervisor", "supervisor", "home"),
    Shot("sheet_import_mapping", "caseworker", "cases", dialog=wizard_shot("mapping")),
    Shot("sheet_import_preview", "caseworker", "cases", dialog=wizard_shot("preview")),
    Shot("contacts", "admin", "contacts", demo_contacts),
    Shot("directory", "caseworker", "directory"),
    Shot("settings", "caseworker", "settings"),
    Shot("users", "admin", "users"),
    Shot("audit", "admin", "audit"),
    Shot("reports", "admin", "reports", "preview"),  # the last complete quarter, previewed
    Shot("rollup", "admin", "rollup", "demo"),  # invented summaries of four units, rolled up
)


OFFICE_PAGES = ("rollup",)  # pages of the PJC Office's window, not of a vault's


def _office_window(window: MainWindow, argument: object) -> QWidget:
    """The office's window (`aftercare gui --rollup`), its page shown with `argument`."""
    from ui.pages.rollup_page import RollupWindow

    office = RollupWindow(runner=window.runner, language=window.language)
    office.resize(*WINDOW_SIZE)
    office.show()
    office.page.open(argument)
    return office


def _settle(window: MainWindow) -> None:
    window.runner.wait_for_idle()
    for _i in range(3):
        QApplication.processEvents()


def take_screenshots(
    folder: Path,
    out_dir: Path,
    accounts: dict[str, tuple[str, str]],
    language: Language,
    shots: tuple[Shot, ...] = SHOTS,
) -> list[Path]:
    """Render every shot of a registered page to `out_dir`; returns the files written.

    `accounts` maps a role to the (login name, passphrase) of a user with that role.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    ctx = AppContext(folder, settings=app_settings.defaults())
    window = MainWindow(ctx, runner=Runner(), language=language, save_settings=False)
    window.guard.disarm()
    window.resize(*WINDOW_SIZE)
    window.show()
    written: list[Path] = []

    def save(name: str, widget: QWidget | None = None) -> None:
        _settle(window)
        path = out_dir / f"{name}.png"
        if not (widget or window).grab().save(str(path)):
            raise OSError(f"cannot write {path}")
        written.append(path)

    # Sign in once per role, in the order the roles first appear.
    order = {shot.role: i for i, shot in reversed(list(enumerate(shots)))}
    for role, group in groupby(sorted(shots, key=lambda s: order[s.role]), key=lambda s: s.role):
        if role is not None and role not in accounts:  # a vault without that role
            continue
        if role is None:
            window.unlock_page.user_edit.setText(accounts["caseworker"][0])
            for shot in group:
                save(shot.name)
            continue
        ctx.opened = Vault(folder).unlock(*accounts[role])
        window.show_unlocked()
        for shot in group:
            argument = shot.argument(ctx) if callable(shot.argument) else shot.argument
            if shot.page in OFFICE_PAGES:
                office = _office_window(window, argument)
                save(shot.name, office)
                office.close()
                continue
            if shot.page is None or window.show_page(shot.page, argument) is None:
                continue
            if shot.dialog is None:
                save(shot.name)
                continue
            dialog = shot.dialog(window)
            save(shot.name, dialog)
            dialog.close()
        window.lock(True)
    window.close()
    return written
