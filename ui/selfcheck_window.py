"""The Qt half of `aftercare selfcheck`, and the start-up probe of bench/startup.py.

`app.selfcheck` loads this module by name (app/ never imports ui/). Both functions build the
application the way `aftercare gui` does (`create_application`, then `MainWindow`), so they
prove that a bundle carries what the window needs: the Qt libraries and platform plugins,
a font that writes Chinese, and Qt's own zh_CN translations.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from PySide6.QtCore import QTimer, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication

from app.context import AppContext
from ui.application import choose_cjk_family, create_application
from ui.main_window import MainWindow
from ui.runner import Runner


class WindowCheckFailed(Exception):
    pass


def _settle(window: MainWindow) -> None:
    window.runner.wait_for_idle()
    for _i in range(3):
        QApplication.processEvents()


def _quiet_offscreen(_kind: QtMsgType, _context, message: str) -> None:
    # The offscreen platform warns on every top-level window it cannot resize to a hint;
    # that says nothing about this installation, so it would only clutter the check's lines.
    if "propagateSizeHints" not in message:
        print(message, file=sys.stderr)


def check_window(folder: Path, user: str, passphrase: str) -> str:
    """Sign in through the unlock page, show the pages, lock; returns the CJK font family."""
    previous = qInstallMessageHandler(_quiet_offscreen)
    try:
        return _check_window(folder, user, passphrase)
    finally:
        qInstallMessageHandler(previous)


def _check_window(folder: Path, user: str, passphrase: str) -> str:
    app, language = create_application(locale="zh_CN")
    if not language.qt_translator_loaded:
        raise WindowCheckFailed("Qt's qtbase_zh_CN translations were not found")
    family = choose_cjk_family()
    if family is None:
        raise WindowCheckFailed("no font that writes Chinese")
    ctx = AppContext(folder, settings={})
    window = MainWindow(ctx, runner=Runner(app), language=language, save_settings=False)
    try:
        window.guard.disarm()
        window.show()
        _settle(window)
        if window.stack.currentWidget() is not window.unlock_page:
            raise WindowCheckFailed("the unlock page is not shown")
        window.unlock_page.user_edit.setText(user)
        window.unlock_page.passphrase_edit.setText(passphrase)
        window.unlock_page.unlock()
        _settle(window)
        if not ctx.is_unlocked or not window.pages():
            error = window.unlock_page.error_label.text()
            raise WindowCheckFailed(f"signing in did not open the pages ({error})")
        picture = window.grab()  # drawn in memory only: the page may show the invented case
        if picture.isNull() or picture.width() < 100:
            raise WindowCheckFailed("the window could not be drawn")
        if not window.lock(False):
            raise WindowCheckFailed("the window did not lock")
    finally:
        window.lock(True)
        window.close()
        window.deleteLater()
        QApplication.processEvents()
    return family


def probe_startup(folder: Path, locale: str) -> float:
    """Open the window on `folder`'s unlock page like `aftercare gui`; return when it was shown.

    The time is `time.time()` at the first turn of the event loop after `show()`, i.e. once
    the window has been laid out and exposed, so that another process can subtract its own
    start time from it.
    """
    app, language = create_application(locale=locale)
    window = MainWindow(AppContext(folder, settings={}), runner=Runner(app), language=language)
    window.guard.disarm()
    shown: list[float] = []

    def done() -> None:
        shown.append(time.time())
        app.quit()

    window.show()
    QTimer.singleShot(0, done)
    app.exec()
    window.close()
    if window.stack.currentWidget() is not window.unlock_page:
        raise WindowCheckFailed("the unlock page is not shown")
    return shown[0]
