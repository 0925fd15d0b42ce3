"""The profile in the window: places, countries and languages picked by name and stored by
code; an identity number read as it is typed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from app.domain import id_number
from tests.ui import test_case_file as case_file
from tests.ui.test_case_file import find, open_case

# The case-file tests' demo vault and window, shared rather than made again.
_demo_template = case_file._demo_template
demo_window = case_file.demo_window


def type_into(qtbot, field: QLineEdit, text: str) -> None:
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, text)


def choose_first(qtbot, picker) -> None:
    popup = picker.completer_.popup()
    assert popup.isVisible()
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)


def test_place_country_and_languages_are_picked_by_name_and_stored_as_codes(qtbot, demo_window):
    page, number = open_case(qtbot, demo_window, "caseworker")
    profile = page.case_tabs["profile"]
    country = find(profile, QWidget, "field_person.origin.country")
    division = find(profile, QWidget, "field_person.origin.division")
    languages = find(profile, QWidget, "field_person.languages")

    country.clear()
    type_into(qtbot, division, "xiamen")
    choose_first(qtbot, division)
    assert division.text() == "Xiamen, Fujian"
    assert country.text() == "China"  # a place in China means China

    type_into(qtbot, languages, "Cant")
    choose_first(qtbot, languages)
    qtbot.keyClicks(languages, "minnan")
    choose_first(qtbot, languages)
    assert languages.text() == "Cantonese, Min Nan Chinese, "

    assert page.save_all()
    stored = page.ctx.services.cases.open_case(number).person
    assert (stored.origin.country, stored.origin.division) == ("CN", "350200")
    assert stored.languages == ["yue", "nan"]


def test_a_name_that_is_not_in_the_list_is_said_before_saving(qtbot, demo_window):
    page, number = open_case(qtbot, demo_window, "caseworker")
    profile = page.case_tabs["profile"]
    before = page.ctx.services.cases.open_case(number).person.origin
    type_into(qtbot, find(profile, QWidget, "field_person.origin.division"), "Atlantis")
    assert not page.save_all()
    problem = find(profile, QLabel, "problem_person.origin.division")
    assert "“Atlantis” is not in the list" in problem.text()
    assert page.ctx.services.cases.open_case(number).person.origin == before


def test_an_identity_number_fills_birth_date_and_sex_and_warns_when_they_disagree(
    qtbot, demo_window
):
    page, _number = open_case(qtbot, demo_window, "caseworker")
    profile = page.case_tabs["profile"]
    born = find(profile, QWidget, "field_person.date_of_birth")
    sex = find(profile, QWidget, "field_person.sex")
    field = find(profile, QLineEdit, "field_person.id_number")
    problem = find(profile, QLabel, "problem_person.id_number")
    born.line.clear()
    sex.set_code("unknown")

    first17 = "35020320080307002"
    type_into(qtbot, field, first17[:10])
    assert problem.text() == "10 of 18 digits"
    wrong = "1" if id_number.check_character(first17) != "1" else "2"
    qtbot.keyClicks(field, first17[10:] + wrong)
    assert "does not add up" in problem.text() and born.line.text() == ""

    qtbot.keyClick(field, Qt.Key.Key_Backspace)
    qtbot.keyClicks(field, id_number.check_character(first17))
    assert born.line.text() == "2008-03-07" and sex.code() == "female"
    assert problem.isHidden()

    sex.set_code("male")
    sex.activated.emit(sex.currentIndex())
    assert "The identity number says Female" in problem.text()
