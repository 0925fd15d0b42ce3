"""The program's entry point: the `aftercare` command, with the subcommands that need Qt.

app/ never imports ui/; this is the one place that joins them. The window's modules are
imported only when `gui` or `selfcheck` runs, so the other commands start without Qt.
"""

from __future__ import annotations

import sys

from app import cli
from ui import gui_cmd, selfcheck_cmd


def main(argv: list[str] | None = None) -> int:
    return cli.main(argv, extra=(gui_cmd, selfcheck_cmd))


if __name__ == "__main__":
    sys.exit(main())
