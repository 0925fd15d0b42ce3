"""`python -m bench.unlock_probe VAULT USER`: seconds from unlock to the home page with its list.

Run by bench/startup.py in a process of its own (the passphrase comes in the environment,
AFTERCARE_PASSPHRASE). Builds the window as `aftercare gui VAULT` does, types the credentials
into the unlock page, presses unlock, and stops the clock when the pages are built, the first
page is shown and the case list holds its first page of rows. Prints one JSON object.

The window loads the pages' modules on a thread while the unlock page waits for a passphrase
(ui.pages.preload); the probe lets that finish before it presses unlock, as a person typing a
passphrase does, and reports how long it took after the window was shown (`preload_s`).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication

from app.context import AppContext
from ui.application import create_application
from ui.main_window import MainWindow
from ui.pages import page_classes
from ui.pages.case_list_page import CaseListPage
from ui.runner import Runner


def main(argv: list[str]) -> int:
    folder, user = Path(argv[0]), argv[1]
    app, language = create_application(locale="zh_CN")
    ctx = AppContext(folder, settings={})
    window = MainWindow(ctx, runner=Runner(app), language=language, save_settings=False)
    window.guard.disarm()
    window.show()
    shown = time.perf_counter()
    for _i in range(3):
        QApplication.processEvents()
    page_classes()  # waits for the preloading
    preload_s = time.perf_counter() - shown
    page = window.unlock_page
    page.user_edit.setText(user)
    page.passphrase_edit.setText(os.environ["AFTERCARE_PASSPHRASE"])
    started = time.perf_counter()
    page.unlock()
    while not (ctx.is_unlocked and window.pages() and not window.runner.busy):
        window.runner.wait_for_idle(60_000)
        QApplication.processEvents()
    cases = window.page("cases")
    rows = cases.model.rowCount() if isinstance(cases, CaseListPage) else 0
    QApplication.processEvents()  # the first page painted
    elapsed = time.perf_counter() - started
    window.lock(True)
    window.close()
    print(
        json.dumps(
            {
                "unlock_to_home_s": round(elapsed, 3),
                "preload_s": round(preload_s, 3),
                "rows_shown": rows,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
