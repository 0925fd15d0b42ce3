"""The Referrals tab: referrals to other agencies, with their status."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.access import Level
from app.codes import Section
from app.i18n import N_
from ui.models.entry_models import ReferralsModel
from ui.pages.case_file.entry_list import EntryList, ListSpec
from ui.pages.case_file.tab import CaseTab


def build(level: Level, parent: QWidget | None = None) -> CaseTab:
    tab = CaseTab(Section.REFERRALS, level, parent=parent)
    spec = ListSpec("referral", Section.REFERRALS, N_("Referrals"), lambda c: c.referrals)
    tab.add_list(EntryList(spec, ReferralsModel(level == Level.LIST, tab), level, parent=tab))
    return tab
