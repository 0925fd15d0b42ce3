"""Subcommands over case files: import, export-cases, find, demo, case-pdf."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.cli import common
from app.cli.common import Subparsers
from app.codes import DuplicateReason, label
from app.demo_vault import create_demo_vault
from app.errors import AftercareError
from app.fileio import atomic_write_bytes
from app.i18n import _, ngettext
from app.services import Services


def register(sub: Subparsers) -> None:
    p = sub.add_parser("import", help=_("import cases from a cases-v1 JSON file"))
    p.add_argument("vault")
    p.add_argument("file")
    p.add_argument(
        "--skip-invalid",
        action="store_true",
        help=_("import the valid cases and report the others"),
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_import)

    p = sub.add_parser("export-cases", help=_("export identifiable case files (cases-v1)"))
    p.add_argument("vault")
    p.add_argument("--out", required=True)
    p.add_argument("--case", action="append", dest="cases", metavar="NUMBER")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_export)

    p = sub.add_parser(
        "find", help=_("find cases by name, alias, number, ID number, phone or notes")
    )
    p.add_argument("vault")
    p.add_argument("query")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_find)

    p = sub.add_parser("demo", help=_("create a vault of invented cases"))
    p.add_argument("vault")
    p.add_argument("--cases", type=int, default=300)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_demo)

    p = sub.add_parser("case-pdf", help=_("the case file as a PDF (not encrypted: keep it safe)"))
    p.add_argument("vault")
    p.add_argument("number")
    p.add_argument("--out", required=True)
    p.set_defaults(run=cmd_case_pdf)


def _read_input(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise AftercareError(
            _("Cannot read {file}: {reason}").format(file=path, reason=exc.strerror)
        ) from None


def _terminal_progress(done: int, total: int) -> None:
    if sys.stderr.isatty() and total:
        print(f"\r{done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True)


def cmd_import(args: argparse.Namespace) -> int:
    raw = _read_input(args.file)
    with common.session(args.vault) as opened:
        services = Services(opened)
        result = services.transfer.import_cases(
            raw,
            source=Path(args.file).name,
            skip_invalid=args.skip_invalid,
            progress=_terminal_progress,
        )
        twins = services.duplicates.pairs_with(set(result.numbers)) if result.imported else []
    for problem in result.skipped:
        print(_("skipped: {problem}").format(problem=problem), file=sys.stderr)
    for pair in twins:  # imported all the same: a supervisor decides (aftercare duplicates)
        print(
            _("warning: {first} and {second} are probably the same person ({reason})").format(
                first=pair.first, second=pair.second, reason=label(DuplicateReason, pair.reason)
            ),
            file=sys.stderr,
        )
    skipped = len({p.case_number for p in result.skipped})
    common.emit(
        args,
        {
            "imported": result.imported,
            "skipped": [str(p) for p in result.skipped],
            "sha256": result.sha256,
            "probable_duplicates": [
                {"first": p.first, "second": p.second, "reason": p.reason} for p in twins
            ],
        },
        ngettext(
            "{n} case imported.",
            "{n} cases imported.",
            result.imported,
        ).format(n=result.imported)
        + (" " + _("{n} skipped.").format(n=skipped) if skipped else ""),
    )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    with common.session(args.vault) as opened:
        data, count = Services(opened).transfer.export_cases(args.cases)
        atomic_write_bytes(args.out, data)
    common.emit(
        args,
        {"file": args.out, "cases": count},
        ngettext(
            "{n} case written to {file}.",
            "{n} cases written to {file}.",
            count,
        ).format(n=count, file=args.out),
    )
    return 0


def cmd_find(args: argparse.Namespace) -> int:
    with common.session(args.vault) as opened:
        found = Services(opened).lists.find(args.query)
    result = [
        {
            "case_number": f.row.case_number,
            "full_name": f.row.full_name,
            "sex": f.row.sex,
            "age": f.row.age,
            "status": f.row.status,
            "opened_on": f.row.opened_on.isoformat(),
        }
        for f in found
    ]
    common.emit(args, result, "\n".join(f.row.case_number for f in found))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    if args.cases < 0:
        raise AftercareError(_("The number of demo cases must not be negative."))
    users = create_demo_vault(
        Path(args.vault), cases=args.cases, seed=args.seed, progress=_terminal_progress
    )
    lines = [
        _("Demo vault with {n} invented cases created in {path}. Users:").format(
            n=args.cases, path=args.vault
        )
    ]
    lines += [f"  {name:<12} {role:<12} {passphrase}" for name, role, passphrase in users]
    common.emit(
        args,
        {
            "vault": args.vault,
            "users": [{"name": n, "role": r, "passphrase": p} for n, r, p in users],
        },
        "\n".join(lines),
    )
    return 0


def cmd_case_pdf(args: argparse.Namespace) -> int:
    with common.session(args.vault) as opened:
        data = Services(opened).documents.case_pdf(args.number)
        atomic_write_bytes(args.out, data)
    print(
        _("Case file written to {file}. The PDF is not encrypted: keep it safe.").format(
            file=args.out
        )
    )
    return 0
