"""Where things live: the one place that knows about frozen bundles and portable mode.

- Resources (catalogs, fonts, icons) come from the repository when run from source and from
  the bundle's folder (`sys._MEIPASS`) when frozen by PyInstaller.
- User data (the default vault folder, settings) goes to the platform's data folder
  (platformdirs), to `--data-dir` when given, or, in portable mode, to `data/` beside the
  executable (a bundle with a file named `portable` beside it, for USB-stick use).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "Aftercare"
_data_dir_override: Path | None = None


def is_frozen() -> bool:
    return bool(getattr(sys, "frozen", False))


def source_root() -> Path:
    if is_frozen():
        return Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent))
    return Path(__file__).resolve().parent.parent


def resource_path(*parts: str) -> Path:
    """A file shipped with the program: `resource_path("i18n")`, `resource_path("resources", "fonts")`."""
    return source_root().joinpath(*parts)


def executable_dir() -> Path:
    return Path(sys.executable).resolve().parent


def is_portable() -> bool:
    return is_frozen() and (executable_dir() / "portable").exists()


def set_data_dir(path: str | os.PathLike[str] | None) -> None:
    global _data_dir_override
    _data_dir_override = Path(path) if path else None


def data_dir() -> Path:
    if _data_dir_override is not None:
        return _data_dir_override
    env = os.environ.get("AFTERCARE_DATA_DIR")
    if env:
        return Path(env)
    if is_portable():
        return executable_dir() / "data"
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_vault_dir() -> Path:
    return data_dir() / "vault"


def demo_vault_dir() -> Path:
    return data_dir() / "demo-vault"


def settings_file() -> Path:
    """Non-identifying preferences only (language, lock timeout, last vault folder)."""
    return data_dir() / "settings.json"
