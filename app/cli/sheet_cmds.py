"""Subcommands over spreadsheets: import-sheet (HTCDS templates or any sheet), export-sheet."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from app.cli import common
from app.cli.case_cmds import _read_input, _terminal_progress
from app.cli.common import Subparsers
from app.codes import CaseStatus, Sex, label
from app.errors import AftercareError
from app.fileio import atomic_write_bytes
from app.i18n import _, ngettext
from app.interchange import sheets
from app.interchange.mapping import NAME_ORDERS, Mapping, check_pattern
from app.interchange.sheets import Workbook
from app.services.sheet_export import SheetExport
from app.services.sheet_import import Preview, SheetImport


def register(sub: Subparsers) -> None:
    p = sub.add_parser(
        "import-sheet",
        help=_("import cases from a spreadsheet (.xlsx or .csv; HTCDS templates recognised)"),
    )
    p.add_argument("vault")
    p.add_argument("file")
    p.add_argument("--mapping", help=_("a mapping file saved earlier (JSON)"))
    p.add_argument("--save-mapping", metavar="FILE", help=_("save the mapping used to FILE"))
    p.add_argument("--sheet", help=_("the sheet to read (default: the first, or the template's)"))
    p.add_argument("--date-order", choices=sheets.DATE_ORDERS, help=_("how 05/03/2024 is read"))
    p.add_argument(
        "--name-order",
        choices=NAME_ORDERS,
        help=_(
            "how two name columns make one name: given_family puts the Given name column first (HTCDS: First Name, then Second Name), family_given the Family name column"
        ),
    )
    p.add_argument(
        "--case-numbers",
        metavar="PATTERN",
        help=_("case numbers for the rows, e.g. FZ-2024-{n:04d}"),
    )
    p.add_argument("--opened-on", metavar="DATE", help=_("opening date for rows without one"))
    p.add_argument(
        "--closed-on", metavar="DATE", help=_("closing date for closed rows without one")
    )
    p.add_argument("--dry-run", action="store_true", help=_("show the preview; write nothing"))
    p.add_argument(
        "--skip-row",
        type=int,
        action="append",
        default=[],
        metavar="N",
        help=_("leave out row N of the sheet (may be repeated)"),
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_import_sheet)

    p = sub.add_parser(
        "export-sheet", help=_("export cases whose person consented to data sharing (HTCDS .xlsx)")
    )
    p.add_argument("vault")
    p.add_argument("--format", choices=("htcds",), default="htcds")
    p.add_argument("--out", required=True)
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_export_sheet)


def _mapping(args: argparse.Namespace, importer: SheetImport, book: Workbook) -> Mapping:
    if args.mapping:
        mapping = Mapping.from_json(_read_input(args.mapping), Path(args.mapping).name)
    else:
        mapping = importer.detect(book, args.sheet).mapping
    if args.sheet:
        mapping.sheet = args.sheet
    if args.date_order:
        mapping.date_order = args.date_order
    if args.name_order:
        mapping.name_order = args.name_order
    if args.case_numbers:
        check_pattern(args.case_numbers)
        mapping.case_number_pattern = args.case_numbers
    for key, value in (("opened_on", args.opened_on), ("closed_on", args.closed_on)):
        if value:
            try:
                sheets.parse_date(value)
            except sheets.BadDate as exc:
                raise AftercareError(f"--{key.replace('_', '-')}: {exc}") from None
            mapping.defaults[key] = value
    return mapping


def cmd_import_sheet(args: argparse.Namespace) -> int:
    book = sheets.read_file(args.file)
    with common.session(args.vault) as opened:
        importer = SheetImport(opened)
        mapping = _mapping(args, importer, book)
        preview = importer.preview(book, mapping, skip_rows=args.skip_row)
        if args.save_mapping:
            atomic_write_bytes(args.save_mapping, mapping.to_json())
        _print_preview(preview, rows=args.dry_run and not args.json)
        if args.dry_run or not preview.ok:
            common.emit(args, _summary(preview, imported=0), _dry_line(preview, args.dry_run))
            return 0 if preview.ok else 1
        result = importer.commit(preview, progress=_terminal_progress)
    common.emit(
        args,
        _summary(preview, imported=result.imported),
        _("{cases} imported from {rows}.").format(
            cases=ngettext("{n} case", "{n} cases", result.imported).format(n=result.imported),
            rows=ngettext("{n} row", "{n} rows", result.rows).format(n=result.rows),
        )
        + (
            " " + _("Rows skipped: {rows}.").format(rows=", ".join(map(str, result.skipped_rows)))
            if result.skipped_rows
            else ""
        ),
    )
    return 0


def _dry_line(preview: Preview, dry_run: bool) -> str:
    count = len(preview.cases)
    if preview.ok:
        return ngettext(
            "{n} row can be imported; nothing was written (dry run).",
            "{n} rows can be imported; nothing was written (dry run).",
            count,
        ).format(n=count)
    line = ngettext(
        "{count} problem in {source}; nothing was imported.",
        "{count} problems in {source}; nothing was imported.",
        len(preview.problems),
    ).format(count=len(preview.problems), source=preview.source)
    return line + (" " + _("(dry run)") if dry_run else "")


def _print_preview(preview: Preview, *, rows: bool) -> None:
    if preview.template:
        print(_("Recognised: {template}").format(template=preview.template), file=sys.stderr)
    for problem in preview.problems:
        print(problem, file=sys.stderr)
    for row in preview.rows:
        if row.skipped:
            print(_("row {row}: skipped").format(row=row.row), file=sys.stderr)
    if preview.noted_fields:
        print(
            _("Kept in a note on the case (no place in the case format): {fields}").format(
                fields=", ".join(preview.noted_fields)
            ),
            file=sys.stderr,
        )
    if rows:
        for row in preview.rows:
            case = row.case
            print(
                "  ".join(
                    [
                        _("row {row}").format(row=row.row),
                        case.case_number,
                        case.person.full_name,
                        label(Sex, case.person.sex),
                        case.opened_on.isoformat(),
                        label(CaseStatus, case.status),
                    ]
                )
            )


def _summary(preview: Preview, *, imported: int) -> dict[str, Any]:
    return {
        "source": preview.source,
        "sha256": preview.sha256,
        "template": preview.template,
        "rows": len(preview.rows),
        "imported": imported,
        "skipped_rows": preview.skipped_rows,
        "problems": [str(p) for p in preview.problems],
        "kept_in_note": preview.noted_fields,
    }


def _export_target(out: str) -> Path:
    """Where export-sheet may write: an .xlsx file in a folder that exists."""
    path = Path(out)
    if path.is_dir():
        raise AftercareError(
            _(
                "{path} is a folder; give a file name ending in .xlsx, e.g. {path}/cases.xlsx"
            ).format(path=out)
        )
    if path.suffix.lower() != ".xlsx":
        raise AftercareError(
            _(
                "export-sheet writes the HTCDS Excel template (.xlsx), not {suffix}; name the file .xlsx"
            ).format(suffix=path.suffix or _("a file without an extension"))
        )
    if not path.parent.is_dir():
        raise AftercareError(
            _("The folder {folder} does not exist; create it or choose another.").format(
                folder=path.parent
            )
        )
    return path


def cmd_export_sheet(args: argparse.Namespace) -> int:
    _export_target(args.out)
    with common.session(args.vault) as opened:
        result = SheetExport(opened).export_htcds()
        atomic_write_bytes(args.out, result.data)
    common.emit(
        args,
        {"file": args.out, "cases": result.exported, "left_out": result.left_out},
        ngettext(
            "{n} case written to {file}.",
            "{n} cases written to {file}.",
            result.exported,
        ).format(n=result.exported, file=args.out)
        + (
            " "
            + ngettext(
                "{n} case left out: no standing consent to data sharing.",
                "{n} cases left out: no standing consent to data sharing.",
                result.left_out,
            ).format(n=result.left_out)
            if result.left_out
            else ""
        ),
    )
    return 0
