"""The installer: build the real bundle into a temporary folder and run it.

Slow (a PyInstaller build: minutes on two cores), but part of the suite: it is the only
proof that the bundle carries everything (Qt plugins, catalogs, the font, babel's data).
Skipped only where PyInstaller (a dev dependency) is not installed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app import __version__
from app.selfcheck import CHECKS
from tests.helpers import REPO_ROOT

pytest.importorskip("PyInstaller", reason="PyInstaller (a dev dependency) is not installed")

pytestmark = pytest.mark.slow
EXE = "aftercare.exe" if sys.platform == "win32" else "aftercare"


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    work = tmp_path_factory.mktemp("work")
    done = subprocess.run(
        [sys.executable, "build_installer.py", "--out", str(out), "--work", str(work)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "MiB" in done.stdout  # it prints the bundle's size
    return out / "aftercare"


def run(bundle: Path, *argv: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TMPDIR": str(tmp_path)}
    env["AFTERCARE_DATA_DIR"] = str(tmp_path / "data")
    return subprocess.run(
        [str(bundle / EXE), *argv], env=env, capture_output=True, text=True, timeout=600
    )


def test_bundle_prints_its_version(bundle, tmp_path):
    done = run(bundle, "--version", tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"aftercare {__version__}"


def test_bundle_passes_its_selfcheck(bundle, tmp_path):
    done = run(bundle, "--lang", "en", "selfcheck", tmp_path=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    names = [*(name for name, _c in CHECKS), "window"]  # the window check comes from ui/
    assert [line.split(":")[0] for line in lines] == [f"ok   {name}" for name in names]
    assert list(tmp_path.iterdir()) == []  # the temporary vault is removed


def test_bundle_carries_catalogs_font_licence_and_only_the_needed_locales(bundle):
    internal = next(p for p in (bundle / "_internal", bundle) if (p / "resources").is_dir())
    fonts = internal / "resources" / "fonts"
    assert (fonts / "wqy-microhei.ttc").is_file()
    assert "Apache" in (fonts / "wqy-microhei-copyright.txt").read_text(encoding="utf-8")
    if (REPO_ROOT / "i18n" / "zh_CN" / "LC_MESSAGES" / "messages.po").exists():
        assert (internal / "i18n" / "zh_CN" / "LC_MESSAGES" / "messages.mo").is_file()
    locales = {p.stem for p in (internal / "babel" / "locale-data").iterdir()}
    assert locales == {"root", "en", "zh", "zh_Hans", "zh_Hans_CN"}
    assert [p.name for p in internal.rglob("*.qm")] == ["qtbase_zh_CN.qm"]
    assert not list(internal.rglob("*QtNetwork*")) and not list(internal.rglob("*Qt6Quick*"))
