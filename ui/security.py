"""Locking the window when nobody is at it, and keeping copied secrets off the clipboard.

Inactivity (KeePassXC's InactivityTimer idea): an application-wide event filter notes the
time of every key, mouse and wheel event; a coarse timer compares it with the lock timeout
(default 5 minutes, 1-15 in Settings). The clock and the check interval are injectable, so a
test moves a fake clock forward instead of waiting.

Suspend and screen lock: Qt reports `ApplicationSuspended` (and `ApplicationHidden`) on some
platforms when the session is suspended; those lock at once. Qt has no portable signal for
the desktop's screen lock. On Windows and most Linux desktops a screen lock only makes the
application `Inactive`, exactly as switching to another program does, so Inactive does not
lock (a caseworker who switches to a word processor must not be thrown out); while the screen
is locked no input reaches the program, so the inactivity timeout locks it anyway.

Clipboard (KeePassXC's Clipboard idea): what the program copies is tagged with our own MIME
type and with the hints clipboard managers honour (KDE's password-manager hint, Windows'
ExcludeClipboardContentFromMonitorProcessing), and on lock the clipboard is cleared only if
it still holds exactly what we put there, so something the user copied from elsewhere stays.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QByteArray, QCoreApplication, QEvent, QMimeData, QObject, Qt, QTimer
from PySide6.QtCore import Signal as _Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog

SECRET_MIME = "application/x-aftercare-secret"
_MANAGER_HINTS = {
    "x-kde-passwordManagerHint": b"secret",
    "ExcludeClipboardContentFromMonitorProcessing": b"1",
    "CanIncludeInClipboardHistory": b"\x00\x00\x00\x00",
    "CanUploadToCloudClipboard": b"\x00\x00\x00\x00",
}

_ACTIVITY_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.KeyRelease,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.InputMethod,
    }
)


class SessionGuard(QObject):
    """Emits `lock_requested(auto=True)` after `minutes` without input, or on suspend.

    It is armed only while a vault is unlocked (`arm()` / `disarm()`); the window decides
    what locking means.
    """

    lock_requested = _Signal(bool)  # auto: True for inactivity and suspend

    def __init__(
        self,
        minutes: int = 5,
        *,
        clock: Callable[[], float] = time.monotonic,
        check_interval_ms: int = 1000,
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self._clock = clock
        self._timeout_s = minutes * 60.0
        self._last_activity = clock()
        self._armed = False
        self._timer = QTimer(self)
        self._timer.setInterval(check_interval_ms)
        self._timer.timeout.connect(self.check)
        app = QCoreApplication.instance()
        if app is None:
            raise RuntimeError("the inactivity lock needs a running QApplication")
        app.installEventFilter(self)
        if isinstance(app, QGuiApplication):
            app.applicationStateChanged.connect(self._state_changed)

    @property
    def armed(self) -> bool:
        return self._armed

    def set_timeout_minutes(self, minutes: int) -> None:
        self._timeout_s = minutes * 60.0

    def arm(self) -> None:
        self._armed = True
        self._last_activity = self._clock()
        self._timer.start()

    def disarm(self) -> None:
        self._armed = False
        self._timer.stop()

    def seconds_idle(self) -> float:
        return self._clock() - self._last_activity

    def check(self) -> None:
        """Called by the timer; a test may call it after moving its clock."""
        if self._armed and self.seconds_idle() >= self._timeout_s:
            self.lock_requested.emit(True)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY_EVENTS:
            self._last_activity = self._clock()
        return False

    def _state_changed(self, state: Qt.ApplicationState) -> None:
        if self._armed and state in (
            Qt.ApplicationState.ApplicationSuspended,
            Qt.ApplicationState.ApplicationHidden,
        ):
            self.lock_requested.emit(True)


# --- dialogs --------------------------------------------------------------------------------


def close_open_dialogs() -> int:
    """Reject every visible dialog (their pages were asked about unsaved work before)."""
    closed = 0
    # Innermost first: a message box opened over a dialog goes before the dialog.
    dialogs = [
        w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()
    ]
    for dialog in sorted(dialogs, key=_depth, reverse=True):
        dialog.reject()
        closed += 1
    return closed


def _depth(widget: QObject) -> int:
    depth = 0
    parent = widget.parent()
    while parent is not None:
        parent = parent.parent()
        depth += 1
    return depth


# --- clipboard ------------------------------------------------------------------------------


def copy_secret(text: str) -> None:
    """Put `text` on the clipboard, tagged so that `clear_clipboard_if_ours` can find it."""
    data = QMimeData()
    data.setText(text)
    data.setData(SECRET_MIME, QByteArray(text.encode("utf-8")))
    for name, value in _MANAGER_HINTS.items():
        data.setData(name, QByteArray(value))
    QGuiApplication.clipboard().setMimeData(data)


def clipboard_is_ours() -> bool:
    data = QGuiApplication.clipboard().mimeData()
    if data is None or not data.hasFormat(SECRET_MIME):
        return False
    return bytes(data.data(SECRET_MIME).data()).decode("utf-8", "replace") == data.text()


def clear_clipboard_if_ours() -> bool:
    if not clipboard_is_ours():
        return False
    QGuiApplication.clipboard().clear()
    return True
