"""The `aftercare` command (../shared/spec/cli.md).

Each group of subcommands lives in its own module with a `register(subparsers)` function;
this module only builds the parser and turns errors into one line and an exit status:
0 success, 1 the work failed, 2 wrong usage. No traceback ever reaches the user.

The program's entry point is `ui.entry.main`, which adds the subcommands that need the
window (`gui`, `selfcheck`) as `extra` modules; app/ itself never imports ui/.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from types import ModuleType
from typing import NoReturn

from app import __version__, hardening
from app.errors import AftercareError
from app.i18n import _, set_locale

# Modules that add subcommands; each has register(subparsers).
COMMAND_MODULES = (
    "app.cli.vault_cmds",
    "app.cli.case_cmds",
    "app.cli.report_cmds",
    "app.cli.sheet_cmds",
    "app.cli.referral_cmds",
    "app.cli.workflow_cmds",
    "app.cli.directory_cmds",
    "app.cli.attachment_cmds",
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse prints usage and exits 2
        self.print_usage(sys.stderr)
        self.exit(2, f"aftercare: {message}\n")


def build_parser(extra: tuple[ModuleType, ...] = ()) -> argparse.ArgumentParser:
    """The parser of every subcommand; `extra` are modules with `register(subparsers)`."""

    parser = _Parser(
        prog="aftercare",
        description=_("Encrypted case files for shelters, and summaries for the PJC Office."),
    )
    parser.add_argument("--version", action="version", version=f"aftercare {__version__}")
    parser.add_argument(
        "--lang",
        choices=("zh_CN", "en"),
        help=_("language of messages (default: zh_CN, or AFTERCARE_LANG)"),
    )
    parser.add_argument("--data-dir", help=_("folder for settings and the default vault"))
    subparsers = parser.add_subparsers(dest="command", parser_class=_Parser)
    for module in (*(importlib.import_module(name) for name in COMMAND_MODULES), *extra):
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None, extra: tuple[ModuleType, ...] = ()) -> int:
    os.umask(0o077)  # every file we create is private to the user: vaults, exports, temp files
    hardening.no_core_dumps()  # the window starts here too
    argv = sys.argv[1:] if argv is None else argv
    set_locale(_language_from(argv))
    parser = build_parser(extra)
    args = parser.parse_args(argv)
    if args.data_dir:
        from app import paths

        paths.set_data_dir(args.data_dir)
    if not args.command:  # plain `aftercare` opens the window (when the entry point added it)
        if "gui" not in _commands(parser):
            parser.print_help()
            return 0
        args = parser.parse_args([*argv, "gui"])
    try:
        return int(args.run(args) or 0)
    except AftercareError as exc:
        print(f"aftercare: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(_("aftercare: interrupted; nothing more was written."), file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: one line, no traceback, no data
        from app.storage.connection import is_damage

        if is_damage(exc):  # a damaged page read after unlocking: not a bug, say what to do
            print(
                _(
                    "aftercare: the vault database is damaged ({reason}); restore the vault from a backup."
                ).format(reason=exc),
                file=sys.stderr,
            )
            return 1
        print(
            _("aftercare: internal error ({kind}); please report it.").format(
                kind=type(exc).__name__
            ),
            file=sys.stderr,
        )
        if os.environ.get("AFTERCARE_DEBUG") == "1":
            raise
        return 1


def _language_from(argv: list[str]) -> str:
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return os.environ.get("AFTERCARE_LANG", "zh_CN")


if __name__ == "__main__":
    sys.exit(main())


def _commands(parser: argparse.ArgumentParser) -> list[str]:
    """The names of the parser's subcommands."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return list(action.choices)
    return []
