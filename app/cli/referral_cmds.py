"""Subcommands for referrals between vaults: contact, refer, receive, reply, acknowledge,
withdraw, referrals (list, with open conflicts) and resolve (settle a conflict)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from app.cli import common
from app.cli.common import Subparsers
from app.codes import Section, label
from app.errors import AftercareError
from app.fileio import atomic_write_bytes
from app.i18n import _
from app.referrals import differences, keys, sections
from app.services import Services
from app.services.referrals import (
    KEEP_MINE,
    KEEP_THEIRS,
    SHORT_ID,
    Conflict,
    PackageWritten,
    Referrals,
)
from app.services.referrals.base import Contact

T = TypeVar("T")


def register(sub: Subparsers) -> None:
    p = sub.add_parser("contact", help=_("other units' vaults you send referrals to"))
    contact_sub = p.add_subparsers(dest="contact_command", required=True)
    q = contact_sub.add_parser("add", help=_("add a contact from its card file"))
    q.add_argument("vault")
    q.add_argument("--card", required=True)
    q.add_argument("--name", help=_("the name to file it under (default: the card's)"))
    q.add_argument("--role", choices=tuple(keys.CONTACT_ROLES))
    q.add_argument("--json", action="store_true")
    q.set_defaults(run=cmd_contact_add)
    q = contact_sub.add_parser(
        "list", help=_("the contacts, their fingerprints and whether verified")
    )
    q.add_argument("vault")
    q.add_argument("--json", action="store_true")
    q.set_defaults(run=cmd_contact_list)
    q = contact_sub.add_parser(
        "verify", help=_("mark a contact verified once its fingerprint was compared")
    )
    q.add_argument("vault")
    q.add_argument("--name", required=True)
    q.add_argument("--fingerprint", required=True, help=_("the digits the other unit read out"))
    q.add_argument("--json", action="store_true")
    q.set_defaults(run=cmd_contact_verify)
    q = contact_sub.add_parser("remove", help=_("remove a contact"))
    q.add_argument("vault")
    q.add_argument("--name", required=True)
    q.set_defaults(run=cmd_contact_remove)
    q = contact_sub.add_parser("card", help=_("write this vault's own contact card"))
    q.add_argument("vault")
    q.add_argument("--out", required=True)
    q.add_argument("--role", choices=tuple(keys.CONTACT_ROLES), default="shelter")
    q.add_argument("--name", help=_("the name on the card (default: the unit's name)"))
    q.add_argument("--json", action="store_true")
    q.set_defaults(run=cmd_contact_card)

    p = sub.add_parser("refer", help=_("refer part of a case file to a verified contact"))
    p.add_argument("vault")
    p.add_argument("number")
    p.add_argument("--to", required=True, help=_("the contact's name"))
    p.add_argument(
        "--sections",
        required=True,
        help=_("comma-separated, some of: {sections}").format(
            sections=",".join(sections.SHAREABLE)
        ),
    )
    p.add_argument("--out", required=True, help=_("the package file, or a folder for it"))
    p.add_argument(
        "--override-reason",
        help=_("supervisors only: why the referral is sent without the referral consent"),
    )
    p.add_argument(
        "--again",
        action="store_true",
        help=_("send it although a referral of the case to that contact still waits"),
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_refer)

    p = sub.add_parser("receive", help=_("import a referral, reply, receipt or withdrawal"))
    p.add_argument("vault")
    p.add_argument("file")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_receive)

    p = sub.add_parser("reply", help=_("send back what was recorded in a referred case"))
    p.add_argument("vault")
    p.add_argument("number")
    p.add_argument("--out", required=True)
    p.add_argument("--completed", action="store_true", help=_("the referral is completed"))
    p.add_argument("--referral", help=_("the referral id it answers (as `referrals` shows it)"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_reply)

    p = sub.add_parser("acknowledge", help=_("send a receipt for a referred case"))
    p.add_argument("vault")
    p.add_argument("number")
    p.add_argument("--out", required=True)
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_acknowledge)

    p = sub.add_parser("withdraw", help=_("withdraw a referral: the recipient's copy is deleted"))
    p.add_argument("vault")
    p.add_argument("number")
    p.add_argument("--out", required=True)
    p.add_argument("--to", help=_("the contact, when the case was referred to several"))
    p.add_argument(
        "--referral", help=_("the referral id (as `referrals` shows it), when there are several")
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_withdraw)

    p = sub.add_parser("referrals", help=_("referrals sent and received, and open conflicts"))
    p.add_argument("vault")
    p.add_argument("number", nargs="?")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_referrals)

    p = sub.add_parser("resolve", help=_("settle a conflict between a reply and this vault"))
    p.add_argument("vault")
    p.add_argument("conflict", type=int)
    p.add_argument("--keep", required=True, choices=(KEEP_MINE, KEEP_THEIRS))
    p.set_defaults(run=cmd_resolve)


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise AftercareError(
            _("Cannot read {file}: {reason}").format(file=path, reason=exc.strerror)
        ) from None


def _with_services(vault: str, work: Callable[[Referrals], T]) -> T:
    with common.session(vault) as opened:
        return work(Services(opened).referrals)


def _contact_json(contact: Contact) -> dict[str, Any]:
    return {
        "name": contact.name,
        "unit_code": contact.unit_code,
        "role": contact.role,
        "fingerprint": contact.fingerprint,
        "verified": contact.verified,
        "verified_by": contact.verified_by,
        "verified_at": contact.verified_at,
    }


def _written(args: argparse.Namespace, written: PackageWritten, text: str) -> int:
    common.emit(
        args,
        {
            "file": str(written.path),
            "kind": written.kind,
            "referral_id": written.referral_id,
            "sha256": written.sha256,
        },
        text,
    )
    return 0


def cmd_contact_add(args: argparse.Namespace) -> int:
    raw = _read(args.card)
    contact = _with_services(
        args.vault,
        lambda r: r.add_contact(raw, name=args.name, role=args.role, source=Path(args.card).name),
    )
    common.emit(
        args,
        _contact_json(contact),
        _(
            "Contact “{name}” ({unit}) added, not yet verified. Compare this fingerprint with them by phone or on paper, then run `aftercare contact verify`:\n  {fingerprint}"
        ).format(name=contact.name, unit=contact.unit_code, fingerprint=contact.fingerprint),
    )
    return 0


def cmd_contact_list(args: argparse.Namespace) -> int:
    found = _with_services(args.vault, lambda r: r.contacts())
    lines = [
        f"{c.name}\t{c.unit_code}\t{c.role_label}\t{c.fingerprint}\t"
        + (_("verified") if c.verified else _("NOT verified"))
        for c in found
    ]
    common.emit(args, [_contact_json(c) for c in found], "\n".join(lines) or _("No contacts."))
    return 0


def cmd_contact_verify(args: argparse.Namespace) -> int:
    contact = _with_services(args.vault, lambda r: r.verify_contact(args.name, args.fingerprint))
    common.emit(args, _contact_json(contact), _("“{name}” is verified.").format(name=contact.name))
    return 0


def cmd_contact_remove(args: argparse.Namespace) -> int:
    _with_services(args.vault, lambda r: r.remove_contact(args.name))
    print(_("Contact “{name}” removed.").format(name=args.name))
    return 0


def cmd_contact_card(args: argparse.Namespace) -> int:
    def work(r: Referrals) -> tuple[bytes, str]:
        return r.own_card(args.role, args.name), r.own_fingerprint()

    data, fingerprint = _with_services(args.vault, work)
    atomic_write_bytes(args.out, data, mode=0o644)
    common.emit(
        args,
        {"file": args.out, "fingerprint": fingerprint},
        _(
            "Contact card written to {file}. Read this fingerprint to the other unit when they add it:\n  {fingerprint}"
        ).format(file=args.out, fingerprint=fingerprint),
    )
    return 0


def cmd_refer(args: argparse.Namespace) -> int:
    chosen = [s for s in args.sections.split(",") if s.strip()]
    written = _with_services(
        args.vault,
        lambda r: r.send(
            args.number,
            args.to,
            chosen,
            args.out,
            override_reason=args.override_reason,
            again=args.again,
        ),
    )
    return _written(
        args,
        written,
        _("Referral {id} written to {file} (SHA-256 {sha256}).").format(
            id=written.referral_id[:SHORT_ID], file=written.path, sha256=written.sha256
        ),
    )


def cmd_receive(args: argparse.Namespace) -> int:
    got = _with_services(args.vault, lambda r: r.receive_file(args.file))
    texts = {
        "referral": _("Referral from {sender} received as case {number}."),
        "reply": _("Reply from {sender} added to case {number}."),
        "ack": _("{sender} acknowledged the referral of case {number}."),
        "withdraw": _("{sender} withdrew the referral; case {number} was deleted."),
    }
    lines = [texts[got.kind].format(sender=got.counterpart, number=got.case_number or "-")]
    for conflict in got.conflicts:
        lines += conflict_lines(conflict, args.vault)
    common.emit(
        args,
        {
            "kind": got.kind,
            "referral_id": got.referral_id,
            "from": got.counterpart,
            "case_number": got.case_number,
            "merged": got.merged_sections,
            "conflicts": [
                {
                    "id": c.id,
                    "section": c.section,
                    "part": c.part,
                    "entry": c.entry,
                    "mine": c.mine,
                    "theirs": c.theirs,
                }
                for c in got.conflicts
            ],
        },
        "\n".join(lines),
    )
    return 0


def cmd_reply(args: argparse.Namespace) -> int:
    written = _with_services(
        args.vault, lambda r: r.reply(args.number, args.out, completed=args.completed)
    )
    return _written(args, written, _("Reply written to {file}.").format(file=written.path))


def cmd_acknowledge(args: argparse.Namespace) -> int:
    written = _with_services(args.vault, lambda r: r.acknowledge(args.number, args.out))
    return _written(args, written, _("Receipt written to {file}.").format(file=written.path))


def cmd_withdraw(args: argparse.Namespace) -> int:
    written = _with_services(
        args.vault,
        lambda r: r.withdraw(args.number, args.out, contact=args.to, referral=args.referral),
    )
    return _written(args, written, _("Withdrawal written to {file}.").format(file=written.path))


def cmd_referrals(args: argparse.Namespace) -> int:
    found, conflicts = _with_services(
        args.vault, lambda r: (r.records(args.number), r.conflicts(args.number))
    )
    lines = [
        f"{x.short_id}\t{x.case_number or '-'}\t{x.direction}\t{x.counterpart}\t"
        f"{x.created_at[:10]}\t{x.state}\t{x.reply_status or ''}"
        for x in found
    ]
    for conflict in conflicts:
        lines += conflict_lines(conflict, args.vault)
    common.emit(
        args,
        {
            "referrals": [x.__dict__ for x in found],
            "conflicts": [c.__dict__ for c in conflicts],
        },
        "\n".join(lines) or _("No referrals."),
    )
    return 0


def conflict_lines(conflict: Conflict, vault: str) -> list[str]:
    """A conflict as a short diff: what differs, this vault's value against the reply's,
    who and when, and the command that settles it."""
    section = label(Section, conflict.section)
    if conflict.part is None:  # a whole section, from before entries had shared ids
        what = section
        found = []
    else:
        what = f"{section}, " + differences.named_entry(
            conflict.part, conflict.mine, conflict.theirs
        )
        found = differences.differences(conflict.part, conflict.mine, conflict.theirs)
    lines = [
        _("Conflict {id} in case {number}: {what} was changed on both sides.").format(
            id=conflict.id, number=conflict.case_number or "-", what=what
        )
    ]
    mine_by = _("this vault, saved {time}").format(time=(conflict.mine_at or "-")[:16])
    theirs_by = _("{unit}, reply {seq} of {time}").format(
        unit=conflict.counterpart or _("the other unit"),
        seq=conflict.seq,
        time=(conflict.their_at or "-")[:16],
    )
    for difference in found:
        field = f"{difference.field}: " if difference.field else ""
        lines.append(f"  {field}{difference.mine} ({mine_by}) | {difference.theirs} ({theirs_by})")
    lines.append(
        "  "
        + _("Choose with `aftercare resolve {vault} {id} --keep mine|theirs`.").format(
            vault=vault, id=conflict.id
        )
    )
    return lines


def cmd_resolve(args: argparse.Namespace) -> int:
    change = _with_services(args.vault, lambda r: r.resolve_conflict(args.conflict, args.keep))
    print(_("Conflict settled in case {number}.").format(number=change.case_number))
    return 0
