"""`aftercare selfcheck [--startup-probe VAULT]`: prove that this installation works.

Prints one line per check ("ok   vault", "FAIL pdf: ...") and exits 0 when all passed, 1
naming the checks that failed. `--startup-probe VAULT` is for bench/startup.py: it opens the
window on VAULT's unlock page as `aftercare gui VAULT` would, and exits as soon as the page is
shown, printing `{"shown_at": <time.time()>}`.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from app.errors import AftercareError
from app.i18n import _
from app.vault.vault import is_vault


def register(sub) -> None:
    p = sub.add_parser(
        "selfcheck",
        help=_("check that this installation works: vault, case, PDF, dates, window"),
    )
    p.add_argument(
        "--startup-probe",
        metavar="VAULT",
        help=_("for measuring: show VAULT's unlock window, then exit at once"),
    )
    p.set_defaults(run=cmd_selfcheck)


def cmd_selfcheck(args) -> int:
    if args.startup_probe:
        return _startup_probe(Path(args.startup_probe), args.lang or "zh_CN")
    from app.selfcheck import (  # here, not at import: other commands start faster
        CHECKS,
        run_selfcheck,
    )

    checks = (*CHECKS, ("window", _check_window))
    results = run_selfcheck(report=lambda r: print(r.line(), flush=True), checks=checks)
    failed = [r.name for r in results if not r.ok]
    if failed:
        print(
            _("aftercare: selfcheck failed: {checks}").format(checks=", ".join(failed)),
            file=sys.stderr,
        )
        return 1
    return 0


def _check_window(scratch) -> str:
    """Sign in and show the main window offscreen, with Qt's Chinese translations."""
    from app.selfcheck import CheckFailed

    if not scratch.vault_done:
        raise CheckFailed(_("needs the vault check"))
    scratch.lock()  # the window signs in by itself, through its unlock page
    # Offscreen unless the caller chose a platform: nothing appears on the screen.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from ui.selfcheck_window import check_window

    return check_window(scratch.folder, scratch.user, scratch.passphrase)


def _startup_probe(folder: Path, locale: str) -> int:
    if not is_vault(folder):
        raise AftercareError(
            _("{path} is not an Aftercare vault (no vault.db in it).").format(path=folder)
        )
    # The real screen where there is one (that is what people wait for), offscreen where not.
    headless = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if sys.platform.startswith("linux") and headless:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from ui.selfcheck_window import probe_startup

    shown_at = probe_startup(folder, locale)
    print(json.dumps({"shown_at": shown_at}))
    return 0
