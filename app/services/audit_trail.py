"""Reading and checking the audit trail: supervisors and administrators (`read_audit`).

The command (`audit show`, `audit verify`) and the window's audit page both read through
here, so a refusal is decided and audited in one place.
"""

from __future__ import annotations

from app import audit
from app.access import Action
from app.services.base import VaultService


class AuditTrail(VaultService):
    def entries(
        self,
        *,
        action: str | None = None,
        user_name: str | None = None,
        case_number: str | None = None,
        since: str | None = None,
        limit: int | None = None,
    ) -> list[audit.Entry]:
        """Entries, newest first, matching every filter given."""
        self.require(Action.READ_AUDIT, case_number)
        return audit.entries(
            self.conn,
            action=action,
            user_name=user_name,
            case_number=case_number,
            since=since,
            limit=limit,
        )

    def verify(self) -> audit.Verification:
        self.require(Action.READ_AUDIT)
        return audit.verify(self.conn)
