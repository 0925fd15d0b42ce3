"""What every page of the main window is: the contract the shell relies on.

A page is a QWidget built with the AppContext and the Runner, only while a vault is
unlocked; the shell destroys it on lock, which is what clears its models. It shows itself in
the navigation if `visible_for(role)` is true, under `title()`: by default, when the role may
do one of the page's `actions` (app.access), so the window hides what the guard refuses.

Hooks the shell calls:
    retranslate_ui()                  the language changed: set every visible string again
    refresh()                         the page is shown (first time, or again): load its data
    on_changed(changes)               a Runner call finished; `changes` names what changed
    open(argument)                    another page asked to show this one with an argument
                                      (e.g. the case list opens "case_file" with a case id)
    unsaved_changes() -> bool         typed text not yet saved
    save_or_discard_for_lock(auto) -> bool
                                      called before a lock or quit when unsaved_changes():
                                      auto=False (Ctrl+L, quit, another case): ask Save /
                                      Discard / Cancel and return False on Cancel.
                                      auto=True (inactivity, suspend): nobody is there to
                                      ask and the lock must happen; the page must not show a
                                      dialog and must not lose the text: it saves what
                                      validates and keeps the rest as a draft inside the
                                      vault (never in a file or in memory past the lock).
                                      Its return value is ignored then.
Signals a page may emit:
    navigate(page_id, argument)       show another page (the shell calls its open(argument))
    status(text)                      a short message for the status bar
"""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from app import access
from app.context import AppContext
from app.services.base import Change
from ui.runner import Runner


class Page(QWidget):
    page_id: ClassVar[str] = ""
    in_navigation: ClassVar[bool] = True
    # A page of the PJC Office's own window (`aftercare gui --rollup`), which needs no vault:
    # never in a shelter's vault window.
    office: ClassVar[bool] = False
    # The page is for a role that may do one of these actions of app.access (none: for all).
    page_actions: ClassVar[tuple[access.Action, ...]] = ()

    navigate = Signal(str, object)
    status = Signal(str)

    def __init__(self, ctx: AppContext, runner: Runner, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.runner = runner
        self.setObjectName(f"page_{self.page_id}")

    @classmethod
    def title(cls) -> str:
        raise NotImplementedError

    @classmethod
    def visible_for(cls, role: str) -> bool:
        return not cls.page_actions or any(
            access.allowed(role, action) for action in cls.page_actions
        )

    def retranslate_ui(self) -> None:
        raise NotImplementedError

    def refresh(self) -> None:
        """Load what the page shows; the default page shows nothing that changes."""

    def on_changed(self, changes: Any) -> None:
        """React to a finished operation; the default is to ignore it."""

    def open(self, argument: Any) -> None:
        """Show `argument` (a case id, a tab name...); the default ignores it."""

    def unsaved_changes(self) -> bool:
        return False

    def save_or_discard_for_lock(self, auto: bool) -> bool:
        return True


def case_changes(changes: object) -> list[Change]:
    """The case changes in what the Runner reported (a Change, or a set of changes/names)."""
    if isinstance(changes, Change):
        return [changes]
    if isinstance(changes, str | bytes) or not hasattr(changes, "__iter__"):
        return []
    return [c for c in changes if isinstance(c, Change)]
