"""What the Medical and Legal tabs share: their services and their notes, and, for a role
that may only see that they exist (LIST), a line saying who may read the details."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app import access
from app.access import Level
from app.codes import ServiceKind
from app.domain.model import Case
from app.i18n import N_
from ui.models.entry_models import NotesModel, ServicesModel
from ui.pages.case_file.care_plan_tab import services_of
from ui.pages.case_file.entry_list import EntryList, ListSpec
from ui.pages.case_file.tab import CaseTab


def notes_of(section: str):
    def pick(case: Case):
        return [n for n in case.notes if access.section_of_note(n.section) == section]

    return pick


def build_specialist(
    section: str, level: Level, restricted_hint: str, parent: QWidget | None = None
) -> CaseTab:
    restricted = level == Level.LIST
    tab = CaseTab(section, level, restricted_hint if restricted else "", parent)
    kinds = tuple(k.value for k in ServiceKind if access.section_of_service(k) == section)
    services = ListSpec("service", section, N_("Services"), services_of(section), kinds)
    notes = ListSpec("note", section, N_("Notes"), notes_of(section), (section,))
    tab.add_list(EntryList(services, ServicesModel(restricted, tab), level, parent=tab))
    tab.add_list(EntryList(notes, NotesModel(restricted, tab), level, parent=tab))
    return tab
