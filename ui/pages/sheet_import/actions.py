"""The case list's spreadsheet buttons: "Import spreadsheet..." and "Export for partners (HTCDS)...".

Each shows only for a role that may do it (`Action.IMPORT_CASES`, `Action.EXPORT_IDENTIFIABLE`).
The export writes the cases whose person consented to data sharing into IOM's HTCDS 2.0
template: an ordinary, unencrypted Excel file with names in it, so the person is told so
before choosing where it goes, and told afterwards how many cases were left out.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QMessageBox, QPushButton, QWidget

from app import access
from app.access import Action
from app.context import AppContext
from app.errors import AftercareError
from app.fileio import atomic_write_bytes
from app.i18n import _, format_number, ngettext
from app.services.sheet_export import SheetExport
from ui.pages.sheet_import.wizard import SheetImportWizard
from ui.runner import AUDIT, Runner


def export_warning() -> str:
    return _(
        "The HTCDS file is NOT encrypted. It holds identifiable data (names, dates of birth, "
        "phone numbers, addresses) of every case whose survivor consented to data sharing; "
        "cases without that consent are left out.\n\n"
        "Save it only on an encrypted drive, send it only to the partner named in the "
        "consent, and delete it once it has been sent."
    )


class SheetActions(QWidget):
    status = Signal(str)

    def __init__(self, ctx: AppContext, runner: Runner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("sheet_actions")
        self.ctx = ctx
        self.runner = runner
        role = ctx.vault.user.role
        self.wizard: SheetImportWizard | None = None
        self.import_button = QPushButton(self, objectName="cases_import_sheet")
        self.import_button.setVisible(access.allowed(role, Action.IMPORT_CASES))
        self.import_button.clicked.connect(self.open_import)
        self.export_button = QPushButton(self, objectName="cases_export_htcds")
        self.export_button.setVisible(access.allowed(role, Action.EXPORT_IDENTIFIABLE))
        self.export_button.clicked.connect(self.export_for_partners)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.import_button)
        row.addWidget(self.export_button)
        self.setVisible(
            access.allowed(role, Action.IMPORT_CASES)
            or access.allowed(role, Action.EXPORT_IDENTIFIABLE)
        )
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.import_button.setText(_("Import spreadsheet..."))
        self.export_button.setText(_("Export for partners (HTCDS)..."))
        if self.wizard is not None:
            self.wizard.retranslate_ui()

    # --- import ------------------------------------------------------------------------------

    def open_import(self) -> SheetImportWizard:
        """Show the wizard (window-modal, not blocking) and return it."""
        wizard = SheetImportWizard(self.ctx, self.runner, self.window())
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.setWindowModality(Qt.WindowModality.WindowModal)
        wizard.destroyed.connect(self._wizard_gone)
        self.wizard = wizard
        wizard.open()
        return wizard

    def _wizard_gone(self) -> None:
        self.wizard = None

    # --- export ------------------------------------------------------------------------------

    def export_for_partners(self) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            _("Export for partners (HTCDS)"),
            export_warning(),
            QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("htcds_export_warning")
        choose = box.addButton(_("Choose where to save..."), QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is not choose:
            return
        name = f"htcds-{self.ctx.today().isoformat()}.xlsx"
        path, _filter = QFileDialog.getSaveFileName(
            self,
            _("Save the HTCDS file"),
            str(Path.home() / name),
            _("Excel workbooks (*.xlsx)"),
            options=QFileDialog.Option.DontUseNativeDialog,
        )
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        """Export on the Runner to `path`, then say how many were written and left out."""
        path = path if path.suffix.lower() == ".xlsx" else path.with_name(path.name + ".xlsx")
        opened, today = self.ctx.vault, self.ctx.today

        def work() -> tuple[int, int]:
            result = SheetExport(opened, today=today).export_htcds()
            try:
                atomic_write_bytes(path, result.data)
            except OSError as exc:
                raise AftercareError(
                    _("Cannot write {file}: {reason}").format(file=path.name, reason=exc.strerror)
                ) from None
            return result.exported, result.left_out

        self.runner.run(
            work,
            parent=self.window(),
            label=_("Writing the HTCDS file..."),
            on_success=lambda counts: self._exported(path, *counts),
            changes=[AUDIT],
        )

    def _exported(self, path: Path, exported: int, left_out: int) -> None:
        text = ngettext(
            "{n} case written to {file}.",
            "{n} cases written to {file}.",
            exported,
        ).format(n=format_number(exported), file=path)
        if left_out:
            text += "\n" + ngettext(
                "{n} case left out: no standing consent to data sharing.",
                "{n} cases left out: no standing consent to data sharing.",
                left_out,
            ).format(n=format_number(left_out))
        text += "\n\n" + _("The file is not encrypted; keep it safe and delete it once sent.")
        box = QMessageBox(
            QMessageBox.Icon.Information,
            _("Export for partners (HTCDS)"),
            text,
            QMessageBox.StandardButton.Ok,
            self.window(),
        )
        box.setObjectName("htcds_export_done")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.status.emit(
            ngettext(
                "{n} case written to {file}.", "{n} cases written to {file}.", exported
            ).format(n=format_number(exported), file=path.name)
        )
