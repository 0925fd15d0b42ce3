"""What the window tests share: the team vault's users, a fake clock, signing in."""

from __future__ import annotations

from PySide6.QtCore import Qt

ADMIN = ("admin", "correct horse battery")
CASEWORKER = ("wang", "river stone lantern 42")
SUPERVISOR = ("chen", "amber tiger window 88")
UNIT_NAME = "Fuzhou Test Shelter"


class Clock:
    """Returns `now`, which moves only when a test says so."""

    def __init__(self, now: float = 1_800_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def sign_in(qtbot, window, user: tuple[str, str]) -> None:
    """Type the credentials as a person would and wait for the pages."""
    page = window.unlock_page
    page.user_edit.clear()
    qtbot.keyClicks(page.user_edit, user[0])
    qtbot.keyClicks(page.passphrase_edit, user[1])
    qtbot.mouseClick(page.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.ctx.is_unlocked and not window.runner.busy, timeout=15_000)


def nav_texts(window) -> list[str]:
    nav = window.navigation
    return [nav.item(i).text() for i in range(nav.count())]
