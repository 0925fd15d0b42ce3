"""The de-identified summary of a vault (summary-v1): built, previewed, signed, written, audited.

Only supervisors and administrators may export one. The document is computed from every case
in the vault as of the export, so it is the same for the same vault state, period and
threshold (rule 4 of the spec): only `generated_on` follows the calendar.

A suppressed summary written to a file enters the vault's ledger of releases (amendment A2):
a later one of an overlapping period is protected together with those (reports.joint), and
the same period and threshold asked for again is the released file itself, unchanged.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from app import __version__, audit
from app.access import Action
from app.fileio import atomic_write_bytes
from app.pdf.summary import render_summary_pdf
from app.reports.joint import Released, months_needed, overlapping, protect_jointly
from app.reports.periods import Period, parse_period
from app.reports.signing import public_key_raw, sign_summary, unit_key_record
from app.reports.summary_format import make_summary_document, protection_for
from app.reports.suppression import protect_body
from app.reports.tables import summary_body
from app.services.base import VaultService
from app.storage import releases_repo, summary_repo


def summary_bytes(doc: dict[str, Any]) -> bytes:
    """The file's bytes: UTF-8 JSON, Chinese as is, keys sorted, so equal documents are equal files."""
    return (json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode("utf-8")


class Reports(VaultService):
    def build_summary(self, period_label: str, threshold: int | None = None) -> dict[str, Any]:
        """The signed summary document, exactly as it will be written (the preview shows this)."""
        self.require(Action.EXPORT_SUMMARY)
        period = parse_period(period_label)
        protection = protection_for(threshold)  # checks k >= 3 before any work
        if threshold is not None and (
            done := releases_repo.find(self.conn, period.label, threshold)
        ):
            return done.document  # rule 4: the same period released again is the same file
        body = self._body(period)
        if threshold is not None:
            earlier = self._released(period, threshold)
            if earlier:
                months = {m.label: self._body(m) for m in months_needed(period, earlier)}
                body = protect_jointly(body, threshold, period, earlier, months)
            else:
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
            audit_seq=audit.head(self.conn)[0],
        )
        return sign_summary(doc, self.opened.signing_key())

    def _body(self, period: Period) -> dict[str, Any]:
        return summary_body(
            summary_repo.facts_for_period(self.conn, period.start, period.end), period
        )

    def _released(self, period: Period, threshold: int) -> list[Released]:
        """Released suppressed summaries whose period overlaps `period` (other than this very
        period at this threshold), oldest first."""
        found = releases_repo.overlapping(
            self.conn, period.start.isoformat(), period.end.isoformat()
        )
        return overlapping(
            period,
            [
                Released(
                    parse_period(r.period),
                    r.threshold,
                    r.released_on,
                    r.document["tables"],
                    r.document["indicators"],
                )
                for r in found
                if (r.period, r.threshold) != (period.label, threshold)
            ],
        )

    def protected_against(self, period_label: str, threshold: int) -> list[dict[str, Any]]:
        """The released summaries a suppressed summary of the period is protected together
        with: period, threshold, released on; what the Reports page shows."""
        self.require(Action.EXPORT_SUMMARY)
        period = parse_period(period_label)
        return [
            {"period": r.period.label, "threshold": r.threshold, "released_on": r.released_on}
            for r in self._released(period, threshold)
        ]

    def released_on(self, period_label: str, threshold: int) -> str | None:
        """When this period was released at this threshold, if it was."""
        self.require(Action.EXPORT_SUMMARY)
        done = releases_repo.find(self.conn, parse_period(period_label).label, threshold)
        return None if done is None else done.released_on

    def write_summary(self, doc: dict[str, Any], out: Path, pdf: Path | None = None) -> str:
        """Write the previewed document (and its PDF); audited with period, method and SHA-256."""
        self.require(Action.EXPORT_SUMMARY)
        data = summary_bytes(doc)
        digest = hashlib.sha256(data).hexdigest()
        pdf_bytes = render_summary_pdf(doc) if pdf is not None else None
        atomic_write_bytes(out, data)
        if pdf is not None and pdf_bytes is not None:
            atomic_write_bytes(pdf, pdf_bytes)
        threshold = doc["protection"]["threshold"]
        against = (
            [r["period"] for r in self.protected_against(doc["period"]["label"], threshold)]
            if threshold is not None
            else []
        )
        with self.opened.write():
            if threshold is not None:
                releases_repo.add(self.conn, doc, self.today().isoformat())
            self.opened.audit(
                "summary_exported",
                detail={
                    "period": doc["period"]["label"],
                    "method": doc["protection"]["method"],
                    "threshold": threshold,
                    "sha256": digest,
                    "pdf": pdf is not None,
                    "protected_against": against,
                },
            )
        return digest

    def sign_rollup(self, doc: dict[str, Any]) -> dict[str, Any]:
        """The roll-up signed with this vault's key as the office `unit.code` (summary-v1, A3),
        so that the office of the next level can roll it up again; audited."""
        self.require(Action.EXPORT_SUMMARY)
        unsigned = {
            **{k: v for k, v in doc.items() if k != "signature"},
            "office": {"code": self.opened.unit.code},
            "generated_on": self.today().isoformat(),
        }
        signed = sign_summary(unsigned, self.opened.signing_key())
        with self.opened.write():
            self.opened.audit(
                "rollup_signed",
                detail={
                    "period": doc["period"]["label"],
                    "threshold": doc["protection"]["threshold"],
                    "units": sum(len(u) for u in doc.get("units", {}).values()),
                },
            )
        return signed

    def unit_key(self) -> dict[str, str]:
        """The unit's code, prefecture, key id and public key, for the PJC Office's trust list."""
        unit = self.opened.unit
        return unit_key_record(
            unit.code, unit.prefecture, public_key_raw(self.opened.signing_key())
        )
