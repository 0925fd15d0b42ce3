"""What every service shares: the open vault, the signed-in role, the access guard, changes.

A service method checks access, validates, writes and audits in one transaction, and
returns a `Change` that says what changed, so a page can refresh just those rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from app import access
from app.errors import AftercareError
from app.i18n import _
from app.storage import cases_repo
from app.storage.connection import Connection
from app.vault.vault import OpenVault


@dataclass(frozen=True)
class Change:
    """What a service call changed: the case, and which section or list entry."""

    case_number: str
    case_id: int
    what: str  # created, updated, entry_saved, entry_deleted, closed, reopened, closure_approved, imported
    section: str | None = None
    entry_id: int | None = None


class CaseNotFound(AftercareError):
    pass


class VaultService:
    def __init__(self, opened: OpenVault, *, today: Callable[[], dt.date] = dt.date.today):
        self.opened = opened
        self.today = today

    @property
    def conn(self) -> Connection:
        if not self.opened.is_open:
            raise AftercareError(_("The vault is locked."))
        return self.opened.conn

    @property
    def role(self) -> str:
        return self.opened.user.role

    def require_section(
        self, section: str, level: access.Level, case_number: str | None = None
    ) -> None:
        access.require_section(self.opened, section, level, case_number)

    def require(self, action: str, case_number: str | None = None) -> None:
        access.require(self.opened, action, case_number)

    def case_id(self, case_number: str) -> int:
        found = cases_repo.case_id(self.conn, case_number)
        if found is None:
            raise CaseNotFound(
                _("There is no case numbered {number} in this vault.").format(number=case_number)
            )
        return found
