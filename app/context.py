"""AppContext: what the entry point builds once and hands to every window and command.

Nothing finds it through globals: `MainWindow(ctx)`, pages and dialogs receive it.
`ctx.services` is the `Services` bundle over the vault that is open now: built on first use
after an unlock, and dropped when the vault is locked or another one is opened, so a page
never holds services of a vault that is gone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app import viewer_files
from app.errors import AftercareError
from app.i18n import _
from app.vault.auto_backup import BehindTheLock
from app.vault.vault import OpenVault

if TYPE_CHECKING:
    from app.services import Services


@dataclass
class AppContext:
    vault_folder: Path
    opened: OpenVault | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    # The date services take as today (overdue follow-ups, ages); tests pass a fixed one.
    today: Callable[[], dt.date] = dt.date.today
    # Backups that run after the window has locked (a vault handed over by `hand_over`).
    backups: BehindTheLock = field(default_factory=BehindTheLock)
    _services: tuple[OpenVault, Services] | None = field(default=None, init=False, repr=False)

    @property
    def is_unlocked(self) -> bool:
        return self.opened is not None and self.opened.is_open

    @property
    def vault(self) -> OpenVault:
        """The vault opened last: pages and dialogs exist only while there is one."""
        if self.opened is None:
            raise AftercareError(_("The vault is locked."))
        return self.opened

    @property
    def services(self) -> Services:
        """The services over the open vault (the same object until the vault changes)."""
        opened = self.opened
        if opened is None or not opened.is_open:
            raise AftercareError(_("The vault is locked."))
        if self._services is None or self._services[0] is not opened:
            from app.services import Services  # app.services imports much; load it on unlock

            self._services = (opened, Services(opened, today=self.today))
        return self._services[1]

    def lock(self) -> None:
        if self.opened is not None:
            self.opened.lock()
        self.hand_over()

    def hand_over(self) -> OpenVault | None:
        """Forget the open vault without locking it and return it: the caller locks it (an
        automatic backup that runs after the window has locked)."""
        viewer_files.remove_all()  # plain copies an outside viewer was given
        opened, self.opened, self._services = self.opened, None, None
        return opened
