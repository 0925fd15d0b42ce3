"""Run a core call off the GUI thread, behind a progress dialog, then say what changed.

The idea is Anki's CollectionOp: a page hands `Runner.run` a plain function over `app/`
(unlock, add a user, rotate the key, verify the audit chain, later import or report), and
gets its result back on the GUI thread, followed by one `changed` signal that names what
changed so that every page can refresh only that.

Serialising the vault. The SQLCipher connection is opened with check_same_thread=False so it
may move between threads, but only one thread may use it at a time. So:
- every background call runs on the runner's one worker thread (a pool of size 1), one after
  another, never two at once;
- while a call runs, its progress dialog is window-modal, so no page can start a GUI-thread
  query on the same connection;
- the lock waits: `ui.security` defers an inactivity lock until `busy` is False, so the
  connection is never closed under a running call.
Short reads (a list of users, a page of audit entries) stay on the GUI thread when no call
is running.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from app.errors import AftercareError
from app.i18n import _

# Names for the `changes` of an operation; case services will add their own change sets.
USERS = "users"
AUDIT = "audit"
VAULT = "vault"

# The dialog appears only for calls that take longer than this, so quick ones do not flash.
PROGRESS_DELAY_MS = 400


class _Bridge(QObject):
    """Carries a worker's outcome back to the GUI thread (queued, as it lives there)."""

    done = Signal(object)
    failed = Signal(object)
    progressed = Signal(int)  # per cent done, for calls that can tell (re-keying the vault)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], bridge: _Bridge):
        super().__init__()
        self.setAutoDelete(True)
        self._fn = fn
        self._bridge = bridge

    def run(self) -> None:
        try:
            result = self._fn()
        except BaseException as exc:  # handed to the GUI thread, which shows it
            self._bridge.failed.emit(exc)
        else:
            self._bridge.done.emit(result)


def error_text(exc: BaseException) -> str:
    """What a person is shown: the message of an AftercareError, never a traceback."""
    if isinstance(exc, AftercareError):
        return str(exc)
    return _("Internal error ({kind}); nothing more was changed. Please report it.").format(
        kind=type(exc).__name__
    )


class Runner(QObject):
    """One per application; pages receive it in their constructor."""

    changed = Signal(object)  # frozenset of change names (USERS, AUDIT, ...) or a service's set
    idle = Signal()  # after every call, success or not

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._pending = 0
        self._bridges: set[_Bridge] = set()

    @property
    def busy(self) -> bool:
        return self._pending > 0

    def run(
        self,
        fn: Callable[..., Any],  # with_progress: takes the report(fraction) callback
        *,
        parent: QWidget | None,
        label: str,
        on_success: Callable[[Any], object] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        changes: Iterable[str] | Callable[[Any], Any] = (),
        with_progress: bool = False,
    ) -> None:
        """Run `fn()` on the worker; then `on_success(result)` and `changed`, or `on_error`.

        Without `on_error`, an error is shown in a message box over `parent`. `changes` is a
        list of change names, or a function of the result (for services that return one).
        With `with_progress`, `fn` is called with a function that takes the fraction done
        (0.0-1.0) from the worker thread, and the dialog shows a bar instead of a busy
        indicator once the first fraction arrives.
        """
        progress = QProgressDialog(label, "", 0, 0, parent)
        progress.setObjectName("runner_progress")
        progress.setWindowTitle(_("Please wait"))
        progress.setCancelButton(None)  # the core calls here are not safe to stop halfway
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(PROGRESS_DELAY_MS)
        progress.setAutoClose(False)
        progress.setValue(0)

        bridge = _Bridge()
        self._bridges.add(bridge)
        self._pending += 1

        def finish() -> None:
            progress.reset()
            progress.hide()  # autoClose is off, and deleteLater waits for the event loop
            progress.deleteLater()
            self._bridges.discard(bridge)
            bridge.deleteLater()
            self._pending -= 1

        def succeeded(result: Any) -> None:
            finish()
            try:
                if on_success is not None:
                    on_success(result)
                changed = changes(result) if callable(changes) else frozenset(changes)
                if changed:
                    self.changed.emit(changed)
            finally:
                self.idle.emit()

        def failed(exc: BaseException) -> None:
            finish()
            try:
                if on_error is not None:
                    on_error(exc)
                else:
                    QMessageBox.warning(parent, _("Aftercare"), error_text(exc))
            finally:
                self.idle.emit()

        def show_progress(percent: int) -> None:
            if progress.maximum() != 100:
                progress.setRange(0, 100)
            progress.setValue(percent)

        bridge.done.connect(succeeded)
        bridge.failed.connect(failed)
        bridge.progressed.connect(show_progress)
        if with_progress:
            work = fn

            def fn() -> Any:
                return work(lambda fraction: bridge.progressed.emit(int(fraction * 100)))

        self._pool.start(_Job(fn, bridge))

    def wait_for_idle(self, timeout_ms: int = 30_000) -> None:
        """Block until the worker is done and its results delivered (tests, the screenshot mode)."""
        from PySide6.QtCore import QCoreApplication, QDeadlineTimer

        deadline = QDeadlineTimer(timeout_ms)
        while self.busy and not deadline.hasExpired():
            self._pool.waitForDone(20)
            QCoreApplication.processEvents()
        if self.busy:
            raise TimeoutError("the runner did not finish in time")
