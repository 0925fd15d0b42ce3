"""Writing a roll-up's three outputs into a folder: rollup.json, rollup.xlsx, report.pdf.

The command and the window's Roll-up page both call `write_rollup`; it needs no case vault.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from app.errors import AftercareError
from app.fileio import atomic_write_bytes
from app.i18n import _
from app.pdf.rollup_report import render_rollup_pdf
from app.reports.periods import Period
from app.reports.rollup import load_trust_file, rollup
from app.reports.rollup_xlsx import write_rollup_xlsx

OUTPUT_NAMES = ("rollup.json", "rollup.xlsx", "report.pdf")


def read_inputs(paths: list[Path]) -> Iterator[tuple[str, bytes]]:
    """(file name, bytes) of each input, one at a time (the roll-up streams); an unreadable
    file gives empty bytes, so the roll-up reports it as rejected by name instead of
    stopping."""
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError:
            data = b""
        yield path.name, data


def run_rollup(
    paths: list[Path],
    out_dir: Path,
    *,
    trust_file: Path | None = None,
    threshold: int | None = 5,
    period: Period | None = None,
    sign: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Roll up the files at `paths` and write the three outputs; `sign` (the office vault's
    Reports.sign_rollup) signs rollup.json for the next level (summary-v1, A3)."""
    trust = load_trust_file(trust_file) if trust_file else None
    doc = rollup(read_inputs(paths), trust=trust, threshold=threshold, period=period)
    if sign is not None:
        doc = sign(doc)
    write_rollup(doc, out_dir, expected_units=sorted(trust) if trust else None)
    return doc


def write_rollup(doc: dict[str, Any], out_dir: Path, *, expected_units: list[str] | None) -> None:
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AftercareError(
            _("Cannot create the folder {path}: {reason}").format(path=out_dir, reason=exc.strerror)
        ) from None
    pdf = render_rollup_pdf(doc, expected_units=expected_units)
    atomic_write_bytes(
        out_dir / "rollup.json",
        (json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8"),
    )
    write_rollup_xlsx(doc, out_dir / "rollup.xlsx")
    atomic_write_bytes(out_dir / "report.pdf", pdf)
