"""Attachments and the photo in the window: added from files, shown by section rights,
viewed inside, handed to an outside viewer only after a warning and deleted on lock."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QLabel, QMessageBox

from app import audit, viewer_files
from tests import attachment_files as files
from tests.ui import test_case_file as case_file
from tests.ui.support import sign_in
from tests.ui.test_case_file import ROLES, answer, find, open_case, when_modal
from ui.pages.case_file import attachments_panel

_demo_template = case_file._demo_template
demo_window = case_file.demo_window


def test_a_photo_and_scans_are_added_and_each_section_shows_its_own(qtbot, demo_window, tmp_path):
    page, number = open_case(qtbot, demo_window, "caseworker")
    photo_file, consent_file = tmp_path / "me.jpg", tmp_path / "consent.pdf"
    photo_file.write_bytes(files.jpeg())
    consent_file.write_bytes(files.pdf())

    box = find(page.case_tabs["profile"], QLabel, "photo_picture").parent()
    demo_photo = box.photo_id  # the demo gives the girls open longest a drawn photo
    assert demo_photo is not None and not box.picture.pixmap().isNull()

    def choose(path):
        def act(dialog: QFileDialog) -> None:
            assert dialog.testOption(QFileDialog.Option.DontUseNativeDialog)
            dialog.selectFile(str(path))
            dialog.accept()

        return act

    when_modal(choose(photo_file), kind=QFileDialog)
    box.set_button.click()
    assert box.photo_id not in (None, demo_photo) and not box.picture.pixmap().isNull()

    consent = page.case_tabs["consent"].panels[0]

    def title(dialog: QInputDialog) -> None:
        assert dialog.textValue() == "consent"  # the file's name, to be replaced
        dialog.setTextValue("Signed consent 2026")
        dialog.accept()

    def chosen_then_title(dialog: QFileDialog) -> None:
        when_modal(title, kind=QInputDialog)  # asked once the file is chosen
        choose(consent_file)(dialog)

    when_modal(chosen_then_title, kind=QFileDialog)
    consent.add_button.click()
    assert consent.titles()[-1] == "Signed consent 2026"

    # Health staff see the photo with the profile and read the consents, but not the
    # profile's scans (LIST on the profile).
    profile_scan = tmp_path / "id.png"
    profile_scan.write_bytes(files.png())
    assert page.case_tabs["profile"].panels[1].add_file(profile_scan, "ID card")
    assert demo_window.lock()
    sign_in(qtbot, demo_window, ROLES["health"])
    page = demo_window.show_page("case_file", number)
    assert page.case_tabs["profile"].panels[0].photo_id == box.photo_id
    assert len(page.case_tabs["profile"].panels) == 1  # LIST on the profile: no scans strip
    assert page.case_tabs["consent"].panels[0].titles()[-1] == "Signed consent 2026"
    assert not page.case_tabs["consent"].panels[0].add_button.isVisibleTo(page)


def test_a_refused_file_says_why_and_nothing_is_added(qtbot, demo_window, tmp_path):
    page, _number = open_case(qtbot, demo_window, "caseworker")
    odd = tmp_path / "notes.zip"
    odd.write_bytes(files.zip_file())
    seen = {}

    def read(box: QMessageBox) -> None:
        seen["text"] = box.text()
        box.accept()

    when_modal(read, kind=QMessageBox)
    assert not page.case_tabs["notes"].panels[0].add_file(odd, "Notes")
    assert "notes.zip is not a JPEG, PNG or PDF file" in seen["text"]
    assert page.case_tabs["notes"].panels[0].titles() == []


def test_viewing_inside_and_outside_is_audited_and_the_copy_goes_at_lock(
    qtbot, demo_window, tmp_path, monkeypatch
):
    page, number = open_case(qtbot, demo_window, "caseworker")
    scan = tmp_path / "scan.png"
    scan.write_bytes(files.png())
    panel = page.case_tabs["intake"].panels[0]
    assert panel.add_file(scan, "Police record")
    panel.select("Police record")

    shown = {}

    def look(dialog: QDialog) -> None:
        shown["name"] = dialog.objectName()
        shown["size"] = dialog.findChild(QLabel, "attachment_image").pixmap().size().toTuple()
        dialog.accept()

    when_modal(look)
    panel.view_button.click()
    assert shown == {"name": "attachment_view", "size": (640, 480)}

    handed: list = []
    monkeypatch.setattr(attachments_panel, "open_with_system", handed.append)
    when_modal(answer(QMessageBox.StandardButton.Cancel, "viewer_warning"), kind=QMessageBox)
    panel.outside_button.click()
    assert handed == [] and viewer_files.written() == []  # declined: nothing written

    when_modal(answer(QMessageBox.StandardButton.Ok, "viewer_warning"), kind=QMessageBox)
    panel.outside_button.click()
    [path] = handed
    assert path.read_bytes() == scan.read_bytes() and "Police" not in path.name
    actions = [e.action for e in audit.entries(demo_window.ctx.opened.conn, case_number=number)]
    assert "attachment_viewed" in actions and "attachment_exported" in actions

    demo_window.lock(True)
    assert not path.exists() and not viewer_files.folder().exists()
