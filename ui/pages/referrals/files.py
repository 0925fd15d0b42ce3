"""Where packages are written and read.

A package is written into a folder the person chooses (a USB stick, usually); the service
names the file `aftercare-<random>.acpkg`, so a name typed here can never say whom it is
about. Qt's own file dialog (DontUseNativeDialog) is used so that no desktop component keeps
a recent-files entry of it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QDir, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from app.errors import AftercareError
from app.i18n import _
from app.referrals import keys, package
from app.services.referrals import PackageWritten
from ui.runner import error_text


def choose_folder(parent: QWidget, title: str) -> Path | None:
    chosen = QFileDialog.getExistingDirectory(
        parent,
        title,
        QDir.homePath(),
        QFileDialog.Option.ShowDirsOnly | QFileDialog.Option.DontUseNativeDialog,
    )
    return Path(chosen) if chosen else None


def choose_package(parent: QWidget) -> Path | None:
    chosen, _filter = QFileDialog.getOpenFileName(
        parent,
        _("Receive a referral package"),
        QDir.homePath(),
        _("Referral packages (*{suffix})").format(suffix=package.SUFFIX),
        options=QFileDialog.Option.DontUseNativeDialog,
    )
    return Path(chosen) if chosen else None


def choose_card(parent: QWidget) -> Path | None:
    chosen, _filter = QFileDialog.getOpenFileName(
        parent,
        _("Add a contact card"),
        QDir.homePath(),
        _("Contact cards (*{suffix})").format(suffix=keys.CARD_SUFFIX),
        options=QFileDialog.Option.DontUseNativeDialog,
    )
    return Path(chosen) if chosen else None


def read_bytes(parent: QWidget, path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError as exc:
        show_error(
            parent,
            AftercareError(
                _("Cannot read {file}: {reason}").format(file=path.name, reason=exc.strerror)
            ),
        )
        return None


def write_package(
    parent: QWidget, title: str, work: Callable[[Path], PackageWritten]
) -> PackageWritten | None:
    """Ask for a folder, then run `work(folder)` (a service call that writes the package).

    None when the person cancelled or the service refused; a refusal is shown.
    """
    folder = choose_folder(parent, title)
    if folder is None:
        return None
    try:
        return work(folder)
    except AftercareError as error:
        show_error(parent, error)
        return None


def show_error(parent: QWidget, error: BaseException) -> None:
    QMessageBox.warning(parent, _("Aftercare"), error_text(error))


def show_note(parent: QWidget, title: str, text: str, object_name: str) -> QMessageBox:
    """A message that does not block: the person reads it and goes on."""
    box = QMessageBox(
        QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, parent
    )
    box.setObjectName(object_name)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def written_text(written: PackageWritten, recipient: str) -> str:
    return _(
        "Saved as {file} in {folder}.\n\nIt is encrypted to {recipient} only: nobody else can "
        "open it, not even this vault. Hand it over on a USB stick and delete it once it has "
        "been imported."
    ).format(file=written.path.name, folder=written.path.parent, recipient=recipient)
