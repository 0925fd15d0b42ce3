"""The users who can hold a case: the roles the access table gives `hold_case` (caseworkers and
supervisors; health, legal-aid and administrator accounts do not write case files)."""

from __future__ import annotations

from app import access
from app.access import Action
from app.codes import Role, label
from app.errors import AftercareError
from app.i18n import _
from app.storage import workflow_repo
from app.storage.connection import Connection
from app.vault.vault import User


def may_hold(role: str) -> bool:
    return access.allowed(role, Action.HOLD_CASE)


def holder_candidate(conn: Connection, name: str) -> User:
    """The user named `name`, if she may hold a case; otherwise a message that says why."""
    found = workflow_repo.user_by_name(conn, name)
    if found is None:
        raise AftercareError(_("There is no user named “{name}” in this vault.").format(name=name))
    user = User(*found)
    if not may_hold(user.role):
        raise AftercareError(
            _("{name} is {role}: only caseworkers and supervisors can hold a case.").format(
                name=user.name, role=label(Role, user.role)
            )
        )
    return user
