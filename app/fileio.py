"""Atomic writes of every file the program writes (slot file, exports, settings, reports):
temp file in the same folder, mode 0600, fsync, replace, fsync of the folder.

A reader sees either the old file or the new one, never half of each, even if the power goes
out mid-write. Only files meant for others to read (a contact card, a unit key) pass 0o644.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def fsync_dir(folder: Path) -> None:
    if os.name == "nt":  # Windows cannot open a directory for fsync; NTFS journals the rename.
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes, mode: int = 0o600) -> None:
    atomic_write(path, lambda fh: fh.write(data), mode)


def atomic_write(
    path: str | os.PathLike[str], write: Callable[[BinaryIO], object], mode: int = 0o600
) -> None:
    """Write `path` through `write(file)` (e.g. a workbook's `save`), atomically."""
    target = Path(path)
    folder = target.parent
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            if hasattr(os, "fchmod"):  # not on Windows, where the folder's ACL protects it
                os.fchmod(fh.fileno(), mode)
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    fsync_dir(folder)
