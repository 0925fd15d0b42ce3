"""Subcommands over attachments: attach, attachments, attachment-export."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.cli import common
from app.codes import Section
from app.errors import AftercareError
from app.fileio import atomic_write_bytes
from app.i18n import _
from app.services import Services
from app.services.attachments import Attachment


def register(sub: Any) -> None:  # argparse's subparsers action
    p = sub.add_parser(
        "attach", help=_("store a scanned form, a document or a photo inside the vault")
    )
    p.add_argument("vault")
    p.add_argument("number")
    p.add_argument("file")
    p.add_argument(
        "--section",
        default=Section.PROFILE.value,
        choices=[s.value for s in Section],
        help=_("the section whose readers may see it (default: profile)"),
    )
    p.add_argument("--title", help=_("what it is (default: the file's name)"))
    p.add_argument("--photo", action="store_true", help=_("the person's photo, on the profile"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_attach)

    p = sub.add_parser("attachments", help=_("the attachments of a case that you may read"))
    p.add_argument("vault")
    p.add_argument("number")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_list)

    p = sub.add_parser(
        "attachment-export", help=_("write one attachment out (not encrypted: keep it safe)")
    )
    p.add_argument("vault")
    p.add_argument("number")
    p.add_argument("id", type=int)
    p.add_argument("--out", required=True)
    p.set_defaults(run=cmd_export)


def cmd_attach(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise AftercareError(
            _("Cannot read {file}: {reason}").format(file=args.file, reason=exc.strerror)
        ) from None
    opened = common.unlock(args.vault)
    try:
        added = Services(opened).attachments.add(
            args.number,
            data,
            title=args.title or path.name,
            section=args.section,
            photo=args.photo,
            source=args.file,
        )
    finally:
        opened.lock()
    common.emit(
        args,
        _record(added),
        _("Attachment {id} stored in case {number} ({section}).").format(
            id=added.id, number=args.number, section=added.section
        ),
    )
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    opened = common.unlock(args.vault)
    try:
        found = Services(opened).attachments.for_case(args.number)
    finally:
        opened.lock()
    lines = [
        f"{a.id:>4}  {a.section:<10} {a.kind:<4} {a.size:>9}  {a.added_on}  {a.added_by}  {a.title}"
        for a in found
    ]
    common.emit(args, [_record(a) for a in found], "\n".join(lines))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    opened = common.unlock(args.vault)
    try:
        _attachment, data = Services(opened).attachments.export(args.number, args.id)
        atomic_write_bytes(args.out, data)
    finally:
        opened.lock()
    print(
        _("Attachment written to {file}. It is not encrypted: keep it safe.").format(file=args.out)
    )
    return 0


def _record(a: Attachment) -> dict[str, object]:
    return {
        "id": a.id,
        "section": a.section,
        "title": a.title,
        "kind": a.kind,
        "size": a.size,
        "added_on": a.added_on,
        "added_by": a.added_by,
        "photo": a.is_photo,
        "sha256": a.sha256,
    }
