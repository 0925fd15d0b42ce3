"""The de-identified summary of a vault (summary-v1): built, previewed, signed, written, audited.

Only supervisors and administrators may export one. The document is computed from every case
in the vault as of the export, so it is the same for the same vault state, period and
threshold (rule 4 of the spec): only `generated_on` follows the calendar.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from app import __version__
from app.access import Action
from app.fileio import atomic_write_bytes
from app.pdf.summary import render_summary_pdf
from app.reports.periods import parse_period
from app.reports.signing import public_key_raw, sign_summary, unit_key_record
from app.reports.summary_format import make_summary_document, protection_for
from app.reports.suppression import protect_body
from app.reports.tables import summary_body
from app.services.base import VaultService
from app.storage import summary_repo


def summary_bytes(doc: dict[str, Any]) -> bytes:
    """The file's bytes: UTF-8 JSON, Chinese as is, keys sorted, so equal documents are equal files."""
    return (json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode("utf-8")


class Reports(VaultService):
    def build_summary(self, period_label: str, threshold: int | None = None) -> dict[str, Any]:
        """The signed summary document, exactly as it will be written (the preview shows this)."""
        self.require(Action.EXPORT_SUMMARY)
        period = parse_period(period_label)
        protection = protection_for(threshold)  # checks k >= 3 before any work
        body = summary_body(
            summary_repo.facts_for_period(self.conn, period.start, period.end), period
        )
        if threshold is not None:
            body = protect_body(body, threshold)
        unit = self.opened.unit
        doc = make_summary_document(
            unit.code,
            unit.prefecture,
            period,
            self.today(),
            f"aftercare {__version__}",
            body,
            protection,
        )
        return sign_summary(doc, self.opened.signing_key())

    def write_summary(self, doc: dict[str, Any], out: Path, pdf: Path | None = None) -> str:
        """Write the previewed document (and its PDF); audited with period, method and SHA-256."""
        self.require(Action.EXPORT_SUMMARY)
        data = summary_bytes(doc)
        digest = hashlib.sha256(data).hexdigest()
        pdf_bytes = render_summary_pdf(doc) if pdf is not None else None
        atomic_write_bytes(out, data)
        if pdf is not None:
            atomic_write_bytes(pdf, pdf_bytes)
        with self.opened.write():
            self.opened.audit(
                "summary_exported",
                detail={
                    "period": doc["period"]["label"],
                    "method": doc["protection"]["method"],
                    "threshold": doc["protection"]["threshold"],
                    "sha256": digest,
                    "pdf": pdf is not None,
                },
            )
        return digest

    def unit_key(self) -> dict[str, str]:
        """The unit's code, prefecture, key id and public key, for the PJC Office's trust list."""
        unit = self.opened.unit
        return unit_key_record(
            unit.code, unit.prefecture, public_key_raw(self.opened.signing_key())
        )
