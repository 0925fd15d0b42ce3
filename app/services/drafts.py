"""Drafts: form text that could not be saved when the window locked itself, kept in the vault.

An automatic lock (inactivity, suspend) cannot ask "save or discard?". The case file saves
what validates and hands the rest here, so it is neither lost nor written anywhere but the
encrypted database. The next time the same user opens that case, the window offers it back
and then deletes it. A draft is the user's own: nobody else is offered it.

`section` is the form's key: a section code (`profile`, `intake`, `consent`, `care_plan`), or
`<section>:entry` for an add/edit dialog that was open. Keeping a draft needs WRITE on that
section, as saving it would. Saves are audited with the case number and the key, never the
text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from app.access import Level
from app.services.base import VaultService
from app.storage import drafts_repo


@dataclass(frozen=True)
class Draft:
    section: str  # the form's key, as given to `save`
    payload: dict[str, Any]
    saved_at: str  # UTC, ISO 8601


def draft_section(key: str) -> str:
    """The case-file section a draft key belongs to (`legal:entry` -> `legal`)."""
    return key.split(":", 1)[0]


class Drafts(VaultService):
    def save(self, case_number: str, section: str, payload: dict[str, Any]) -> None:
        """Keep (or replace) the user's draft of one form of a case."""
        self.require_section(draft_section(section), Level.WRITE, case_number)
        self.case_id(case_number)  # a clear error for a case that is not there
        text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
        with self.opened.write() as conn:
            drafts_repo.put(conn, self.opened.user.id, case_number, section, text)
            self.opened.audit("case_draft_saved", case_number, {"section": section})

    def for_case(self, case_number: str) -> list[Draft]:
        """The user's drafts of the case, by key."""
        rows = drafts_repo.get_all(self.conn, self.opened.user.id, case_number)
        return [Draft(section, json.loads(payload), at) for section, payload, at in rows]

    def discard(self, case_number: str, section: str | None = None) -> None:
        """Delete the user's draft of one form (or all of them) of the case."""
        with self.opened.write() as conn:
            if drafts_repo.remove(conn, self.opened.user.id, case_number, section):
                self.opened.audit(
                    "case_draft_discarded", case_number, {"section": section or "all"}
                )
