"""Start a child process that writes to a vault, and SIGKILL it at a random moment.

Shared by tests/test_crash.py (raw audit writes) and tests/reliability/test_crash_edits.py
(case edits through the services). A child prints one line per write, flushed only once the
write has committed; `run_and_kill` returns the complete lines it printed before it died.
The piece after the last newline, if any, was cut by the kill and is not returned.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.helpers import REPO_ROOT, child_env

# A kill this early may come while the child is still starting or unlocking.
EARLY_KILL_CHANCE = 0.2
EARLY_KILL_WINDOW_S = 0.8


class ChildStopped(AssertionError):
    """The child ended by itself before the kill: a crash of the program under test."""


def run_and_kill(
    script: Path,
    args: list[str],
    rng: random.Random,
    *,
    env: dict[str, str],
    err_path: Path,
    write_window_s: float = 0.05,
) -> list[bytes]:
    """Run `python script args...`; kill it early (sometimes) or within `write_window_s`
    of its first line; the complete lines it printed."""
    with err_path.open("wb") as err:
        child = subprocess.Popen(
            [sys.executable, str(script), *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=err,
            env=child_env(env),
            cwd=REPO_ROOT,
        )
        try:
            if rng.random() < EARLY_KILL_CHANCE:
                time.sleep(rng.uniform(0.0, EARLY_KILL_WINDOW_S))
                first = b""
            else:
                first = child.stdout.readline()  # writing has begun
                if not first:
                    child.wait(timeout=30)
                    raise ChildStopped(f"the child stopped: {err_path.read_text()[-2000:]}")
                time.sleep(rng.uniform(0.0, write_window_s))
        finally:
            child.send_signal(signal.SIGKILL)
            rest = child.stdout.read()
            child.stdout.close()
            child.wait(timeout=30)
    if child.returncode != -signal.SIGKILL:
        raise ChildStopped(
            f"the child ended with {child.returncode}: {err_path.read_text()[-2000:]}"
        )
    return (first + rest).split(b"\n")[:-1]
