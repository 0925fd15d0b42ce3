"""The installer: build the real bundle (and on Linux its .deb) into a temporary folder, run it.

Slow (a PyInstaller build: minutes on two cores), but part of the suite: it is the only
proof that the bundle carries everything (Qt plugins, catalogs, the font, babel's data).
Skipped only where PyInstaller (a dev dependency) is not installed. On Linux the same build
also makes the Debian package, which is inspected, checked with lintian, installed with apt,
run from /usr/bin and removed (that last test changes the system, so it runs as root in CI or
with AFTERCARE_DEB_TEST=1). The build happens once per run, whichever xdist worker needs it.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from app import __version__
from app.selfcheck import CHECKS
from tests.helpers import REPO_ROOT

pytest.importorskip("PyInstaller", reason="PyInstaller (a dev dependency) is not installed")

pytestmark = pytest.mark.slow
EXE = "aftercare.exe" if sys.platform == "win32" else "aftercare"
DEB_TOOLS_PRESENT = sys.platform.startswith("linux") and all(
    shutil.which(tool) for tool in ("dpkg-deb", "patchelf")
)


@pytest.fixture(scope="session")
def build_output(tmp_path_factory) -> tuple[Path, str]:
    """One build for the whole run: the bundle, plus the .deb where dpkg-deb can make it.

    Under pytest-xdist each worker has its own session, so the first worker to get here
    builds into the run's shared temporary folder under a file lock, and the others wait
    for it and reuse the result (the recipe of pytest-xdist's documentation)."""
    shared = tmp_path_factory.getbasetemp().parent / "installer-build"
    shared.mkdir(exist_ok=True)
    out, work, log = shared / "dist", shared / "work", shared / "stdout.txt"
    with (shared / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not log.exists():
            deb = ["--deb"] if DEB_TOOLS_PRESENT else []
            done = subprocess.run(
                [
                    sys.executable,
                    "build_installer.py",
                    "--out",
                    str(out),
                    "--work",
                    str(work),
                    *deb,
                ],
                cwd=REPO_ROOT,
                capture_output=True,
                text=True,
                timeout=1800,
            )
            assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
            log.write_text(done.stdout, encoding="utf-8")
    stdout = log.read_text(encoding="utf-8")
    assert "MiB" in stdout  # it prints the bundle's size
    return out, stdout


@pytest.fixture(scope="session")
def bundle(build_output) -> Path:
    return build_output[0] / "aftercare"


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


# --- the Debian package (deb_package.py) -----------------------------------------------------

needs_deb = pytest.mark.skipif(
    not DEB_TOOLS_PRESENT, reason="dpkg-deb and patchelf are needed to build the .deb"
)


@pytest.fixture(scope="session")
def deb(build_output) -> Path:
    if not DEB_TOOLS_PRESENT:
        pytest.skip("dpkg-deb and patchelf are needed to build the .deb")
    found = list(build_output[0].glob("aftercare_*_amd64.deb"))
    assert [p.name for p in found] == [f"aftercare_{__version__}_amd64.deb"]
    return found[0]


def dpkg_deb(*argv: str) -> str:
    return subprocess.run(["dpkg-deb", *argv], check=True, capture_output=True, text=True).stdout


@needs_deb
def test_deb_lays_out_program_launcher_menu_entry_icons_and_licences(deb):
    # dpkg-deb -c: "mode owner size date time ./path" (and " -> target" for a link)
    listing = {
        line.split(None, 5)[5].split(" -> ")[0].removeprefix(".")
        for line in dpkg_deb("-c", str(deb)).splitlines()
    }
    for path in (
        "/opt/aftercare/aftercare",
        "/usr/bin/aftercare",
        "/usr/share/applications/aftercare.desktop",
        "/usr/share/icons/hicolor/256x256/apps/aftercare.png",
        "/usr/share/icons/hicolor/48x48/apps/aftercare.png",
        "/usr/share/icons/hicolor/scalable/apps/aftercare.svg",
        "/usr/share/doc/aftercare/copyright",
        "/usr/share/doc/aftercare/wqy-microhei-copyright.txt",
        "/usr/share/man/man1/aftercare.1.gz",
    ):
        assert path in listing, path
    # Nothing outside the program's folder and the places a package's files belong.
    allowed = ("/opt/aftercare/", "/usr/bin/aftercare", "/usr/share/")
    assert all(p.startswith(allowed) or p.endswith("/") for p in listing)
    fields = dpkg_deb("-f", str(deb))
    assert f"Version: {__version__}" in fields and "Architecture: amd64" in fields
    for library in ("libxcb-cursor0", "libxkbcommon-x11-0", "libegl1", "libfontconfig1"):
        assert library in fields
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["dpkg-deb", "-x", str(deb), tmp], check=True)
        entry = (Path(tmp) / "usr/share/applications/aftercare.desktop").read_text("utf-8")
        assert "Name=Aftercare" in entry and "Name[zh_CN]=" in entry
        assert "Comment[zh_CN]=" in entry and "Icon=aftercare" in entry
        assert "Apache" in (Path(tmp) / "usr/share/doc/aftercare/copyright").read_text("utf-8")


@needs_deb
def test_deb_is_lintian_clean_apart_from_the_justified_overrides(deb):
    if shutil.which("lintian") is None:
        pytest.skip("lintian is not installed (.ci/run installs it)")
    done = subprocess.run(["lintian", str(deb)], capture_output=True, text=True, timeout=1200)
    findings = [line for line in done.stdout.splitlines() if line[:2] in ("E:", "W:")]
    assert findings == [], "\n".join(findings[:40])


def _may_change_the_system() -> bool:
    return (
        os.geteuid() == 0
        and shutil.which("apt-get") is not None
        and bool(os.environ.get("CI") or os.environ.get("AFTERCARE_DEB_TEST"))
    )


@needs_deb
@pytest.mark.skipif(
    not (sys.platform.startswith("linux") and _may_change_the_system()),
    reason="installs a system package: runs as root with apt-get, in CI or with AFTERCARE_DEB_TEST=1",
)
def test_deb_installs_with_apt_runs_from_usr_bin_and_removes_cleanly(deb, tmp_path):
    apt = ["apt-get", "-y", "-qq", "-o", "DPkg::Lock::Timeout=600"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*apt, "install", str(deb)], check=True, env=env, capture_output=True)
    try:
        installed = subprocess.run(
            ["dpkg", "-L", "aftercare"], check=True, capture_output=True, text=True
        ).stdout.split()
        home = tmp_path / "home"
        vault_marker = home / ".local/share/Aftercare/vault-stays.txt"
        vault_marker.parent.mkdir(parents=True)
        vault_marker.write_text("a user's data", encoding="utf-8")
        run_env = {
            "PATH": "/usr/bin:/bin",
            "HOME": str(home),
            "QT_QPA_PLATFORM": "offscreen",
            "TMPDIR": str(tmp_path),
        }
        version = subprocess.run(["/usr/bin/aftercare", "--version"], env=run_env,
                                 capture_output=True, text=True, timeout=300)  # fmt: skip
        assert version.returncode == 0, version.stderr
        assert version.stdout.strip() == f"aftercare {__version__}"
        check = subprocess.run(["/usr/bin/aftercare", "--lang", "en", "selfcheck"], env=run_env,
                               capture_output=True, text=True, timeout=600)  # fmt: skip
        assert check.returncode == 0, check.stdout + check.stderr
        assert check.stdout.splitlines()[-1].startswith("ok   window")
        # The window's platform plugin finds every system library the package depends on.
        internal = Path("/opt/aftercare/_internal")
        plugin = internal / "PySide6/Qt/plugins/platforms/libqxcb.so"
        libraries = f"{internal}:{internal / 'PySide6/Qt/lib'}"
        ldd = subprocess.run(["ldd", str(plugin)], env={"LD_LIBRARY_PATH": libraries},
                             capture_output=True, text=True, check=True)  # fmt: skip
        assert "not found" not in ldd.stdout, ldd.stdout
    finally:
        subprocess.run([*apt, "remove", "aftercare"], check=True, env=env, capture_output=True)
    ours = [p for p in installed if p.startswith(("/opt/aftercare", "/usr/share/doc/aftercare"))]
    files = [p for p in installed if not Path(p).is_dir()]
    assert not [p for p in [*ours, *files] if Path(p).exists()]
    assert vault_marker.read_text(encoding="utf-8") == "a user's data"
