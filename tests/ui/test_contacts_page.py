"""The Contacts page over real vaults: add a card, verify it by its digits, save our own card."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox

from app.referrals import keys
from tests.referrals import conftest as referral_vaults
from tests.ui.referral_support import open_window, pick_file, when_modal
from ui.models.contacts_model import Column
from ui.pages.referrals.contact_dialogs import (
    AddContactDialog,
    OwnCardDialog,
    VerifyContactDialog,
)

# The vaults of tests/referrals (a shelter, a hospital, a stranger), as fixtures here too.
_templates = referral_vaults._templates
units = referral_vaults.units


def cell(page, row: int, column: Column) -> str:
    return page.model.data(page.model.index(row, column))


def names(page) -> list[str]:
    return [cell(page, row, Column.NAME) for row in range(page.model.rowCount())]


def test_add_a_contact_card_and_verify_it(qtbot, units, tmp_path, monkeypatch):
    stranger = units.referrals("stranger", "admin")
    card_file = tmp_path / "xiamen.accard"
    card_file.write_bytes(stranger.own_card("shelter"))
    fingerprint = stranger.own_fingerprint()

    window = open_window(qtbot, units, "shelter", "chen")  # a supervisor manages contacts
    page = window.show_page("contacts")
    assert names(page) == ["Hospital"]
    assert cell(page, 0, Column.VERIFIED) == "Verified"
    assert page.own_fingerprint.text() == units.referrals("shelter", "chen").own_fingerprint()

    seen = {}

    def add(dialog: AddContactDialog) -> None:
        seen["digits"] = dialog.findChild(QLabel, "card_fingerprint").text().split()
        seen["instruction"] = dialog.findChild(QLabel, "card_instruction").text()
        dialog.name_edit.setText("Xiamen")
        dialog.ok.click()

    pick_file(monkeypatch, card_file)
    when_modal(add, AddContactDialog)
    page.add_button.click()

    assert seen["digits"] == fingerprint.split()  # six groups of five, as read out
    assert "by phone" in seen["instruction"] and "only when they match" in seen["instruction"]
    assert names(page) == ["Hospital", "Xiamen"]
    assert cell(page, 1, Column.VERIFIED) == "Not verified"
    assert cell(page, 1, Column.FINGERPRINT) == fingerprint
    assert page.selected().name == "Xiamen" and page.verify_button.isEnabled()
    assert not units.referrals("shelter", "chen").contact("Xiamen").verified

    attempts = []

    def verify(dialog: VerifyContactDialog) -> None:
        wrong = "1" * 30 if fingerprint.replace(" ", "") != "1" * 30 else "2" * 30
        qtbot.keyClicks(dialog.digits_edit, wrong[:10])
        assert not dialog.ok.isEnabled()  # 10 of 30 digits
        dialog.digits_edit.setText(wrong)
        dialog.ok.click()
        attempts.append(dialog.problem.isVisible() and dialog.isVisible())
        dialog.digits_edit.setText(fingerprint.replace(" ", "-"))
        dialog.ok.click()

    when_modal(verify, VerifyContactDialog)
    page.verify_button.click()

    assert attempts == [True]  # the wrong digits were refused, the dialog stayed open
    assert units.referrals("shelter", "chen").contact("Xiamen").verified
    assert cell(page, 1, Column.VERIFIED) == "Verified"
    assert not page.verify_button.isEnabled()

    when_modal(lambda box: box.button(QMessageBox.StandardButton.Yes).click(), QMessageBox)
    page.remove_button.click()
    assert names(page) == ["Hospital"]


def test_save_my_contact_card(qtbot, units, tmp_path, monkeypatch):
    window = open_window(qtbot, units, "hospital", "admin")
    page = window.show_page("contacts")
    target = tmp_path / "card.accard"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))

    def save(dialog: OwnCardDialog) -> None:
        assert dialog.findChild(QLabel, "own_fingerprint").text().split() == (
            page.own_fingerprint.text().split()
        )
        dialog.role.setCurrentIndex(dialog.role.findData("health"))
        dialog.ok.click()

    when_modal(save, OwnCardDialog)
    page.card_button.click()
    card = keys.read_card(target.read_bytes())
    assert (card.role, card.unit_code) == ("health", "350100-H01")
    assert card.fingerprint == page.own_fingerprint.text()


def test_what_each_role_may_do_on_the_page(qtbot, units):
    caseworker = open_window(qtbot, units, "shelter", "wang").show_page("contacts")
    assert caseworker.isVisible() and names(caseworker) == ["Hospital"]
    assert not caseworker.add_button.isVisible() and not caseworker.remove_button.isVisible()
    assert caseworker.receive_button.isVisible()
    admin = open_window(qtbot, units, "stranger", "admin").show_page("contacts")
    assert admin.add_button.isVisible() and not admin.receive_button.isVisible()
    assert admin.model.headerData(Column.FINGERPRINT, Qt.Orientation.Horizontal) == "Fingerprint"
