"""Documents made from one case file: the printable PDF (audited with the case number)."""

from __future__ import annotations

import datetime as dt
import hashlib

from app import access
from app.access import Level
from app.codes import Section
from app.pdf.case_file import render_case_pdf
from app.services.base import VaultService
from app.storage import cases_repo


class Documents(VaultService):
    def case_pdf(self, case_number: str, *, now: dt.datetime | None = None) -> bytes:
        """The case file as a PDF of the sections the user may see, marked confidential."""
        case_id = self.case_id(case_number)
        case = access.redact(cases_repo.stored_case(self.conn, case_id), self.role)
        sections = {s.value for s in Section if access.section_level(self.role, s) >= Level.LIST}
        unit = self.opened.unit
        data = render_case_pdf(
            case,
            unit_name=unit.name,
            unit_code=unit.code,
            printed_by=self.opened.user.name,
            printed_at=(now or dt.datetime.now()).astimezone(),
            sections=sections,
        )
        with self.opened.write():
            self.opened.audit(
                "case_pdf_printed",
                case_number,
                {"sections": sorted(sections), "sha256": hashlib.sha256(data).hexdigest()},
            )
        return data
