"""The Care plan tab: the guardian (for children) and the services other than medical,
psychological and legal: shelter, schooling, training, employment, tracing, reintegration."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from app import access
from app.access import Level
from app.codes import GuardianStatus, Section, ServiceKind
from app.domain.model import Case, Guardian
from app.i18n import N_
from app.services import Services
from app.services.base import Change
from ui.models.entry_models import ServicesModel
from ui.pages.case_file.entry_dialogs import text_box
from ui.pages.case_file.entry_list import EntryList, ListSpec
from ui.pages.case_file.forms import blank_to_none
from ui.pages.case_file.section_form import SectionForm
from ui.pages.case_file.tab import CaseTab
from ui.widgets.code_combo import CodeCombo

CARE_PLAN_KINDS = tuple(
    k.value for k in ServiceKind if access.section_of_service(k) == Section.CARE_PLAN
)


def services_of(section: str):
    def pick(case: Case):
        return [s for s in case.services if access.section_of_service(s.kind) == section]

    return pick


class GuardianForm(SectionForm):
    section = Section.CARE_PLAN
    attribute = "guardian"

    def __init__(self, level: Level, parent: QWidget | None = None):
        super().__init__(level, parent)
        status = CodeCombo(GuardianStatus, blank=True, blank_text=N_("Not recorded"), parent=self)
        status.setMaximumWidth(320)
        self.add_field("guardian.status", N_("Guardian"), status)
        notes = text_box(self, 60)
        notes.setMaximumHeight(90)
        self.add_field("guardian.notes", N_("Notes on the guardian"), notes)
        self.finish_setup()

    def from_case(self, case: Case) -> dict[str, Any]:
        g = case.guardian
        return {
            "guardian.status": g.status if g else None,
            "guardian.notes": (g.notes or "") if g else "",
        }

    def to_domain(self, state: dict[str, Any]) -> Guardian | None:
        if state["guardian.status"] is None:
            return None
        return Guardian(state["guardian.status"], blank_to_none(state["guardian.notes"]))

    def store(self, services: Services, case_number: str, value: Guardian | None) -> Change:
        return services.cases.update_guardian(case_number, value)


def build(level: Level, parent: QWidget | None = None) -> CaseTab:
    tab = CaseTab(Section.CARE_PLAN, level, parent=parent)
    tab.add_form(GuardianForm(level, tab), scroll=False)
    spec = ListSpec(
        "service", Section.CARE_PLAN, N_("Services"), services_of(Section.CARE_PLAN),
        CARE_PLAN_KINDS,
    )  # fmt: skip
    tab.add_list(EntryList(spec, ServicesModel(level == Level.LIST, tab), level, parent=tab))
    return tab
