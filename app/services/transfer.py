"""Importing and exporting cases-v1 files, all or nothing, audited with the file's SHA-256."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from app import access
from app.access import Action, Level
from app.codes import Section
from app.domain.model import Case
from app.domain.validation import Problem
from app.errors import AftercareError
from app.i18n import _, ngettext
from app.interchange import cases_v1
from app.interchange.cases_v1 import InvalidDocument
from app.services.base import VaultService
from app.storage import cases_repo, new_cases, workflow_repo

Progress = Callable[[int, int], None]  # (done, total)


@dataclass(frozen=True)
class ImportResult:
    imported: int
    skipped: list[Problem]  # with skip_invalid: one or more problems per skipped case
    sha256: str
    numbers: tuple[str, ...] = ()  # of the cases imported


class Transfer(VaultService):
    def import_cases(
        self,
        raw: bytes,
        *,
        source: str,
        skip_invalid: bool = False,
        progress: Progress | None = None,
    ) -> ImportResult:
        """Import a cases-v1 document; with any problem nothing is written (unless skipping)."""
        self.require(Action.IMPORT_CASES)
        digest = hashlib.sha256(raw).hexdigest()
        result = cases_v1.read_cases(raw, self.today(), source=source, skip_invalid=skip_invalid)
        skipped = [p for index in sorted(result.skipped) for p in result.skipped[index]]
        cases = result.cases
        taken = cases_repo.existing_numbers(self.conn, [c.case_number for c in cases])
        if taken:
            clashes = [
                Problem(c.case_number, "case_number", _("already exists in this vault"))
                for c in cases
                if c.case_number in taken
            ]
            if not skip_invalid:
                raise InvalidDocument(
                    _(
                        "{source}: {count} case numbers already exist in this vault: {numbers}"
                    ).format(
                        source=source, count=len(clashes), numbers=", ".join(sorted(taken)[:10])
                    ),
                    clashes,
                )
            skipped += clashes
            cases = [c for c in cases if c.case_number not in taken]
        skipped_cases = len({p.case_number for p in skipped})
        self._insert_all(cases, {"file_sha256": digest, "skipped": skipped_cases}, progress)
        return ImportResult(len(cases), skipped, digest, tuple(c.case_number for c in cases))

    def import_generated(
        self, cases: Iterable[Case], *, progress: Progress | None = None, total: int = 0
    ) -> int:
        """Insert invented demo cases (app.demo_data), valid by construction and by its tests.

        Skips per-case validation, which would double the time to build a 100,000-case demo
        vault; never use it for data that people typed or files that came from elsewhere.
        """
        self.require(Action.IMPORT_CASES)
        return self._insert_all(cases, {"source": "demo"}, progress, total)

    def import_built(
        self, cases: list[Case], detail: dict[str, Any], *, progress: Progress | None = None
    ) -> int:
        """Insert cases another importer built and validated (spreadsheets), all or nothing.

        Refuses case numbers the vault already has; one audit entry holds `detail`.
        """
        self.require(Action.IMPORT_CASES)
        taken = cases_repo.existing_numbers(self.conn, [c.case_number for c in cases])
        if taken:
            raise AftercareError(
                ngettext(
                    "{count} case number already exists in this vault: {numbers}",
                    "{count} case numbers already exist in this vault: {numbers}",
                    len(taken),
                ).format(count=len(taken), numbers=", ".join(sorted(taken)[:10]))
            )
        return self._insert_all(cases, detail, progress)

    def _insert_all(
        self,
        cases: Iterable[Case],
        detail: dict[str, Any],
        progress: Progress | None,
        total: int = 0,
    ) -> int:
        """All the cases in one transaction with one audit entry: all or nothing."""
        if isinstance(cases, list):
            total = len(cases)
        with self.opened.write() as conn:
            last = workflow_repo.last_case_id(conn)
            done = new_cases.insert_cases(
                conn, cases, progress=(lambda done: progress(done, total)) if progress else None
            )
            workflow_repo.claim_new(conn, last, self.opened.user.id)  # the importer holds them
            self.opened.audit("cases_imported", detail={**detail, "imported": done})
        return done

    def export_cases(self, case_numbers: list[str] | None = None) -> tuple[bytes, int]:
        """A cases-v1 document of the cases asked for (all when None), as the role may read them."""
        self.require(Action.EXPORT_IDENTIFIABLE)
        if case_numbers:
            ids = [self.case_id(n) for n in case_numbers]
        else:
            ids = cases_repo.ids_by_number(self.conn)
        cases = [self._exportable(cases_repo.stored_case(self.conn, i)) for i in ids]
        data = cases_v1.dump_document(cases)
        with self.opened.write():
            self.opened.audit(
                "cases_exported",
                detail={
                    "cases": len(cases),
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "numbers": case_numbers or "all",
                },
            )
        return data, len(cases)

    def _exportable(self, case: Case) -> Case:
        """What the role may read, without LIST-level placeholders that would read as data."""
        out = access.redact(case, self.role)
        out.notes = [
            n
            for n in out.notes
            if access.section_level(self.role, access.section_of_note(n.section)) >= Level.READ
        ]
        if access.section_level(self.role, Section.PROFILE) < Level.READ:
            raise AftercareError(
                _("Exporting identifiable case files needs read access to the profile.")
            )
        return out
