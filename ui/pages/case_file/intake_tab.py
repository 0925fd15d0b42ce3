"""The Intake tab: how and when the person was identified, and what happened."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.access import Level
from app.codes import (
    FUJIAN_PREFECTURES,
    Exploitation,
    IdentifiedBy,
    Relationship,
    Section,
    prefecture_label,
)
from app.codes import label as code_label
from app.domain.model import Case, Intake
from app.i18n import N_, _
from app.services import Services
from app.services.base import Change
from ui.pages.case_file.forms import blank_to_none, iso, parse_date
from ui.pages.case_file.section_form import SectionForm
from ui.pages.case_file.tab import CaseTab
from ui.widgets.code_combo import CodeCombo
from ui.widgets.date_edit import DateEdit


class ExploitationEdit(QWidget):
    """The forms of exploitation: a primary one, and any others ticked (cases-v1's list)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.primary = CodeCombo(Exploitation, blank=True, parent=self)
        self.primary.setObjectName("exploitation_primary")
        self.primary.setMaximumWidth(320)
        self.others_label = QLabel(self)
        self.checks: dict[str, QCheckBox] = {}
        self._previous: str | None = None
        self._read_only = False
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        for i, member in enumerate(Exploitation):
            box = QCheckBox(self, objectName=f"exploitation_{member.value}")
            box.toggled.connect(lambda _checked: self.changed.emit())
            self.checks[member.value] = box
            grid.addWidget(box, i // 3, i % 3)
        self.primary.currentIndexChanged.connect(self._primary_changed)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.primary)
        column.addWidget(self.others_label)
        column.addLayout(grid)
        self.retranslate_ui()

    def _primary_changed(self) -> None:
        # The primary form shows ticked and fixed; it is not also one of the others.
        primary = self.primary.code()
        for code, box in self.checks.items():
            if code == primary or code == self._previous:
                box.blockSignals(True)
                box.setChecked(code == primary)
                box.blockSignals(False)
            box.setEnabled(code != primary and not self._read_only)
        self._previous = primary
        self.changed.emit()

    def form_value(self) -> list[str]:
        primary = self.primary.code()
        others = [c for c, box in self.checks.items() if box.isChecked() and c != primary]
        return ([primary] if primary else []) + others

    def set_form_value(self, value: list[str] | None) -> None:
        value = list(value or [])
        self.primary.set_code(value[0] if value else None)
        for code, box in self.checks.items():
            box.setChecked(code in value[1:])
        self._primary_changed()

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        self.primary.setEnabled(not read_only)
        for code, box in self.checks.items():
            box.setEnabled(not read_only and code != self.primary.code())

    def retranslate_ui(self) -> None:
        self.primary.retranslate_ui()
        self.others_label.setText(_("Other forms:"))
        for code, box in self.checks.items():
            box.setText(code_label(Exploitation, code))


class IntakeForm(SectionForm):
    section = Section.INTAKE
    attribute = "intake"

    def __init__(self, level: Level, parent: QWidget | None = None):
        super().__init__(level, parent)
        t = "intake."
        self.add_field(t + "identified_on", N_("Identified on"), DateEdit(self))
        prefecture = CodeCombo(
            codes=FUJIAN_PREFECTURES, labeller=prefecture_label, blank=True,
            blank_text=N_("Not known"), parent=self,
        )  # fmt: skip
        self.add_field(t + "prefecture", N_("Prefecture of identification"), prefecture)
        self.add_field(
            t + "identified_by", N_("Identified by"), CodeCombo(IdentifiedBy, parent=self)
        )
        self.add_field(t + "police_case_number", N_("Police case number"), QLineEdit(self))
        self.add_field(t + "exploitation", N_("Form of exploitation"), ExploitationEdit(self))
        self.add_field(
            t + "relationship_to_trafficker",
            N_("Relationship to the trafficker"),
            CodeCombo(Relationship, parent=self),
        )
        self.add_field(t + "cross_border", N_("Crossed a border"), QCheckBox(self))
        narrative = QPlainTextEdit(self)
        narrative.setMinimumHeight(120)
        self.add_field(t + "narrative", N_("What happened"), narrative)
        for key in ("prefecture", "identified_by", "relationship_to_trafficker"):
            self.fields[t + key].setMaximumWidth(320)
        self.finish_setup()

    def from_case(self, case: Case) -> dict[str, Any]:
        i = case.intake
        return {
            "intake.identified_on": iso(i.identified_on),
            "intake.prefecture": i.prefecture or None,
            "intake.identified_by": i.identified_by,
            "intake.police_case_number": i.police_case_number or "",
            "intake.exploitation": list(i.exploitation),
            "intake.relationship_to_trafficker": i.relationship_to_trafficker,
            "intake.cross_border": bool(i.cross_border),
            "intake.narrative": i.narrative or "",
        }

    def set_state(self, state: dict[str, Any]) -> None:
        # A prefecture outside Fujian's list is kept as it was: the combo cannot show it.
        self._other_prefecture = (
            state.get("intake.prefecture")
            if state.get("intake.prefecture") not in (None, *FUJIAN_PREFECTURES)
            else None
        )
        super().set_state(state)

    def state(self) -> dict[str, Any]:
        found = super().state()
        if found["intake.prefecture"] is None and getattr(self, "_other_prefecture", None):
            found["intake.prefecture"] = self._other_prefecture
        return found

    def to_domain(self, state: dict[str, Any]) -> Intake:
        return Intake(
            identified_on=parse_date(state["intake.identified_on"]),
            prefecture=state["intake.prefecture"] or "",
            identified_by=state["intake.identified_by"],
            police_case_number=blank_to_none(state["intake.police_case_number"]),
            exploitation=list(state["intake.exploitation"]),
            relationship_to_trafficker=state["intake.relationship_to_trafficker"],
            cross_border=bool(state["intake.cross_border"]),
            narrative=blank_to_none(state["intake.narrative"]),
        )

    def store(self, services: Services, case_number: str, value: Intake) -> Change:
        return services.cases.update_intake(case_number, value)


def build(level: Level, parent: QWidget | None = None) -> CaseTab:
    tab = CaseTab(Section.INTAKE, level, parent=parent)
    tab.add_form(IntakeForm(level, tab))
    return tab
