"""The Notes tab: dated notes about any part of the case but medical and legal (those are
filed, and guarded, under their own tabs)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app import access
from app.access import Level
from app.codes import Section
from app.i18n import N_
from ui.models.entry_models import NotesModel
from ui.pages.case_file.entry_list import EntryList, ListSpec
from ui.pages.case_file.specialist_tab import notes_of
from ui.pages.case_file.tab import CaseTab

# The note's "about" choices: general notes first, then the sections they may concern.
NOTE_SECTIONS = (
    Section.NOTES.value,
    *(s.value for s in Section if access.section_of_note(s) == Section.NOTES != s),
)


def build(level: Level, parent: QWidget | None = None) -> CaseTab:
    tab = CaseTab(Section.NOTES, level, parent=parent)
    spec = ListSpec("note", Section.NOTES, N_("Notes"), notes_of(Section.NOTES), NOTE_SECTIONS)
    tab.add_list(EntryList(spec, NotesModel(level == Level.LIST, tab), level, parent=tab))
    return tab
