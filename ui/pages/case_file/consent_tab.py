"""The Consent tab: what the person agreed to, when, and any withdrawal; one row per consent."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QWidget

from app.access import Level
from app.codes import ConsentPurpose, Section
from app.domain.model import Case, Consent
from app.domain.validation import Problem
from app.i18n import N_, _
from app.services import Services
from app.services.base import Change
from ui.pages.case_file.forms import (
    ProblemLabel,
    changed_signal,
    iso,
    parse_date,
    set_read_only,
    set_value,
    value_of,
)
from ui.pages.case_file.profile_tab import YES_NO, from_flag
from ui.pages.case_file.section_form import SectionForm
from ui.pages.case_file.tab import CaseTab
from ui.widgets.code_combo import CodeCombo
from ui.widgets.date_edit import DateEdit

COLUMNS = (
    ("purpose", N_("Purpose")),
    ("given", N_("Agreed")),
    ("recorded_on", N_("Recorded on")),
    ("withdrawn_on", N_("Withdrawn on")),
)


class ConsentForm(SectionForm):
    section = Section.CONSENT
    attribute = "consents"

    def __init__(self, level: Level, parent: QWidget | None = None):
        super().__init__(level, parent)
        self.rows_widget = QWidget(self)
        self.grid = QGridLayout(self.rows_widget)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(12)
        self.headers = [QLabel(self.rows_widget) for _c in COLUMNS]
        self.empty = QLabel(self.rows_widget, objectName="consents_empty")
        self.add_button = QPushButton(self, objectName="add_consent_button")
        self.add_button.clicked.connect(self._add_clicked)
        self.add_button.setVisible(self.writable)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        self.form.addRow(self.rows_widget)
        self.form.addRow(buttons)
        self._consent_rows: list[list[QWidget]] = []
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        for header, (_key, text) in zip(self.headers, COLUMNS, strict=True):
            header.setText(f"<b>{_(text)}</b>")
        self.empty.setText(_("No consent recorded yet."))
        self.add_button.setText(_("Add consent"))
        for widget in self.fields.values():
            if hasattr(widget, "retranslate_ui"):
                widget.retranslate_ui()

    # --- rows ---------------------------------------------------------------------------------

    def _clear_rows(self) -> None:
        for row in self._consent_rows:
            for widget in row:  # out of sight and out of findChild at once, freed later
                self.grid.removeWidget(widget)
                widget.hide()
                widget.setObjectName("")
                widget.deleteLater()
        self._consent_rows = []
        self.fields.clear()
        self._labels.clear()
        self._problems.clear()

    def _layout_rows(self) -> None:
        for column, header in enumerate(self.headers):
            self.grid.addWidget(header, 0, column)
        self.grid.addWidget(self.empty, 1, 0, 1, len(COLUMNS) + 1)
        self.empty.setVisible(not self._consent_rows)

    def add_row(self, values: dict[str, Any] | None = None) -> None:
        index = len(self._consent_rows)
        values = values or {  # agreed or not: nothing chosen until the person says
            "purpose": ConsentPurpose.SERVICES.value,
            "given": None,
            "recorded_on": dt.date.today().isoformat(),
        }
        widgets: dict[str, QWidget] = {
            "purpose": CodeCombo(ConsentPurpose, parent=self.rows_widget),
            "given": CodeCombo(
                codes=YES_NO,
                labeller=lambda c: _(YES_NO[c]),
                blank=True,
                blank_text=N_("Choose..."),
                parent=self.rows_widget,
            ),
            "recorded_on": DateEdit(self.rows_widget),
            "withdrawn_on": DateEdit(self.rows_widget),
        }
        made: list[QWidget] = []
        for column, (key, text) in enumerate(COLUMNS):
            full = f"consents[{index}].{key}"
            widget = widgets[key]
            widget.setObjectName(f"field_{full}")
            set_value(widget, values.get(key))
            changed_signal(widget).connect(lambda *_args: self.edited.emit())
            problem = ProblemLabel(f"problem_{full}", self.rows_widget)
            self.grid.addWidget(widget, 2 * index + 2, column)
            self.grid.addWidget(problem, 2 * index + 3, column)
            self.fields[full] = widget
            self._labels[full] = (self.headers[column], text)
            self._problems[full] = problem
            made += [widget, problem]
        remove = QPushButton(_("Remove"), self.rows_widget, objectName=f"remove_consent_{index}")
        remove.clicked.connect(lambda _c=False, i=index: self.remove_row(i))
        self.grid.addWidget(remove, 2 * index + 2, len(COLUMNS), Qt.AlignmentFlag.AlignTop)
        made.append(remove)
        self._consent_rows.append(made)
        for widget in widgets.values():
            set_read_only(widget, not self.writable)
        remove.setVisible(self.writable)
        self._layout_rows()

    def _add_clicked(self) -> None:
        self.add_row()
        self.edited.emit()

    def remove_row(self, index: int) -> None:
        rows = self.state()["consents"]
        del rows[index]
        self.set_state({"consents": rows})
        self.edited.emit()

    # --- state --------------------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        rows = []
        for index in range(len(self._consent_rows)):
            rows.append(
                {key: value_of(self.fields[f"consents[{index}].{key}"]) for key, _t in COLUMNS}
            )
        return {"consents": rows}

    def set_state(self, state: dict[str, Any]) -> None:
        self._clear_rows()
        for row in state.get("consents", []):
            self.add_row(row)
        self._layout_rows()
        self.clear_problems()

    def date_problems(self, case_number: str, prefix: str = "") -> list[Problem]:
        """Also a row whose "agreed" is not chosen yet: a consent is yes or no, never a
        default."""
        problems = super().date_problems(case_number, prefix)
        for index in range(len(self._consent_rows)):
            key = f"consents[{index}].given"
            if value_of(self.fields[key]) is None:
                problems.append(Problem(case_number, prefix + key, _("is not chosen yet")))
        return problems

    def finish_setup(self) -> None:  # rows wire themselves up as they are made
        pass

    def from_case(self, case: Case) -> dict[str, Any]:
        return {
            "consents": [
                {
                    "purpose": c.purpose,
                    "given": from_flag(c.given),
                    "recorded_on": iso(c.recorded_on),
                    "withdrawn_on": iso(c.withdrawn_on),
                }
                for c in case.consents
            ]
        }

    def to_domain(self, state: dict[str, Any]) -> list[Consent]:
        return [
            Consent(
                purpose=row["purpose"],
                given=row["given"] == "yes",
                recorded_on=parse_date(row["recorded_on"]),  # type: ignore[arg-type]  # a blank is validation's to report
                withdrawn_on=parse_date(row["withdrawn_on"]),
            )
            for row in state["consents"]
        ]

    def store(self, services: Services, case_number: str, value: list[Consent]) -> Change:
        return services.cases.update_consents(case_number, value)


def build(level: Level, parent: QWidget | None = None) -> CaseTab:
    tab = CaseTab(Section.CONSENT, level, parent=parent)
    tab.add_form(ConsentForm(level, tab))
    return tab
