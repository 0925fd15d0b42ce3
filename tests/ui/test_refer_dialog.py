"""Refer..., Receive package... and the conflict choice in the window, between real vaults."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton, QTextBrowser

from app.codes import Section
from tests.referrals import conftest as referral_vaults
from tests.referrals.conftest import CONSENTED, NO_CONSENT, SENTINEL_NAME, audit_actions
from tests.ui.referral_support import only_file, open_window, pick_file, pick_folder, when_modal
from ui.pages.referrals.conflict_dialog import ConflictDialog
from ui.pages.referrals.packages_dialog import PackagesDialog
from ui.pages.referrals.receive import ReceivedDialog
from ui.pages.referrals.refer_dialog import ReferDialog

# The vaults of tests/referrals (a shelter, a hospital, a stranger), as fixtures here too.
_templates = referral_vaults._templates
units = referral_vaults.units


def refer_dialog(window, number: str) -> ReferDialog:
    page = window.show_page("case_file", number)
    assert page.number == number
    page.referral_actions.refer_button.click()
    dialog = page.referral_actions.dialog
    assert isinstance(dialog, ReferDialog) and dialog.isVisible()
    return dialog


def contact_names(dialog: ReferDialog) -> list[str]:
    combo = dialog.contact_combo
    return [combo.itemData(i) for i in range(combo.count())]


def test_only_verified_contacts_and_sendable_sections(qtbot, units):
    stranger_card = units.referrals("stranger", "admin").own_card("ngo")
    units.referrals("shelter", "admin").add_contact(stranger_card, name="Xiamen")  # unverified
    window = open_window(qtbot, units, "shelter", "wang")
    dialog = refer_dialog(window, CONSENTED)

    assert contact_names(dialog) == ["Hospital"]
    assert dialog.contact_note.isVisible() and "(1)" in dialog.contact_note.text()
    hospital = units.referrals("shelter", "wang").contact("Hospital")
    assert hospital.fingerprint in dialog.fingerprint.text()
    sendable = units.referrals("shelter", "wang").sendable_sections()
    assert list(dialog.section_boxes) == sendable
    assert Section.MEDICAL not in sendable and Section.LEGAL not in sendable  # a caseworker
    assert "consent is recorded" in dialog.findChild(QLabel, "refer_consent").text()
    assert not dialog.reason_edit.isVisible()
    assert not dialog.save_button.isEnabled()
    assert dialog.blocked.text() == "Choose at least one section."
    dialog.section_boxes[Section.CONSENT].setChecked(True)
    assert dialog.save_button.isEnabled() and not dialog.blocked.isVisible()
    assert "encrypted to Hospital only" in dialog.encryption_note.text()


def test_no_contact_verified_means_nothing_can_be_chosen(qtbot, units):
    units.referrals("shelter", "admin").remove_contact("Hospital")
    window = open_window(qtbot, units, "shelter", "wang")
    dialog = refer_dialog(window, CONSENTED)
    assert contact_names(dialog) == [] and not dialog.contact_combo.isEnabled()
    dialog.section_boxes[Section.PROFILE].setChecked(True)
    assert not dialog.save_button.isEnabled()
    assert dialog.blocked.text() == "Choose a verified contact."


def test_without_consent_only_a_supervisor_with_a_reason(qtbot, units, monkeypatch):
    caseworker = open_window(qtbot, units, "shelter", "wang")
    dialog = refer_dialog(caseworker, NO_CONSENT)
    dialog.section_boxes[Section.PROFILE].setChecked(True)
    assert "no referral consent" in dialog.findChild(QLabel, "refer_consent").text()
    assert not dialog.reason_edit.isVisible() and not dialog.save_button.isEnabled()
    assert dialog.blocked.text() == "It cannot be sent without the referral consent."
    dialog.reject()

    supervisor = open_window(qtbot, units, "shelter", "chen")
    dialog = refer_dialog(supervisor, NO_CONSENT)
    dialog.section_boxes[Section.PROFILE].setChecked(True)
    assert dialog.reason_edit.isVisible() and not dialog.save_button.isEnabled()
    dialog.reason_edit.setPlainText("Urgent medical care; she cannot sign today.")
    assert dialog.save_button.isEnabled()
    pick_folder(monkeypatch, units.outbox)
    dialog.save_button.click()

    assert not dialog.isVisible() and dialog.written is not None
    assert only_file(units.outbox) == dialog.written.path
    overrides = [
        d
        for a, d in audit_actions(units.opened("shelter", "chen"))
        if a == "referral_consent_overridden"
    ]
    assert overrides[-1]["reason"] == "Urgent medical care; she cannot sign today."
    note = supervisor.page("case_file").findChild(QMessageBox, "package_written")
    assert note is not None and "encrypted to Hospital only" in note.text()


def test_a_package_from_the_dialog_is_received_through_the_window(qtbot, units, monkeypatch):
    shelter = open_window(qtbot, units, "shelter", "wang")
    dialog = refer_dialog(shelter, CONSENTED)
    for section in (Section.PROFILE, Section.CONSENT, Section.CARE_PLAN):
        dialog.section_boxes[section].setChecked(True)
    pick_folder(monkeypatch, units.outbox)
    dialog.save_button.click()
    package = only_file(units.outbox)
    assert SENTINEL_NAME.encode() not in package.read_bytes()
    case_page = shelter.page("case_file")
    assert case_page.case.referrals[-1].status == "pending"  # the page reloaded the case
    assert case_page.case.referrals[-1].organisation == "Hospital"

    hospital = open_window(qtbot, units, "hospital", "li")
    contacts = hospital.show_page("contacts")
    pick_file(monkeypatch, package)
    contacts.receive_button.click()
    hospital.runner.wait_for_idle()
    received = contacts.findChild(ReceivedDialog, "received_dialog")
    assert received is not None and received.isVisible()
    text = received.findChild(QLabel, "received_text").text()
    assert "Fuzhou Shelter" not in text and "Shelter (350100-S01)" in text
    (record,) = units.referrals("hospital", "li").records()
    assert record.case_number in text and "Care plan" in text
    received.open_button.click()
    assert hospital.page_stack.currentWidget() is hospital.page("case_file")
    assert hospital.page("case_file").number == record.case_number
    case = units.services("hospital", "wang").cases.open_case(record.case_number)
    assert case.person.full_name == SENTINEL_NAME


def test_a_conflicting_reply_is_shown_side_by_side_and_the_choice_applied(
    qtbot, units, monkeypatch
):
    shelter_ref = units.referrals("shelter", "wang")
    sent = shelter_ref.send(CONSENTED, "Hospital", ["care_plan"], units.outbox)
    number = units.referrals("hospital", "wang").receive(sent.path.read_bytes()).case_number
    sent.path.unlink()

    def change_shelter_care(unit: str, case_number: str, status: str, notes: str) -> None:
        cases = units.services(unit, "wang").cases
        service = next(s for s in cases.open_case(case_number).services if s.kind == "shelter_care")
        service.status, service.notes = status, notes
        if status == "completed":
            service.ended_on = dt.date(2026, 11, 27)
        cases.save_service(case_number, service)

    change_shelter_care("hospital", number, "completed", "Moved to the hospital ward")
    change_shelter_care("shelter", CONSENTED, "ongoing", "Room changed")

    # The hospital's caseworker replies from the case's Referral packages.
    hospital = open_window(qtbot, units, "hospital", "wang")
    page = hospital.show_page("case_file", number)
    page.referral_actions.packages_button.click()
    packages = page.referral_actions.dialog
    assert isinstance(packages, PackagesDialog) and packages.records[0].direction == "received"
    assert packages.reply_button.isEnabled() and not packages.withdraw_button.isVisible()
    pick_folder(monkeypatch, units.outbox)
    when_modal(lambda box: box.findChild(QPushButton, "reply_accepted").click(), QMessageBox)
    packages.reply_button.click()
    reply = only_file(units.outbox)
    assert packages.records[0].state == "replied"

    # The shelter receives it: both versions side by side, nothing overwritten yet.
    shelter = open_window(qtbot, units, "shelter", "wang")
    contacts = shelter.show_page("contacts")
    pick_file(monkeypatch, reply)
    contacts.receive_button.click()
    shelter.runner.wait_for_idle()
    dialog = contacts.findChild(ConflictDialog, "conflict_dialog")
    assert dialog is not None and dialog.isVisible()
    (conflict,) = dialog.conflicts
    mine = dialog.findChild(QTextBrowser, f"conflict_{conflict.id}_mine").toPlainText()
    theirs = dialog.findChild(QTextBrowser, f"conflict_{conflict.id}_theirs").toPlainText()
    assert "Room changed" in mine and "Moved to the hospital ward" not in mine
    assert "Moved to the hospital ward" in theirs
    diff = dialog.findChild(QLabel, f"conflict_{conflict.id}_diff").text()
    assert "notes: Room changed" in diff and "Moved to the hospital ward" in diff
    ours = units.services("shelter", "wang").cases.open_case(CONSENTED)
    assert [s.notes for s in ours.services] == ["Room changed"]
    assert not dialog.ok.isEnabled()  # a choice is needed first

    dialog.choose(conflict.id, "theirs")
    dialog.ok.click()
    assert not dialog.isVisible()
    taken = units.services("shelter", "wang").cases.open_case(CONSENTED)
    assert [(s.status, s.notes) for s in taken.services] == [
        ("completed", "Moved to the hospital ward")
    ]
    assert units.referrals("shelter", "wang").conflicts() == []
    assert shelter.page("case_file").number == CONSENTED  # the case was opened
    assert not contacts.conflicts_line.isVisible()


def test_the_dialog_says_which_notes_travel_with_the_notes_section(qtbot, units):
    window = open_window(qtbot, units, "shelter", "wang")
    dialog = refer_dialog(window, CONSENTED)
    dialog.section_boxes[Section.PROFILE].setChecked(True)
    assert not dialog.notes_note.isVisible()
    dialog.section_boxes[Section.NOTES].setChecked(True)
    note = dialog.notes_note.text()
    assert dialog.notes_note.isVisible() and "Intake" in note and "Profile" not in note
    assert "go with the Notes section" in note


def test_a_second_referral_to_the_same_contact_is_asked_about_first(qtbot, units, monkeypatch):
    first = units.referrals("shelter", "wang").send(
        CONSENTED, "Hospital", ["profile"], units.outbox
    )
    window = open_window(qtbot, units, "shelter", "wang")
    dialog = refer_dialog(window, CONSENTED)
    assert dialog.duplicate_note.isVisible()
    assert first.referral_id[:8] in dialog.duplicate_note.text()
    dialog.section_boxes[Section.PROFILE].setChecked(True)
    pick_folder(monkeypatch, units.outbox)
    when_modal(lambda box: box.reject(), QMessageBox)
    dialog.save_button.click()
    assert dialog.isVisible() and dialog.written is None  # cancelled: nothing sent
    when_modal(lambda box: box.button(QMessageBox.StandardButton.Yes).click(), QMessageBox)
    dialog.save_button.click()
    assert dialog.written is not None and dialog.written.referral_id != first.referral_id
    assert len(units.referrals("shelter", "wang").waiting_referrals(CONSENTED, "Hospital")) == 2
