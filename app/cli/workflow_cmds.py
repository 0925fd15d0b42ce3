"""Subcommands of a caseworker's day: caseload, assign, duplicates."""

from __future__ import annotations

import argparse

from app.cli import common
from app.cli.common import Subparsers
from app.codes import CaseState, ClosureReason, DuplicateReason, Group, label
from app.i18n import _, format_date
from app.services import Services
from app.services.caseload import CaseloadView


def register(sub: Subparsers) -> None:
    p = sub.add_parser(
        "caseload",
        help=_("what the home page shows you: your cases, follow-ups due, closures to approve"),
    )
    p.add_argument("vault")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_caseload)

    p = sub.add_parser("assign", help=_("make a worker responsible for a case"))
    p.add_argument("vault")
    p.add_argument("number")
    p.add_argument("--to", required=True, metavar="USER")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_assign)

    p = sub.add_parser(
        "duplicates", help=_("pairs of cases that are probably one person, with the reason")
    )
    p.add_argument("vault")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_duplicates)


def cmd_caseload(args: argparse.Namespace) -> int:
    with common.session(args.vault) as opened:
        view = Services(opened).caseload.view()
    common.emit(args, view.as_json(), caseload_text(view))
    return 0


def caseload_text(view: CaseloadView) -> str:
    lines = [_("Caseload of {name} on {date}").format(name=view.user, date=format_date(view.today))]
    lines.append(_("My cases: {n}").format(n=view.total()))
    for state in CaseState:
        by_group = [(g, n) for s, g, n in view.counts if s == state]
        if by_group:
            groups = ", ".join(f"{label(Group, g)} {n}" for g, n in by_group)
            lines.append(f"  {label(CaseState, state)}: {sum(n for _g, n in by_group)} ({groups})")
    sections = (
        (
            _("Follow-ups overdue"),
            [(d.case_number, d.full_name, format_date(d.due_on)) for d in view.overdue],
        ),
        (
            _("Follow-ups due this week"),
            [(d.case_number, d.full_name, format_date(d.due_on)) for d in view.due_this_week],
        ),
        (
            _("Closures awaiting approval"),
            [
                (c.case_number, c.full_name, f"{c.requested_by}, {label(ClosureReason, c.reason)}")
                for c in view.closures
            ],
        ),
        (
            _("Referral packages waiting"),
            [
                (
                    r.case_number or "-",
                    r.full_name or "",
                    _("reply expected from {who}").format(who=r.counterpart)
                    if r.direction == "sent"
                    else _("to answer to {who}").format(who=r.counterpart),
                )
                for r in view.referrals
            ],
        ),
        (_("Cases I opened last"), [(r.case_number, r.full_name, "") for r in view.recent]),
    )
    for title, rows in sections:
        lines.append(f"{title}: {len(rows)}")
        lines += [f"  {number}  {name}  {extra}".rstrip() for number, name, extra in rows]
    return "\n".join(lines)


def cmd_assign(args: argparse.Namespace) -> int:
    with common.session(args.vault) as opened:
        services = Services(opened)
        services.caseload.assign(args.number, args.to)
        holder = services.caseload.holder(args.number)
    common.emit(
        args,
        {"case_number": args.number, "responsible": holder},
        _("{name} now holds case {number}.").format(name=holder, number=args.number),
    )
    return 0


def cmd_duplicates(args: argparse.Namespace) -> int:
    opened = common.unlock(args.vault)
    try:
        found = Services(opened).duplicates.pairs()
    finally:
        opened.lock()
    rows = [
        {
            "first": p.first,
            "second": p.second,
            "first_name": p.first_name,
            "second_name": p.second_name,
            "reason": p.reason,
        }
        for p in found
    ]
    lines = [
        f"{p.first}  {p.first_name}  |  {p.second}  {p.second_name}  ({label(DuplicateReason, p.reason)})"
        for p in found
    ]
    lines.append(_("{n} likely pairs.").format(n=len(found)))
    common.emit(args, rows, "\n".join(lines))
    return 0
