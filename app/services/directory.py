"""The directory of services: look up, keep, share (signed files) and use it.

Reading is open to every role (it names organisations, never people). Changing it needs
EDIT_DIRECTORY; exporting and importing the signed file SHARE_DIRECTORY. Every change is
audited with the organisation's name and uid.

Used where it helps: the service dialog picks a provider from it (`providers`), the case
file prints a resources sheet for a survivor who leaves (`resources_sheet`), and a case is
referred by letter to an organisation without an Aftercare vault (`referral_letter`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import replace
from pathlib import Path

from app import divisions
from app.access import Action, Level
from app.codes import ReferralStatus, Section
from app.directory import sharing
from app.directory.model import Organisation, changed_fields, checked, serves
from app.domain.model import Referral
from app.errors import AftercareError
from app.fileio import atomic_write_bytes
from app.i18n import _
from app.pdf.directory_sheets import render_referral_letter, render_resources_sheet
from app.reports.signing import public_key_raw
from app.services.base import Change, VaultService
from app.services.referrals import Referrals
from app.storage import cases_repo, directory_repo


class NotInDirectory(AftercareError):
    pass


# The referral code (cases-v1 `referrals[].to`) of a letter, by the kind of organisation.
_REFERRAL_TO = {
    "appointed_medical": "health",
    "counselling": "health",
    "legal_aid_centre": "justice_legal_aid",
    "school": "education",
    "vocational_training": "labour_social_security",
    "employment_service": "labour_social_security",
    "shelter": "civil_affairs",
    "police": "public_security",
    "womens_federation": "womens_federation",
    "ngo": "ngo",
}


class Directory(VaultService):
    # --- reading -----------------------------------------------------------------------------

    def entries(
        self,
        *,
        kind: str | None = None,
        division: str | None = None,
        service: str | None = None,
        text: str = "",
    ) -> list[Organisation]:
        """The organisations, national hotlines first; `division` keeps those serving it
        (national ones, and those of the province or prefecture it lies in)."""
        if division and divisions.get(division) is None:
            raise AftercareError(
                _("“{code}” is not a division code of China (GB/T 2260).").format(code=division)
            )
        needle = text.strip().casefold()
        found = []
        for org in directory_repo.all_entries(self.conn):
            if kind and org.kind != kind:
                continue
            if service and service not in org.services:
                continue
            if division and not serves(org, division):
                continue
            if needle and needle not in f"{org.name} {org.address} {org.notes}".casefold():
                continue
            found.append(org)
        return found

    def get(self, entry_id: int) -> Organisation:
        org = directory_repo.get(self.conn, entry_id)
        if org is None:
            raise NotInDirectory(
                _("There is no organisation with id {id} in the directory.").format(id=entry_id)
            )
        return org

    def letter_recipients(self) -> list[Organisation]:
        """Organisations a case can be referred to by letter: not the hotlines, and not those
        with an Aftercare vault (a contact), which get an encrypted package instead."""
        return [
            o
            for o in directory_repo.all_entries(self.conn)
            if not o.national and o.kind != "hotline" and o.contact_id is None
        ]

    def providers(self, service_kind: str | None = None) -> list[Organisation]:
        """Organisations offering `service_kind` first, then the rest: for picking a provider."""
        everyone = directory_repo.all_entries(self.conn)
        offering = [o for o in everyone if service_kind and service_kind in o.services]
        return offering + [o for o in everyone if o not in offering]

    # --- changing ----------------------------------------------------------------------------

    def contact_of(self, org: Organisation) -> str | None:
        """The name of the Aftercare contact the organisation is, if it is linked to one."""
        if org.contact_id is None:
            return None
        return directory_repo.contact_name(self.conn, org.contact_id)

    def _check_contact(self, org: Organisation) -> None:
        if org.contact_id is not None and self.contact_of(org) is None:
            raise AftercareError(
                _("The contact linked to “{name}” does not exist any more.").format(name=org.name)
            )

    def add(self, org: Organisation) -> Organisation:
        self.require(Action.EDIT_DIRECTORY)
        org = replace(checked(org), id=None, source=None)
        self._check_contact(org)
        if directory_repo.by_uid(self.conn, org.uid) is not None:
            org = replace(org, uid=Organisation(name="", kind="").uid)
        with self.opened.write() as conn:
            entry_id = directory_repo.insert(conn, org, self._today())
            self.opened.audit("directory_added", None, {"name": org.name, "uid": org.uid})
        return self.get(entry_id)

    def edit(self, org: Organisation) -> Organisation:
        """Store `org` (found by its id). An entry merged from another unit becomes this
        vault's own once edited, so the next file from that unit does not overwrite it."""
        self.require(Action.EDIT_DIRECTORY)
        old = self._changeable(org.id)
        new = replace(checked(org), id=old.id, uid=old.uid, source=None)
        self._check_contact(new)
        with self.opened.write() as conn:
            directory_repo.update(conn, new, self._today())
            changed = sorted(changed_fields(old, new))
            if new.contact_id != old.contact_id:
                changed.append("contact")
            self.opened.audit(
                "directory_edited", None, {"name": new.name, "uid": new.uid, "fields": changed}
            )
        return self.get(old.id or 0)

    def remove(self, entry_id: int) -> Organisation:
        self.require(Action.EDIT_DIRECTORY)
        old = self._changeable(entry_id)
        with self.opened.write() as conn:
            directory_repo.delete(conn, entry_id)
            self.opened.audit("directory_removed", None, {"name": old.name, "uid": old.uid})
        return old

    def _changeable(self, entry_id: int | None) -> Organisation:
        old = self.get(entry_id or 0)
        if old.national:
            raise AftercareError(
                _(
                    "“{name}” is a national hotline, the same in every vault; it cannot be "
                    "changed or removed. Add your own entry instead."
                ).format(name=old.name)
            )
        return old

    def _today(self) -> str:
        return self.today().isoformat()

    # --- sharing -----------------------------------------------------------------------------

    def export_file(self, out: str | os.PathLike[str]) -> int:
        """Write the directory (without the national hotlines) as a signed file; returns how
        many organisations it holds."""
        self.require(Action.SHARE_DIRECTORY)
        target = Path(out)
        if target.is_dir() or not target.parent.is_dir():
            raise AftercareError(
                _("Cannot write {path}: give a file name in an existing folder.").format(
                    path=target
                )
            )
        entries = [o for o in directory_repo.all_entries(self.conn) if not o.national]
        unit = self.opened.unit
        data = sharing.write_file(
            entries,
            unit_code=unit.code,
            unit_name=unit.name,
            published_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            signing_key=self.opened.signing_key(),
        )
        with self.opened.write():
            self.opened.audit(
                "directory_exported",
                None,
                {"entries": len(entries), "sha256": hashlib.sha256(data).hexdigest()},
            )
            atomic_write_bytes(target, data, mode=0o644)
        return len(entries)

    def read_import(self, path: str | os.PathLike[str]) -> tuple[sharing.DirectoryFile, str | None]:
        """The checked file, and the contact (by name) whose key signed it, if any."""
        source = Path(path)
        try:
            size = source.stat().st_size
            if size > sharing.MAX_FILE_BYTES:
                raise AftercareError(
                    _("{file} is larger than {mb} MB; it is not a directory file.").format(
                        file=source, mb=sharing.MAX_FILE_BYTES // 2**20
                    )
                )
            data = source.read_bytes()
        except OSError as exc:
            raise AftercareError(
                _("Cannot read {file}: {reason}").format(file=source, reason=exc.strerror)
            ) from None
        incoming = sharing.read_file(data, str(source))
        if incoming.public_key == public_key_raw(self.opened.signing_key()):
            return incoming, self.opened.unit.name  # this vault's own file, put back
        return incoming, directory_repo.contact_with_signing_key(self.conn, incoming.public_key)

    def plan_import(self, incoming: sharing.DirectoryFile) -> sharing.MergePlan:
        return sharing.plan_merge(directory_repo.all_entries(self.conn), incoming)

    def apply_import(
        self, incoming: sharing.DirectoryFile, *, signer: str | None, accept_key: str | None
    ) -> sharing.MergePlan:
        """Merge `incoming`. A file signed by a key that is neither a contact's nor this
        vault's own is refused unless `accept_key` is that key's id (compared with the
        publisher by telephone, as for contact cards)."""
        self.require(Action.SHARE_DIRECTORY)
        if signer is None and accept_key != incoming.key_id:
            raise AftercareError(
                _(
                    "The directory file was signed by {unit} with key {key}, which is not one of "
                    "your contacts. Compare the key with the publisher (by telephone) and import "
                    "again accepting that key; nothing was imported."
                ).format(unit=incoming.publisher_unit or "?", key=incoming.key_id)
            )
        plan = self.plan_import(incoming)
        today = self._today()
        with self.opened.write() as conn:
            for org in plan.added:
                directory_repo.insert(conn, org, today)
            for _old, new in plan.updated:
                directory_repo.update(conn, new, today)
            for org in plan.removed:
                directory_repo.delete(conn, org.id or 0)
            self.opened.audit(
                "directory_imported",
                None,
                {
                    "publisher": incoming.publisher_unit,
                    "key_id": incoming.key_id,
                    "added": len(plan.added),
                    "updated": len(plan.updated),
                    "removed": len(plan.removed),
                    "kept_ours": len(plan.kept_ours),
                },
            )
        return plan

    # --- using it ----------------------------------------------------------------------------

    def resources_sheet(
        self,
        division: str,
        *,
        languages: tuple[str, ...] = (),
        case_number: str | None = None,
    ) -> bytes:
        """A one-page PDF of whom to call near `division`, with no case data on it. With a
        case number, the printing is audited against the case (not what is printed)."""
        if case_number is not None:
            self.require_section(Section.PROFILE, Level.LIST, case_number)
            self.case_id(case_number)
        near = self.entries(division=division)
        data = render_resources_sheet(near, division=division, languages=languages)
        with self.opened.write():
            self.opened.audit(
                "resources_sheet_printed",
                case_number,
                {"division": division, "entries": len(near)},
            )
        return data

    def referral_letter(
        self,
        case_number: str,
        entry_id: int,
        chosen: list[str] | tuple[str, ...],
        *,
        override_reason: str | None = None,
        now: dt.datetime | None = None,
    ) -> tuple[bytes, Change]:
        """Refer the case by letter to a directory organisation that has no Aftercare vault:
        a printable PDF with only the chosen sections, under the same rules as a package
        (the role must read each section; the referral consent, or a supervisor's reason)."""
        self.require(Action.SEND_REFERRAL, case_number)
        # A letter follows the rules of a package: the same sections, the same consent.
        referrals = Referrals(self.opened, today=self.today)
        picked = referrals.chosen_sections(chosen)
        for section in picked:
            self.require_section(section, Level.READ, case_number)
        org = self.get(entry_id)
        case_id = self.case_id(case_number)
        case = cases_repo.stored_case(self.conn, case_id)
        override = referrals.consent_or_override(case, override_reason)
        unit = self.opened.unit
        data = render_referral_letter(
            case,
            org,
            sections=picked,
            unit_name=unit.name,
            unit_code=unit.code,
            sent_by=self.opened.user.name,
            printed_at=(now or dt.datetime.now()).astimezone(),
        )
        entry = Referral(
            to=_REFERRAL_TO.get(org.kind, "other"),
            sent_on=self.today(),
            status=ReferralStatus.PENDING.value,
            organisation=org.name,
            reason=_("by letter"),
        )
        with self.opened.write() as conn:
            case.referrals.append(entry)
            cases_repo.save_case(conn, case)
            if override:
                self.opened.audit(
                    "referral_consent_overridden",
                    case_number,
                    {"letter_to": org.name, "reason": override},
                )
            self.opened.audit(
                "referral_letter_printed",
                case_number,
                {
                    "to": org.name,
                    "uid": org.uid,
                    "sections": picked,
                    "sha256": hashlib.sha256(data).hexdigest(),
                },
            )
        return data, Change(case_number, case_id, "entry_saved", Section.REFERRALS, entry.id)
