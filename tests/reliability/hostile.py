"""Small files built to take the memory or the time, and a way to run the command on one
while measuring what it cost.

Each builder writes a file of at most a few hundred KB (the package ones excepted, which are
about size) that a naive reader would blow up: a backup whose database is a deflated
400 MiB of zeros, a workbook whose sheet claims a million rows, an XML entity bomb...
`run_measured` runs `aftercare ARGS` in a child process and returns its exit status, its
message and its peak memory (the child's own high-water mark) and time; the tests assert the
memory and hand the figures to the reliability tally (printed at the end of the run, for
docs/reliability.md).
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl

from tests import helpers

MIB = 1024 * 1024

# The child's own peak: VmHWM of its memory map, which exec starts afresh. (ru_maxrss would
# carry over the parent's size at fork: the pytest worker's, some 240 MB.)
LAUNCHER = (
    "import json, sys, time\n"
    "from app.cli import main\n"
    "start = time.perf_counter()\n"
    "code = main(sys.argv[1:])\n"
    "seconds = time.perf_counter() - start\n"
    "status = open('/proc/self/status').read().split('VmHWM:')[1].split()[0]\n"
    "print(json.dumps({'code': code, 'seconds': seconds, 'peak_mb': int(status) / 1024}),"
    " file=sys.stderr)\n"
)


@dataclass(frozen=True)
class Measured:
    code: int
    message: str  # what the command printed on stderr, the measurement line left out
    seconds: float
    peak_mb: float


def run_measured(argv: list[str], env: dict[str, str] | None = None) -> Measured:
    done = subprocess.run(
        [sys.executable, "-c", LAUNCHER, *argv],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=helpers.child_env(env),
        cwd=helpers.REPO_ROOT,
        timeout=600,
        check=False,
    )
    lines = done.stderr.strip().splitlines()
    figures = json.loads(lines[-1]) if lines else {}
    if not figures:
        raise AssertionError(done.stderr)
    return Measured(figures["code"], "\n".join(lines[:-1]), figures["seconds"], figures["peak_mb"])


# --- backups ----------------------------------------------------------------------------------


def _zeros(archive: zipfile.ZipFile, name: str, size: int) -> None:
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    with archive.open(info, "w", force_zip64=True) as member:
        chunk = bytes(MIB)
        for _ in range(size // MIB):
            member.write(chunk)


def backup_bomb(real_backup: Path, out: Path, member: str = "vault.db") -> Path:
    """A real backup whose `member` is replaced by 400 MiB of zeros, deflated (~400 KB)."""
    with zipfile.ZipFile(real_backup) as real, zipfile.ZipFile(out, "w") as bomb:
        for info in real.infolist():
            if info.filename == member:
                _zeros(bomb, member, 400 * MIB)
            else:
                bomb.writestr(info.filename, real.read(info.filename))
    return out


# --- workbooks --------------------------------------------------------------------------------


def _workbook(out: Path, cells: dict[tuple[int, int], str]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    for (row, column), value in cells.items():
        sheet.cell(row=row, column=column, value=value)
    book.save(out)
    return out


def _replace_part(path: Path, part: str, content: bytes) -> Path:
    """Rewrite one part of a workbook (deflated), keeping the others."""
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info.filename) for info in source.infolist()}
    parts[part] = content
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path


def sheet_claiming_a_million_rows(out: Path) -> Path:
    """One header row and one cell in the sheet's last row and column: 5 KB that a reader
    trusting the dimensions turns into 1,048,576 rows of 16,384 cells."""
    return _workbook(out, {(1, 1): "姓名", (2, 1): "王芳", (1_048_576, 16_384): "x"})


def sheet_of_wide_rows(out: Path, rows: int = 300) -> Path:
    """`rows` rows each with a cell in column XFD: 16,384 cells a row once padded."""
    return _workbook(out, {(row, 16_384): "x" for row in range(1, rows + 1)})


def shared_strings_bomb(out: Path) -> Path:
    """A workbook whose shared strings part is 300 MiB of one string repeated, deflated."""
    _workbook(out, {(1, 1): "姓名"})
    with zipfile.ZipFile(out) as source:
        parts = {info.filename: source.read(info.filename) for info in source.infolist()}
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
        info = zipfile.ZipInfo("xl/sharedStrings.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        one = b"<si><t>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</t></si>"
        with target.open(info, "w", force_zip64=True) as part:
            part.write(
                b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/'
                b'spreadsheetml/2006/main">'
            )
            block = one * (MIB // len(one))
            for _ in range(300):
                part.write(block)
            part.write(b"</sst>")
    return out


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE worksheet [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
 <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>&g;</t></is></c></row>
</sheetData></worksheet>
"""


def entity_bomb(out: Path) -> Path:
    """A workbook whose sheet declares entities that expand to gigabytes."""
    _workbook(out, {(1, 1): "姓名"})
    return _replace_part(out, "xl/worksheets/sheet1.xml", BILLION_LAUGHS)


# --- referral packages ------------------------------------------------------------------------


def oversized_package(out: Path, size: int = 80 * MIB) -> Path:
    """A file of `size` bytes named like a package: JSON white space after an opening brace."""
    with out.open("wb") as fh:
        fh.write(b"{")
        fh.truncate(size)
    return out


def strangers_package(receiving_public: bytes, out: Path, payload_bytes: int = 11 * MIB) -> Path:
    """A well-formed package sealed to `receiving_public` and signed by a key no contact has,
    holding `payload_bytes` of text (about 15 MiB on disk, just under the size cap)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from app.referrals import package

    payload = {"referral_id": "0" * 32, "notes": "x" * payload_bytes}
    sealed = package.seal(
        "referral", payload, recipient=receiving_public, sender=Ed25519PrivateKey.generate()
    )
    out.write_bytes(sealed.data)
    return out
