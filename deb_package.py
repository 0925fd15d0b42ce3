"""The Debian package, for UOS, Kylin and Debian laptops: `build_installer.py --deb`.

Wraps the PyInstaller bundle (build_installer.py) in aftercare_VERSION_amd64.deb with the
standard tool, dpkg-deb:

    /opt/aftercare/                       the bundle, as built (it finds its files beside itself)
    /usr/bin/aftercare                    a launcher that runs /opt/aftercare/aftercare
    /usr/share/applications/aftercare.desktop        名字 in Chinese and English
    /usr/share/icons/hicolor/{48x48,256x256}/apps/aftercare.png, scalable/apps/aftercare.svg
    /usr/share/doc/aftercare/             copyright (with the CJK font's licence), changelog
    /usr/share/man/man1/aftercare.1.gz
    /usr/share/lintian/overrides/aftercare           the tags we accept, each with its reason

No maintainer scripts: dpkg removes every file it installed, and Debian's own triggers
refresh the icon cache and the menu. Vaults, settings and backups live in each user's home
(~/.local/share/Aftercare), which a package never touches, so `apt remove` leaves them.

The tree is made deterministic (sorted, one owner, fixed modes, every time stamp set to
SOURCE_DATE_EPOCH, which defaults to the last commit's time), so the same bundle always gives
the same package bytes.
"""

from __future__ import annotations

import gzip
import io
import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent
PACKAGE = "aftercare"
INSTALL_DIR = Path("opt") / PACKAGE
PLACEHOLDER_MAINTAINER = "Aftercare maintainers <aftercare@localhost>"
ICON_SIZES = (48, 256)

# What the bundle loads from the system (Qt's xcb platform plugin, OpenGL/EGL, fontconfig,
# D-Bus, GLib; checked with ldd on the installed files by tests/test_installer.py). The bundle
# carries Python, Qt itself and its CJK font. Package names are Debian 10+'s, which UOS and
# Kylin share.
DEPENDS = (
    "libc6 (>= 2.28)",
    "libegl1",
    "libgl1",
    "libglib2.0-0",
    "libdbus-1-3",
    "libfontconfig1",
    "libfreetype6",
    "libx11-6",
    "libx11-xcb1",
    "libxcb1",
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-image0",
    "libxcb-keysyms1",
    "libxcb-randr0",
    "libxcb-render-util0",
    "libxcb-render0",
    "libxcb-shape0",
    "libxcb-shm0",
    "libxcb-sync1",
    "libxcb-xfixes0",
    "libxcb-xkb1",
    "libxkbcommon0",
    "libxkbcommon-x11-0",
)

DESCRIPTION = """\
encrypted case files for shelters caring for trafficking survivors
 Aftercare keeps one encrypted case file per person rescued from trafficking
 (identity, consent, medical and psychological care, legal aid, schooling,
 training, reintegration, follow-up visits, referrals) on an offline laptop,
 and writes the de-identified, signed quarterly summary a shelter sends to the
 provincial coordinating office, which rolls the summaries up.
 .
 The program is a self-contained bundle in /opt/aftercare (Python, Qt and a
 Chinese font included); vaults live in each user's home folder."""

LAUNCHER = """\
#!/bin/sh
# Installed by the aftercare package: the program is the bundle in /opt/aftercare.
exec /opt/aftercare/aftercare "$@"
"""

DESKTOP_ENTRY = """\
[Desktop Entry]
Type=Application
Version=1.5
Name=Aftercare
Name[zh_CN]=善后关爱
GenericName=Case files for shelters
GenericName[zh_CN]=救助个案管理
Comment=Encrypted case files and quarterly summaries for shelters caring for trafficking survivors
Comment[zh_CN]=为被拐卖受害人救助机构提供加密个案档案和季度汇总
Exec=aftercare gui
Icon=aftercare
Terminal=false
Categories=Office;
Keywords=case;shelter;trafficking;个案;救助;
StartupWMClass=aftercare
"""

MANPAGE = """\
.TH AFTERCARE 1 "" "aftercare {version}" "User Commands"
.SH NAME
aftercare \\- encrypted case files for shelters caring for trafficking survivors
.SH SYNOPSIS
.B aftercare
.RB [ gui ]
.br
.B aftercare
.I command
.RI [ options ]
.SH DESCRIPTION
Without a command, or with
.BR gui ,
opens the window. Every command is listed by
.BR "aftercare \\-\\-help" ;
.B aftercare selfcheck
checks the installation.
Passphrases are read from AFTERCARE_USER and AFTERCARE_PASSPHRASE or a prompt,
never from arguments.
.SH FILES
.TP
.I ~/.local/share/Aftercare
the user's vaults, settings and backups (kept when the package is removed)
.TP
.I /opt/aftercare
the program
"""

COPYRIGHT = """\
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: aftercare
Comment: The program is a PyInstaller bundle; it carries Python, Qt (PySide6, LGPL-3),
 reportlab, babel, cryptography, SQLCipher and the packages of uv.lock under their own
 licences, and the WenQuanYi Micro Hei font, whose licence follows and is also in
 /usr/share/doc/aftercare/wqy-microhei-copyright.txt.

Files: *
Copyright: the Aftercare maintainers
License: proprietary
 Aftercare is distributed to shelters and coordinating offices under the terms agreed
 with them; see the project's README.

Files: opt/aftercare/_internal/resources/fonts/*
Copyright: 2008-2009 The WenQuanYi Project Board of Trustees, Qianqian Fang and mozbug
License: Apache-2.0 or GPL-3+ with font exception
 The full text, as shipped with the font, is in
 /usr/share/doc/aftercare/wqy-microhei-copyright.txt.
"""

# The tags lintian raises for a self-contained bundle, each accepted for the reason given
# (docs/installer.md repeats them for an administrator). Anything else lintian says is ours
# to fix: tests/test_installer.py fails on it.
LINTIAN_OVERRIDES = """\
# Offices asked for the program under /opt (FHS: add-on application software), apart from
# the system's packages, so that it is installed, replaced and removed as one folder.
aftercare: dir-or-file-in-opt [opt/aftercare/*]
# The bundle carries the exact Python, Qt and libraries it was tested with.
aftercare: embedded-library *
# The program is PyInstaller's bootloader with the Python archive appended: stripping it
# would cut the archive off. The libraries are kept as their wheels ship them.
aftercare: unstripped-binary-or-object [opt/aftercare/*]
aftercare: hardening-no-pie [opt/aftercare/aftercare]
# Python's extension modules get libc through the interpreter that loads them.
aftercare: shared-library-lacks-prerequisites [opt/aftercare/*]
aftercare: library-not-linked-against-libc [opt/aftercare/*]
# A string inside libmount, which never starts a pager for this program.
aftercare: missing-depends-on-sensible-utils sensible-pager [opt/aftercare/*]
"""
# Without DEBEMAIL the package names a placeholder maintainer; an office building its own
# package sets DEBFULLNAME and DEBEMAIL (as for any Debian tool) and this override goes.
PLACEHOLDER_MAINTAINER_OVERRIDES = """\
# No public address: set DEBFULLNAME and DEBEMAIL to the office's own when building.
aftercare: bogus-mail-host *
aftercare: bogus-mail-host-in-debian-changelog *
"""


def maintainer() -> str:
    """DEBFULLNAME <DEBEMAIL>, as Debian's tools take it, or the project's placeholder."""
    email = os.environ.get("DEBEMAIL", "").strip()
    if not email:
        return PLACEHOLDER_MAINTAINER
    return f"{os.environ.get('DEBFULLNAME', 'Aftercare maintainers').strip()} <{email}>"


def source_date_epoch() -> int:
    """SOURCE_DATE_EPOCH if set, else the last commit's time, else 0: the same every build."""
    if os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        return int(os.environ["SOURCE_DATE_EPOCH"])
    done = subprocess.run(
        ["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True
    )
    return int(done.stdout.strip()) if done.returncode == 0 and done.stdout.strip() else 0


def _gzip(text: str, epoch: int) -> bytes:
    """gzip with the time stamp fixed and no file name, as Debian requires for docs."""
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9, mtime=epoch) as fh:
        fh.write(text.encode("utf-8"))
    return buffer.getvalue()


def _render_icon(size: int) -> bytes:
    """The SVG drawn at one size as PNG, by Qt (a dev-machine dependency already)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(ROOT / "resources" / "icons" / "aftercare.svg"))
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def _write(path: Path, data: bytes | str, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    path.chmod(mode)


def _changelog(version: str, epoch: int) -> str:
    from email.utils import formatdate

    return (
        f"{PACKAGE} ({version}) unstable; urgency=medium\n\n"
        "  * Built from the Aftercare repository; see CHANGELOG.md for what changed.\n\n"
        f" -- {maintainer()}  {formatdate(epoch, localtime=False)}\n"
    )


def stage(bundle: Path, tree: Path, version: str, epoch: int) -> None:
    """Lay out the installed files of the package under `tree`."""
    shutil.copytree(bundle, tree / INSTALL_DIR, symlinks=True)
    _write(tree / "usr" / "bin" / PACKAGE, LAUNCHER, 0o755)
    _write(tree / "usr" / "share" / "applications" / f"{PACKAGE}.desktop", DESKTOP_ENTRY)
    icons = tree / "usr" / "share" / "icons" / "hicolor"
    for size in ICON_SIZES:
        _write(icons / f"{size}x{size}" / "apps" / f"{PACKAGE}.png", _render_icon(size))
    svg = (ROOT / "resources" / "icons" / "aftercare.svg").read_bytes()
    _write(icons / "scalable" / "apps" / f"{PACKAGE}.svg", svg)
    doc = tree / "usr" / "share" / "doc" / PACKAGE
    _write(doc / "copyright", COPYRIGHT)
    _write(doc / "changelog.gz", _gzip(_changelog(version, epoch), epoch))
    font_licence = next((tree / INSTALL_DIR).rglob("wqy-microhei-copyright.txt"), None)
    if font_licence is not None:
        shutil.copyfile(font_licence, doc / font_licence.name)
    man = MANPAGE.format(version=version)
    _write(tree / "usr" / "share" / "man" / "man1" / f"{PACKAGE}.1.gz", _gzip(man, epoch))
    overrides = LINTIAN_OVERRIDES
    if maintainer() == PLACEHOLDER_MAINTAINER:
        overrides += PLACEHOLDER_MAINTAINER_OVERRIDES
    _write(tree / "usr" / "share" / "lintian" / "overrides" / PACKAGE, overrides)


def _elf_files(folder: Path) -> list[Path]:
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as fh:
                if fh.read(4) == b"\x7fELF":
                    found.append(path)
    return found


def drop_build_machine_paths(folder: Path) -> None:
    """Remove library search paths that point into the build machine (the Python that
    PyInstaller packed was built with RUNPATH /root/.pyenv/...): on a laptop they would look
    for libraries in a folder that is not ours. Paths relative to the bundle ($ORIGIN) stay."""
    patchelf = shutil.which("patchelf")
    if patchelf is None:
        raise SystemExit("build_installer: patchelf is missing (apt-get install patchelf)")
    for path in _elf_files(folder):
        done = subprocess.run([patchelf, "--print-rpath", str(path)],
                              capture_output=True, text=True)  # fmt: skip
        paths = [p for p in done.stdout.strip().split(":") if p]
        kept = [p for p in paths if p.startswith("$ORIGIN")]
        if done.returncode == 0 and kept != paths:
            command = ["--set-rpath", ":".join(kept)] if kept else ["--remove-rpath"]
            subprocess.run([patchelf, *command, str(path)], check=True)


def _is_program(path: Path) -> bool:
    """An ELF executable or a script (not a shared library): it keeps its execute bit."""
    with path.open("rb") as fh:
        head = fh.read(18)
    if head.startswith(b"#!"):
        return True
    # ELF e_type at offset 16: 2 is an executable; 3 (shared object) covers both libraries
    # and position-independent programs, told apart by the ".so" in a library's name.
    if head[:4] != b"\x7fELF":
        return False
    return head[16] == 2 or (head[16] == 3 and ".so" not in path.name)


def normalise(tree: Path, epoch: int) -> int:
    """Fixed modes and time stamps for every path; returns the installed size in KiB."""
    size = 0
    for path in sorted(tree.rglob("*"), reverse=True):  # children before their folders
        if path.is_symlink():
            os.utime(path, (epoch, epoch), follow_symlinks=False)
            continue
        if path.is_dir():
            path.chmod(0o755)
        else:
            path.chmod(0o755 if path.stat().st_mode & 0o111 and _is_program(path) else 0o644)
            size += path.stat().st_size
        os.utime(path, (epoch, epoch))
    tree.chmod(0o755)
    os.utime(tree, (epoch, epoch))
    return (size + 1023) // 1024


def control(version: str, installed_kib: int) -> str:
    return (
        f"Package: {PACKAGE}\n"
        f"Version: {version}\n"
        "Architecture: amd64\n"
        f"Maintainer: {maintainer()}\n"
        f"Installed-Size: {installed_kib}\n"
        f"Depends: {', '.join(DEPENDS)}\n"
        "Section: misc\n"
        "Priority: optional\n"
        f"Description: {DESCRIPTION}\n"
    )


def build_deb(bundle: Path, out: Path, work: Path) -> Path:
    """Package `bundle` (build_installer's folder) as out/aftercare_VERSION_amd64.deb."""
    from app import __version__

    if shutil.which("dpkg-deb") is None:
        raise SystemExit("build_installer: dpkg-deb is missing (apt-get install dpkg)")
    epoch = source_date_epoch()
    tree = work / "deb-root"
    shutil.rmtree(tree, ignore_errors=True)
    tree.mkdir(parents=True)
    stage(bundle, tree, __version__, epoch)
    drop_build_machine_paths(tree / INSTALL_DIR)
    installed_kib = normalise(tree, epoch)
    _write(tree / "DEBIAN" / "control", control(__version__, installed_kib))
    for path in (tree / "DEBIAN", tree / "DEBIAN" / "control"):
        os.utime(path, (epoch, epoch))
    deb = out / f"{PACKAGE}_{__version__}_amd64.deb"
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(epoch)}
    subprocess.run(
        ["dpkg-deb", "--root-owner-group", "-Zgzip", "-z9", "--build", str(tree), str(deb)],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    return deb


def lintian(deb: Path) -> str | None:
    """Lintian's findings (empty when clean), or None where lintian is not installed."""
    if shutil.which("lintian") is None:
        return None
    done = subprocess.run(["lintian", "--tag-display-limit", "0", str(deb)],
                          capture_output=True, text=True)  # fmt: skip
    return (done.stdout + done.stderr).strip()
