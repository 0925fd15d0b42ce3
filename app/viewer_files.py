"""Temporary plain copies of attachments, for a program outside Aftercare to show.

A PDF or a scan the window cannot show itself has to be written out for the computer's
viewer to open. The window asks first (the copy is not encrypted); the copy goes into a
folder of its own in the data folder (`viewing/`, readable by the user alone) under a name
that says nothing (`attachment-12.pdf`), and is deleted when its case is closed in the window,
when the vault locks, and, for what a crash left behind, the next time the program starts.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

from app import paths
from app.fileio import atomic_write_bytes

_written: dict[str, list[Path]] = {}  # case number -> files written for it


def folder() -> Path:
    return paths.data_dir() / "viewing"


def write(case_number: str, attachment_id: int, suffix: str, data: bytes) -> Path:
    """Write one copy and remember it under its case; returns its path."""
    target = folder()
    target.mkdir(mode=0o700, parents=True, exist_ok=True)
    if hasattr(os, "chmod"):
        os.chmod(target, 0o700)
    path = target / f"attachment-{attachment_id}{suffix}"
    atomic_write_bytes(path, data)
    _written.setdefault(case_number, []).append(path)
    return path


def written(case_number: str | None = None) -> list[Path]:
    """The copies still on disk (of one case, or of all)."""
    groups = [_written.get(case_number, [])] if case_number else list(_written.values())
    return [p for group in groups for p in group if p.exists()]


def remove_case(case_number: str) -> None:
    for path in _written.pop(case_number, []):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def remove_all() -> None:
    """Delete every copy, this session's and any a crash left behind."""
    _written.clear()
    shutil.rmtree(folder(), ignore_errors=True)
