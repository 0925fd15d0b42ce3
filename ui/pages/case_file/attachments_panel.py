"""Attachments on the case file: a strip of scans and documents under each section a role
reads, and the person's photo on the profile.

Everything goes through `services.attachments`, which checks the section's rights and
audits. Images are shown inside the window. Anything shown by another program (a PDF, or an
image the person wants larger) is first written as a plain temporary copy, only after a
warning, through `app.viewer_files`, which deletes it when the case is closed in the window or
the vault locks. "Save a copy" warns as the case PDF does and is audited as an export.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QDir, QSize, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QIcon, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from app import access, viewer_files
from app.access import Level
from app.codes import Section
from app.errors import AftercareError
from app.fileio import atomic_write_bytes
from app.i18n import _, format_number
from app.services.attachments import Attachment

FILE_FILTER = "(*.jpg *.jpeg *.png *.pdf)"
PHOTO_FILTER = "(*.jpg *.jpeg *.png)"
PHOTO_PX = 128

# How a plain copy reaches the computer's viewer; tests put a recorder here instead of
# starting a real program.
open_with_system: Callable[[Path], object] = lambda path: QDesktopServices.openUrl(  # noqa: E731
    QUrl.fromLocalFile(str(path))
)


def _pixmap(data: bytes | None) -> QPixmap:
    pixmap = QPixmap()
    if data:
        pixmap.loadFromData(data)
    return pixmap


def _size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return _("{n} MB").format(n=format_number(round(size / 1024 / 1024, 1)))
    return _("{n} KB").format(n=format_number(max(1, round(size / 1024))))


def _choose_file(parent: QWidget, title: str, name_filter: str, object_name: str) -> Path | None:
    chooser = QFileDialog(parent, title, QDir.homePath())
    chooser.setObjectName(object_name)
    chooser.setOption(QFileDialog.Option.DontUseNativeDialog)  # no desktop "recent files"
    chooser.setFileMode(QFileDialog.FileMode.ExistingFile)
    chooser.setNameFilter(name_filter)
    if chooser.exec() != QDialog.DialogCode.Accepted or not chooser.selectedFiles():
        return None
    return Path(chooser.selectedFiles()[0])


def _read(parent: QWidget, path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError as error:
        QMessageBox.warning(
            parent,
            _("Aftercare"),
            _("Cannot read {file}: {reason}").format(file=path, reason=error.strerror),
        )
        return None


def _plain_copy_warning(parent: QWidget, object_name: str, text: str) -> bool:
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        _("Aftercare"),
        text,
        QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel,
        parent,
    )
    box.setObjectName(object_name)
    box.setInformativeText(
        _(
            "The copy is NOT encrypted: anyone who gets it can read it. Aftercare deletes a "
            "copy made for viewing when you close the case or the vault locks; a saved copy "
            "is yours to keep safe and delete."
        )
    )
    box.button(QMessageBox.StandardButton.Ok).setText(_("I understand, continue"))
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    return box.exec() == QMessageBox.StandardButton.Ok


class ImageDialog(QDialog):
    """An attached image, whole, inside the window."""

    def __init__(self, attachment: Attachment, data: bytes, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("attachment_view")
        self.setWindowTitle(attachment.title)
        self.image = QLabel(self, objectName="attachment_image")
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        pixmap = _pixmap(data)
        if pixmap.width() > 1000 or pixmap.height() > 700:
            pixmap = pixmap.scaled(
                1000,
                700,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        self.image.setPixmap(pixmap)
        area = QScrollArea(self)
        area.setWidget(self.image)
        area.setWidgetResizable(True)
        QVBoxLayout(self).addWidget(area)
        self.resize(min(pixmap.width() + 40, 1040), min(pixmap.height() + 40, 740))


class AttachmentActions:
    """What the panel and the photo box share: the services, the case, viewing outside."""

    def __init__(self, owner: QWidget, services: Callable[[], object], changed: Callable[[], None]):
        self.owner = owner
        self._services = services
        self.changed = changed
        self.number: str | None = None

    @property
    def attachments(self):
        return self._services().attachments

    def add(self, path: Path, **kwargs: object) -> Attachment | None:
        data = _read(self.owner, path)
        if data is None or self.number is None:
            return None
        try:
            added = self.attachments.add(self.number, data, source=path.name, **kwargs)
        except AftercareError as error:
            QMessageBox.warning(self.owner, _("Aftercare"), str(error))
            return None
        self.changed()
        return added

    def view(self, attachment_id: int) -> None:
        try:
            attachment, data = self.attachments.content(self.number, attachment_id)
        except AftercareError as error:
            QMessageBox.warning(self.owner, _("Aftercare"), str(error))
            return
        self.changed()
        if attachment.is_image:
            ImageDialog(attachment, data, self.owner).exec()
        else:
            self.open_outside(attachment_id)

    def open_outside(self, attachment_id: int) -> Path | None:
        """A plain temporary copy for another program, after a warning; None if declined."""
        if not _plain_copy_warning(
            self.owner,
            "viewer_warning",
            _("To show this file, Aftercare writes a temporary copy for another program."),
        ):
            return None
        try:
            attachment, data = self.attachments.export(self.number, attachment_id, purpose="viewer")
        except AftercareError as error:
            QMessageBox.warning(self.owner, _("Aftercare"), str(error))
            return None
        path = viewer_files.write(self.number or "", attachment.id, attachment.suffix, data)
        self.changed()
        open_with_system(path)
        return path

    def save_copy(self, attachment_id: int, attachment: Attachment) -> None:
        if not _plain_copy_warning(
            self.owner, "attachment_save_warning", _("Save a copy of this file outside the vault?")
        ):
            return
        chooser = QFileDialog(self.owner, _("Save a copy"), QDir.homePath())
        chooser.setObjectName("attachment_save_dialog")
        chooser.setOption(QFileDialog.Option.DontUseNativeDialog)
        chooser.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        chooser.selectFile(f"attachment-{attachment_id}{attachment.suffix}")
        if chooser.exec() != QDialog.DialogCode.Accepted or not chooser.selectedFiles():
            return
        try:
            _found, data = self.attachments.export(self.number, attachment_id)
            atomic_write_bytes(chooser.selectedFiles()[0], data)
        except (AftercareError, OSError) as error:
            QMessageBox.warning(self.owner, _("Aftercare"), str(error))
            return
        self.changed()

    def remove(self, attachment_id: int, title: str) -> bool:
        answer = QMessageBox.question(
            self.owner,
            _("Aftercare"),
            _("Remove “{title}” from the case? This cannot be undone.").format(title=title),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            self.attachments.remove(self.number, attachment_id)
        except AftercareError as error:
            QMessageBox.warning(self.owner, _("Aftercare"), str(error))
            return False
        self.changed()
        return True


class AttachmentsPanel(QWidget):
    """The attachments of one section: thumbnails, and what the role may do with them."""

    def __init__(
        self,
        section: str,
        level: Level,
        services: Callable[[], object],
        changed: Callable[[], None],
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.section = section
        self.writable = level >= Level.WRITE
        self.setObjectName(f"attachments_{section}")
        self.files = AttachmentActions(self, services, changed)
        self._shown: dict[int, Attachment] = {}
        self.heading = QLabel(self, objectName=f"attachments_heading_{section}")
        self.heading.setStyleSheet("font-weight: 600;")
        self.list = QListWidget(self, objectName=f"attachment_list_{section}")
        self.list.setViewMode(QListWidget.ViewMode.IconMode)
        self.list.setIconSize(QSize(56, 56))
        self.list.setGridSize(QSize(140, 92))
        self.list.setWrapping(False)
        self.list.setFlow(QListWidget.Flow.LeftToRight)
        self.list.setMovement(QListWidget.Movement.Static)
        self.list.setWordWrap(True)
        self.list.setFixedHeight(104)
        self.list.itemActivated.connect(lambda _item: self.view_selected())
        self.list.itemSelectionChanged.connect(self._update_buttons)

        def button(name: str, slot: Callable[[], object]) -> QPushButton:
            made = QPushButton(self, objectName=f"attachment_{name}_{section}")
            made.clicked.connect(lambda _checked=False: slot())
            return made

        self.add_button = button("add", self.choose_and_add)
        self.view_button = button("view", self.view_selected)
        self.outside_button = button("outside", self.open_selected_outside)
        self.save_button = button("save", self.save_selected)
        self.remove_button = button("remove", self.remove_selected)
        self.add_button.setVisible(self.writable)
        self.remove_button.setVisible(self.writable)
        row = QHBoxLayout()
        row.addWidget(self.heading)
        row.addStretch(1)
        for made in (
            self.add_button,
            self.view_button,
            self.outside_button,
            self.save_button,
            self.remove_button,
        ):
            row.addWidget(made)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(row)
        column.addWidget(self.list)
        self.retranslate_ui()
        self._update_buttons()

    def retranslate_ui(self) -> None:
        self.heading.setText(_("Scans and documents"))
        self.add_button.setText(_("Add a file..."))
        self.view_button.setText(_("View"))
        self.outside_button.setText(_("Open in another program..."))
        self.save_button.setText(_("Save a copy..."))
        self.remove_button.setText(_("Remove"))
        self.add_button.setToolTip(_("JPEG, PNG or PDF, at most 20 MB"))
        if self.files.number:
            self.refresh()

    def load(self, number: str) -> None:
        if self.files.number and self.files.number != number:
            viewer_files.remove_case(self.files.number)
        self.files.number = number
        self.refresh()

    def refresh(self) -> None:
        self.list.clear()
        self._shown = {}
        if not self.files.number:
            return
        found = [
            a
            for a in self.files.attachments.for_case(self.files.number)
            if a.section == self.section and not a.is_photo
        ]
        file_icon = self.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon)
        for attachment in found:
            thumbnail = (
                self.files.attachments.thumbnail(self.files.number, attachment.id)
                if attachment.is_image
                else None
            )
            icon = QIcon(_pixmap(thumbnail)) if thumbnail else file_icon
            item = QListWidgetItem(icon, attachment.title)
            item.setData(Qt.ItemDataRole.UserRole, attachment.id)
            item.setToolTip(
                _("{title}\n{kind}, {size}, added {when} by {who}").format(
                    title=attachment.title,
                    kind=attachment.kind.upper(),
                    size=_size_text(attachment.size),
                    when=attachment.added_on[:10],
                    who=attachment.added_by,
                )
            )
            self.list.addItem(item)
            self._shown[attachment.id] = attachment
        self._update_buttons()

    def titles(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def select(self, title: str) -> None:
        for i in range(self.list.count()):
            if self.list.item(i).text() == title:
                self.list.setCurrentRow(i)

    def selected(self) -> Attachment | None:
        item = self.list.currentItem()
        return self._shown.get(item.data(Qt.ItemDataRole.UserRole)) if item else None

    def _update_buttons(self) -> None:
        chosen = self.selected() is not None
        for made in (self.view_button, self.outside_button, self.save_button, self.remove_button):
            made.setEnabled(chosen)

    # --- actions --------------------------------------------------------------------------------

    def choose_and_add(self) -> None:
        path = _choose_file(
            self,
            _("Add a scan, a document or a photo"),
            _("Scans and documents") + " " + FILE_FILTER,
            "attachment_file_dialog",
        )
        if path is None:
            return
        title, ok = QInputDialog.getText(
            self, _("Add a file"), _("What is it? (e.g. signed consent form)"), text=path.stem
        )
        if ok:
            self.add_file(path, title)

    def add_file(self, path: Path, title: str) -> bool:
        added = self.files.add(path, title=title, section=self.section)
        self.refresh()
        return added is not None

    def view_selected(self) -> None:
        if (chosen := self.selected()) is not None:
            self.files.view(chosen.id)

    def open_selected_outside(self) -> None:
        if (chosen := self.selected()) is not None:
            self.files.open_outside(chosen.id)

    def save_selected(self) -> None:
        if (chosen := self.selected()) is not None:
            self.files.save_copy(chosen.id, chosen)

    def remove_selected(self) -> None:
        chosen = self.selected()
        if chosen is not None and self.files.remove(chosen.id, chosen.title):
            self.refresh()


class PhotoBox(QWidget):
    """The person's photo on the profile, for every role that sees the profile."""

    def __init__(
        self,
        level: Level,
        services: Callable[[], object],
        changed: Callable[[], None],
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("photo_box")
        self.writable = level >= Level.WRITE
        self.files = AttachmentActions(self, services, changed)
        self.photo_id: int | None = None
        self.picture = QLabel(self, objectName="photo_picture")
        self.picture.setFixedSize(PHOTO_PX, PHOTO_PX)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setStyleSheet("border: 1px solid #c4c7c5; color: #5f6368;")
        self.set_button = QPushButton(self, objectName="photo_set")
        self.set_button.clicked.connect(lambda _checked=False: self.choose_photo())
        self.set_button.setVisible(self.writable)
        column = QVBoxLayout(self)
        column.setContentsMargins(8, 0, 0, 0)
        column.addWidget(self.picture)
        column.addWidget(self.set_button)
        column.addStretch(1)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.set_button.setText(_("Choose a photo..."))
        if self.photo_id is None:
            self.picture.setText(_("No photo"))

    def load(self, number: str) -> None:
        self.files.number = number
        found = self.files.attachments.photo(number)
        self.photo_id = found[0].id if found else None
        if found is None:
            self.picture.setPixmap(QPixmap())
            self.picture.setText(_("No photo"))
            return
        pixmap = _pixmap(found[1]).scaled(
            PHOTO_PX,
            PHOTO_PX,
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
        self.picture.setPixmap(pixmap)

    def choose_photo(self) -> None:
        path = _choose_file(
            self,
            _("Choose a photo of the person"),
            _("Photos") + " " + PHOTO_FILTER,
            "photo_dialog",
        )
        if path is not None:
            self.set_photo(path)

    def set_photo(self, path: Path) -> bool:
        added = self.files.add(path, title=_("Photo"), section=Section.PROFILE, photo=True)
        if added is not None and self.files.number:
            self.load(self.files.number)
        return added is not None


def install(tabs: dict[str, QWidget], role: str, services, changed) -> None:
    """Give each tab whose section the role reads its attachments, and the profile its photo."""
    for section, tab in tabs.items():
        level = access.section_level(role, section)
        if section == Section.PROFILE and level >= access.attachment_level(
            section, photo=True, write=False
        ):
            tab.add_panel(PhotoBox(level, services, changed, tab), beside_form=True)  # type: ignore[attr-defined]
        if level >= access.attachment_level(section, photo=False, write=False):
            tab.add_panel(AttachmentsPanel(section, level, services, changed, tab))  # type: ignore[attr-defined]
