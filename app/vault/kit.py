"""The recovery kit as a file: a new recovery code and its printable PDF (app.pdf.recovery_kit).

Used by `aftercare init --kit`, `aftercare recovery-kit` and the Users page. The PDF holds the
code in the clear, so it is meant to be printed and then deleted; its SHA-256 (never the code)
goes into the audit trail.

Order matters, because a new code replaces the recovery slot at once and the old printed code
stops working: the target folder and the PDF font are checked first, so that the only thing
that can still fail after the slot was replaced is the disk; then the code is handed back in
the error (`KitNotWritten`) for the caller to show once, instead of being lost.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from pathlib import Path

from app import access
from app.access import Action
from app.errors import AftercareError
from app.fileio import atomic_write_bytes
from app.i18n import _
from app.vault.vault import OpenVault


class KitNotWritten(AftercareError):
    """The code was replaced but its PDF could not be written; `code` is the new code."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


def check_target(out: str | Path) -> None:
    """Refuse, before anything changes, a target the PDF could not be written to."""
    from app.pdf.fonts import cjk_font

    out = Path(out)
    if out.is_dir():
        raise AftercareError(
            _("{path} is a folder; give a file name for the recovery kit.").format(path=out)
        )
    if not out.parent.is_dir():
        raise AftercareError(
            _("The folder {path} does not exist; nothing was changed.").format(path=out.parent)
        )
    cjk_font()  # raises, saying what to install, when no font for the PDF is found


def render(opened: OpenVault, code: str, now: dt.datetime | None = None) -> bytes:
    from app.pdf.recovery_kit import render_recovery_kit

    unit = opened.unit
    return render_recovery_kit(
        unit_name=unit.name,
        unit_code=unit.code,
        recovery_code_groups=[g for g in code.split("-") if g],
        created_at=(now or dt.datetime.now()).astimezone(),
    )


def write_kit(opened: OpenVault, code: str, out: str | Path, now: dt.datetime | None = None) -> str:
    """Write the kit of `code` to `out` and audit it; returns the PDF's SHA-256."""
    data = render(opened, code, now)
    try:
        atomic_write_bytes(out, data)
    except OSError as exc:
        raise KitNotWritten(
            _("The recovery kit could not be written to {file}: {reason}").format(
                file=out, reason=exc.strerror or exc
            ),
            code,
        ) from None
    digest = hashlib.sha256(data).hexdigest()
    with opened.write():
        opened.audit("recovery_kit_written", detail={"sha256": digest})
    return digest


def new_recovery_kit(
    opened: OpenVault,
    out: str | Path,
    now: dt.datetime | None = None,
    progress: Callable[[float], None] | None = None,
) -> str:
    """Replace the recovery code (administrators) and write its kit; returns the new code."""
    access.require(opened, Action.REPLACE_RECOVERY_CODE)
    check_target(out)
    code = opened.new_recovery_code(progress=progress)
    try:
        write_kit(opened, code, out, now)
    except KitNotWritten:
        raise
    except AftercareError as exc:
        raise KitNotWritten(str(exc), code) from None
    return code
