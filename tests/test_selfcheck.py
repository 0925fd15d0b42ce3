"""`aftercare selfcheck` from the source tree: every check passes, a failing one is named.

The whole command runs in a child process (it builds its own QApplication and changes the
locale, which must not leak into the other tests of this worker); the failure paths run
in-process on a subset of the real checks.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from app import selfcheck
from tests.helpers import REPO_ROOT

RUN_CLI = "import sys; from ui.entry import main; sys.exit(main())"
# The checks of app/selfcheck.py, then the window check that ui/selfcheck_cmd.py adds.
CHECK_NAMES = [*(name for name, _check in selfcheck.CHECKS), "window"]


def test_selfcheck_from_source_passes_every_check(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TMPDIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", RUN_CLI, "--lang", "en", "selfcheck"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert [line.split(":")[0].split()[-1] for line in lines] == CHECK_NAMES
    assert all(line.startswith("ok   ") for line in lines)
    assert any("2026年11月28日" in line for line in lines)
    assert list(tmp_path.iterdir()) == []  # the temporary vault is gone


def test_a_check_that_needs_an_earlier_one_fails_naming_it(english):
    results = selfcheck.run_selfcheck(checks=(("pdf", selfcheck._check_pdf),))
    assert [(r.name, r.ok) for r in results] == [("pdf", False)]
    assert results[0].line() == "FAIL pdf: CheckFailed: needs the case check"


def test_a_failing_check_does_not_stop_the_others_and_the_folder_is_removed():
    seen: list[str] = []
    folders: list[Path] = []

    def broken(scratch) -> str:
        folders.append(scratch.folder.parent)
        raise OSError("disk full\nsecond line")

    checks = (
        ("vault", selfcheck._check_vault),
        ("broken", broken),
        ("date", selfcheck._check_date),
    )
    results = selfcheck.run_selfcheck(report=lambda r: seen.append(r.line()), checks=checks)
    assert seen == ["ok   vault", "FAIL broken: OSError: disk full", "ok   date: 2026年11月28日"]
    assert [r.ok for r in results] == [True, False, True]
    assert folders and not folders[0].exists()
    assert str(folders[0]).startswith(tempfile.gettempdir())
