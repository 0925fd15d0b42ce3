"""The pages of the main window, in navigation order.

Each entry names a module that defines `PAGE`, a subclass of `ui.pages.base.Page`. To add a
page, write its module and add one line here. The case pages are slots: their modules are
being written on the case service; until a module exists, its slot is left out.
"""

from __future__ import annotations

import contextlib
import importlib
import threading

from ui.pages.base import Page

PAGE_MODULES: tuple[str, ...] = (
    "ui.pages.home_page",  # the signed-in worker's day, the first page after unlocking
    "ui.pages.case_list_page",  # slot: the case list (page_id "cases")
    "ui.pages.case_file_page",  # slot: one case file, tabs per section (page_id "case_file")
    "ui.pages.followups_page",  # slot: follow-ups due (page_id "followups")
    "ui.pages.contacts_page",
    "ui.pages.directory_page",
    "ui.pages.reports_page",
    "ui.pages.rollup_page",
    "ui.pages.evaluation_page",
    "ui.pages.users_page",
    "ui.pages.audit_page",
    "ui.pages.backups_page",
    "ui.pages.settings_page",
)


_preloading: list[threading.Thread] = []  # the one preloading thread, once started
_preload_lock = threading.Lock()


def preload() -> None:
    """Import the page modules on a thread of their own, once, while the unlock page waits for
    a passphrase: they bring the services, the PDF and spreadsheet libraries and more (most
    of a second), which unlocking would otherwise wait for. Errors are left for
    `page_classes` to raise where they are reported."""

    def import_all() -> None:
        for name in PAGE_MODULES:
            with contextlib.suppress(Exception):
                importlib.import_module(name)

    # Held while the thread starts: an unlock's worker calling page_classes meanwhile would
    # otherwise join a thread not started yet (RuntimeError, seen as "Internal error").
    with _preload_lock:
        if _preloading:
            return
        _preloading.append(threading.Thread(target=import_all, name="preload-pages", daemon=True))
        _preloading[0].start()


def page_classes() -> list[type[Page]]:
    """The page classes whose modules exist, in navigation order (after any preloading, so
    that two threads never import the same modules at once)."""
    with _preload_lock:
        started = _preloading[0] if _preloading else None
    if started is not None:
        started.join()
    found = []
    for name in PAGE_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:  # a page that exists but imports something missing: a bug
                raise
            continue
        found.append(module.PAGE)
    return found
