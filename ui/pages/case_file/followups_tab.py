"""The Follow-ups tab: visits due and done, with living conditions and notes."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.access import Level
from app.codes import Section
from app.i18n import N_
from ui.models.entry_models import FollowupsModel
from ui.pages.case_file.entry_list import EntryList, ListSpec
from ui.pages.case_file.tab import CaseTab


def build(level: Level, parent: QWidget | None = None) -> CaseTab:
    tab = CaseTab(Section.FOLLOWUPS, level, parent=parent)
    spec = ListSpec("followup", Section.FOLLOWUPS, N_("Follow-up visits"), lambda c: c.followups)
    tab.add_list(EntryList(spec, FollowupsModel(level == Level.LIST, tab), level, parent=tab))
    return tab
