"""Build the Aftercare bundle for this operating system: `uv run python build_installer.py`.

A PyInstaller one-folder bundle in dist/aftercare/ (or `--out DIR`), which needs no Python on
the laptop it is copied to. PyInstaller builds for the system it runs on only: build on
Windows for Windows, on macOS for macOS, on Linux for Linux (docs/installer.md).

What goes in besides the program:
- the translation catalogs, compiled here from i18n/<locale>/LC_MESSAGES/messages.po to .mo
  (compiled catalogs are never committed; a missing .po is reported, not fatal);
- Qt's own Chinese strings (qtbase_zh_CN.qm, from the PySide6 wheel) where Qt looks for them;
- resources/ and a TrueType CJK font with its licence in resources/fonts/ (fonts are never
  committed): WenQuanYi Micro Hei from Debian's fonts-wqy-microhei package (apt-get), else
  the same file from PyPI (checked against Debian's checksum), else, on Windows and macOS,
  none: the system's Microsoft YaHei / PingFang / Arial Unicode are used at run time.
  The fetched font is cached in resources/fonts/ of the source tree (git-ignored).

Left out: Qt modules the window does not use, and babel's locale data other than what
zh_CN and en need. On Windows the folder has two programs, aftercare.exe (for a terminal:
`selfcheck`, `--version`) and aftercare-gui.exe (no console window, for the shortcut), and a
zip of the folder is written beside it. On macOS the window is Aftercare.app. On Linux,
`--deb` also wraps the folder in a Debian package (deb_package.py, docs/installer.md).
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
NAME = "aftercare"

FONT_FILE = "wqy-microhei.ttc"
FONT_LICENCE = "wqy-microhei-copyright.txt"
DEBIAN_FONT_PACKAGE = "fonts-wqy-microhei"
DEBIAN_FONT_PATH = "usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
DEBIAN_COPYRIGHT_PATH = "usr/share/doc/fonts-wqy-microhei/copyright"
# The same font file on PyPI, for a build machine without apt-get. Its package licence is for
# the packaging only, so we accept the file only when it is byte for byte Debian's
# (fonts-wqy-microhei 0.2.0-beta-3.1), whose licence we then state.
PYPI_FONT_PACKAGE = "paperang-p2-fonts-cjk==0.1.0"
PYPI_FONT_PATH = "paperang_p2_fonts_cjk/fonts/wqy-microhei.ttc"
DEBIAN_FONT_SHA256 = "2420e8078af796b19a3f6ef13de527a1a91c1e7171eea115926c614ced1009b3"
PYPI_FONT_LICENCE = """\
WenQuanYi Micro Hei 文泉驿微米黑, version 0.2.0-beta
Copyright 2008-2009 The WenQuanYi Project Board of Trustees, Qianqian Fang and mozbug;
based on the Droid fonts, copyright 2006-2008 Google Corporation and Ascender Corp.;
some CJK punctuation from Ume-Font, copyright Electronic Font Open Laboratory and
Wada Laboratory, the University of Tokyo.
License: Apache-2.0, or GPL-3+ with the font exception (as stated by the upstream
project and in Debian's package fonts-wqy-microhei, whose file this is byte for byte,
sha256 {sha256}).
Fetched from PyPI's package {package}, whose own licence (for the packaging) follows.

{package_licence}"""

# The window uses QtCore, QtGui and QtWidgets only (grep "from PySide6" ui/).
QT_EXCLUDES = [f"PySide6.{module}" for module in (
    "Qt3DAnimation", "Qt3DCore", "Qt3DExtras", "Qt3DInput", "Qt3DLogic", "Qt3DRender",
    "QtBluetooth", "QtCharts", "QtConcurrent", "QtDataVisualization", "QtDBus", "QtDesigner",
    "QtGraphs", "QtHelp", "QtHttpServer", "QtLabsStyleKit", "QtLocation", "QtMultimedia",
    "QtMultimediaWidgets", "QtNetwork", "QtNetworkAuth", "QtNfc", "QtOpenGL",
    "QtOpenGLWidgets", "QtPdf", "QtPdfWidgets", "QtPositioning", "QtPrintSupport", "QtQml",
    "QtQmlFeatures", "QtQuick", "QtQuick3D", "QtQuickControls2", "QtQuickTest",
    "QtQuickWidgets", "QtRemoteObjects", "QtScxml", "QtSensors", "QtSerialBus",
    "QtSerialPort", "QtSpatialAudio", "QtSql", "QtStateMachine", "QtSvg", "QtSvgWidgets",
    "QtTest", "QtTextToSpeech", "QtUiTools", "QtWebChannel", "QtWebEngineCore",
    "QtWebEngineQuick", "QtWebEngineWidgets", "QtWebSockets", "QtXml",
)]  # fmt: skip
PYTHON_EXCLUDES = ["tkinter", "pytest", "hypothesis", "pypdf"]  # PIL stays: reportlab needs it
# Qt plugins for kiosks, framebuffers, VNC and image formats the window never reads, and
# the libraries only they need (names without "lib" and suffix, for every system).
QT_PLUGIN_FOLDERS_DROPPED = {"egldeviceintegrations", "generic"}
QT_BINARIES_DROPPED = {
    "qeglfs", "qlinuxfb", "qminimalegl", "qvkkhrdisplay", "qvnc", "qdirect2d",
    "qgif", "qicns", "qjpeg", "qtga", "qtiff", "qwbmp", "qwebp",
    "Qt6Network", "Qt6EglFSDeviceIntegration", "Qt6EglFsKmsSupport",
}  # fmt: skip
# babel loads zh_CN as zh_Hans_CN -> zh_Hans -> zh -> root, and en as en -> root.
BABEL_LOCALES = {"root", "en", "zh", "zh_Hans", "zh_Hans_CN"}
QT_TRANSLATIONS = {"qtbase_zh_CN.qm"}
TARGET_LOCALES = ("zh_CN", "en")

SPEC = """\
# Written by build_installer.py for one build; edit that file, not this one.
import sys
from pathlib import Path
from PyInstaller.utils.hooks import collect_submodules

ROOT = Path({root!r})
KEEP_BABEL = {babel!r}
KEEP_QT_TRANSLATIONS = {qt_translations!r}
DROP_PLUGIN_FOLDERS = {plugin_folders!r}
DROP_BINARIES = {binaries!r}


def keep(dest):
    parts = Path(dest).parts
    if len(parts) >= 3 and parts[:2] == ("babel", "locale-data"):
        return Path(dest).stem in KEEP_BABEL
    if "translations" in parts and "PySide6" in parts:
        return Path(dest).name in KEEP_QT_TRANSLATIONS
    return True


def keep_binary(dest):
    path = Path(dest)
    if "PySide6" not in path.parts:
        return True
    if "plugins" in path.parts and path.parent.name in DROP_PLUGIN_FOLDERS:
        return False
    return path.name.split(".")[0].removeprefix("lib") not in DROP_BINARIES


a = Analysis(
    [{entry!r}],
    pathex=[str(ROOT)],
    datas={datas!r},
    # the subcommands and the window's pages are imported by name (importlib)
    hiddenimports=collect_submodules("app") + collect_submodules("ui"),
    excludes={excludes!r},
    noarchive=False,
)
a.datas = [d for d in a.datas if keep(d[0])]
a.binaries = [b for b in a.binaries if keep_binary(b[0])]
pyz = PYZ(a.pure)
programs = {programs!r}
exes = [
    EXE(
        pyz,
        a.scripts,
        [],
        exclude_binaries=True,
        name=name,
        console=console,
        upx=False,
        icon=None,
    )
    for name, console in programs
]
coll = COLLECT(*exes, a.binaries, a.datas, name={name!r}, upx=False)
if sys.platform == "darwin":
    app = BUNDLE(coll, name="Aftercare.app", bundle_identifier="org.aftercare.app")
"""


def say(message: str) -> None:
    print(f"build_installer: {message}", flush=True)


# --- translations ----------------------------------------------------------------------------


def compile_catalogs(stage: Path) -> list[str]:
    """Compile each locale's messages.po into stage/i18n; returns the locales compiled."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    compiled = []
    for locale in TARGET_LOCALES:
        po = ROOT / "i18n" / locale / "LC_MESSAGES" / "messages.po"
        if not po.exists():
            if locale != "en":  # English is the source language: no catalog needed
                say(f"no catalog {po.relative_to(ROOT)}: the bundle shows English for {locale}")
            continue
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=locale)
        target = stage / "i18n" / locale / "LC_MESSAGES" / "messages.mo"
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as fh:
            write_mo(fh, catalog)
        compiled.append(locale)
    say(f"compiled catalogs: {', '.join(compiled) or 'none'}")
    return compiled


# --- the CJK font ----------------------------------------------------------------------------


def _font_from_debian(tmp: Path) -> tuple[bytes, bytes] | None:
    if not (shutil.which("apt-get") and shutil.which("dpkg-deb")):
        return None
    done = subprocess.run(
        ["apt-get", "download", DEBIAN_FONT_PACKAGE], cwd=tmp, capture_output=True, text=True
    )
    debs = list(tmp.glob(f"{DEBIAN_FONT_PACKAGE}_*.deb"))
    if done.returncode != 0 or not debs:
        say(f"apt-get download {DEBIAN_FONT_PACKAGE} failed: {done.stderr.strip()[-300:]}")
        return None
    unpacked = tmp / "deb"
    subprocess.run(["dpkg-deb", "-x", str(debs[0]), str(unpacked)], check=True)
    say(f"font from Debian's {debs[0].name}")
    return (unpacked / DEBIAN_FONT_PATH).read_bytes(), (
        unpacked / DEBIAN_COPYRIGHT_PATH
    ).read_bytes()


def _font_from_pypi(tmp: Path) -> tuple[bytes, bytes] | None:
    uv = shutil.which("uv")
    installer = [uv, "pip", "install"] if uv else [sys.executable, "-m", "pip", "install"]
    target = tmp / "pypi"
    done = subprocess.run(
        [*installer, "--quiet", "--no-deps", "--target", str(target), PYPI_FONT_PACKAGE],
        capture_output=True,
        text=True,
    )
    font = target / PYPI_FONT_PATH
    if done.returncode != 0 or not font.is_file():
        say(f"PyPI's {PYPI_FONT_PACKAGE} could not be fetched: {done.stderr.strip()[-300:]}")
        return None
    data = font.read_bytes()
    if hashlib.sha256(data).hexdigest() != DEBIAN_FONT_SHA256:
        say(f"PyPI's {PYPI_FONT_PACKAGE} holds a different font file; not used")
        return None
    licences = sorted(target.glob("*.dist-info/licenses/*")) + sorted(
        target.glob("*.dist-info/LICENSE*")
    )
    package_licence = licences[0].read_text(encoding="utf-8") if licences else ""
    text = PYPI_FONT_LICENCE.format(
        sha256=DEBIAN_FONT_SHA256, package=PYPI_FONT_PACKAGE, package_licence=package_licence
    )
    say(f"font from PyPI's {PYPI_FONT_PACKAGE}")
    return data, text.encode("utf-8")


def fetch_font() -> list[Path]:
    """The font and its licence, cached in resources/fonts/; [] when none could be had."""
    cache = ROOT / "resources" / "fonts"
    font, licence = cache / FONT_FILE, cache / FONT_LICENCE
    if font.is_file() and licence.is_file():
        say(f"font: {font.relative_to(ROOT)} (cached)")
        return [font, licence]
    with tempfile.TemporaryDirectory(prefix="aftercare-font-") as tmp:
        found = _font_from_debian(Path(tmp)) or _font_from_pypi(Path(tmp))
    if found is None:
        return []
    cache.mkdir(parents=True, exist_ok=True)
    font.write_bytes(found[0])
    licence.write_bytes(found[1])
    return [font, licence]


# --- the bundle ------------------------------------------------------------------------------


def data_files(stage: Path, font_files: list[Path]) -> list[tuple[str, str]]:
    """(source, folder in the bundle) pairs, as PyInstaller's `datas`."""
    datas = []
    if (stage / "i18n").is_dir():
        datas.append((str(stage / "i18n"), "i18n"))
    for item in sorted((ROOT / "resources").iterdir()):
        if item.name == "fonts":  # only the font we fetched, never whatever else lies there
            continue
        datas.append((str(item), f"resources/{item.name}" if item.is_dir() else "resources"))
    datas += [(str(f), "resources/fonts") for f in font_files]
    return datas


def programs() -> list[tuple[str, bool]]:
    """(executable name, has a console). Windows needs a console program for the terminal and
    a windowed one for the shortcut; elsewhere one program does both."""
    if sys.platform == "win32":
        return [(NAME, True), (f"{NAME}-gui", False)]
    if sys.platform == "darwin":
        return [(NAME, False)]  # Aftercare.app; Contents/MacOS/aftercare works in a terminal
    return [(NAME, True)]


ENTRY = """\
import sys

from ui.entry import main

sys.exit(main())
"""


def write_spec(work: Path, datas: list[tuple[str, str]]) -> Path:
    entry = work / f"{NAME}.py"  # the bundle's program: the `aftercare` command
    entry.write_text(ENTRY, encoding="utf-8")
    spec = work / f"{NAME}.spec"
    spec.write_text(
        SPEC.format(
            entry=str(entry),
            root=str(ROOT),
            babel=BABEL_LOCALES,
            qt_translations=QT_TRANSLATIONS,
            plugin_folders=QT_PLUGIN_FOLDERS_DROPPED,
            binaries=QT_BINARIES_DROPPED,
            datas=datas,
            excludes=QT_EXCLUDES + PYTHON_EXCLUDES,
            programs=programs(),
            name=NAME,
        ),
        encoding="utf-8",
    )
    return spec


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def build(out: Path, work: Path) -> Path:
    """Build the bundle into out/aftercare; returns that folder."""
    try:
        import PyInstaller  # noqa: F401  (a dev dependency: `uv sync` installs it)
    except ImportError:
        raise SystemExit("build_installer: PyInstaller is missing; run `uv sync` first") from None
    work.mkdir(parents=True, exist_ok=True)
    stage = work / "stage"
    shutil.rmtree(stage, ignore_errors=True)
    compile_catalogs(stage)
    font_files = fetch_font()
    if not font_files:
        if sys.platform.startswith("linux"):
            raise SystemExit(
                "build_installer: no CJK TrueType font could be fetched (apt-get or PyPI); "
                "a Linux laptop may have none, so the build stops"
            )
        say("no font fetched: PDFs will use the system's Chinese font (YaHei, PingFang, ...)")
    spec = write_spec(work, data_files(stage, font_files))
    say("running PyInstaller (a few minutes the first time)")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            str(spec),
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(out),
            "--workpath",
            str(work / "pyinstaller"),
        ],
        check=True,
        cwd=ROOT,
    )
    return out / NAME


def zip_bundle(bundle: Path) -> Path:
    from app import __version__

    base = bundle.parent / f"{NAME}-{__version__}-windows"
    return Path(shutil.make_archive(str(base), "zip", root_dir=bundle.parent, base_dir=NAME))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="default: dist/")
    parser.add_argument(
        "--work",
        type=Path,
        default=ROOT / "build" / "installer",
        help="PyInstaller's work folder, kept between builds to make the next one faster",
    )
    parser.add_argument(
        "--deb",
        action="store_true",
        help="also wrap the bundle in aftercare_VERSION_amd64.deb (Debian, UOS, Kylin)",
    )
    args = parser.parse_args(argv)
    if args.deb and not sys.platform.startswith("linux"):
        parser.error("--deb builds on Linux only (dpkg-deb packs the Linux bundle)")
    started = time.monotonic()
    bundle = build(args.out.resolve(), args.work.resolve())
    size = folder_size(bundle)
    say(f"bundle: {bundle} ({size / 2**20:.0f} MiB), built in {time.monotonic() - started:.0f} s")
    if sys.platform == "win32":
        say(f"zip: {zip_bundle(bundle)}")
    if args.deb:
        make_deb(bundle, args.out.resolve(), args.work.resolve())
    return 0


def make_deb(bundle: Path, out: Path, work: Path) -> None:
    from deb_package import build_deb, lintian

    started = time.monotonic()
    deb = build_deb(bundle, out, work)
    size = deb.stat().st_size / 2**20
    say(f"package: {deb} ({size:.0f} MiB), made in {time.monotonic() - started:.0f} s")
    findings = lintian(deb)
    if findings is None:
        say("lintian is not installed; the package was not checked")
    else:
        say("lintian: " + ("clean" if not findings else "\n" + findings))


if __name__ == "__main__":
    sys.exit(main())
