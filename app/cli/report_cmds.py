"""Subcommands for the provincial monitoring loop: summary, unit-key, rollup."""

from __future__ import annotations

import argparse
import contextlib
import json
from pathlib import Path
from typing import Any

from app.cli import common
from app.cli.common import Subparsers
from app.errors import AftercareError
from app.fileio import atomic_write_bytes
from app.i18n import _
from app.reports.evaluation_outputs import run_evaluation
from app.reports.periods import parse_period
from app.reports.rollup_outputs import run_rollup
from app.services import Services

FIRST_FILES = 10  # files named on the terminal; rollup.json lists every one


def _rollup_threshold(text: str) -> int | None:
    """--suppress of rollup: a threshold, or `none` for a roll-up the next level's office
    rolls up again (sums unprotected; not for anyone else)."""
    return None if text.strip().lower() == "none" else _threshold(text)


def _threshold(text: str) -> int:
    try:
        k = int(text)
    except ValueError:
        raise AftercareError(
            _("--suppress needs a whole number of at least 3, not “{value}”.").format(value=text)
        ) from None
    if k < 3:
        raise AftercareError(
            _("--suppress needs a threshold of at least 3, not {value}.").format(value=k)
        )
    return k


def register(sub: Subparsers) -> None:
    p = sub.add_parser("summary", help=_("write the signed, de-identified summary of a period"))
    p.add_argument("vault")
    p.add_argument("--period", required=True, help=_("2026-07, 2026-Q3 or 2026"))
    p.add_argument("--out", required=True)
    p.add_argument("--pdf")
    p.add_argument("--suppress", metavar="K", help=_("suppress counts below K (K >= 3)"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_summary)

    p = sub.add_parser(
        "unit-key", help=_("the unit's public key, for registering with the PJC Office")
    )
    p.add_argument("vault")
    p.add_argument("--out")
    p.set_defaults(run=cmd_unit_key)

    p = sub.add_parser("rollup", help=_("verify and roll up summaries (PJC Office)"))
    p.add_argument("files", nargs="+")
    p.add_argument("--out-dir", required=True)
    p.add_argument("--trust", help=_("the registered unit keys"))
    p.add_argument(
        "--suppress",
        metavar="K",
        default="5",
        help=_("the roll-up's own threshold (default 5), or none for the next level's office"),
    )
    p.add_argument(
        "--period", help=_("the period to roll up (default: the one most files are for)")
    )
    p.add_argument(
        "--sign",
        metavar="VAULT",
        help=_("sign rollup.json with the key of this office vault, to be rolled up again"),
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_rollup)

    p = sub.add_parser(
        "evaluate", help=_("indicators over several periods, from roll-ups or summaries")
    )
    p.add_argument("files", nargs="+")
    p.add_argument("--out-dir", required=True)
    p.add_argument(
        "--suppress",
        metavar="K",
        default="5",
        help=_("threshold for summaries rolled up here (default 5)"),
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_evaluate)


def cmd_summary(args: argparse.Namespace) -> int:
    threshold = _threshold(args.suppress) if args.suppress is not None else None
    parse_period(args.period)  # a wrong period is a usage mistake: say so before unlocking
    with common.session(args.vault) as opened:
        reports = Services(opened).reports
        doc = reports.build_summary(args.period, threshold)
        digest = reports.write_summary(doc, Path(args.out), Path(args.pdf) if args.pdf else None)
    common.emit(
        args,
        {
            "file": args.out,
            "pdf": args.pdf,
            "sha256": digest,
            "period": doc["period"],
            "protection": doc["protection"],
        },
        _("Summary {period} written to {file} (SHA-256 {digest}).").format(
            period=args.period, file=args.out, digest=digest
        ),
    )
    return 0


def cmd_unit_key(args: argparse.Namespace) -> int:
    with common.session(args.vault) as opened:
        record = Services(opened).reports.unit_key()
    text = json.dumps(record, indent=1, sort_keys=True) + "\n"
    if args.out:
        atomic_write_bytes(args.out, text.encode(), mode=0o644)
        print(
            _("Unit key of {unit} written to {file}; send it to the PJC Office.").format(
                unit=record["unit"], file=args.out
            )
        )
    else:
        print(text, end="")
    return 0


def cmd_rollup(args: argparse.Namespace) -> int:
    threshold = _rollup_threshold(args.suppress)
    period = parse_period(args.period) if args.period else None
    with common.session(args.sign) if args.sign else contextlib.nullcontext() as opened:
        sign = Services(opened).reports.sign_rollup if opened is not None else None
        doc = run_rollup(
            [Path(f) for f in args.files],
            Path(args.out_dir),
            trust_file=Path(args.trust) if args.trust else None,
            threshold=threshold,
            period=period,
            sign=sign,
        )
    common.emit(args, {"period": doc["period"], "files": doc["files"]}, _rollup_lines(doc, args))
    return 0


def _rollup_lines(doc: dict[str, Any], args: argparse.Namespace) -> str:
    """What the terminal shows: the counts by result and the first files that were not
    accepted (all of them are in rollup.json), never one line per file of 20,000."""
    counts: dict[str, int] = {}
    for entry in doc["files"]:
        counts[entry["status"]] = counts.get(entry["status"], 0) + 1
    units = sum(len(codes) for codes in doc.get("units", {}).values())
    lines = [
        _("Roll-up of {period} written to {folder}: rollup.json, rollup.xlsx, report.pdf.").format(
            period=doc["period"]["label"], folder=args.out_dir
        ),
        _("{files} files read, {units} units counted: {counts}.").format(
            files=len(doc["files"]),
            units=units,
            counts=", ".join(f"{status} {n}" for status, n in counts.items()),
        ),
    ]
    problems = [entry for entry in doc["files"] if entry["status"] != "accepted"]
    for entry in problems[:FIRST_FILES]:
        reason = f" ({entry['reason']})" if entry["reason"] else ""
        lines.append(f"  {entry['status']:<12} {entry['file']} {entry['unit'] or ''}{reason}")
    if len(problems) > FIRST_FILES:
        lines.append(
            _("  ... and {more} more; rollup.json lists every file.").format(
                more=len(problems) - FIRST_FILES
            )
        )
    return "\n".join(lines)


def cmd_evaluate(args: argparse.Namespace) -> int:
    doc = run_evaluation(
        [Path(f) for f in args.files], Path(args.out_dir), threshold=_threshold(args.suppress)
    )
    periods = doc["periods"]
    missing = [
        p["period"] for p in next(iter(doc["province"]["indicators"].values())) if p.get("missing")
    ]
    lines = [
        _(
            "Evaluation of {first} to {last} written to {folder}: evaluation.json, "
            "evaluation.xlsx, evaluation.pdf."
        ).format(first=periods[0], last=periods[-1], folder=args.out_dir)
    ]
    if missing:
        lines.append(
            _("No file for: {periods} (gaps in the series).").format(periods=", ".join(missing))
        )
    problems = [f for f in doc["files"] if f["status"] != "accepted"]
    for entry in problems[:FIRST_FILES]:
        lines.append(f"  {entry['status']:<12} {entry['file']} ({entry['reason']})")
    if len(problems) > FIRST_FILES:
        lines.append(
            _("  ... and {more} more; evaluation.json lists every file.").format(
                more=len(problems) - FIRST_FILES
            )
        )
    common.emit(args, {"periods": periods, "files": doc["files"]}, "\n".join(lines))
    return 0
