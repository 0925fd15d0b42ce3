"""The rules of docs/architecture.md, checked on the code itself.

- The import contracts of pyproject.toml ([tool.importlinter]: app has no Qt and no ui, the
  domain stands alone, pages are independent, no import cycles) hold; `make lint` runs the
  same check.
- Only app/storage talks SQL: no `execute`, `executemany` or `executescript` call anywhere
  else in app/ or ui/, except the files still listed in `_SQL_ELSEWHERE`, which only shrinks
  (each count must match, so a move out of a file is noticed and the entry updated).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_SQL_CALLS = {"execute", "executemany", "executescript"}

# Files outside app/storage that still run SQL themselves, with their number of calls; each
# is to move into a repository module of app/storage (issue #15).
_SQL_ELSEWHERE = {
    "app/audit.py": 10,
    "app/services/referrals/base.py": 3,
    "app/services/referrals/conflicts.py": 4,
    "app/services/referrals/contacts.py": 7,
    "app/services/referrals/receiving.py": 8,
    "app/services/referrals/sending.py": 1,
    "app/vault/auto_backup.py": 4,
    "app/vault/backup.py": 10,
    "app/vault/vault.py": 15,
}


def _sql_calls() -> Counter[str]:
    found: Counter[str] = Counter()
    for package in ("app", "ui"):
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative.startswith("app/storage/"):
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), relative)):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr in _SQL_CALLS
                ):
                    found[relative] += 1
    return found


def test_only_storage_runs_sql() -> None:
    assert dict(_sql_calls()) == _SQL_ELSEWHERE, (
        "SQL outside app/storage: give it a repository module there (or, when you moved "
        "some out, lower the count in _SQL_ELSEWHERE)"
    )


def test_import_contracts_hold() -> None:
    lint_imports = Path(sys.executable).parent / "lint-imports"
    run = subprocess.run(
        [str(lint_imports), "--no-cache", "--no-logo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_files_are_written_through_the_one_atomic_helper() -> None:
    """Only app/fileio.py makes temporary files to replace a target (mode 0600, fsync of the
    file and the folder); a second copy of that code would miss one of them."""
    elsewhere = sorted(
        path.relative_to(ROOT).as_posix()
        for package in ("app", "ui")
        for path in (ROOT / package).rglob("*.py")
        if "mkstemp(" in path.read_text(encoding="utf-8")
        and path.relative_to(ROOT).as_posix() != "app/fileio.py"
    )
    assert elsewhere == []
