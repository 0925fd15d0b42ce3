"""The window's preferences: language, lock timeout, last vault folder, second backup folder,
last spreadsheet mapping file. Nothing identifying.

Kept as a small JSON object in `paths.settings_file()`, written atomically, never in
QSettings (which could end up in the registry or a desktop-wide store). A missing, damaged or
hand-edited file never stops the program: each value falls back to its default.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from app import paths
from app.fileio import atomic_write_bytes
from app.i18n import DEFAULT_LOCALE, SUPPORTED_LOCALES

LANGUAGE = "language"
LOCK_MINUTES = "lock_minutes"
LAST_VAULT = "last_vault"
# A second folder for automatic backups (a USB stick), or None (app.vault.auto_backup).
BACKUP_FOLDER = "backup_folder"
# The column mapping file (JSON, headers and field names only) the import wizard used last.
LAST_MAPPING = "last_mapping"

LOCK_MINUTES_DEFAULT = 5
LOCK_MINUTES_RANGE = (1, 15)


def defaults() -> dict[str, Any]:
    return {
        LANGUAGE: DEFAULT_LOCALE,
        LOCK_MINUTES: LOCK_MINUTES_DEFAULT,
        LAST_VAULT: None,
        BACKUP_FOLDER: None,
        LAST_MAPPING: None,
    }


def clean(raw: Any) -> dict[str, Any]:
    """Keep only known keys with acceptable values; anything else becomes the default."""
    settings = defaults()
    if not isinstance(raw, dict):
        return settings
    if raw.get(LANGUAGE) in SUPPORTED_LOCALES:
        settings[LANGUAGE] = raw[LANGUAGE]
    minutes = raw.get(LOCK_MINUTES)
    if isinstance(minutes, int) and not isinstance(minutes, bool):
        low, high = LOCK_MINUTES_RANGE
        settings[LOCK_MINUTES] = min(high, max(low, minutes))
    for key in (LAST_VAULT, BACKUP_FOLDER, LAST_MAPPING):
        if isinstance(raw.get(key), str) and raw[key]:
            settings[key] = raw[key]
    return settings


def load(path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    target = Path(path) if path else paths.settings_file()
    try:
        return clean(json.loads(target.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return defaults()


def save(settings: dict[str, Any], path: str | os.PathLike[str] | None = None) -> None:
    target = Path(path) if path else paths.settings_file()
    target.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps(clean(settings), ensure_ascii=False, indent=1, sort_keys=True)
    atomic_write_bytes(target, data.encode("utf-8"))
