"""New case: the least it takes to open a case file; the rest is filled in on the case file.

The form builds a `Case` and checks it with the domain's rules (`validate_case`) before it
asks the service to create it, and shows each problem beside the field at the problem's
path. The service checks again (and refuses a duplicate number), in the Runner.
"""

from __future__ import annotations

import re

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.codes import (
    FUJIAN_PREFECTURES,
    CaseStatus,
    Exploitation,
    GuardianStatus,
    IdentifiedBy,
    Sex,
    prefecture_label,
)
from app.context import AppContext
from app.domain.model import Case, Guardian, Intake, Person
from app.domain.people import is_child
from app.domain.validation import InvalidCase, Problem, validate_case
from app.i18n import _
from app.services.base import CaseNotFound
from app.vault.vault import Unit
from ui.runner import Runner, error_text
from ui.widgets.code_combo import CodeCombo
from ui.widgets.date_edit import DateEdit

# Case-number prefixes by the unit's prefecture (pinyin initials), when the unit code does
# not start with letters of its own.
PREFECTURE_PREFIX = {
    "350100": "FZ",
    "350200": "XM",
    "350300": "PT",
    "350400": "SM",
    "350500": "QZ",
    "350600": "ZZ",
    "350700": "NP",
    "350800": "LY",
    "350900": "ND",
}
_LETTERS = re.compile(r"[A-Za-z]+")
_ERROR_STYLE = "color: #a3261b; font-size: 9pt;"


def case_number_prefix(unit: Unit) -> str:
    """Letters the unit's case numbers start with: its code's, else its prefecture's."""
    found = _LETTERS.match(unit.code or "")
    if found:
        return found[0].upper()
    return PREFECTURE_PREFIX.get(unit.prefecture, "AC")


class NewCaseDialog(QDialog):
    """`exec()`; on Accepted, `created_number` is the new case's number; on Rejected,
    `existing_number` is the case the person chose to open instead of a duplicate."""

    def __init__(self, ctx: AppContext, runner: Runner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("new_case_dialog")
        self.setWindowTitle(_("New case"))
        self.setMinimumWidth(520)
        self.ctx = ctx
        self.runner = runner
        self.created_number: str | None = None
        self.existing_number: str | None = None  # chosen instead, as probably the same person
        self._checked = False  # problems are shown live once Save was pressed
        today = ctx.today()
        services = ctx.services

        self.number_edit = QLineEdit(
            services.cases.next_case_number(case_number_prefix(ctx.vault.unit), today.year),
            self,
            objectName="new_case_number",
        )
        self.opened_edit = DateEdit(self)
        self.opened_edit.setObjectName("new_case_opened")
        self.opened_edit.set_date(today)
        self.name_edit = QLineEdit(self, objectName="new_case_name")
        self.sex_combo = CodeCombo(Sex, parent=self)
        self.sex_combo.setObjectName("new_case_sex")
        self.sex_combo.set_code(Sex.FEMALE)
        self.birth_edit = DateEdit(self)
        self.birth_edit.setObjectName("new_case_birth")
        self.age_spin = QSpinBox(self, objectName="new_case_age")
        self.age_spin.setRange(-1, 120)
        self.age_spin.setSpecialValueText(_("not known"))
        self.age_spin.setValue(-1)
        self.prefecture_combo = CodeCombo(
            codes=FUJIAN_PREFECTURES, labeller=prefecture_label, blank=True, parent=self
        )
        self.prefecture_combo.setObjectName("new_case_prefecture")
        self.prefecture_combo.set_code(ctx.vault.unit.prefecture)
        self.identified_combo = CodeCombo(IdentifiedBy, parent=self)
        self.identified_combo.setObjectName("new_case_identified_by")
        self.identified_combo.set_code(IdentifiedBy.PUBLIC_SECURITY)
        self.exploitation_combo = CodeCombo(Exploitation, parent=self)
        self.exploitation_combo.setObjectName("new_case_exploitation")
        self.exploitation_combo.set_code(Exploitation.UNKNOWN)
        self.guardian_combo = CodeCombo(GuardianStatus, parent=self)
        self.guardian_combo.setObjectName("new_case_guardian")
        self.guardian_combo.set_code(GuardianStatus.TRACING)

        self.messages: dict[str, QLabel] = {}
        self._field_names: dict[str, str] = {}
        self.form = form = QFormLayout()
        form.setVerticalSpacing(6)
        for path, text, widget in (
            ("case_number", _("Case number"), self.number_edit),
            ("opened_on", _("Opened on"), self.opened_edit),
            ("person.full_name", _("Full name"), self.name_edit),
            ("person.sex", _("Sex"), self.sex_combo),
            ("person.date_of_birth", _("Date of birth"), self.birth_edit),
            ("person.age_at_intake", _("Age at intake (if no date of birth)"), self.age_spin),
            ("intake.prefecture", _("Prefecture of intake"), self.prefecture_combo),
            ("intake.identified_by", _("Identified by"), self.identified_combo),
            ("intake.exploitation", _("Primary form of exploitation"), self.exploitation_combo),
            ("guardian", _("Guardian"), self.guardian_combo),
        ):
            form.addRow(text, self._with_message(path, widget))
            self._field_names[path] = text
        self.general_message = QLabel(self, objectName="new_case_problems")
        self.general_message.setStyleSheet(_ERROR_STYLE)
        self.general_message.setWordWrap(True)
        self.general_message.hide()
        self.hint = QLabel(
            _("Only what opening a case needs; fill in the rest on the case file."), self
        )
        self.hint.setStyleSheet("color: #555;")
        self.hint.setWordWrap(True)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("new_case_save")
        self.save_button.setText(_("Open the case"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(12)
        layout.addWidget(self.hint)
        layout.addLayout(form)
        layout.addWidget(self.general_message)
        layout.addWidget(buttons)

        for signal in (
            self.number_edit.textChanged,
            self.name_edit.textChanged,
            self.opened_edit.dateChanged,
            self.birth_edit.dateChanged,
            self.age_spin.valueChanged,
            self.sex_combo.currentIndexChanged,
            self.prefecture_combo.currentIndexChanged,
            self.identified_combo.currentIndexChanged,
            self.exploitation_combo.currentIndexChanged,
            self.guardian_combo.currentIndexChanged,
        ):
            signal.connect(self._edited)
        self._update_guardian()
        self.name_edit.setFocus()

    def _with_message(self, path: str, widget: QWidget) -> QWidget:
        """The field with a line under it for its problem (hidden while there is none)."""
        box = QWidget(self)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(1)
        column.addWidget(widget)
        message = QLabel(box, objectName=f"problem_{path}")
        message.setStyleSheet(_ERROR_STYLE)
        message.setWordWrap(True)
        message.hide()
        column.addWidget(message)
        self.messages[path] = message
        if path == "guardian":
            self._guardian_box = box
        return box

    # --- the case the form describes -------------------------------------------------------

    def case(self) -> Case:
        age = self.age_spin.value()
        person = Person(
            full_name=self.name_edit.text().strip(),
            sex=self.sex_combo.code() or Sex.UNKNOWN,
            date_of_birth=self.birth_edit.date(),
            age_at_intake=None if age < 0 else age,
        )
        exploitation = self.exploitation_combo.code()
        opened_on = self.opened_edit.date()
        child = opened_on is not None and is_child(person, opened_on, opened_on)
        return Case(
            case_number=self.number_edit.text().strip(),
            status=CaseStatus.OPEN.value,
            opened_on=opened_on,  # type: ignore[arg-type]  # a blank is validation's to report
            person=person,
            intake=Intake(
                prefecture=self.prefecture_combo.code() or "",
                identified_by=self.identified_combo.code() or IdentifiedBy.OTHER,
                exploitation=[exploitation] if exploitation else [],
            ),
            guardian=Guardian(self.guardian_combo.code()) if child else None,  # type: ignore[arg-type]  # a blank is validation's to report
        )

    def problems(self) -> list[Problem]:
        """The domain's problems with the case, plus a date field holding something else."""
        found = validate_case(self.case(), self.ctx.today())
        for path, edit in (
            ("opened_on", self.opened_edit),
            ("person.date_of_birth", self.birth_edit),
        ):
            if not edit.is_valid():
                found.append(Problem("", path, _("is not a date (YYYY-MM-DD)")))
        return found

    def show_problems(self, problems: list[Problem]) -> None:
        """Each message beside its field; those of no field in the form below them all."""
        by_field: dict[str, list[str]] = {}
        general = []
        for problem in problems:
            path = self._field_of(problem.path)
            if path is None:
                general.append(str(problem))
            else:
                by_field.setdefault(path, []).append(
                    _("{field} {problem}").format(
                        field=self._field_names[path], problem=problem.message
                    )
                )
        for path, label in self.messages.items():
            label.setText("; ".join(by_field.get(path, [])))
            label.setVisible(path in by_field)
        self.general_message.setText("\n".join(general))
        self.general_message.setVisible(bool(general))

    def _field_of(self, path: str) -> str | None:
        for field in self.messages:
            if path == field or path.startswith(field + ".") or path.startswith(field + "["):
                return field
        return None

    def _update_guardian(self) -> None:
        """The guardian is asked for only for a child (under 18 on the day of opening)."""
        self.form.setRowVisible(self._guardian_box, self.case().guardian is not None)

    def _edited(self) -> None:
        self._update_guardian()
        if self._checked:
            self.show_problems(self.problems())

    # --- saving ------------------------------------------------------------------------------

    def save(self) -> None:
        self._checked = True
        problems = self.problems()
        self.show_problems(problems)
        if problems:
            return
        case = self.case()
        cases = self.ctx.services.cases
        if self._number_taken(case.case_number):
            self.show_problems([Problem("", "case_number", _("is already used by another case"))])
            return
        if not self._not_a_duplicate(case):
            return
        self.save_button.setEnabled(False)
        self.runner.run(
            lambda: cases.create_case(case),
            parent=self,
            label=_("Opening the case..."),
            on_success=self._created,
            on_error=self._refused,
            changes=lambda change: frozenset({change}),
        )

    def _not_a_duplicate(self, case: Case) -> bool:
        """Whether to go on: no stored case is probably this person, or the person said
        it is someone else. Choosing an existing case closes the dialog to open that one."""
        from ui.pages.duplicate_dialog import DuplicateDialog

        candidates = self.ctx.services.duplicates.candidates(case)
        if not candidates:
            return True
        dialog = DuplicateDialog(case, candidates, self)
        going_on = dialog.exec() == QDialog.DialogCode.Accepted
        if dialog.open_number:
            self.existing_number = dialog.open_number
            self.reject()
        return going_on

    def _number_taken(self, number: str) -> bool:
        try:
            self.ctx.services.cases.case_id(number)
        except CaseNotFound:
            return False
        return True

    def _created(self, change) -> None:
        self.created_number = change.case_number
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, InvalidCase):
            self.show_problems(exc.problems)
        else:
            self.general_message.setText(error_text(exc))
            self.general_message.show()
