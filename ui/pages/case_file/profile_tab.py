"""The Profile tab: who the person is. A role with LIST sees only the basic fields."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtWidgets import QLineEdit, QSpinBox, QWidget

from app.access import PROFILE_BASIC_FIELDS, Level
from app.codes import Section, Sex, label
from app.domain import id_number
from app.domain.model import Case, Origin, Person
from app.domain.validation import MAX_AGE
from app.i18n import N_, _, format_date
from app.services import Services
from app.services.base import Change
from ui.pages.case_file.forms import blank_to_none, iso, parse_date, set_value, split_list
from ui.pages.case_file.section_form import SectionForm
from ui.pages.case_file.tab import CaseTab
from ui.widgets.code_combo import CodeCombo
from ui.widgets.date_edit import DateEdit
from ui.widgets.name_picker import COUNTRIES, DIVISIONS, LANGUAGES, ListPicker, NamePicker

YES_NO = {"yes": N_("Yes"), "no": N_("No")}


def yes_no_combo(parent: QWidget) -> CodeCombo:
    """Yes / No / Not known, for the optional true-or-false fields."""
    return CodeCombo(
        codes=YES_NO, labeller=lambda c: _(YES_NO[c]), blank=True, blank_text=N_("Not known"),
        parent=parent,
    )  # fmt: skip


def to_flag(code: str | None) -> bool | None:
    return None if code is None else code == "yes"


def from_flag(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


class AgeSpin(QSpinBox):
    """An age in years, or "not known" (the minimum)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setRange(-1, MAX_AGE)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setSpecialValueText(_("Not known"))


class ProfileForm(SectionForm):
    section = Section.PROFILE
    attribute = "person"

    def __init__(self, level: Level, parent: QWidget | None = None):
        super().__init__(level, parent)
        p = "person."
        self.add_field(p + "full_name", N_("Full name"), QLineEdit(self))
        self.add_field(p + "aliases", N_("Other names"), QLineEdit(self))
        self.add_field(p + "sex", N_("Sex"), CodeCombo(Sex, parent=self))
        self.add_field(p + "date_of_birth", N_("Date of birth"), DateEdit(self))
        self.add_field(p + "age_at_intake", N_("Age at intake"), AgeSpin(self))
        self.add_field(p + "id_number", N_("Identity or passport number"), QLineEdit(self))
        self.add_field(p + "phone", N_("Phone"), QLineEdit(self))
        self.add_field(p + "address", N_("Address"), QLineEdit(self))
        self.add_field(p + "origin.country", N_("Country of origin"), NamePicker(COUNTRIES, self))
        self.add_field(p + "origin.division", N_("Place of origin"), NamePicker(DIVISIONS, self))
        self.add_field(p + "languages", N_("Languages"), ListPicker(LANGUAGES, self))
        self.add_field(p + "disability", N_("Disability"), yes_no_combo(self))
        self.field(p + "origin.division", NamePicker).changed.connect(self._division_means_china)
        self.field(p + "id_number", QLineEdit).textEdited.connect(
            lambda _t: self._check_id(fill=True)
        )
        self.field(p + "date_of_birth", DateEdit).line.textEdited.connect(
            lambda _t: self._check_id()
        )
        self.field(p + "sex", CodeCombo).activated.connect(lambda _i: self._check_id())
        self.fields[p + "age_at_intake"].setMaximumWidth(140)
        self.fields[p + "sex"].setMaximumWidth(220)
        self.fields[p + "disability"].setMaximumWidth(220)
        basic = {p + name for name in PROFILE_BASIC_FIELDS}
        for key in self.fields:
            self.set_field_visible(key, level >= Level.READ or key in basic)
        self.finish_setup()
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        super().retranslate_ui()
        p = "person."
        self.field(p + "aliases", QLineEdit).setPlaceholderText(_("Separate names with commas"))

    def _check_id(self, *, fill: bool = False) -> None:
        """Judge an 18-digit identity number as it is typed; fill an empty date of birth and
        sex from it, and say so when the form disagrees with it."""
        key = "person.id_number"
        text = self.field(key, QLineEdit).text().strip()
        reading = id_number.read(text, dt.date.today())
        if reading is None:
            partial = text.isdigit() and 6 <= len(text) < 18
            message = _("{n} of 18 digits").format(n=len(text)) if partial else ""
        elif reading.problem:
            message = f"{self.field_label(key)} {reading.problem}"
        else:
            message = self._agree_with_id(reading, fill)
        self.problem_label(key).say(message)

    def _agree_with_id(self, reading: id_number.IdReading, fill: bool) -> str:
        birth = self.field("person.date_of_birth", DateEdit)
        sex = self.field("person.sex", CodeCombo)
        assert reading.birth_date is not None and reading.sex is not None
        if fill and not birth.line.text().strip():
            set_value(birth, reading.birth_date.isoformat())
        if fill and sex.code() == Sex.UNKNOWN:
            sex.set_code(reading.sex)
        disagree = []
        if birth.line.text().strip() not in ("", reading.birth_date.isoformat()):
            disagree.append(_("born {date}").format(date=format_date(reading.birth_date)))
        if sex.code() not in (Sex.UNKNOWN, reading.sex):
            disagree.append(label(Sex, reading.sex))
        if not disagree:
            return ""
        return _("The identity number says {facts}: check it, or the fields above.").format(
            facts=_(", ").join(disagree)
        )

    def _division_means_china(self) -> None:
        """A place in China chosen with no country yet: the country is China."""
        country = self.field("person.origin.country", NamePicker)
        division = self.field("person.origin.division", NamePicker)
        if not country.text().strip() and division.input_problem() is None and division.text():
            country.set_form_value("CN")

    def from_case(self, case: Case) -> dict[str, Any]:
        person = case.person
        return {
            "person.full_name": person.full_name,
            "person.aliases": ", ".join(person.aliases),
            "person.sex": person.sex,
            "person.date_of_birth": iso(person.date_of_birth),
            "person.age_at_intake": person.age_at_intake,
            "person.id_number": person.id_number or "",
            "person.phone": person.phone or "",
            "person.address": person.address or "",
            "person.origin.country": person.origin.country or "",
            "person.origin.division": person.origin.division or "",
            "person.languages": ", ".join(person.languages),
            "person.disability": from_flag(person.disability),
        }

    def to_domain(self, state: dict[str, Any]) -> Person:
        country = blank_to_none(state["person.origin.country"])
        return Person(
            full_name=state["person.full_name"].strip(),
            aliases=split_list(state["person.aliases"]),
            sex=state["person.sex"],
            date_of_birth=parse_date(state["person.date_of_birth"]),
            age_at_intake=state["person.age_at_intake"],
            id_number=blank_to_none(state["person.id_number"]),
            phone=blank_to_none(state["person.phone"]),
            address=blank_to_none(state["person.address"]),
            origin=Origin(
                country.upper() if country else None,
                blank_to_none(state["person.origin.division"]),
            ),
            languages=split_list(state["person.languages"]),
            disability=to_flag(state["person.disability"]),
        )

    def store(self, services: Services, case_number: str, value: Person) -> Change:
        return services.cases.update_profile(case_number, value)


BASIC_ONLY = N_(
    "Your role sees only the basic profile: identity numbers, contact details and origin "
    "are not shown."
)


def build(level: Level, parent: QWidget | None = None) -> CaseTab:
    tab = CaseTab(Section.PROFILE, level, BASIC_ONLY if level == Level.LIST else "", parent)
    tab.add_form(ProfileForm(level, tab))
    return tab
