"""Typed text an automatic lock could not save: kept in the vault, offered back on opening.

`keep_for_lock(page)` runs when the window locks itself and nobody can be asked: each
changed form goes to `services.drafts` as it is, never saved behind the person's back (half
an edit is not a decision); an open add/edit dialog likewise (its draft is keyed
`<section>:entry`, with the list it belongs to and the entry's id). Nothing is written
outside the encrypted database. After the unlock the window returns to the case, and
`offer_back` says what was kept.

`offer_back(page)` runs when a case is opened: if the user has drafts of it, it asks whether
to restore them, puts them back into their forms (unsaved, so the Save button and the
unsaved-changes questions apply), reopens a dialog draft, and deletes the drafts either way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox

from app.errors import AftercareError
from app.i18n import _

if TYPE_CHECKING:
    from ui.pages.case_file_page import CaseFilePage

ENTRY = ":entry"


def keep_for_lock(page: CaseFilePage) -> None:
    """Keep every unsaved change as a draft; never a dialog, never an exception."""
    if page.number is None or not page.ctx.is_unlocked:
        return
    for form in page.forms():
        if form.dirty():
            _keep(page, form.section, form.state())
    dialog = page.dialog
    if dialog is not None and dialog.dirty():
        section = next(e.spec.section for e in page.lists() if e.spec.name == dialog.list_name)
        payload = {
            "list": dialog.list_name,
            "entry_id": dialog.entry_id,
            "state": dialog.form.state(),
        }
        _keep(page, section + ENTRY, payload)
    # Everything is stored or kept now; nothing is left to ask about while the pages go.
    page.discard_all()
    if dialog is not None:
        dialog.forget_changes()


def _keep(page: CaseFilePage, key: str, payload: dict) -> None:
    try:
        page.ctx.services.drafts.save(page.number, key, payload)
    except AftercareError:  # e.g. the disk is full: the lock must still happen
        page.status.emit(_("Some unsaved changes could not be kept."))


def offer_back(page: CaseFilePage) -> None:
    drafts_service = page.ctx.services.drafts
    try:
        drafts = drafts_service.for_case(page.number)
    except AftercareError:
        return
    if not drafts:
        return
    box = QMessageBox(
        QMessageBox.Icon.Question,
        _("Unsaved changes kept"),
        _(
            "The window locked itself while case {number} had changes that were not saved. "
            "They were kept in the vault, not saved. Put them back into the case file now?"
        ).format(number=page.number),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Discard,
        page,
    )
    box.setObjectName("draft_question")
    box.button(QMessageBox.StandardButton.Yes).setText(_("Restore"))
    box.setDefaultButton(QMessageBox.StandardButton.Yes)
    restore = box.exec() == QMessageBox.StandardButton.Yes
    drafts_service.discard(page.number)
    if not restore:
        return
    forms = {form.section: form for form in page.forms() if form.writable}
    entry_drafts = []
    for draft in drafts:
        if draft.section.endswith(ENTRY):
            entry_drafts.append(draft.payload)
        elif draft.section in forms:
            form = forms[draft.section]
            form.set_state(draft.payload)
            page.show_tab(draft.section)
    page._update_dirty()
    lists = {entries.spec.name: entries for entries in page.lists() if entries.writable}
    for payload in entry_drafts:
        entries = lists.get(payload.get("list"))
        if entries is None:
            continue
        page.show_tab(entries.spec.section)
        row = entries.model.row_of(payload.get("entry_id"))
        entry = entries.model.entry(row) if row >= 0 and payload.get("entry_id") else None
        page.case_actions.edit_entry(entries, entry, payload.get("state"))
