"""`aftercare directory ...`: the directory of services and hotlines (../shared/spec/cli.md),
and `aftercare refer-letter`, a referral on paper to an organisation without a vault."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from app.cli import common
from app.codes import ServiceKind
from app.directory.model import KIND_LABELS, Organisation, changed_fields, kind_label
from app.directory.sharing import MergePlan
from app.errors import AftercareError
from app.fileio import atomic_write_bytes
from app.i18n import _
from app.services import Services
from app.services.directory import Directory

T = TypeVar("T")


def _with_directory(vault: str, work: Callable[[Directory], T]) -> T:
    with common.session(vault) as opened:
        return work(Services(opened).directory)


def _fields(p: argparse.ArgumentParser, *, adding: bool) -> None:
    p.add_argument("--name", required=adding)
    p.add_argument("--kind", required=adding, choices=tuple(KIND_LABELS))
    p.add_argument("--division", help=_("GB/T 2260 code of the area it serves"))
    p.add_argument("--phone", action="append", help=_("a phone number (repeat for more)"))
    p.add_argument("--address")
    p.add_argument("--hours")
    p.add_argument(
        "--services",
        help=_("comma-separated, some of: {kinds}").format(
            kinds=",".join(k.value for k in ServiceKind)
        ),
    )
    p.add_argument("--languages", help=_("comma-separated language codes or names"))
    p.add_argument("--notes")
    p.add_argument(
        "--contact",
        help=_("the Aftercare contact (vault) it is, by the contact's name; '' to unlink"),
    )


def register(sub: Any) -> None:
    p = sub.add_parser("directory", help=_("the directory of services, hotlines and organisations"))
    d = p.add_subparsers(dest="directory_command", required=True)
    q = d.add_parser("list", help=_("list the organisations"))
    q.add_argument("vault")
    q.add_argument("--kind", choices=tuple(KIND_LABELS))
    q.add_argument("--division", help=_("only those serving this place (GB/T 2260 code)"))
    q.add_argument("--service", choices=tuple(k.value for k in ServiceKind))
    q.add_argument("--json", action="store_true")
    q.set_defaults(run=cmd_list)
    q = d.add_parser("add", help=_("add an organisation"))
    q.add_argument("vault")
    _fields(q, adding=True)
    q.add_argument("--json", action="store_true")
    q.set_defaults(run=cmd_add)
    q = d.add_parser("edit", help=_("change an organisation (only the fields given)"))
    q.add_argument("vault")
    q.add_argument("id", type=int)
    _fields(q, adding=False)
    q.add_argument("--json", action="store_true")
    q.set_defaults(run=cmd_edit)
    q = d.add_parser("remove", help=_("remove an organisation"))
    q.add_argument("vault")
    q.add_argument("id", type=int)
    q.set_defaults(run=cmd_remove)
    q = d.add_parser("export", help=_("write the directory as a signed file for other units"))
    q.add_argument("vault")
    q.add_argument("--out", required=True)
    q.set_defaults(run=cmd_export)
    q = d.add_parser("import", help=_("merge a signed directory file from another unit"))
    q.add_argument("vault")
    q.add_argument("file")
    q.add_argument(
        "--dry-run", action="store_true", help=_("show what would change; change nothing")
    )
    q.add_argument(
        "--accept-key",
        help=_("the key id of a publisher who is not a contact, once compared by telephone"),
    )
    q.add_argument("--json", action="store_true")
    q.set_defaults(run=cmd_import)
    q = d.add_parser("sheet", help=_("a one-page resources sheet of whom to call near a place"))
    q.add_argument("vault")
    q.add_argument("--division", required=True, help=_("where she goes (GB/T 2260 code)"))
    q.add_argument("--languages", help=_("the languages she reads, comma-separated"))
    q.add_argument(
        "--case", help=_("the case it is printed for (audited; nothing of it is printed)")
    )
    q.add_argument("--out", required=True)
    q.set_defaults(run=cmd_sheet)

    p = sub.add_parser(
        "refer-letter", help=_("refer a case by letter to a directory organisation with no vault")
    )
    p.add_argument("vault")
    p.add_argument("number")
    p.add_argument("--to", required=True, type=int, help=_("the organisation's id"))
    p.add_argument("--sections", required=True, help=_("comma-separated sections to enclose"))
    p.add_argument("--override-reason", help=_("supervisors only: why without the consent"))
    p.add_argument("--out", required=True, help=_("the letter, a PDF file"))
    p.set_defaults(run=cmd_letter)


def _split(text: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in (text or "").split(",") if v.strip())


def _json(org: Organisation) -> dict[str, Any]:
    return {
        "id": org.id,
        **org.shared_fields(),
        "national": org.national,
        "contact_id": org.contact_id,
        "source": org.source,
        "updated_on": org.updated_on,
    }


def _line(org: Organisation) -> str:
    mark = _("national") if org.national else (_("imported") if org.imported else "")
    place = org.division or ""
    return "\t".join(
        (str(org.id), org.name, kind_label(org.kind), ", ".join(org.phones), place, mark)
    ).rstrip()


def cmd_list(args: argparse.Namespace) -> int:
    found = _with_directory(
        args.vault,
        lambda d: d.entries(kind=args.kind, division=args.division, service=args.service),
    )
    common.emit(args, [_json(o) for o in found], "\n".join(_line(o) for o in found))
    return 0


def _changed(
    base: Organisation, args: argparse.Namespace, contact_id: Callable[[str], int]
) -> Organisation:
    changes: dict[str, Any] = {}
    if args.contact is not None:
        changes["contact_id"] = contact_id(args.contact) if args.contact.strip() else None
    for name in ("name", "kind", "division", "address", "hours", "notes"):
        value = getattr(args, name)
        if value is not None:
            changes[name] = value
    if args.phone is not None:
        changes["phones"] = tuple(args.phone)
    if args.services is not None:
        changes["services"] = _split(args.services)
    if args.languages is not None:
        changes["languages"] = _split(args.languages)
    return replace(base, **changes)


def _contact_ids(opened_directory: Directory) -> Callable[[str], int]:
    referrals = Services(opened_directory.opened).referrals
    return lambda name: referrals.contact(name).id


def cmd_add(args: argparse.Namespace) -> int:
    def work(d: Directory) -> Organisation:
        return d.add(_changed(Organisation(name="", kind=args.kind), args, _contact_ids(d)))

    added = _with_directory(args.vault, work)
    common.emit(
        args, _json(added), _("Added “{name}” (id {id}).").format(name=added.name, id=added.id)
    )
    return 0


def cmd_edit(args: argparse.Namespace) -> int:
    def work(d: Directory) -> Organisation:
        return d.edit(_changed(d.get(args.id), args, _contact_ids(d)))

    org = _with_directory(args.vault, work)
    common.emit(args, _json(org), _("Changed “{name}” (id {id}).").format(name=org.name, id=org.id))
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    org = _with_directory(args.vault, lambda d: d.remove(args.id))
    print(_("Removed “{name}” from the directory.").format(name=org.name))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    count = _with_directory(args.vault, lambda d: d.export_file(args.out))
    print(
        _("Directory written to {path}, signed by this vault (organisations: {n}).").format(
            n=count, path=args.out
        )
    )
    return 0


def _plan_text(plan: MergePlan) -> list[str]:
    lines = [f"+ {o.name}" for o in plan.added]
    for old, new in plan.updated:
        changed = changed_fields(old, new)
        lines.append(f"~ {new.name} ({', '.join(changed)})")
    lines += [f"- {o.name}" for o in plan.removed]
    lines += ["= " + _("{name}: your own version kept").format(name=o.name) for o in plan.kept_ours]
    return lines


def cmd_import(args: argparse.Namespace) -> int:
    def work(d: Directory) -> tuple[MergePlan, str, str | None]:
        incoming, signer = d.read_import(args.file)
        publisher = f"{incoming.publisher_name} ({incoming.publisher_unit}, {incoming.key_id})"
        if args.dry_run:
            return d.plan_import(incoming), publisher, signer
        return (
            d.apply_import(incoming, signer=signer, accept_key=args.accept_key),
            publisher,
            signer,
        )

    plan, publisher, signer = _with_directory(args.vault, work)
    summary = _(
        "{publisher}: {added} added, {updated} updated, {removed} removed, {kept} of yours kept."
    ).format(
        publisher=publisher,
        added=len(plan.added),
        updated=len(plan.updated),
        removed=len(plan.removed),
        kept=len(plan.kept_ours),
    )
    if args.dry_run:
        summary = _("Nothing was changed (dry run). ") + summary
    result = {
        "publisher": publisher,
        "signed_by_contact": signer,
        "dry_run": args.dry_run,
        "added": [o.name for o in plan.added],
        "updated": [n.name for _o, n in plan.updated],
        "removed": [o.name for o in plan.removed],
        "kept_ours": [o.name for o in plan.kept_ours],
    }
    common.emit(args, result, "\n".join([*_plan_text(plan), summary]))
    return 0


def _write_pdf(out: str, data: bytes) -> None:
    target = Path(out)
    if target.is_dir() or not target.parent.is_dir():
        raise AftercareError(
            _("Cannot write {path}: give a file name in an existing folder.").format(path=target)
        )
    atomic_write_bytes(target, data)


def cmd_sheet(args: argparse.Namespace) -> int:
    data = _with_directory(
        args.vault,
        lambda d: d.resources_sheet(
            args.division, languages=_split(args.languages), case_number=args.case
        ),
    )
    _write_pdf(args.out, data)
    print(_("Resources sheet written to {path}.").format(path=args.out))
    return 0


def cmd_letter(args: argparse.Namespace) -> int:
    data, _change = _with_directory(
        args.vault,
        lambda d: d.referral_letter(
            args.number, args.to, _split(args.sections), override_reason=args.override_reason
        ),
    )
    _write_pdf(args.out, data)
    print(_("Referral letter written to {path}; the referral is recorded in the case.").format(
        path=args.out))  # fmt: skip
    return 0
