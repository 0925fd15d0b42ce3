"""The Directory page over real vaults: add an organisation, print a resources sheet, merge a
signed file from another unit (previewed), and the read-only view of a role that may not edit."""

from __future__ import annotations

import io

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QLabel, QPlainTextEdit

from app.directory.model import Organisation
from tests.referrals import conftest as referral_vaults
from tests.ui.referral_support import open_window, pick_file, when_modal
from ui.pages.directory.dialogs import ImportPreviewDialog, OrganisationDialog, ResourcesSheetDialog

_templates = referral_vaults._templates
units = referral_vaults.units


def names(page) -> list[str]:
    return [page.model.entries[row].name for row in range(page.model.rowCount())]


def test_a_caseworker_adds_a_hospital_and_prints_a_sheet_for_a_girl_going_home(
    qtbot, units, tmp_path, monkeypatch
):
    window = open_window(qtbot, units, "shelter", "wang")
    page = window.show_page("directory")
    assert sorted(names(page)[:5]) == [
        "110 公安报警", "120 医疗急救", "12338 妇女维权公益服务热线",
        "12348 公共法律服务热线", "12355 青少年服务台",
    ]  # fmt: skip
    assert not page.export_button.isVisibleTo(page)  # sharing is for supervisors

    def fill(dialog: OrganisationDialog) -> None:
        dialog.name.setText("思明区妇幼保健院")
        dialog.kind.setCurrentIndex(dialog.kind.findData("appointed_medical"))
        for row in range(dialog.services.count()):
            item = dialog.services.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == "medical_care":
                item.setCheckState(Qt.CheckState.Checked)
        dialog.division.set_form_value("350203")
        dialog.phones.setText("0592-1234567, 0592-7654321")
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()

    when_modal(fill, OrganisationDialog)
    page.add_button.click()
    added = page.selected()
    assert added is not None and added.name == "思明区妇幼保健院"
    assert added.phones == ("0592-1234567", "0592-7654321") and added.division == "350203"

    # The national hotlines cannot be edited: selecting one disables Edit and Remove.
    page.table.selectRow(0)
    assert not page.edit_button.isEnabled() and not page.remove_button.isEnabled()

    sheet = tmp_path / "sheet.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(sheet), ""))

    def going_home(dialog: ResourcesSheetDialog) -> None:
        dialog.division.set_form_value("350203")
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    when_modal(going_home, ResourcesSheetDialog)
    page.sheet_button.click()
    text = PdfReader(io.BytesIO(sheet.read_bytes())).pages[0].extract_text()
    assert "思明区妇幼保健院" in text and "12338" in text


def test_a_supervisor_merges_a_signed_file_after_seeing_the_changes(
    qtbot, units, tmp_path, monkeypatch
):
    hospital = units.services("hospital", "admin").directory
    hospital.add(
        Organisation(name="福州市法律援助中心", kind="legal_aid_centre", division="350100")
    )
    path = tmp_path / "province.json"
    hospital.export_file(path)

    window = open_window(qtbot, units, "shelter", "chen")
    page = window.show_page("directory")
    assert page.import_button.isVisibleTo(page)
    seen = {}

    def merge(dialog: ImportPreviewDialog) -> None:
        seen["signer"] = dialog.findChild(QLabel, "directory_import_signer").text()
        seen["lines"] = dialog.findChild(QPlainTextEdit, "directory_import_changes").toPlainText()
        dialog.findChild(QDialogButtonBox).buttons()[0].click()

    pick_file(monkeypatch, path)
    when_modal(merge, ImportPreviewDialog)
    page.import_button.click()
    assert "Hospital" in seen["signer"]  # the contact whose key signed it
    assert "New: 福州市法律援助中心" in seen["lines"]
    assert "福州市法律援助中心" in names(page)


def test_health_staff_keep_the_directory_but_do_not_share_it(qtbot, units):
    window = open_window(qtbot, units, "hospital", "li")
    page = window.show_page("directory")
    assert page.add_button.isVisibleTo(page)
    assert not page.import_button.isVisibleTo(page) and not page.export_button.isVisibleTo(page)


def test_a_case_is_referred_by_letter_to_a_legal_aid_centre_without_a_vault(
    qtbot, units, tmp_path, monkeypatch
):
    from app.codes import Section
    from tests.referrals.conftest import CONSENTED, SENTINEL_NAME
    from ui.pages.referrals.refer_dialog import ReferDialog

    centre = units.services("shelter", "wang").directory.add(
        Organisation(name="思明区法律援助中心", kind="legal_aid_centre", division="350203")
    )
    window = open_window(qtbot, units, "shelter", "wang")
    page = window.show_page("case_file", CONSENTED)
    page.referral_actions.refer_button.click()
    dialog = page.referral_actions.dialog
    assert isinstance(dialog, ReferDialog)
    combo = dialog.contact_combo
    letters = [i for i in range(combo.count()) if isinstance(combo.itemData(i), tuple)]
    assert [combo.itemText(i) for i in letters] == ["思明区法律援助中心 · by letter"]
    combo.setCurrentIndex(letters[0])
    dialog.section_boxes[Section.PROFILE].setChecked(True)
    assert not dialog.fingerprint.isVisible()
    assert "letter on paper" in dialog.encryption_note.text()
    letter = tmp_path / "letter.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(letter), ""))
    dialog.save_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(letter.read_bytes())).pages)
    assert centre.name in text and SENTINEL_NAME in text
    case = units.services("shelter", "wang").cases.open_case(CONSENTED)
    assert case.referrals[-1].organisation == centre.name


def test_the_case_file_prints_a_resources_sheet_for_where_she_goes(
    qtbot, units, tmp_path, monkeypatch
):
    from tests.referrals.conftest import CONSENTED, SENTINEL_NAME

    units.services("shelter", "wang").directory.add(
        Organisation(name="思明区妇联", kind="womens_federation", division="350203")
    )
    window = open_window(qtbot, units, "shelter", "wang")
    page = window.show_page("case_file", CONSENTED)
    sheet = tmp_path / "sheet.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(sheet), ""))

    def going_to_xiamen(dialog: ResourcesSheetDialog) -> None:
        dialog.division.set_form_value("350203")
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    when_modal(going_to_xiamen, ResourcesSheetDialog)
    page.referral_actions.sheet_button.click()
    text = PdfReader(io.BytesIO(sheet.read_bytes())).pages[0].extract_text()
    assert "思明区妇联" in text and SENTINEL_NAME not in text and CONSENTED not in text


def test_recording_a_service_offers_the_directorys_school_as_provider(qtbot, units):
    from tests.referrals.conftest import CONSENTED
    from ui.pages.case_file.service_dialog import ServiceDialog

    units.services("shelter", "wang").directory.add(
        Organisation(
            name="厦门市职业技术学校", kind="school", services=("schooling", "vocational_training")
        )
    )
    window = open_window(qtbot, units, "shelter", "wang")
    page = window.show_page("case_file", CONSENTED)
    services = next(
        entries
        for tab in page.case_tabs.values()
        for entries in tab.lists
        if entries.spec.kind == "service"
    )
    dialog = page.case_actions.make_dialog(services, None)
    assert isinstance(dialog, ServiceDialog)
    kind = dialog.form.fields["kind"]
    kind.setCurrentIndex(kind.findData("vocational_training"))
    assert kind.code() == "vocational_training"
    provider = dialog.form.fields["provider"]
    offered = provider.completer().model().stringList()
    # Those offering the kind first (the school), then the rest, hotlines included.
    assert offered[0] == "厦门市职业技术学校" and "12348 公共法律服务热线" in offered[1:]
    provider.setText("厦门市职业技术学校")
    assert dialog.try_save()
    saved = units.services("shelter", "wang").cases.open_case(CONSENTED).services
    assert any(
        s.kind == "vocational_training" and s.provider == "厦门市职业技术学校" for s in saved
    )
