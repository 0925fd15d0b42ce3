"""AppContext: what the entry point builds once and hands to every window and command.

Nothing finds it through globals: `MainWindow(ctx)`, pages and dialogs receive it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from app.vault.vault import OpenVault


@dataclass
class AppContext:
    vault_folder: Path
    opened: OpenVault | None = None
    settings: dict = field(default_factory=dict)

    @property
    def is_unlocked(self) -> bool:
        return self.opened is not None and self.opened.is_open

    def lock(self) -> None:
        if self.opened is not None:
            self.opened.lock()
        self.opened = None
