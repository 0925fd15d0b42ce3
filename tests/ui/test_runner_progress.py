"""A long call that can tell how far it has got (re-keying the vault) shows a bar, not a
busy indicator (issue #14, item 2)."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QProgressDialog, QWidget

from ui.runner import Runner


def test_a_call_with_progress_moves_the_bar(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    runner = Runner()
    release = threading.Event()
    results = []

    def work(report):
        report(0.25)
        report(0.5)
        release.wait(30)
        return "done"

    runner.run(
        work, parent=parent, label="Re-keying...", with_progress=True, on_success=results.append
    )
    dialog = parent.findChild(QProgressDialog, "runner_progress")
    qtbot.waitUntil(lambda: dialog.value() == 50, timeout=10_000)
    assert (dialog.minimum(), dialog.maximum()) == (0, 100)
    release.set()
    runner.wait_for_idle()
    assert results == ["done"]
