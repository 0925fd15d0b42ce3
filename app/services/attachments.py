"""Attachments: scanned forms, documents and photos kept encrypted inside the vault.

Each attachment is filed under a section of the case file and is seen only by roles that
may read that section (`access.attachment_level`); the person's photo on the profile is seen
with the profile. JPEG, PNG and PDF are accepted, up to MAX_BYTES each, recognised by their
first bytes rather than their file name. Images get a small PNG thumbnail made by Pillow,
which also proves they decode. Adding, removing, viewing the whole file and exporting it
are audited (with its id, section and SHA-256, never its title or contents); listing is part
of viewing the case, which is audited already.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from app import access
from app.codes import Section
from app.errors import AftercareError
from app.i18n import _
from app.services.base import Change, VaultService
from app.storage import attachments_repo
from app.storage.attachments_repo import AttachmentRow

MAX_BYTES = 20 * 1024 * 1024
THUMBNAIL_PX = 256
KINDS = ("jpeg", "png", "pdf")
_MAGIC = ((b"\xff\xd8\xff", "jpeg"), (b"\x89PNG\r\n\x1a\n", "png"), (b"%PDF-", "pdf"))
MAX_TITLE = 200


class AttachmentError(AftercareError):
    pass


@dataclass(frozen=True)
class Attachment:
    """What a reader sees of one attachment (no bytes)."""

    id: int
    section: str
    title: str
    kind: str
    size: int
    sha256: str
    is_photo: bool
    added_on: str
    added_by: str

    @property
    def is_image(self) -> bool:
        return self.kind in ("jpeg", "png")

    @property
    def suffix(self) -> str:
        return ".jpg" if self.kind == "jpeg" else f".{self.kind}"


def _attachment(row: AttachmentRow) -> Attachment:
    return Attachment(**row.__dict__)


def kind_of(data: bytes) -> str | None:
    """jpeg, png or pdf by the file's first bytes; None for anything else."""
    return next((kind for magic, kind in _MAGIC if data.startswith(magic)), None)


def thumbnail_of(data: bytes) -> bytes:
    """A PNG at most THUMBNAIL_PX on its longer side; ValueError when the image is broken."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            small = image.convert("RGB") if image.mode not in ("RGB", "RGBA", "L") else image
            small.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
            out = io.BytesIO()
            small.save(out, format="PNG")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as broken:
        raise ValueError(str(broken)) from None
    return out.getvalue()


class Attachments(VaultService):
    def add(
        self,
        case_number: str,
        data: bytes,
        *,
        title: str,
        section: str = Section.PROFILE,
        photo: bool = False,
        source: str = "",
    ) -> Attachment:
        """Store a file in the case, in `section` (the person's photo: on the profile).
        `source` (the file's name or path) only makes error messages say which file."""
        where = source or title
        if section not in {s.value for s in Section}:
            raise AttachmentError(
                _("{section} is not a section of the case file ({known}).").format(
                    section=section, known=", ".join(s.value for s in Section)
                )
            )
        if photo and section != Section.PROFILE:
            raise AttachmentError(_("The person's photo belongs on the profile."))
        self.require_section(
            section, access.attachment_level(section, photo=photo, write=True), case_number
        )
        case_id = self.case_id(case_number)
        title = " ".join(title.split())[:MAX_TITLE]
        if not title:
            raise AttachmentError(_("{file}: an attachment needs a title.").format(file=where))
        if len(data) > MAX_BYTES:
            raise AttachmentError(
                _("{file} is {size} MB; an attachment may be at most 20 MB.").format(
                    file=where, size=f"{len(data) / 1024 / 1024:.1f}"
                )
            )
        kind = kind_of(data)
        if kind is None:
            raise AttachmentError(
                _("{file} is not a JPEG, PNG or PDF file; only those can be attached.").format(
                    file=where
                )
            )
        if photo and kind == "pdf":
            raise AttachmentError(_("{file}: a photo must be a JPEG or PNG.").format(file=where))
        thumbnail = None
        if kind != "pdf":
            try:
                thumbnail = thumbnail_of(data)
            except ValueError:
                raise AttachmentError(
                    _("{file} looks like an image but cannot be read; it may be damaged.").format(
                        file=where
                    )
                ) from None
        sha256 = hashlib.sha256(data).hexdigest()
        with self.opened.write() as conn:
            attachment_id = attachments_repo.insert(
                conn,
                case_id,
                section=section,
                title=title,
                kind=kind,
                data=data,
                sha256=sha256,
                thumbnail=thumbnail,
                added_by=self.opened.user.name,
                is_photo=photo,
            )
            self.opened.audit(
                "attachment_added",
                case_number,
                {"id": attachment_id, "section": section, "kind": kind, "sha256": sha256},
            )
            row = attachments_repo.get(conn, case_id, attachment_id)
        assert row is not None
        return _attachment(row)

    def for_case(self, case_number: str) -> list[Attachment]:
        """The case's attachments the user may see, oldest first."""
        case_id = self.case_id(case_number)
        return [
            _attachment(row)
            for row in attachments_repo.for_case(self.conn, case_id)
            if self._may_see(row)
        ]

    def photo(self, case_number: str) -> tuple[Attachment, bytes] | None:
        """The person's photo and its thumbnail, when there is one and the user sees it."""
        for attachment in self.for_case(case_number):
            if attachment.is_photo:
                thumbnail = attachments_repo.thumbnail(self.conn, attachment.id)
                return (attachment, thumbnail) if thumbnail else None
        return None

    def thumbnail(self, case_number: str, attachment_id: int) -> bytes | None:
        self._readable(case_number, attachment_id)
        return attachments_repo.thumbnail(self.conn, attachment_id)

    def content(self, case_number: str, attachment_id: int) -> tuple[Attachment, bytes]:
        """The whole file, to show in the window; audited as viewed."""
        attachment = self._readable(case_number, attachment_id)
        data = attachments_repo.data(self.conn, attachment_id)
        with self.opened.write():
            self.opened.audit(
                "attachment_viewed",
                case_number,
                {"id": attachment_id, "section": attachment.section},
            )
        return attachment, data

    def export(
        self, case_number: str, attachment_id: int, *, purpose: str = "export"
    ) -> tuple[Attachment, bytes]:
        """The whole file, to be written outside the vault (`purpose`: export, or viewer for
        a temporary file an outside program opens); audited like a case PDF."""
        attachment = self._readable(case_number, attachment_id)
        data = attachments_repo.data(self.conn, attachment_id)
        with self.opened.write():
            self.opened.audit(
                "attachment_exported",
                case_number,
                {
                    "id": attachment_id,
                    "section": attachment.section,
                    "sha256": attachment.sha256,
                    "purpose": purpose,
                },
            )
        return attachment, data

    def remove(self, case_number: str, attachment_id: int) -> Change:
        attachment = self._readable(case_number, attachment_id)
        self.require_section(
            attachment.section,
            access.attachment_level(attachment.section, photo=attachment.is_photo, write=True),
            case_number,
        )
        with self.opened.write() as conn:
            attachments_repo.remove(conn, attachment_id)
            self.opened.audit(
                "attachment_removed",
                case_number,
                {"id": attachment_id, "section": attachment.section, "sha256": attachment.sha256},
            )
        return Change(
            case_number, self.case_id(case_number), "attachment_removed", attachment.section
        )

    # --- access -------------------------------------------------------------------------------

    def _may_see(self, row: AttachmentRow) -> bool:
        needed = access.attachment_level(row.section, photo=row.is_photo, write=False)
        return access.section_level(self.role, row.section) >= needed

    def _readable(self, case_number: str, attachment_id: int) -> Attachment:
        """The attachment, after checking the user may see it (a refusal is audited)."""
        row = attachments_repo.get(self.conn, self.case_id(case_number), attachment_id)
        if row is None:
            raise AttachmentError(
                _("Case {number} has no attachment {id}.").format(
                    number=case_number, id=attachment_id
                )
            )
        self.require_section(
            row.section,
            access.attachment_level(row.section, photo=row.is_photo, write=False),
            case_number,
        )
        return _attachment(row)
